"""The gettext catalogues: complete, same placeholders, up to date with the code, compiled, shipped."""

from __future__ import annotations

import gettext
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from medaid.cli import app
from medaid.i18n.catalog import DOMAIN, LOCALE_DIR, _
from medaid.present.check import DESCRIPTIONS
from medaid.testing.invariants import INVARIANTS

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("zh_CN", "en")


def _po(locale: str):
    with (LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def _pot():
    with (LOCALE_DIR / "messages.pot").open("rb") as handle:
        return read_po(handle)


def _fields(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated(locale: str) -> None:
    """Each message of the template has a translation (every plural form), none fuzzy, none obsolete."""
    catalog, template = _po(locale), _pot()
    missing = [m.id for m in template if m.id and (m.id not in catalog or not all(_strings(catalog[m.id])))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not missing, f"{locale}: no translation for {missing}"
    assert not fuzzy, f"{locale}: fuzzy {fuzzy}"
    assert not catalog.obsolete, f"{locale}: obsolete {list(catalog.obsolete)}"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders(locale: str) -> None:
    """A translation has exactly the {placeholders} of its message (every plural form)."""
    wrong = []
    for message in _po(locale):
        if not message.id:
            continue
        expected = set().union(*(_fields(text) for text in _ids(message)))
        for text in _strings(message):
            if _fields(text) != expected:
                wrong.append((message.id, text))
    assert not wrong


def test_placeholder_check_catches_a_difference() -> None:
    """The placeholder comparison itself sees a renamed or dropped field."""
    assert _fields("{n} cases: {passed} passed") != _fields("{n} 个案例：{pass} 个通过")
    assert _fields("{a} and {b}") == _fields("{b}，{a}")


def test_template_is_up_to_date() -> None:
    """messages.pot holds exactly the messages marked in the code and the --help texts, extracted as babel.cfg
    says (run the extract and update of docs/i18n.md)."""
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {
        message if isinstance(message, str) else tuple(message)
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, options_map=options_map, keywords=keywords
        )
        if message
    }
    found = {m for m in found if (m if isinstance(m, str) else m[0])}
    in_template = {m.id for m in _pot() if m.id}
    assert found == in_template, (
        f"not in messages.pot: {found - in_template}; no longer in the code: {in_template - found}"
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_is_current(locale: str) -> None:
    """The shipped .mo says what the .po says (run pybabel compile after editing a .po)."""
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    with (folder / f"{DOMAIN}.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in _po(locale):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(message.id[0], message.id[1], 2) == _strings(message)[-1]
        else:
            assert compiled.gettext(message.id) == message.string, message.id


def test_every_invariant_description_is_translated() -> None:
    """Each invariant of `medaid check` has its description declared for translation, word for word."""
    assert {i.name: i.description for i in INVARIANTS} == DESCRIPTIONS
    assert all(_(text, "zh") != text for text in DESCRIPTIONS.values())


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"}, "长期"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "长期"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "open"),
    ],
)
def test_language_follows_the_locale(env: dict, expected: str) -> None:
    """Without --lang, the language comes from LC_ALL, then LANG: zh for any zh_*."""
    result = CliRunner().invoke(app, ["policy", "list"], env=env)
    assert result.exit_code == 0
    assert "2024-01-01 → " + expected in result.stdout


def test_lang_option_wins() -> None:
    """--lang overrides the locale; the Chinese run shows Chinese titles and the diff line translated."""
    result = CliRunner().invoke(
        app,
        ["policy", "diff", "medical-assistance-2018-07", "medical-assistance-2023", "--lang", "zh"],
        env={"LANG": "en_US.UTF-8"},
    )
    assert result.stdout.splitlines()[0] == "medical-assistance-2018-07 → medical-assistance-2023：2 个参数不同"
    result = CliRunner().invoke(
        app,
        ["policy", "diff", "medical-assistance-2018-07", "medical-assistance-2023", "--lang", "en"],
        env={"LANG": "zh_CN.UTF-8"},
    )
    assert result.stdout.splitlines()[0] == "medical-assistance-2018-07 → medical-assistance-2023: 2 parameters differ"
