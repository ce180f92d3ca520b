"""``medaid ledger``: settle a claims file, show a person, reverse (冲正) a claim, clear (个人清算) a person-year."""

from __future__ import annotations

import typer

from medaid.cli._common import (
    EXIT_BAD_INPUT,
    choice,
    echo_json,
    input_path,
    lang_option,
    user_errors,
)
from medaid.cli._options import ClaimsFile, ExcelOutput, Lang, Rejects, TextFormat, with_groups

app = typer.Typer(
    help="The casework ledger: year-to-date usage per person, settled once per claim (SQLite file or PostgreSQL).",
    no_args_is_help=True,
)

_DB_HELP = "The ledger: a SQLite file, or a PostgreSQL URL postgresql://user[:password]@host[:port]/dbname."
_DB = typer.Option(..., "--db", help=_DB_HELP)
_SHOWN_REJECTS = 20


@app.command("settle")
@with_groups
def settle(
    claims: str = typer.Argument(
        ...,
        metavar="CLAIMS",
        help="Claims file (.csv or .xlsx): claim_id, person_id, district, date, category, kind, self_pay, resident_insurance (or the Chinese names, docs/claims.md).",
    ),
    db: str = typer.Option(..., "--db", help=_DB_HELP + " Created if missing."),
    output: str | None = typer.Option(
        None, "--output", "-o", help="Write the settled rows here (CSV) instead of stdout."
    ),
    rejects: Rejects = None,
    batch_size: int = typer.Option(
        50_000, "--batch-size", help="Claims per transaction (each commits whole or not at all)."
    ),
    synchronous: str = typer.Option(
        "NORMAL",
        "--synchronous",
        help="SQLite: NORMAL (survives a crash of the process) or FULL (also power loss; slower). PostgreSQL: OFF sets synchronous_commit off (faster; a server crash can lose the last commits).",
    ),
    excel: ExcelOutput = ExcelOutput(),
    workers: int = typer.Option(
        0,
        "--workers",
        help="Processes settling the file, each reading it and settling a share of the persons (0: 2 for a file of 20 000 lines or more on 2 or more CPUs, else 1).",
    ),
    read: ClaimsFile = ClaimsFile(),
    lang: Lang = None,
) -> None:
    """Settle a claims file against the ledger, in date order; claims already settled pay nothing again."""
    with user_errors():
        import csv
        import gc

        from medaid.errors import rendered_text
        from medaid.i18n.catalog import _
        from medaid.present.run_text import count, yuan

        language = lang_option(lang)

        # Outputs are checked before anything is committed to the ledger: a run that settles and then
        # cannot write its output would leave payments the user never saw.
        from medaid.ledger.backends import is_postgres
        from medaid.outputs import atomic_open, check_output, excel_cell, excel_encoding

        ledger_file = None if is_postgres(db) else db  # a server database is no file to check
        check_output(output, inputs=[claims, ledger_file], option="--output")
        check_output(rejects, inputs=[claims, ledger_file], outputs=[output], option="--rejects")
        check_output(ledger_file, inputs=[claims], option="--db")
        out_encoding = excel_encoding(excel.excel, excel.excel_gbk) or "utf-8"
        cell = excel_cell if out_encoding != "utf-8" else (lambda value: value)
        # A file run builds hundreds of thousands of short-lived, acyclic objects; the cyclic collector
        # would re-scan them all (a sixth of the run) and find nothing. This process ends with the command.
        gc.disable()
        from medaid.ledger.claims_file import COLUMNS
        from medaid.ledger.file_run import OUTPUT_COLUMNS, csv_line, settle_file

        with input_path(claims) as path:
            run = settle_file(
                path,
                db,
                synchronous=synchronous,
                batch_size=batch_size,
                workers=workers,
                **read.read(),
            )
        lines, counts, paid, total, rejected = run.lines, run.counts, run.paid_fen, run.rows_in, run.rejected
        if (
            out_encoding != "utf-8"
        ):  # for people: each line re-read and its cells neutralised (slower; plain output is not)
            lines = (csv_line(tuple(cell(value) for value in row)) for row in csv.reader(lines))
        with atomic_open(output or "-", encoding=out_encoding, errors="strict") as handle:
            handle.write(csv_line(COLUMNS + OUTPUT_COLUMNS))
            handle.writelines(lines)  # streamed: merged from the workers' sorted runs as written
        if rejects:
            with atomic_open(rejects, encoding=out_encoding) as out:
                reject_writer = csv.writer(out, lineterminator="\n")
                reject_writer.writerow(("line", "reason", *COLUMNS))
                reject_writer.writerows(
                    tuple(cell(v) for v in (r.line, rendered_text(r.reason, language), *r.fields)) for r in rejected
                )
        for reject in rejected[:_SHOWN_REJECTS]:
            typer.echo(
                "medaid: "
                + _("{file}: line {line}: {reason}", language).format(
                    file=claims, line=reject.line, reason=rendered_text(reject.reason, language)
                ),
                err=True,
            )
        if len(rejected) > _SHOWN_REJECTS:
            more = (
                _("... and {n} more rejected rows", language)
                if rejects
                else _("... and {n} more rejected rows (write them all with --rejects FILE)", language)
            )
            typer.echo("medaid: " + more.format(n=count(len(rejected) - _SHOWN_REJECTS, language)), err=True)
        duplicates = counts["duplicate"] + counts["reversed"]
        typer.echo(
            _("rows in {total} / settled {settled} / duplicate {duplicate} / rejected {rejected}", language).format(
                total=count(total, language),
                settled=count(counts["settled"], language),
                duplicate=count(duplicates, language),
                rejected=count(len(rejected), language),
            ),
            err=True,
        )
        typer.echo(
            _("paid by this run: {amount} yuan (assistance and deductible subsidy)", language).format(
                amount=yuan(paid, language)
            ),
            err=True,
        )
        if duplicates and not counts["settled"]:
            typer.echo(_("nothing new to pay: every readable claim was already in the ledger", language), err=True)
        if rejected:
            raise typer.Exit(EXIT_BAD_INPUT)


@app.command("init")
def init(db: str = _DB, lang: Lang = None) -> None:
    """Create the ledger's tables (schema version of this medaid); an existing ledger is left as it is."""
    with user_errors():
        from medaid.i18n.catalog import _
        from medaid.ledger.backends import init_ledger

        language = lang_option(lang)
        created, version = init_ledger(db)
        where = _shown(db)
        message = (
            _("created a ledger (schema version {version}) at {where}", language)
            if created
            else _("{where} already holds a ledger (schema version {version})", language)
        )
        typer.echo(message.format(version=version, where=where))


@app.command("migrate")
def migrate(db: str = _DB, lang: Lang = None) -> None:
    """Upgrade a ledger made by an older medaid to this medaid's schema version (back it up first)."""
    with user_errors():
        from medaid.i18n.catalog import _
        from medaid.ledger.backends import migrate_ledger

        language = lang_option(lang)
        was, now = migrate_ledger(db)
        where = _shown(db)
        message = (
            _("{where}: migrated from schema version {was} to {now}", language)
            if was != now
            else _("{where}: already at schema version {now}, nothing to do", language)
        )
        typer.echo(message.format(where=where, was=was, now=now))


def _shown(db: str) -> str:
    """The ledger as it may be printed: a PostgreSQL URL without its password."""
    from medaid.ledger.backends import is_postgres

    if is_postgres(db):
        from medaid.ledger.postgres import redact

        return redact(db)
    return db


@app.command("show")
def show(
    person: str = typer.Argument(..., metavar="PERSON", help="The person_id."),
    db: str = _DB,
    year: int | None = typer.Option(None, "--year", help="Only this year (default: every year with a claim)."),
    output_format: TextFormat = "text",
    lang: Lang = None,
) -> None:
    """A person's year-to-date usage (paid and remaining per kind) and settled claims."""
    with user_errors():
        from medaid.i18n.catalog import _
        from medaid.ledger import Ledger
        from medaid.present.run_text import usage_lines

        output_format = choice(output_format, ("text", "json"), "--format")
        language = lang_option(lang)
        with Ledger(db, create=False) as ledger:
            years = [year] if year is not None else ledger.years(person)
            shown = [
                (ledger.usage(person, y), ledger.settlements(person, y), ledger.adjustments(person, y)) for y in years
            ]
        if output_format == "json":
            echo_json({"person_id": person, "years": [_usage_dict(*year_shown) for year_shown in shown]})
            return
        if not shown:
            typer.echo(_("{person}: no settled claims", language).format(person=person))
        names = None if language == "en" else _category_names(language)
        for year_shown in shown:
            typer.echo("\n".join(usage_lines(*year_shown, language, names)))


@app.command("reverse")
def reverse(
    claim_id: str = typer.Argument(..., metavar="CLAIM_ID", help="The claim to reverse."),
    db: str = _DB,
    reason: str = typer.Option(..., "--reason", help="Why (recorded with the reversal)."),
    lang: Lang = None,
) -> None:
    """Reverse (冲正) a settled claim: what it paid goes back to the person's remaining cap."""
    with user_errors():
        from medaid.i18n.catalog import _
        from medaid.ledger import Ledger
        from medaid.present.run_text import kind_label, yuan

        language = lang_option(lang)
        with Ledger(db, create=False) as ledger:
            r = ledger.reverse(claim_id, reason)
        typer.echo(
            _(
                "reversed {claim_id} ({person_id}, {year}, {kind}): assistance {assistance}, "
                "deductible subsidy {subsidy} back to the remaining cap; reason: {reason}",
                language,
            ).format(
                claim_id=r.claim_id,
                person_id=r.person_id,
                year=r.year,
                kind=kind_label(r.kind, language),
                assistance=yuan(r.assistance_fen, language),
                subsidy=yuan(r.deductible_subsidy_fen, language),
                reason=r.reason,
            )
        )


@app.command("clear")
def clear(
    person: str = typer.Argument(..., metavar="PERSON", help="The person_id."),
    year: int = typer.Option(..., "--year", help="The calendar year to recompute."),
    db: str = _DB,
    apply: bool = typer.Option(
        False, "--apply", help="Record the adjustment (once) and set the usage to the recomputed year."
    ),
    output_format: TextFormat = "text",
    lang: Lang = None,
) -> None:
    """Individual clearing (个人清算): recompute a person-year in date order; paid vs due per claim, net 补发/追回."""
    with user_errors():
        from medaid.ledger import Ledger
        from medaid.present.run_text import clearing_lines

        output_format = choice(output_format, ("text", "json"), "--format")
        language = lang_option(lang)
        with Ledger(db, create=False) as ledger:
            c = ledger.clear(person, year, apply=apply)
        if output_format == "json":
            from medaid.present.clearing import clearing_dict

            echo_json({**clearing_dict(c), "engine_version": c.engine_version})
            return
        typer.echo("\n".join(clearing_lines(c, apply, language)))


def _category_names(lang: str):
    """The Chinese name of a category in the version in force at the start of a year (its id if none)."""
    import datetime as dt

    from medaid.errors import MedaidError
    from medaid.policy.registry import default_registry

    registry = default_registry()

    def name(category: str, year: int) -> str:
        try:
            found = registry.medical_assistance(dt.date(year, 1, 1)).categories.get(category)
        except MedaidError:
            return category
        return category if found is None else found.name_zh if lang == "zh" else found.name_en

    return name


def _usage_dict(usage, claims, adjustments) -> dict:
    from medaid.money import fen_to_yuan_str as yuan

    def kind(k):
        return {
            "paid": yuan(k.paid_fen),
            "category": k.category,
            "cap": None if k.cap_fen is None else yuan(k.cap_fen),
            "remaining": None if k.remaining_fen is None else yuan(k.remaining_fen),
        }

    return {
        "year": usage.year,
        "inpatient": kind(usage.inpatient),
        "outpatient": kind(usage.outpatient),
        "offset_used": yuan(usage.offset_used_fen),
        "deductible_subsidy_paid": yuan(usage.subsidy_paid_fen),
        "claims": [
            {
                "claim_id": s.claim_id,
                "date": s.date.isoformat(),
                "kind": s.kind,
                "self_pay": yuan(s.self_pay_fen),
                "category": s.category,
                "assistance": yuan(s.assistance_fen),
                "deductible_subsidy": yuan(s.deductible_subsidy_fen),
                "policy_id": s.policy_id,
                "status": s.status,
                "clearing_assistance": yuan(adjustments.get(s.claim_id, (0, 0))[0]),
                "clearing_subsidy": yuan(adjustments.get(s.claim_id, (0, 0))[1]),
            }
            for s in claims
        ],
    }
