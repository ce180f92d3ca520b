"""Presentation only: locale choice and babel formatting of money, ratios and dates (zh_CN, en_US)."""

from __future__ import annotations

import locale as _locale
import os
import re
from decimal import Decimal

from medaid.money import FEN_PER_YUAN, PPM

__all__ = ["LANGS", "default_lang", "lang_named", "babel_locale", "format_money", "format_ratio", "format_count"]

LANGS = ("zh", "en")
_LOCALES = {"zh": "zh_CN", "en": "en_US"}


def lang_named(name: str) -> str | None:
    """The medaid language a language or locale name means, the one reading of ``--lang`` and of the
    locale: zh for ``zh`` and any ``zh_*``/``zh-*`` (zh_CN, zh_TW.UTF-8, zh-Hans), en for ``en`` and any
    ``en_*``/``en-*``, case aside; None for anything else (the caller decides: an error, or English).

    >>> [lang_named(n) for n in ("zh", "zh_CN.UTF-8", "zh-Hans", "ZH_tw", "en_US", "fr_FR", "zhx", "C")]
    ['zh', 'zh', 'zh', 'zh', 'en', None, None, None]
    """
    base = re.split(r"[_\-.@:]", name.strip().lower(), maxsplit=1)[0]
    return base if base in LANGS else None


def default_lang() -> str:
    """zh when the system locale is Chinese (:func:`lang_named`), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name)
        if value:
            return "zh" if lang_named(value) == "zh" else "en"
    try:
        code = _locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "zh" if lang_named(code) == "zh" else "en"


def babel_locale(lang: str) -> str:
    """The babel locale of a medaid language ("zh" → "zh_CN")."""
    return _LOCALES[lang]


def format_money(fen: int, lang: str) -> str:
    """Yuan for people, with the locale's currency sign and grouping.

    >>> format_money(13310000, "zh"), format_money(13310000, "en")
    ('¥133,100.00', 'CN¥133,100.00')
    """
    from babel.numbers import format_currency

    return format_currency(Decimal(fen) / FEN_PER_YUAN, "CNY", locale=_LOCALES[lang])


def format_ratio(ppm: int, lang: str) -> str:
    """A ratio as a percentage, exact to four decimals of a percent.

    >>> format_ratio(925_000, "en"), format_ratio(900_000, "zh")
    ('92.5%', '90%')
    """
    from babel.numbers import format_percent

    return format_percent(Decimal(ppm) / PPM, "#,##0.####%", locale=_LOCALES[lang])


def format_count(value: int, lang: str) -> str:
    """A whole number with the locale's grouping."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_LOCALES[lang])
