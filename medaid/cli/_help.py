"""``--help`` in the user's language.

typer builds a command's help from its docstring, the ``help=`` of its options and arguments, and its own
fixed words (Usage, Options, [required] ...), none of them through gettext. The English texts stay in the
code and are the message ids:

- ``pybabel extract`` collects them with :func:`extract` (named in ``babel.cfg``), which reads the click
  tree typer builds, so the ids are exactly the texts ``--help`` shows;
- under Chinese, the console script gives the tree to :func:`translate` before running it, and
  :func:`install` switches typer's fixed words and value types and lets rich wrap Chinese between characters
  (:func:`_wrap_cjk`). English runs neither: its help is typer's own, unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from medaid.i18n.catalog import N_, gettext

__all__ = ["FIXED_WORDS", "TYPE_NAMES", "extract", "help_texts", "install", "translate"]

#: typer's fixed words in help pages: ``typer.rich_utils`` constant -> its English text (typer 0.15-0.27).
FIXED_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
    "ENVVAR_STRING": N_("[env var: {}]"),
}
#: The value types typer shows beside an option (``<str>``, ``<int range> [x>=1]``): click's type name -> a word.
TYPE_NAMES = {
    "str": N_("text"),
    "int": N_("integer"),
    "int range": N_("integer"),
    "float": N_("number"),
    "float range": N_("number"),
    "path": N_("path"),
}
_TYPE = re.compile(r"<([a-z ]+)>")
#: The placeholders of a usage line (click's), and the help option's and completion options' texts (typer's
#: own, not in medaid's code, so marked here for extraction).
OPTIONS_METAVAR = N_("[OPTIONS]")
SUBCOMMAND_METAVAR = N_("COMMAND [ARGS]...")
USAGE = N_("Usage:")
TYPER_HELP = (
    N_("Show this message and exit."),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
    N_("Install completion for the specified shell."),
    N_("Show completion for the specified shell, to copy it or customize the installation."),
)


def _tree(command: Any) -> Iterator[Any]:
    """``command`` and every command below it (groups first)."""
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _tree(sub)


def _params(command: Any) -> list[Any]:
    """The command's parameters and its ``--help`` option (click makes that one on first use and keeps it)."""
    context = type("_Names", (), {"help_option_names": ["--help"]})()
    help_option = command.get_help_option(context)
    return [*command.params, *([help_option] if help_option is not None else [])]


def help_texts(command: Any) -> Iterator[str]:
    """Every text ``--help`` shows for ``command`` and the commands below it: help, short help, the help
    of each option and argument (the ``--help`` option's own included)."""
    for sub in _tree(command):
        for text in (sub.help, sub.short_help):
            if text:
                yield text
        for param in _params(sub):
            if getattr(param, "help", None):
                yield param.help


def translate(command: Any, lang: str) -> Any:
    """``command`` (the click tree of the medaid app) with every help text in ``lang``; returns it."""
    for sub in _tree(command):
        if sub.help:
            sub.help = gettext(sub.help, lang)
        if sub.short_help:
            sub.short_help = gettext(sub.short_help, lang)
        if sub.options_metavar == OPTIONS_METAVAR:
            sub.options_metavar = gettext(OPTIONS_METAVAR, lang)
        if getattr(sub, "subcommand_metavar", None) == SUBCOMMAND_METAVAR:
            sub.subcommand_metavar = gettext(SUBCOMMAND_METAVAR, lang)
        for param in _params(sub):
            if getattr(param, "help", None):
                param.help = gettext(param.help, lang)
    return command


def install(lang: str) -> None:
    """typer's fixed help words, value types and the usage line's "Usage:" in ``lang`` (for this process);
    typer's help printer is patched when typer imports it (:func:`medaid.cli._usage.after_import`)."""
    from medaid.cli._usage import after_import

    after_import("typer.rich_utils", lambda rich_utils: _patch_help(rich_utils, lang))
    try:  # typer 0.2x runs its own copy of click
        from typer._click.formatting import HelpFormatter
    except ImportError:
        from click.formatting import HelpFormatter
    write_usage = HelpFormatter.write_usage
    usage = gettext(USAGE, lang)
    prefix = usage if usage.endswith("：") else usage + " "  # a full-width colon needs no space after it

    def localized(self: Any, prog: str, args: str = "", prefix_: str | None = None) -> None:
        write_usage(self, prog, args, prefix if prefix_ is None else prefix_)

    HelpFormatter.write_usage = localized  # type: ignore[method-assign]  # one process, one language


def _patch_help(rich_utils: Any, lang: str) -> None:
    """typer's help printer (``typer.rich_utils``) with its fixed words and value types in ``lang``."""
    for name, text in FIXED_WORDS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, gettext(text, lang))
    highlight_types = getattr(rich_utils, "types_highlighter", None)
    if highlight_types is not None:
        from rich.text import Text

        def types(text: Text) -> Text:
            named = _TYPE.sub(lambda m: f"<{gettext(TYPE_NAMES.get(m[1], m[1]), lang)}>", text.plain)
            return highlight_types(Text(named, style=text.style, overflow=text.overflow))

        rich_utils.types_highlighter = types  # typer calls it by module attribute
    _wrap_cjk()


#: Chinese punctuation that must not start a line, and that must not end one.
_CLOSING, _OPENING = "，。、；：？！）》」』】”’", "（《「『【“‘"
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"


def _wrap_cjk() -> None:
    """Let rich break Chinese text between characters, as Chinese is written.

    rich wraps and measures text at spaces only, and typer's help columns crop a longer "word" with "…": a
    Chinese help text, one run without spaces, loses its end at 80 columns. rich splits a line into words with
    the pattern ``rich._wrap.re_word``; under Chinese each CJK character (with the punctuation bound to it) is
    a word, a text's narrowest width is measured over the same words, and a line's trailing space is
    measured in cells.
    """
    try:
        from rich import _wrap
    except ImportError:  # pragma: no cover - rich comes with typer
        return
    _wrap.re_word = re.compile(rf"\s*[{_OPENING}]*(?:[{_CJK}]|[^\s{_CJK}]+)[{_CLOSING}]*\s*")
    from rich.cells import cell_len
    from rich.measure import Measurement
    from rich.text import Text

    def measure(self: Text, console: Any, options: Any) -> Measurement:
        # rich's own, but the narrowest width is the widest word as split above (rich splits at spaces only:
        # a Chinese sentence would measure as one word, and the help column would crop it with "…")
        lines = self.plain.splitlines()
        widest = max((cell_len(line) for line in lines), default=0)
        words = [word.strip() for _start, _end, word in _wrap.words(self.plain)]
        return Measurement(max((cell_len(word) for word in words), default=widest), widest)

    def rstrip_end(self: Text, size: int) -> None:
        # rich's own, but counting cells, not characters: a wrapped Chinese line that fills its column and
        # ends in a space is otherwise cropped with "…" instead of losing the space
        excess = cell_len(self.plain) - size
        if excess > 0:
            spaces = len(self.plain) - len(self.plain.rstrip())
            if spaces:  # right_crop(0) would empty the line
                self.right_crop(min(spaces, excess))

    Text.__rich_measure__ = measure  # type: ignore[method-assign]  # one process, one language
    Text.rstrip_end = rstrip_end  # type: ignore[method-assign]


def extract(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple]:
    """babel extractor for ``medaid/cli/__init__.py`` (babel.cfg): its marked messages as babel's python
    extractor finds them, then every help text of the command tree (docstrings and ``help=`` cannot be
    marked with ``N_``, and reading the tree gives the exact texts typer shows)."""
    from babel.messages.extract import extract_python
    from typer.main import get_command

    from medaid.cli import app

    yield from extract_python(fileobj, keywords, comment_tags, options)
    for text in dict.fromkeys(help_texts(get_command(app))):
        yield 0, "", text, []
