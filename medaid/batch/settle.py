"""Settle a file (or table) of claims: read, validate, settle with the columnar engine, write, summarise.

The clauses of :mod:`medaid.rules.clauses` applied to a year of claims (理赔/结算) as they arrive: each claim is paid against what is left
of the person's annual cap for its kind, the 300 offset and the deductible subsidy bite once per
person-year, and each claim is governed by the policy version in force on its date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import polars as pl

from medaid._deprecation import renamed
from medaid.batch import lookup_index
from medaid.batch.engine import EPOCH, Lookup, build_lookup, settle_arrays
from medaid.batch.io import REASON, ROW, plain_csv, read_claims_input, table_format, write_lazy, write_table
from medaid.batch.output import RESULT_COLUMNS, Claims, settled_frame, summary_totals
from medaid.batch.parse import Parsed, parse_columns
from medaid.contract.claims import ClaimsContract
from medaid.errors import N_, InputError, Message, rendered_text
from medaid.policy.model import KINDS, Policy
from medaid.policy.registry import PolicyRegistry, default_registry

__all__ = ["RESULT_COLUMNS", "SettlementResult", "Summary", "settle_batch"]

#: Called at the start of each stage (read, validate, settle, write) with the row count once known.
Progress = Callable[[str, "int | None"], None]


@attrs.frozen
class Summary:
    """What a settlement run did: rows in, settled and rejected (always adding up), and the money (fen).

    ``cap_bound_claims``/``cap_bound_persons`` count claims (and persons) whose assistance the annual cap
    reduced, per kind.
    """

    rows_in: int
    settled: int
    rejected: int
    persons: int
    claims: dict[str, int]
    assistance_fen: dict[str, int]
    deductible_subsidy_fen: int
    cap_bound_claims: dict[str, int]
    cap_bound_persons: dict[str, int]
    policy_ids: tuple[str, ...]
    #: Blank rows (no value in any column) skipped: not rows, never rejected.
    blank_rows: int = 0

    @property
    def total_fen(self) -> int:
        """Assistance of both kinds plus the deductible subsidy."""
        return sum(self.assistance_fen.values()) + self.deductible_subsidy_fen


class SettlementResult:
    """The settled claims, the rejects and a summary of one run.

    ``table``: the settled claims in input order, the input columns as given then :data:`RESULT_COLUMNS`
    (amounts Decimal yuan with two decimals, ``cap``/``cap_left`` null where there is no cap; the label
    columns are Categorical); built on first use, so a run that only writes its output never holds it whole.
    ``rejects``: ``row`` (1-based data row), ``reason`` and the input columns as given. ``summary``:
    counts and totals (fen).
    """

    def __init__(
        self,
        rows: pl.DataFrame,
        claims: Claims,
        rejects: pl.DataFrame,
        summary: Summary,
        reasons: Sequence[Message] = (),
    ) -> None:
        self._rows, self._claims = rows, claims
        self._table: pl.DataFrame | None = None
        self.rejects = rejects
        self.summary = summary
        #: Each reject's reason as made (a :class:`~medaid.errors.Message` keeps its id and fields), in the
        #: rejects' order: for a runner that renumbers or translates them (``settle_partition``).
        self.reasons = tuple(reasons)

    @property
    def table(self) -> pl.DataFrame:
        """The whole settled table (see the class docstring)."""
        if self._table is None:
            self._table = self.lazy().collect()
        return self._table

    def lazy(self) -> pl.LazyFrame:
        """The settled table as a polars LazyFrame (computed as it is consumed)."""
        return settled_frame(self._rows, self._claims)

    def write(self, path: Path | str, fmt: str | None = None, *, excel: str | None = None) -> None:
        """Write the settled table as CSV or Parquet; polars computes and writes it slice by slice, into a
        temporary file renamed when whole (``-``: CSV on standard output; ``excel``: see ``write_lazy``)."""
        # The result columns never need CSV quoting (numbers, policy ids, category ids); the input may.
        plain = table_format(path, fmt) == "csv" and excel is None and plain_csv(self._rows)
        write_lazy(self.lazy(), path, fmt, plain=plain, excel=excel)


def settle_batch(
    source: Any,
    *,
    output: Path | str | None = None,
    rejects: Path | str | None = None,
    registry: PolicyRegistry | None = None,
    strict: bool = False,
    output_format: str | None = None,
    progress: Progress | None = None,
    excel: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    allow_future: bool = False,
    today: dt.date | None = None,
    lang: str = "en",
) -> SettlementResult:
    """Settle every claim of ``source`` (a CSV/Parquet path, a polars DataFrame, a pyarrow table or a list of dicts).

    Bad rows never vanish: they are returned (and written to ``rejects``) with their line (the header is
    line 1) and reason; with ``strict`` the first bad row raises :class:`~medaid.errors.InputError` instead.
    Equal to :func:`medaid.rules.assess_person` per person, to the fen. Rows are read and checked by the
    claims contract (:mod:`medaid.contract.claims`): ``encoding`` forces a CSV's encoding, ``sheet`` picks
    a workbook's sheet, dates after ``today`` (default: the run date) are refused unless ``allow_future``.
    ``output`` and ``rejects`` appear whole or not at all (:mod:`medaid.outputs`); ``excel``: an encoding of
    ``medaid.outputs.EXCEL_ENCODINGS`` for CSV meant for Excel (formula-like cells neutralised).
    ``lang``: the language of the rejects' ``reason`` column (``en``, the default, or ``zh``); each reason
    is a message rendered once, here, for the refused rows only. The ``strict`` error keeps the message, so
    it is shown in the language of whoever renders it (:meth:`~medaid.errors.LocatedError.render`).

    >>> import medaid
    >>> rows = [dict(claim_id="a", person_id="p", district="minhang", date="2023-03-01", category="dibao",
    ...              kind="outpatient", self_pay="5500", resident_insurance="true")]
    >>> result = medaid.settle_batch(rows)
    >>> result.table.select("eligible", "assistance", "deductible_subsidy").row(0)
    (Decimal('5200.00'), Decimal('2800.00'), Decimal('300.00'))
    """
    step = progress or (lambda _stage, _rows: None)
    registry = registry or default_registry()
    step("read", None)
    contract = ClaimsContract(registry, today=today, allow_future=allow_future)
    read = read_claims_input(source, encoding=encoding, sheet=sheet)
    table, name = read.table, read.name
    input_columns = table.columns
    step("validate", table.height)
    parsed = parse_columns(table, contract, lines=read.lines, refused=read.refused)
    versions = contract.versions
    version = _version_index(parsed.day, versions)
    lookup = build_lookup(parsed.categories, versions)
    index = _lookup_index(parsed, version, len(versions))
    ok = np.ones(table.height, bool)
    ok[parsed.bad] = False
    bad, reasons = _refuse_unsettleable(ok, index, lookup, parsed)
    line = (read.lines[bad] if read.lines is not None else bad + 2).astype(np.int64)
    if strict and len(bad):
        raise InputError(N_("{reason}"), file=name, line=int(line[0]), reason=reasons[0])
    texts = reasons if lang == "en" else [rendered_text(reason, lang) for reason in reasons]
    picked = table[bad].with_columns(pl.Series(ROW, line, pl.UInt32), pl.Series(REASON, texts, pl.String))
    rejected = picked.select(ROW, REASON, *input_columns)

    step("settle", table.height)
    rows_in = table.height
    if len(bad):
        good = np.flatnonzero(ok)
        person, fen, district, day, index = (
            np.take(a, good) for a in (parsed.person, parsed.fen, parsed.district, parsed.day, index)
        )
        rows = table.filter(pl.Series(ok))
    else:
        person, fen, district, day, rows = parsed.person, parsed.fen, parsed.district, parsed.day, table
    del parsed, table, version, ok
    settled = settle_arrays(person, day, fen, index, lookup)
    claims = Claims(person, district, fen, index, settled, lookup, tuple(p.id for p in versions))
    summary = attrs.evolve(_summary(rows_in, claims, len(bad), versions), blank_rows=read.blank_rows)
    result = SettlementResult(rows, claims, rejected, summary, reasons)
    step("write", rows_in)
    if output is not None:
        result.write(output, output_format, excel=excel)
    if rejects is not None:
        write_table(rejected, rejects, excel=excel)
    step("done", rows_in)
    return result


settle_claims = renamed(settle_batch, "settle_claims")


def _lookup_index(parsed: Parsed, version: np.ndarray, n_versions: int) -> np.ndarray:
    """Each row's index into the :class:`~medaid.batch.engine.Lookup` (int32: the lookup is small)."""
    return lookup_index.pack(
        parsed.category.astype(np.int32), np.maximum(version, 0), parsed.kind, parsed.resident, n_versions
    )


def _refuse_unsettleable(
    ok: np.ndarray, index: np.ndarray, lookup: Lookup, parsed: Parsed
) -> tuple[np.ndarray, list[Message]]:
    """All refused rows (ascending) with reasons: the contract's, then a category the version in force
    does not know (the contract has already refused dates no version covers). Updates ``ok`` in place."""
    # No valid category at all (a file whose every category is refused): every row is refused already.
    unknown = ok & ~np.take(lookup.valid, index) if len(lookup.valid) else np.zeros_like(ok)
    if not unknown.any():
        return parsed.bad, parsed.reasons
    more = np.flatnonzero(unknown)
    texts = [lookup.errors[lookup_index.without_resident(int(index[i]))] for i in more]
    ok[more] = False
    bad = np.concatenate([parsed.bad, more])
    order = np.argsort(bad, kind="stable")
    reasons = parsed.reasons + texts
    return bad[order], [reasons[i] for i in order]


def _version_index(day: np.ndarray, versions: list[Policy]) -> np.ndarray:
    """Index of the version in force on each day (days since 1970-01-01), −1 where none is."""
    starts = np.array([(p.effective_from - EPOCH).days for p in versions], np.int64)
    last = versions[-1].effective_to
    end = (last - EPOCH).days if last is not None else np.iinfo(np.int64).max
    index = np.searchsorted(starts, day, side="right") - 1
    return np.where((index >= 0) & (day <= end), index, -1).astype(np.int8)


def _summary(rows_in: int, claims: Claims, rejected: int, versions: Sequence[Policy]) -> Summary:
    totals = {int(row["kind"]): row for row in summary_totals(claims).iter_rows(named=True)}
    used = np.flatnonzero(np.bincount(np.take(claims.lookup.version, claims.index), minlength=len(versions)))
    names = KINDS

    def per_kind(field: str) -> dict[str, int]:
        return {name: int(totals[k][field]) if k in totals else 0 for k, name in enumerate(names)}

    return Summary(
        rows_in=rows_in,
        settled=len(claims.fen),
        rejected=rejected,
        persons=int(np.count_nonzero(np.bincount(claims.person, minlength=1))) if len(claims.person) else 0,
        claims=per_kind("claims"),
        assistance_fen=per_kind("assistance"),
        deductible_subsidy_fen=sum(int(row["subsidy"]) for row in totals.values()),
        cap_bound_claims=per_kind("bound_claims"),
        cap_bound_persons=per_kind("bound_persons"),
        policy_ids=tuple(versions[int(v)].id for v in used),
    )
