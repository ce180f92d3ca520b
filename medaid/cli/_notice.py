"""``medaid notice``: the decision notice (告知书) of one person-year from the ledger, as HTML and, with --pdf, PDF."""

from __future__ import annotations

from pathlib import Path

import typer

from medaid.cli._common import lang_option, user_errors
from medaid.cli._options import Lang
from medaid.errors import N_


def notice(
    db: str = typer.Option(..., "--db", help="The ledger: a SQLite file or a postgresql:// URL."),
    person: str = typer.Option(..., "--person", help="The person_id."),
    year: int = typer.Option(..., "--year", help="The calendar year."),
    output: Path = typer.Option(..., "--output", "-o", help="The notice, HTML (printable on A4)."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Also print it to this PDF with headless Chromium."),
    lang: Lang = None,
    template: Path | None = typer.Option(
        None,
        "--template",
        help="A folder with notice.html.j2 (and notice.toml: the issuing office, the appeal wording).",
    ),
) -> None:
    """Write the person-year's decision notice: every claim, totals, caps used and left, legal basis, provisional readings."""
    with user_errors():
        from medaid.errors import InputError
        from medaid.i18n.catalog import _
        from medaid.ledger import Ledger
        from medaid.outputs import check_output, write_text
        from medaid.policy.registry import default_registry
        from medaid.present.notice import notice_context, render_notice

        language = lang_option(lang)
        check_output(output)
        check_output(pdf, inputs=[output], option="--pdf")
        from medaid.ledger.backends import is_postgres

        if not is_postgres(db) and not Path(db).is_file():
            raise InputError(N_("no such ledger file"), where=db)
        if pdf is not None:
            from medaid.present.browser import find_chromium

            find_chromium()  # before any work: a missing browser is one line, not a half-done run
        registry = default_registry()
        with Ledger(db, registry=registry, create=False) as ledger:
            context = notice_context(ledger, registry, person, year, language)
        html = render_notice(context, template)
        write_text(output, html)
        typer.echo(_("wrote {path}", language).format(path=output), err=True)
        if pdf is not None:
            from medaid.present.browser import print_pdf

            print_pdf(output, pdf)
            typer.echo(_("wrote {path}", language).format(path=pdf), err=True)
