"""What every command shares: one-line errors with exit 2, choices, dates, locale."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Iterator

import typer

from medaid.errors import N_, InputError, InternalError, MedaidError

EXIT_BAD_INPUT = 2


@contextlib.contextmanager
def user_errors(lang: str | None = None) -> Iterator[None]:
    """Turn a :class:`MedaidError` into one line on stderr in the user's language and exit 2; an
    :class:`~medaid.errors.InternalError` (a bug) says so and exits 70; any other bug keeps its traceback.

    The language is ``lang``, else the command's own ``--lang``, else the locale (:func:`error_lang`).
    """
    try:
        yield
    except (MedaidError, InternalError) as exc:
        language = error_lang(lang)
        typer.echo(f"medaid: {exc.render(language)}", err=True)
        if isinstance(exc, InternalError):
            if os.environ.get("MEDAID_DEBUG", "") not in ("", "0"):
                raise
            from medaid.i18n.catalog import gettext

            typer.echo(f"medaid: {gettext(BUG_HINT, language)}", err=True)
        raise typer.Exit(exc.exit_code) from None


#: Said after an internal error (exit 70).
BUG_HINT = N_(
    "this is a bug in medaid, not a fault of the input; please report it with the command you ran "
    "(run again with MEDAID_DEBUG=1 to see the traceback)"
)


def error_lang(lang: str | None = None) -> str:
    """The language to report an error in: ``lang``, else the running command's ``--lang`` (if it has one
    and it is valid), else zh for a Chinese locale, else en."""
    from medaid.i18n import default_lang, lang_named

    if lang is None:
        context = _current_context()
        if context is not None:  # the command's --lang, else the one before it (medaid --lang zh COMMAND)
            lang = context.params.get("lang") or context.find_root().params.get("lang")
    return (lang_named(lang) if isinstance(lang, str) else None) or default_lang()


def _current_context():
    """The running command's click context: typer 0.2x runs its own copy of click (``typer._click``, not
    public), older typer the real one; whichever is running has the context."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:
        from click import get_current_context
    return get_current_context(silent=True)


def choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    """``value`` if it is one of ``allowed``, else an :class:`InputError` naming the option."""
    if value not in allowed:
        raise InputError(
            N_("{option} must be one of {names}, got {value!r}"), option=option, names=", ".join(allowed), value=value
        )
    return value


def parse_date(text: str, option: str = "--date") -> dt.date:
    """A YYYY-MM-DD date, or an error naming the option and the bad value."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            N_("{option} must be a date like 2023-05-01, got {text!r}"), option=option, text=text
        ) from None


def lang_option(lang: str | None) -> str:
    """The explicit --lang read by :func:`medaid.i18n.lang_named` (zh, zh_CN, zh-Hans ... are zh; en, en_US
    ... are en; anything else an error), else zh for a Chinese system locale, else en."""
    from medaid.i18n import LANGS, default_lang, lang_named

    if not lang:  # ``medaid --lang zh COMMAND``: the root's --lang (hidden; the console script reads it too)
        context = _current_context()
        lang = context.find_root().params.get("lang") if context is not None else None
    if not lang:
        return default_lang()
    return lang_named(lang) or choice(lang, LANGS, "--lang")


def echo_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def report_options(
    output_format: str, formats: tuple[str, ...], unit: str, lang: str | None, output, chart
) -> tuple[str, str, str]:
    """Check the options the report commands share (--format, --unit, --lang, --output, --chart)."""
    output_format = choice(output_format, formats, "--format")
    unit = choice(unit, ("wan", "yuan"), "--unit")
    language = lang_option(lang)
    if output_format == "xlsx" and (output is None or str(output) == "-"):
        raise InputError(N_("--format xlsx needs --output FILE.xlsx (a workbook is a file, not a stream)"))
    if chart is not None and chart.suffix.lower() != ".png":
        raise InputError(N_("--chart must name a .png file, got {chart!r}"), chart=str(chart))
    return output_format, unit, language


@contextlib.contextmanager
def input_path(source: str) -> Iterator[str]:
    """``source``, or for ``-`` standard input saved to a temporary file (CSV, or xlsx/Parquet by their
    first bytes), so every reader sees a file; removed afterwards."""
    if source != "-":
        yield source
        return
    import shutil
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="medaid-stdin-") as folder:
        spooled = Path(folder) / "stdin"
        with open(spooled, "wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle, 1 << 20)
        with open(spooled, "rb") as handle:
            head = handle.read(4)
        suffix = ".parquet" if head == b"PAR1" else ".xlsx" if head.startswith(b"PK") else ".csv"
        named = spooled.rename(spooled.with_name("stdin" + suffix))
        yield str(named)


def emit(text: str, output, encoding: str | None = None) -> None:
    """``text`` to standard output (no ``--output``, or ``-``), else to the file, written atomically;
    ``encoding``: an ``--excel`` encoding (UTF-8 with BOM or GB18030), else UTF-8."""
    from medaid.outputs import is_stdio, write_text

    if output is None or is_stdio(output):
        if encoding is None:
            typer.echo(text, nl=False)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(text.encode(encoding))
            sys.stdout.buffer.flush()
        return
    write_text(output, text, encoding=encoding or "utf-8")


def excel_option(excel: bool, gbk: bool, output_format: str = "csv") -> str | None:
    """The encoding ``--excel``/``--excel-gbk`` ask for (None: neither); only CSV output is for Excel."""
    from medaid.outputs import excel_encoding

    encoding = excel_encoding(excel, gbk)
    if encoding is not None and output_format != "csv":
        raise InputError(
            N_("--excel applies to --format csv, got --format {output_format} (xlsx opens in Excel as it is)"),
            output_format=output_format,
        )
    return encoding


def check_outputs(source, *, output=None, chart=None, rejects=None) -> None:
    """Check every output path of a report command before any work (medaid.outputs.check_output)."""
    from medaid.outputs import check_output, is_stdio

    if is_stdio(chart):
        raise InputError(N_("--chart needs a .png file, not standard output"))
    check_output(output, inputs=[source], option="--output")
    check_output(chart, inputs=[source], outputs=[output], option="--chart")
    check_output(rejects, inputs=[source], outputs=[output, chart], option="--rejects")


def report_rows(
    source, rows_in: int, settled: int, rejected_rows, rejects, encoding: str | None = None, lang: str | None = None
) -> None:
    """On stderr: ``rows in N / settled S / rejected R`` (N = S + R) and the first rejected rows; all of them
    to ``rejects`` (CSV, written whenever given) if asked. The caller exits 2 if any row was rejected.
    ``lang``: the command's language (default: the locale's)."""
    from medaid.i18n.catalog import _
    from medaid.present.run_text import count

    language = lang or lang_option(None)
    rejected = 0 if rejected_rows is None else rejected_rows.height
    if rejects is not None and rejected_rows is not None:
        from medaid.batch.io import write_table

        write_table(rejected_rows, rejects, "csv", excel=encoding)
    if rejected:
        for row in rejected_rows.head(SHOWN_REJECTS).iter_rows(named=True):
            line = _("{file}: line {line}: {reason}", language).format(
                file=source, line=row["line"], reason=row["reason"]
            )
            typer.echo(f"medaid: {line}", err=True)
        if rejected > SHOWN_REJECTS:
            more = (
                _("... and {n} more rejected rows", language)
                if rejects
                else _("... and {n} more rejected rows (write them all with --rejects FILE)", language)
            )
            typer.echo("medaid: " + more.format(n=count(rejected - SHOWN_REJECTS, language)), err=True)
    counts = {
        "rows_in": count(rows_in, language),
        "settled": count(settled, language),
        "rejected": count(rejected, language),
    }
    typer.echo(_("rows in {rows_in} / settled {settled} / rejected {rejected}", language).format(**counts), err=True)


#: Rejected rows listed on stderr by the report commands (all of them go to --rejects FILE).
SHOWN_REJECTS = 20
