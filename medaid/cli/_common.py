"""What every command shares: one-line errors with exit 2, choices, dates, locale."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from typing import Iterator

import typer

from medaid.errors import InputError, MedaidError

EXIT_BAD_INPUT = 2
#: The input options of every command that reads a claims, settled, transfer or participants file.
ENCODING = typer.Option(None, "--encoding", help="Text encoding of a CSV input (utf-8, gbk, gb18030 …); default: detected (UTF-8 with or without BOM, else GB18030).")
SHEET = typer.Option(None, "--sheet", help="Sheet of an .xlsx input, by name or number from 1 (default: the first).")
ALLOW_FUTURE = typer.Option(False, "--allow-future", help="Settle claims dated after today (refused by default as a likely typo).")


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a :class:`MedaidError` into one line on stderr and exit 2; a bug keeps its traceback."""
    try:
        yield
    except MedaidError as exc:
        typer.echo(f"medaid: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    """``value`` if it is one of ``allowed``, else an :class:`InputError` naming the option."""
    if value not in allowed:
        raise InputError(f"{option} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def parse_date(text: str, option: str = "--date") -> dt.date:
    """A YYYY-MM-DD date, or an error naming the option and the bad value."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{option} must be a date like 2023-05-01, got {text!r}") from None


def lang_option(lang: str | None) -> str:
    """The explicit --lang, else zh for a Chinese system locale, else en."""
    from medaid.i18n import LANGS, default_lang

    return choice(lang, LANGS, "--lang") if lang else default_lang()


def echo_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def report_options(output_format: str, formats: tuple[str, ...], unit: str, lang: str | None, output, chart) -> tuple[str, str, str]:
    """Check the options the report commands share (--format, --unit, --lang, --output, --chart)."""
    output_format = choice(output_format, formats, "--format")
    unit = choice(unit, ("wan", "yuan"), "--unit")
    language = lang_option(lang)
    if output_format == "xlsx" and output is None:
        raise InputError("--format xlsx needs --output FILE.xlsx")
    if chart is not None and chart.suffix.lower() != ".png":
        raise InputError(f"--chart must name a .png file, got {str(chart)!r}")
    return output_format, unit, language
