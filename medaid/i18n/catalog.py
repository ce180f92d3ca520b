"""Translated messages: gettext catalogues (``medaid/locale``) with the language passed explicitly.

The message ids are the English texts, with ``{name}`` placeholders filled by :meth:`str.format` *after*
translation. Use::

    from medaid.i18n.catalog import _

    typer.echo(_("{n} cases: {passed} passed, {failed} failed", lang).format(n=3, passed=3, failed=0))

``N_`` marks a text for extraction where it is defined (a table of labels) and ``_`` translates it where
it is shown. ``pybabel extract`` finds both (see ``docs/i18n.md``); a test fails when a message has no
translation or a translation's placeholders differ. The catalogues are read with the standard library's
:mod:`gettext` (compiled ``.mo`` files shipped in the wheel), so translating costs no babel import.

>>> _("Claims", "zh"), _("Claims", "en")
('结算明细', 'Claims')
"""

from __future__ import annotations

import functools
import gettext as _gettext
from pathlib import Path
from typing import Any

__all__ = ["DOMAIN", "LOCALE_DIR", "gettext", "ngettext", "translated", "translations", "_", "N_"]

DOMAIN = "medaid"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
_CATALOGUES = {"zh": "zh_CN", "en": "en"}


@functools.cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalogue of ``lang`` (zh or en); an unknown language or a missing catalogue gives the English ids."""
    locale = _CATALOGUES.get(lang)
    if locale is None:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[locale], fallback=True)


def gettext(message: str, lang: str) -> str:
    """``message`` (its English text) in ``lang``."""
    return translations(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    """The singular or plural form for ``n`` in ``lang`` (Chinese has one form)."""
    return translations(lang).ngettext(singular, plural, n)


_ = gettext


def translated(messages: dict[str, Any], lang: str) -> dict[str, Any]:
    """A table of messages (values may be tables) with every message translated into ``lang``."""
    return {
        key: translated(value, lang) if isinstance(value, dict) else gettext(value, lang)
        for key, value in messages.items()
    }


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it here (it is translated where shown)."""
    return message
