"""Settle a claims file through the ledger, in date order, with one process or several.

Claims of different persons never share a cap, so a file can be settled by several processes, each
reading the file and keeping the rows of its share of the persons (by a hash of ``person_id``, see
:func:`medaid.ledger.claims_file.read_claims`); a person's claims stay in one process, in date order,
and the output lines are merged back in file order. Workers are forked (where ``os.fork`` exists).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator

import attrs

from medaid.contract.claims import RESULT_COLUMNS
from medaid.errors import N_, InputError, InternalError, MedaidError

__all__ = ["OUTPUT_COLUMNS", "FileRun", "settle_file", "worker_count", "in_processes", "csv_line"]

#: After the input columns: the columns of ``medaid claims`` (:data:`medaid.contract.claims.RESULT_COLUMNS`),
#: then ``status``.
OUTPUT_COLUMNS = (*RESULT_COLUMNS, "status")
MAX_WORKERS = 16
#: From this many lines a file is settled by two processes by default (below it, forking costs more than it saves).
PARALLEL_FROM = 20_000


@attrs.frozen
class FileRun:
    """What settling a file did: one output line per settled row (CSV, in file order, with its line
    break; an iterator, to be consumed once: the lines are merged from sorted runs on disk as they are
    written), the count of each status, what this run paid (fen), the rows read and the rejected rows."""

    lines: Iterator[str]
    counts: dict[str, int]
    paid_fen: int
    rows_in: int
    rejected: list


def settle_file(
    claims: str,
    db: str,
    *,
    synchronous: str = "NORMAL",
    batch_size: int = 50_000,
    workers: int = 0,
    encoding: str | None = None,
    sheet: str | None = None,
    allow_future: bool = False,
) -> FileRun:
    """Settle the claims file ``claims`` (CSV or .xlsx, see :mod:`medaid.ledger.claims_file`) against the
    ledger ``db`` (see ``medaid ledger settle``).

    ``workers``: processes (0: two for a file of :data:`PARALLEL_FROM` lines or more on two or more CPUs).
    ``encoding``, ``sheet``, ``allow_future``: as for ``medaid claims`` (the claims contract's reader options).
    """
    import functools
    import os

    if batch_size < 1:
        raise InputError(N_("--batch-size must be at least 1, got {batch_size}"), batch_size=batch_size)
    if not 0 <= workers <= MAX_WORKERS:
        raise InputError(
            N_("--workers must be from 0 (automatic) to {maximum}, got {workers}"), maximum=MAX_WORKERS, workers=workers
        )
    parts = worker_count(workers, claims)
    from medaid.contract.files import check_encoding, is_spreadsheet

    check_encoding(encoding)
    if is_spreadsheet(claims):
        parts = 1  # a workbook is parsed whole by each reader: one process
    options = {"encoding": encoding, "sheet": sheet, "allow_future": allow_future}
    import tempfile

    from medaid.ledger import Ledger

    with Ledger(db, synchronous=synchronous):  # a bad URL or schema is told now, once, before any worker starts
        pass
    spill = tempfile.TemporaryDirectory(prefix="medaid-ledger-")
    settle_part = functools.partial(
        _settle_part,
        claims=claims,
        parts=parts,
        db=db,
        synchronous=synchronous,
        batch_size=batch_size,
        command=os.getpid(),
        options=options,
        spill=spill.name,
    )
    try:
        return FileRun(*_merged(in_processes(settle_part, list(range(parts))), spill))
    except BaseException:
        spill.cleanup()
        raise


def worker_count(requested: int, claims: str) -> int:
    """How many processes settle the file: as asked, or (0) two for a file of 20 000 lines or more on a
    machine with two or more CPUs. Workers are forked, so only where ``os.fork`` exists; elsewhere one."""
    import os

    if not hasattr(os, "fork"):
        return 1
    if requested:
        return requested
    if (os.cpu_count() or 1) < 2:
        return 1
    lines = 0
    try:
        with open(claims, "rb") as handle:
            while lines < PARALLEL_FROM and (chunk := handle.read(1 << 20)):  # never the whole file at once
                lines += chunk.count(b"\n")
    except OSError:  # reading the file will say what is wrong
        return 1
    return 2 if lines >= PARALLEL_FROM else 1


#: Rows sorted in memory at a time; more are spilled to sorted runs on disk and merged (an external sort),
#: so a file of any size settles in bounded memory.
RUN_ROWS = 100_000


def _settle_part(
    part: int,
    *,
    claims: str,
    parts: int,
    db: str,
    synchronous: str,
    batch_size: int,
    command: int,
    options: dict,
    spill: str,
) -> tuple:
    """Read and settle part ``part`` of ``parts`` of the file (the rows of its persons, see
    :class:`medaid.ledger.claims_file.ClaimsFileReader`) in date order; return its output lines as sorted
    runs ((line, text) pairs: files under ``spill`` and a last run in memory), the count of each status,
    what it paid (fen), its rejected rows as (line, reason, fields) and how many rows it took.

    Rows stream through: they are sorted by (date, line) in runs of :data:`RUN_ROWS`, spilled to ``spill``
    and merged, and settled :data:`batch_size` at a time. Persons are independent and each person's rows
    are in one part, in date order, so the parts settle as the whole file would. ``command`` is the pid of
    the command's process: a worker forked from it whose command was killed stops after its current
    transaction rather than settle on alone.
    """
    import datetime as dt
    import heapq
    import itertools
    import os

    from medaid.ledger import Ledger
    from medaid.ledger.backends import open_store
    from medaid.ledger.claims_file import ClaimRow, ClaimsFileReader
    from medaid.rules import Claim

    runs: list[str] = []
    buffer: list[tuple] = []
    refused: list[tuple] = []
    taken = 0
    for item in ClaimsFileReader(claims, (part, parts), **options):
        taken += 1
        if isinstance(item, ClaimRow):
            c = item.claim
            # Date order, ties in file order (as the batch engine and the reference assess a person's claims).
            buffer.append(
                (
                    c.date.toordinal(),
                    item.line,
                    item.values,
                    item.district_id,
                    c.kind,
                    c.self_pay_fen,
                    c.categories,
                    c.resident_insurance,
                )
            )
            if len(buffer) >= RUN_ROWS:
                runs.append(_spilled(sorted(buffer), spill))
                buffer = []
        else:
            refused.append((item.line, item.reason, item.fields))
    buffer.sort()
    ordered = heapq.merge(*(_unspilled(run) for run in runs), buffer) if runs else iter(buffer)
    out_runs: list[str] = []
    out: list[tuple[int, str]] = []
    counts = {"settled": 0, "duplicate": 0, "reversed": 0}
    paid = 0
    # The command opened the ledger before the workers started, so a server that refuses a worker now is
    # restarting under the run: the worker waits for it.
    with Ledger(store=open_store(db, synchronous=synchronous, wait_for_server=True)) as ledger:
        while batch := list(itertools.islice(ordered, batch_size)):
            if os.getpid() != command and os.getppid() != command:
                os._exit(1)
            claims_ = [Claim(dt.date.fromordinal(r[0]), r[4], r[5], r[6], r[7], r[2][0], r[2][1]) for r in batch]
            invalid: dict[int, str] = {}
            settled = iter(
                ledger.settle_many(
                    claims_,
                    batch_size=batch_size,
                    on_invalid=functools.partial(_record_invalid, invalid),
                )
            )
            pairs = []
            for position, row in enumerate(batch):
                if position in invalid:
                    refused.append((row[1], invalid[position], row[2]))
                else:
                    pairs.append((row, next(settled)))
            lines, batch_counts, batch_paid = _output_lines(pairs)
            for status, count in batch_counts.items():
                counts[status] += count
            paid += batch_paid
            out.extend(zip((row[1] for row, _s in pairs), lines))
            if len(out) >= RUN_ROWS:
                out.sort()
                out_runs.append(_spilled(out, spill))
                out = []
    out.sort()
    for run in runs:
        os.unlink(run)
    return out_runs, out, counts, paid, refused, taken


def _spilled(rows: list[tuple], folder: str) -> str:
    """Write sorted ``rows`` to a new file under ``folder`` (pickled in chunks); its path."""
    import os
    import pickle
    import tempfile

    handle, path = tempfile.mkstemp(dir=folder, suffix=".run")
    with os.fdopen(handle, "wb") as out:
        for start in range(0, len(rows), 10_000):
            pickle.dump(rows[start : start + 10_000], out, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _unspilled(path: str):
    """The rows of a run file, in order, a chunk at a time."""
    import pickle

    with open(path, "rb") as handle:
        while True:
            try:
                chunk = pickle.load(handle)
            except EOFError:
                return
            yield from chunk


def _merged(results: list[tuple], spill) -> tuple:
    """The parts' results as one file's: output lines in file order (a generator merging the parts' sorted
    runs; ``spill``, the folder of the runs, is removed when it ends), status counts, paid (fen), rows in,
    and the rejected rows in file order."""
    import heapq

    from medaid.ledger.claims_file import RejectedRow

    counts = {"settled": 0, "duplicate": 0, "reversed": 0}
    paid = total = 0
    rejected: list[RejectedRow] = []
    sources = []
    for out_runs, out, part_counts, part_paid, part_rejected, part_total in results:
        sources.extend(_unspilled(run) for run in out_runs)
        sources.append(iter(out))
        for status, count in part_counts.items():
            counts[status] += count
        paid += part_paid
        total += part_total
        rejected.extend(RejectedRow(*reject) for reject in part_rejected)
    rejected.sort(key=lambda reject: reject.line)

    def lines():
        try:
            for _line, text in heapq.merge(*sources):
                yield text
        finally:
            spill.cleanup()

    return lines(), counts, paid, total, rejected


def in_processes(work, shares: list[list]) -> list:
    """``work(share)`` for each share: the first in this process, each other in a forked child; results in order.

    A child sends its result (or its error) back through a pipe. Every child is waited for, even when
    this process's own share fails; a :class:`MedaidError` in a child is raised here as an InputError.
    """
    import os
    import pickle
    import traceback

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
                payload, code = ("input", exc), 1  # pickled whole: its message id, fields and place
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
            answers.append(
                pickle.loads(data)
                if data
                else (
                    "input",
                    InputError(
                        N_("a settling worker ended without a result (killed?); settle the file again to complete it")
                    ),
                )
            )
    for kind, value in answers:
        if kind == "input":
            raise value
        if kind == "bug":
            raise InternalError(N_("a settling worker failed:\n{trace}"), trace=value)
        results.append(value)
    return results


def csv_line(fields: tuple) -> str:
    """One CSV line as ``csv.writer`` writes it (quoted where a field needs it), with its line break."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue()


def _output_lines(pairs: list) -> tuple[list[str], dict[str, int], int]:
    """The output line of each (row, settlement), the count of each status and what the settled ones paid (fen);
    ``row`` as :func:`_settle_part` holds it (``row[2]`` the values as written, ``row[3]`` the district id).

    Each row is joined by hand, then checked: a row whose fields hold no comma, quote or line break is
    exactly what ``csv.writer`` writes, at a third of the cost; any other row goes through ``csv.writer``.
    """
    from medaid.ledger.claims_file import COLUMNS
    from medaid.money import fen_to_yuan_str as yuan
    from medaid.money import ppm_to_str

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
        fields = row[2] + (  # the row's values as written, then its district id (see _settle_part)
            row[3],
            s.category,
            s.policy_id,
            few.get(offset) or few.setdefault(offset, yuan(offset)),
            yuan(s.eligible_fen),
            ratio,
            yuan(s.before_cap_fen),
            yuan(s.assistance_fen),
            few.get(subsidy) or few.setdefault(subsidy, yuan(subsidy)),
            "" if cap is None else few.get(cap) or few.setdefault(cap, yuan(cap)),
            "" if left is None else yuan(left),
            "true" if s.cap_bound else "false",
            provisional,
            status,
        )
        line = ",".join(fields)
        add(
            csv_line(fields)
            if line.count(",") != commas or '"' in line or "\n" in line or "\r" in line
            else line + "\n"
        )
    return lines, counts, paid


def _record_invalid(invalid: dict[int, str], index: int, _claim: object, error: Exception) -> None:
    """Keep a claim's rejection by its position in the batch (the ``on_invalid`` of ``settle_many``): the
    error as a message (English as text), so the command shows it in its language."""
    from medaid.errors import LocatedError, Message

    # The template "{error}" is its own text in every language; the error inside is translated.
    invalid[index] = Message("{error}", error=error) if isinstance(error, LocatedError) else str(error)
