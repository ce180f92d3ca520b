"""``medaid ledger``: settle a claims file, show a person, reverse (冲正) a claim, clear (个人清算) a person-year."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from medaid.cli._common import EXIT_BAD_INPUT, choice, echo_json, user_errors

app = typer.Typer(
    help="The casework ledger: year-to-date usage per person, settled once per claim (SQLite file).",
    no_args_is_help=True,
)

_DB = typer.Option(..., "--db", help="The ledger file (SQLite).")
#: After the input columns: the columns of ``medaid claims`` (medaid.batch.settle.RESULT_COLUMNS, not imported
#: here because it loads polars), then ``status``.
OUTPUT_COLUMNS = (
    "district_id", "category_applied", "policy_id", "offset", "eligible", "ratio", "before_cap",
    "assistance", "deductible_subsidy", "cap", "cap_left", "cap_bound", "provisional", "status",
)
_SHOWN_REJECTS = 20
_MAX_WORKERS = 16
#: From this many lines a file is settled by two processes by default (below it, forking costs more than it saves).
_PARALLEL_FROM = 20_000


@app.command("settle")
def settle(
    claims: str = typer.Argument(..., metavar="CLAIMS", help="Claims CSV: claim_id, person_id, district, date, category, kind, self_pay, resident_insurance."),
    db: str = typer.Option(..., "--db", help="The ledger file (SQLite); created if missing."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the settled rows here (CSV) instead of stdout."),
    rejects: Optional[str] = typer.Option(None, "--rejects", help="Also write the rejected rows here (CSV: line, reason, the fields)."),
    batch_size: int = typer.Option(50_000, "--batch-size", help="Claims per transaction (each commits whole or not at all)."),
    synchronous: str = typer.Option("NORMAL", "--synchronous", help="NORMAL (survives a crash of the process) or FULL (also power loss; slower)."),
    workers: int = typer.Option(0, "--workers", help="Processes settling the file, each reading it and settling a share of the persons (0: 2 for a file of 20 000 lines or more on 2 or more CPUs, else 1)."),
) -> None:
    """Settle a claims file against the ledger, in date order; claims already settled pay nothing again."""
    with user_errors():
        import csv
        import functools
        import gc
        import os

        # A file run builds hundreds of thousands of short-lived, acyclic objects; the cyclic collector
        # would re-scan them all (a sixth of the run) and find nothing. This process ends with the command.
        gc.disable()
        from medaid.errors import InputError
        from medaid.ledger.claims_file import COLUMNS
        from medaid.money import fen_to_yuan_str

        if batch_size < 1:
            raise InputError(f"--batch-size must be at least 1, got {batch_size}")
        if not 0 <= workers <= _MAX_WORKERS:
            raise InputError(f"--workers must be from 0 (automatic) to {_MAX_WORKERS}, got {workers}")

        parts = _worker_count(workers, claims)
        settle_part = functools.partial(
            _settle_part, claims=claims, parts=parts, db=db, synchronous=synchronous, batch_size=batch_size, command=os.getpid(),
        )
        lines, counts, paid, total, rejected = _merged(_in_processes(settle_part, list(range(parts))))
        handle = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout
        try:
            handle.write(_csv_line(COLUMNS + OUTPUT_COLUMNS) + "".join(lines))
        finally:
            if output:
                handle.close()
        if rejects:
            with open(rejects, "w", newline="", encoding="utf-8") as out:
                reject_writer = csv.writer(out, lineterminator="\n")
                reject_writer.writerow(("line", "reason", *COLUMNS))
                reject_writer.writerows((r.line, r.reason, *r.fields) for r in rejected)
        for reject in rejected[:_SHOWN_REJECTS]:
            typer.echo(f"medaid: {claims}: line {reject.line}: {reject.reason}", err=True)
        if len(rejected) > _SHOWN_REJECTS:
            typer.echo(f"medaid: ... and {len(rejected) - _SHOWN_REJECTS} more rejected rows" + ("" if rejects else " (write them all with --rejects FILE)"), err=True)
        duplicates = counts["duplicate"] + counts["reversed"]
        typer.echo(f"rows in {total} / settled {counts['settled']} / duplicate {duplicates} / rejected {len(rejected)}", err=True)
        typer.echo(f"paid by this run: {fen_to_yuan_str(paid)} yuan (assistance and deductible subsidy)", err=True)
        if duplicates and not counts["settled"]:
            typer.echo("nothing new to pay: every readable claim was already in the ledger", err=True)
        if rejected:
            raise typer.Exit(EXIT_BAD_INPUT)


@app.command("show")
def show(
    person: str = typer.Argument(..., metavar="PERSON", help="The person_id."),
    db: str = _DB,
    year: Optional[int] = typer.Option(None, "--year", help="Only this year (default: every year with a claim)."),
    output_format: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """A person's year-to-date usage (paid and remaining per kind) and settled claims."""
    with user_errors():
        from medaid.ledger import Ledger

        output_format = choice(output_format, ("text", "json"), "--format")
        with Ledger(db, create=False) as ledger:
            years = [year] if year is not None else ledger.years(person)
            shown = [(ledger.usage(person, y), ledger.settlements(person, y), ledger.adjustments(person, y)) for y in years]
        if output_format == "json":
            echo_json({"person_id": person, "years": [_usage_dict(*year_shown) for year_shown in shown]})
            return
        if not shown:
            typer.echo(f"{person}: no settled claims")
        for year_shown in shown:
            typer.echo("\n".join(_usage_text(*year_shown)))


@app.command("reverse")
def reverse(
    claim_id: str = typer.Argument(..., metavar="CLAIM_ID", help="The claim to reverse."),
    db: str = _DB,
    reason: str = typer.Option(..., "--reason", help="Why (recorded with the reversal)."),
) -> None:
    """Reverse (冲正) a settled claim: what it paid goes back to the person's remaining cap."""
    with user_errors():
        from medaid.ledger import Ledger
        from medaid.money import fen_to_yuan_str as yuan

        with Ledger(db, create=False) as ledger:
            r = ledger.reverse(claim_id, reason)
        typer.echo(
            f"reversed {r.claim_id} ({r.person_id}, {r.year}, {r.kind}): assistance {yuan(r.assistance_fen)}, "
            f"deductible subsidy {yuan(r.deductible_subsidy_fen)} back to the remaining cap; reason: {r.reason}"
        )


@app.command("clear")
def clear(
    person: str = typer.Argument(..., metavar="PERSON", help="The person_id."),
    year: int = typer.Option(..., "--year", help="The calendar year to recompute."),
    db: str = _DB,
    apply: bool = typer.Option(False, "--apply", help="Record the adjustment (once) and set the usage to the recomputed year."),
    output_format: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Individual clearing (个人清算): recompute a person-year in date order; paid vs due per claim, net 补发/追回."""
    with user_errors():
        from medaid.ledger import Ledger
        from medaid.money import fen_to_yuan_str as yuan

        output_format = choice(output_format, ("text", "json"), "--format")
        with Ledger(db, create=False) as ledger:
            c = ledger.clear(person, year, apply=apply)
        if output_format == "json":
            echo_json({
                "person_id": c.person_id, "year": c.year, "paid": yuan(c.paid_fen), "due": yuan(c.due_fen),
                "adjustment": yuan(c.adjustment_fen), "applied": c.applied, "policy_ids": list(c.policy_ids),
                "engine_version": c.engine_version,
                "claims": [{
                    "claim_id": line.claim_id, "date": line.date.isoformat(), "kind": line.kind,
                    "paid_assistance": yuan(line.paid_assistance_fen), "paid_subsidy": yuan(line.paid_subsidy_fen),
                    "due_assistance": yuan(line.due_assistance_fen), "due_subsidy": yuan(line.due_subsidy_fen),
                    "adjustment": yuan(line.adjustment_fen),
                } for line in c.lines],
            })
            return
        typer.echo(f"{c.person_id} {c.year}: {len(c.lines)} claims recomputed in date order")
        typer.echo(f"{'claim_id':<16} {'date':<10} {'kind':<10} {'paid':>12} {'due':>12} {'adjustment':>12}")
        for line in c.lines:
            typer.echo(
                f"{line.claim_id:<16} {line.date.isoformat():<10} {line.kind:<10} "
                f"{yuan(line.paid_assistance_fen + line.paid_subsidy_fen):>12} "
                f"{yuan(line.due_assistance_fen + line.due_subsidy_fen):>12} {yuan(line.adjustment_fen):>12}"
            )
        net = c.adjustment_fen
        label = "补发 pay the person" if net > 0 else "追回 recover from the person" if net < 0 else "nothing to adjust"
        typer.echo(f"paid {yuan(c.paid_fen)}, due {yuan(c.due_fen)}, net adjustment {yuan(net)} ({label})")
        if apply:
            typer.echo("adjustment recorded; usage set to the recomputed year" if c.applied else "nothing recorded: the ledger already pays what is due")
        elif net or any(line.adjustment_fen for line in c.lines):
            typer.echo("not recorded: run again with --apply to record it")


def _worker_count(requested: int, claims: str) -> int:
    """How many processes settle the file: as asked, or (0) two for a file of 20 000 lines or more on a
    machine with two or more CPUs. Workers are forked, so only where ``os.fork`` exists; elsewhere one."""
    import os

    if not hasattr(os, "fork"):
        return 1
    if requested:
        return requested
    if (os.cpu_count() or 1) < 2:
        return 1
    try:
        with open(claims, "rb") as handle:
            lines = handle.read().count(b"\n")
    except OSError:  # reading the file will say what is wrong
        return 1
    return 2 if lines >= _PARALLEL_FROM else 1


def _settle_part(part: int, *, claims: str, parts: int, db: str, synchronous: str, batch_size: int, command: int) -> tuple:
    """Read and settle part ``part`` of ``parts`` of the file (the rows of its persons, see
    :func:`medaid.ledger.claims_file.read_claims`) in date order; return the file line numbers of its
    settled rows, their output lines, the count of each status, what it paid (fen), its rejected rows
    as (line, reason, fields) and how many rows it took.

    Persons are independent and each person's rows are in one part, in date order, so the parts settle
    as the whole file would. ``command`` is the pid of the command's process: a worker forked from it
    whose command was killed stops after its current transaction rather than settle on alone.
    """
    import os

    from medaid.ledger import Ledger
    from medaid.ledger.claims_file import read_claims

    rows, rejected = read_claims(claims, (part, parts))
    # Date order (stable), as the batch engine and the reference assess a person's claims.
    ordered = sorted(rows, key=lambda row: row.claim.date)
    invalid: dict[int, str] = {}
    settled: list = []
    with Ledger(db, synchronous=synchronous) as ledger:
        for start in range(0, len(ordered), batch_size):
            if os.getpid() != command and os.getppid() != command:
                os._exit(1)
            settled.extend(ledger.settle_many(
                [row.claim for row in ordered[start:start + batch_size]], batch_size=batch_size,
                on_invalid=lambda index, _claim, error, start=start: invalid.__setitem__(start + index, str(error)),
            ))
    results = iter(settled)
    pairs = []
    refused = [(r.line, r.reason, r.fields) for r in rejected]
    for position, row in enumerate(ordered):
        if position in invalid:
            refused.append((row.line, invalid[position], row.values))
        else:
            pairs.append((row, next(results)))
    lines, counts, paid = _output_lines(pairs)
    return [row.line for row, _s in pairs], lines, counts, paid, refused, len(rows) + len(rejected)


def _merged(results: list[tuple]) -> tuple[list[str], dict[str, int], int, int, list]:
    """The parts' results as one file's: output lines in file order, status counts, paid (fen), rows in,
    and the rejected rows in file order."""
    from medaid.ledger.claims_file import RejectedRow

    by_line: dict[int, str] = {}
    counts = {"settled": 0, "duplicate": 0, "reversed": 0}
    paid = total = 0
    rejected: list[RejectedRow] = []
    for line_numbers, part_lines, part_counts, part_paid, part_rejected, part_total in results:
        by_line.update(zip(line_numbers, part_lines))
        for status, count in part_counts.items():
            counts[status] += count
        paid += part_paid
        total += part_total
        rejected.extend(RejectedRow(*reject) for reject in part_rejected)
    rejected.sort(key=lambda reject: reject.line)
    return [by_line[number] for number in sorted(by_line)], counts, paid, total, rejected


def _in_processes(work, shares: list[list]) -> list:
    """``work(share)`` for each share: the first in this process, each other in a forked child; results in order.

    A child sends its result (or its error) back through a pipe. Every child is waited for, even when
    this process's own share fails; a :class:`MedaidError` in a child is raised here as an InputError.
    """
    import os
    import pickle
    import traceback

    from medaid.errors import InputError, MedaidError

    children = []
    sys.stdout.flush()
    sys.stderr.flush()
    for share in shares[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read_end)
            code = 0
            try:
                payload = ("ok", work(share))
            except MedaidError as exc:
                payload, code = ("input", str(exc)), 1
            except BaseException:  # a bug: its traceback goes to the parent
                payload, code = ("bug", traceback.format_exc()), 1
            try:
                with os.fdopen(write_end, "wb") as pipe:
                    pickle.dump(payload, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            finally:
                os._exit(code)
        os.close(write_end)
        children.append((pid, read_end))
    try:
        results = [work(shares[0])]
    finally:
        answers = []
        for pid, read_end in children:
            with os.fdopen(read_end, "rb") as pipe:
                data = pipe.read()
            os.waitpid(pid, 0)
            answers.append(pickle.loads(data) if data else ("input", "a settling worker ended without a result (killed?); settle the file again to complete it"))
    for kind, value in answers:
        if kind == "input":
            raise InputError(value)
        if kind == "bug":
            raise RuntimeError(f"a settling worker failed:\n{value}")
        results.append(value)
    return results


def _csv_line(fields: tuple) -> str:
    """One CSV line as ``csv.writer`` writes it (quoted where a field needs it), with its line break."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue()


def _output_lines(pairs: list) -> tuple[list[str], dict[str, int], int]:
    """The output line of each (row, settlement), the count of each status and what the settled ones paid (fen).

    Each row is joined by hand, then checked: a row whose fields hold no comma, quote or line break is
    exactly what ``csv.writer`` writes, at a third of the cost; any other row goes through ``csv.writer``.
    """
    from medaid.ledger.claims_file import COLUMNS
    from medaid.money import fen_to_yuan_str as yuan, ppm_to_str

    commas = len(COLUMNS) + len(OUTPUT_COLUMNS) - 1
    lines: list[str] = []
    add = lines.append
    counts = {"settled": 0, "duplicate": 0, "reversed": 0}
    paid = 0
    # Ratios, provisional keys, offsets, subsidies and caps take few values: each is formatted once.
    ratios: dict[int, str] = {}
    marks: dict[tuple[str, ...], str] = {}
    few: dict[int, str] = {}
    for row, s in pairs:
        status = s.status
        counts[status] += 1
        if status == "settled":
            paid += s.assistance_fen + s.deductible_subsidy_fen
        ratio = ratios.get(s.ratio_ppm) or ratios.setdefault(s.ratio_ppm, ppm_to_str(s.ratio_ppm))
        provisional = marks.get(s.provisional)
        if provisional is None:
            provisional = marks[s.provisional] = ";".join(s.provisional)
        offset, subsidy, cap, left = s.offset_fen, s.deductible_subsidy_fen, s.cap_fen, s.cap_left_fen
        fields = row.values + (
            row.district_id, s.category, s.policy_id, few.get(offset) or few.setdefault(offset, yuan(offset)),
            yuan(s.eligible_fen), ratio, yuan(s.before_cap_fen), yuan(s.assistance_fen),
            few.get(subsidy) or few.setdefault(subsidy, yuan(subsidy)),
            "" if cap is None else few.get(cap) or few.setdefault(cap, yuan(cap)), "" if left is None else yuan(left),
            "true" if s.cap_bound else "false", provisional, status,
        )
        line = ",".join(fields)
        add(_csv_line(fields) if line.count(",") != commas or '"' in line or "\n" in line or "\r" in line else line + "\n")
    return lines, counts, paid


def _usage_text(usage, claims, adjustments) -> list[str]:
    from medaid.money import fen_to_yuan_str as yuan

    lines = [f"{usage.person_id} {usage.year}: {usage.claims} settled claims, {usage.reversed} reversed"]
    for kind in ("inpatient", "outpatient"):
        k = usage.kind(kind)
        cap = "no cap" if k.category and k.cap_fen is None else "-" if k.cap_fen is None else yuan(k.cap_fen)
        remaining = "-" if k.remaining_fen is None else yuan(k.remaining_fen)
        lines.append(f"  {kind:<10} paid {yuan(k.paid_fen):>12}  cap {cap:>12} ({k.category or 'no claim'})  remaining {remaining:>12}")
    lines.append(f"  300 offset used {yuan(usage.offset_used_fen)}, deductible subsidy paid {yuan(usage.subsidy_paid_fen)}")
    for s in claims:
        more = adjustments.get(s.claim_id)
        cleared = f" (clearing {yuan(more[0] + more[1])})" if more and any(more) else ""
        lines.append(
            f"  {s.claim_id:<16} {s.date.isoformat()} {s.kind:<10} self-pay {yuan(s.self_pay_fen):>12} "
            f"assistance {yuan(s.assistance_fen):>12} subsidy {yuan(s.deductible_subsidy_fen):>8} {s.status}{cleared}"
        )
    return lines


def _usage_dict(usage, claims, adjustments) -> dict:
    from medaid.money import fen_to_yuan_str as yuan

    def kind(k):
        return {
            "paid": yuan(k.paid_fen), "category": k.category,
            "cap": None if k.cap_fen is None else yuan(k.cap_fen),
            "remaining": None if k.remaining_fen is None else yuan(k.remaining_fen),
        }

    return {
        "year": usage.year, "inpatient": kind(usage.inpatient), "outpatient": kind(usage.outpatient),
        "offset_used": yuan(usage.offset_used_fen), "deductible_subsidy_paid": yuan(usage.subsidy_paid_fen),
        "claims": [{
            "claim_id": s.claim_id, "date": s.date.isoformat(), "kind": s.kind, "self_pay": yuan(s.self_pay_fen),
            "category": s.category, "assistance": yuan(s.assistance_fen),
            "deductible_subsidy": yuan(s.deductible_subsidy_fen), "policy_id": s.policy_id, "status": s.status,
            "clearing_assistance": yuan(adjustments.get(s.claim_id, (0, 0))[0]),
            "clearing_subsidy": yuan(adjustments.get(s.claim_id, (0, 0))[1]),
        } for s in claims],
    }
