"""Command-line usage errors (a missing option, an unknown option, a bad value) in the user's language.

typer parses the command line with its own copy of click, whose messages are English f-strings, not
gettext messages. Under Chinese, :func:`install` replaces typer's error printer with :func:`show`, which
builds the same message from the exception's fields through medaid's catalogues. English keeps typer's
own output unchanged.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from medaid.i18n.catalog import N_, _

__all__ = ["install", "language_of", "message", "show"]

_UNKNOWN_COMMAND = re.compile(r"No such command '(.+)'\.")
# typer's vendored click names its integer type "int" (click's own says "integer").
_NOT_A_NUMBER = re.compile(r"(.+) is not a valid (integer|int|int range|float|float range)\.")
_NUMBER_KINDS = {
    "integer": N_("integer"),
    "int": N_("integer"),
    "int range": N_("integer"),
    "float": N_("number"),
    "float range": N_("number"),
}
_OUT_OF_RANGE = re.compile(r"(.+) is not in the range (.+)\.")
_PARAMETER_KINDS = {"option": N_("option"), "argument": N_("argument"), "parameter": N_("parameter")}


def language_of(argv: Sequence[str]) -> str:
    """The language the command line asks for (``--lang zh`` / ``--lang=zh``, read as the commands read it:
    :func:`medaid.i18n.lang_named`), else the system locale's (also for a ``--lang`` the command will refuse)."""
    from medaid.i18n import default_lang, lang_named

    for index, word in enumerate(argv):
        if word == "--lang" and index + 1 < len(argv):
            return lang_named(argv[index + 1]) or default_lang()
        if word.startswith("--lang="):
            return lang_named(word.partition("=")[2]) or default_lang()
    return default_lang()


def message(error: Any, lang: str) -> str:
    """One line for a usage error, from its class and fields (typer's vendored click exceptions)."""
    kind = type(error).__name__
    if kind == "MissingParameter":
        declared = error.param_type or getattr(error.param, "param_type_name", None) or "parameter"
        param_type = _(_PARAMETER_KINDS.get(declared, N_("parameter")), lang)
        return _("Missing {kind} {name}.", lang).format(kind=param_type, name=_hint(error))
    if kind == "NoSuchOption":
        text = _("No such option: {name}", lang).format(name=error.option_name)
        if error.possibilities:
            text += " " + _("(Did you mean: {options}?)", lang).format(options=", ".join(sorted(error.possibilities)))
        return text
    if kind == "BadParameter":
        return _("Invalid value for {name}: {reason}", lang).format(
            name=_hint(error), reason=_reason(error.message, lang)
        )
    if error.message == "Missing command.":
        return _("Missing command.", lang)
    unknown = _UNKNOWN_COMMAND.fullmatch(error.message)
    if unknown:
        return _("No such command: {name}", lang).format(name=unknown.group(1))
    return _("Usage error: {reason}", lang).format(reason=error.message)


def show(error: Any, lang: str = "zh") -> None:
    """Print a usage error the way typer does (usage line, help hint, the message), in ``lang``."""
    if type(error).__name__ == "NoArgsIsHelpError":  # typer printed the help already
        return
    ctx = getattr(error, "ctx", None)
    lines = []
    if ctx is not None:
        usage = ctx.get_usage()
        lines.append(_("Usage:", lang) + usage.removeprefix("Usage:") if usage.startswith("Usage:") else usage)
        lines.append(
            _("Try '{command} {option}' for help.", lang).format(
                command=ctx.command_path, option=ctx.help_option_names[0]
            )
        )
    lines.append("medaid: " + message(error, lang))
    sys.stderr.write("\n".join(lines) + "\n")


def install(lang: str) -> None:
    """Under Chinese, typer prints usage errors with :func:`show` (the console script calls this first)."""
    if lang != "zh":
        return

    def patch(rich_utils: ModuleType) -> None:
        rich_utils.rich_format_error = lambda error: show(error, lang)  # typer calls it by module attribute

    after_import("typer.rich_utils", patch)


def after_import(name: str, patch: Callable[[ModuleType], None]) -> None:
    """Run ``patch`` on the module ``name`` once it is imported (at once if it is already).

    typer imports ``typer.rich_utils`` (and with it rich, about 100 ms) only to print help or an error; a
    patch applied on import keeps ``medaid calc`` under Chinese from paying for it on every run.
    """
    module = sys.modules.get(name)
    if module is not None:
        patch(module)
    else:
        sys.meta_path.insert(0, _AfterImport(name, patch))


class _AfterImport:
    """A finder that lets the usual finders find ``name``, then runs ``patch`` after the module's code."""

    def __init__(self, name: str, patch: Callable[[ModuleType], None]) -> None:
        self.name, self.patch = name, patch

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> Any:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        from importlib.util import find_spec

        spec = find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        exec_module, patch = spec.loader.exec_module, self.patch

        def run(module: ModuleType) -> None:
            exec_module(module)
            patch(module)

        spec.loader.exec_module = run  # type: ignore[method-assign]  # this module's loader only
        return spec


def _reason(reason: str, lang: str) -> str:
    """click's reason for a bad value, translated where it is one of the number checks (not a number, out
    of range: the range is click's own notation, e.g. ``x>=1``)."""
    number = _NOT_A_NUMBER.fullmatch(reason)
    if number is not None:
        kind = _(_NUMBER_KINDS[number.group(2)], lang)
        return _("{value} is not a valid {kind}.", lang).format(value=number.group(1), kind=kind)
    out = _OUT_OF_RANGE.fullmatch(reason)
    if out is not None:
        return _("{value} is not in the range {range}.", lang).format(value=out.group(1), range=out.group(2))
    return reason


def _hint(error: Any) -> str:
    """The option or argument named the way typer names it (``'--date'``, ``'--year' / '-y'``, ``PERSON``)."""
    hint = error.param_hint
    if hint is None and getattr(error, "param", None) is not None:
        hint = error.param.get_error_hint(error.ctx)
    if isinstance(hint, list | tuple):
        return " / ".join(repr(h) for h in hint)
    return str(hint or "")
