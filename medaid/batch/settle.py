"""Settle a file (or table) of claims: read, validate, settle with the columnar engine, write, summarise.

DESIGN §4 applied to a year of claims (理赔/结算) as they arrive: each claim is paid against what is left
of the person's annual cap for its kind, the 300 offset and the deductible subsidy bite once per
person-year, and each claim is governed by the policy version in force on its date.
"""

from __future__ import annotations

from pathlib import Path
from decimal import Decimal
from typing import Any, Callable, Sequence

import attrs
import numpy as np
import polars as pl

from medaid.batch.engine import EPOCH, Lookup, Settled, build_lookup, derived, settle_arrays
from medaid.batch.io import REASON, ROW, read_claims, write_batches, write_table
from medaid.batch.parse import DISTRICT_IDS, parse_columns
from medaid.errors import InputError
from medaid.policy.model import Policy
from medaid.policy.registry import PolicyRegistry, default_registry

__all__ = ["RESULT_COLUMNS", "SettlementResult", "Summary", "settle_claims"]

#: Columns added after the input columns, in this order. Amounts are yuan with two decimals.
RESULT_COLUMNS = (
    "district_id", "category_applied", "policy_id", "offset", "eligible", "ratio", "before_cap",
    "assistance", "deductible_subsidy", "cap", "cap_left", "cap_bound", "provisional",
)
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

    @property
    def total_fen(self) -> int:
        """Assistance of both kinds plus the deductible subsidy."""
        return sum(self.assistance_fen.values()) + self.deductible_subsidy_fen


class SettlementResult:
    """The settled claims, the rejects and a summary of one run.

    ``table``: the settled claims in input order, the input columns as given then :data:`RESULT_COLUMNS`
    (amounts Decimal yuan with two decimals, ``cap``/``cap_left`` null where there is no cap; the label
    columns are Enums); built on first use, so a run that only writes its output never holds it whole.
    ``rejects``: ``row`` (1-based data row), ``reason`` and the input columns as given. ``summary``:
    counts and totals (fen).
    """

    def __init__(self, rows: pl.DataFrame, claims: "_Claims", rejects: pl.DataFrame, summary: Summary) -> None:
        self._rows, self._claims = rows, claims
        self._table: pl.DataFrame | None = None
        self.rejects = rejects
        self.summary = summary

    @property
    def table(self) -> pl.DataFrame:
        """The whole settled table (see the class docstring)."""
        if self._table is None:
            self._table = self._slice(0, self._rows.height)
        return self._table

    def batches(self, size: int = 1_000_000):
        """The settled table in slices of ``size`` rows, in order (for writing big results)."""
        for start in range(0, max(self._rows.height, 1), size):
            yield self._slice(start, min(start + size, self._rows.height))

    def write(self, path: Path | str, fmt: str | None = None, *, batch_rows: int = 1_000_000) -> None:
        """Write the settled table as CSV or Parquet, slice by slice, so memory stays flat."""
        write_batches(self.batches(batch_rows), path, fmt, schema=self._schema())

    def _schema(self) -> pl.Schema:
        return self._slice(0, 0).schema

    def _slice(self, start: int, stop: int) -> pl.DataFrame:
        added = self._claims.columns(start, stop)
        # An input column named like a result column (a settled file settled again) gives way to the result.
        given = self._rows.slice(start, stop - start).drop(RESULT_COLUMNS, strict=False)
        return pl.concat([given, added], how="horizontal")


@attrs.frozen
class _Claims:
    """What the output columns are made of, per settled claim in input order (see :func:`_columns`)."""

    district: np.ndarray  # index into DISTRICT_IDS
    fen: np.ndarray
    index: np.ndarray  # the lookup index
    settled: Settled
    lookup: Lookup
    policy_ids: tuple[str, ...]

    def columns(self, start: int, stop: int) -> pl.DataFrame:
        """:data:`RESULT_COLUMNS` for rows ``start:stop``: fen to Decimal yuan, codes to Enum labels."""
        lookup, li = self.lookup, self.index[start:stop]
        settled = self.settled
        offset, assistance = settled.offset[start:stop], settled.assistance[start:stop]
        more = derived(self.fen[start:stop], li, offset, assistance, lookup)
        fen = pl.DataFrame({
            "offset": offset, "eligible": more["eligible"], "before_cap": more["before_cap"], "assistance": assistance,
            "deductible_subsidy": more["subsidy"], "cap": np.take(lookup.cap_fen, li), "cap_left": settled.cap_left[start:stop],
        })
        has_cap = pl.Series(np.take(lookup.has_cap, li))
        labels = pl.DataFrame({
            "district_id": _labels(DISTRICT_IDS, self.district[start:stop]),
            "category_applied": _labels(lookup.applied_names, np.take(lookup.applied, li)),
            "policy_id": _labels(self.policy_ids, np.take(lookup.version, li)),
            "ratio": _labels(lookup.ratio_names, np.take(lookup.ratio_text, li)),
            "provisional": _labels(lookup.provisional_names, np.take(lookup.provisional, li)),
            "cap_bound": more["cap_bound"],
        })
        yuan = [_yuan(pl.col(name)) for name in ("offset", "eligible", "before_cap", "assistance", "deductible_subsidy")]
        capped = [pl.when(pl.lit(has_cap)).then(_yuan(pl.col(name))).alias(name) for name in ("cap", "cap_left")]
        return pl.concat([labels, fen.select(*yuan, *capped)], how="horizontal").select(RESULT_COLUMNS)


def settle_claims(
    source: Any,
    *,
    output: Path | str | None = None,
    rejects: Path | str | None = None,
    registry: PolicyRegistry | None = None,
    strict: bool = False,
    output_format: str | None = None,
    progress: Progress | None = None,
) -> SettlementResult:
    """Settle every claim of ``source`` (a CSV/Parquet path, a polars DataFrame, a pyarrow table or a list of dicts).

    Bad rows never vanish: they are returned (and written to ``rejects``) with their row number and reason;
    with ``strict`` the first bad row raises :class:`~medaid.errors.InputError` instead. Equal to
    :func:`medaid.rules.assess_person` per person, to the fen.

    >>> import medaid
    >>> rows = [dict(claim_id="a", person_id="p", district="minhang", date="2023-03-01", category="dibao",
    ...              kind="outpatient", self_pay="5500", resident_insurance="true")]
    >>> result = medaid.settle_claims(rows)
    >>> result.table.select("eligible", "assistance", "deductible_subsidy").row(0)
    (Decimal('5200.00'), Decimal('2800.00'), Decimal('300.00'))
    """
    step = progress or (lambda _stage, _rows: None)
    registry = registry or default_registry()
    step("read", None)
    table, name = read_claims(source)
    input_columns = table.columns
    step("validate", table.height)
    parsed = parse_columns(table)
    versions = sorted((p for p in registry if isinstance(p, Policy) and p.region == "shanghai"), key=lambda p: p.effective_from)
    version = _version_index(parsed.day, versions)
    lookup = build_lookup(parsed.categories, versions)
    index = _lookup_index(parsed, version, len(versions))
    ok = np.ones(table.height, bool)
    ok[parsed.bad] = False
    bad, reasons = _refuse_unsettleable(table, ok, version, index, lookup, versions, parsed)
    if strict and len(bad):
        raise InputError(f"{name}: row {int(bad[0]) + 1}: {reasons[0]}")
    picked = table[bad].with_columns(pl.Series(ROW, bad + 1, pl.UInt32), pl.Series(REASON, reasons, pl.String))
    rejected = picked.select(ROW, REASON, *input_columns)

    step("settle", table.height)
    rows_in = table.height
    if len(bad):
        good = np.flatnonzero(ok)
        person, fen, district, day, index = (np.take(a, good) for a in (parsed.person, parsed.fen, parsed.district, parsed.day, index))
        rows = table.filter(pl.Series(ok))
    else:
        person, fen, district, day, rows = parsed.person, parsed.fen, parsed.district, parsed.day, table
    del parsed, table, version, ok
    settled = settle_arrays(person, day, fen, index, lookup)
    claims = _Claims(district, fen, index, settled, lookup, tuple(p.id for p in versions))
    summary = _summary(rows_in, person, claims, len(bad), versions)
    result = SettlementResult(rows, claims, rejected, summary)
    step("write", rows_in)
    if output is not None:
        result.write(output, output_format)
    if rejects is not None:
        write_table(rejected, rejects)
    step("done", rows_in)
    return result


def _lookup_index(parsed, version: np.ndarray, n_versions: int) -> np.ndarray:
    """Each row's index into the :class:`~medaid.batch.engine.Lookup` (int32: the lookup is small)."""
    index = parsed.category.astype(np.int32) * n_versions
    index += np.maximum(version, 0)
    index *= 2
    index += parsed.kind
    index *= 2
    index += parsed.resident
    return index


def _refuse_unsettleable(table, ok, version, index, lookup: Lookup, versions, parsed) -> tuple[np.ndarray, list[str]]:
    """All refused rows (ascending) with reasons: the parser's, then a date outside every version or a
    category the version in force does not know. Updates ``ok`` in place."""
    no_policy = ok & (version < 0)
    unknown = ok & ~no_policy & ~np.take(lookup.valid, index)
    if not (no_policy.any() or unknown.any()):
        return parsed.bad, parsed.reasons
    span = f"{versions[0].effective_from} to {versions[-1].effective_to or 'now'}"
    more = np.flatnonzero(no_policy | unknown)
    dates = table["date"].cast(pl.String).gather(more).to_list()
    texts = [
        f"no medical-assistance policy in force on {dates[j]}; versions cover {span}" if no_policy[i] else lookup.errors[int(index[i]) & ~1]
        for j, i in enumerate(more)
    ]
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


def _yuan(fen: pl.Expr) -> pl.Expr:
    """Fen as an exact Decimal(18, 2) yuan (written "1234.50"): the integer read as a decimal, times 0.01.

    18 digits hold any amount medaid accepts (at most 10⁹ yuan a claim) and are stored as one int64.
    """
    return (fen.cast(pl.Decimal(18, 0)) * pl.lit(Decimal("0.01"), pl.Decimal(18, 2))).cast(pl.Decimal(18, 2))


def _labels(names: Sequence[str], codes: np.ndarray) -> pl.Series:
    """Codes into ``names`` as an Enum column: one small integer per row, written as the name."""
    return pl.Series(names, dtype=pl.Enum(names)).gather(codes)


def _summary(rows_in: int, person: np.ndarray, claims: _Claims, rejected: int, versions: Sequence[Policy]) -> Summary:
    kind = (claims.index >> 1) & 1
    settled, lookup = claims.settled, claims.lookup
    more = derived(claims.fen, claims.index, settled.offset, settled.assistance, lookup)
    bound = more["cap_bound"]
    versions_used = np.flatnonzero(np.bincount(np.take(lookup.version, claims.index), minlength=len(versions)))
    names = ("inpatient", "outpatient")
    claims_by, assistance, bound_claims, bound_persons = {}, {}, {}, {}
    for k, name in enumerate(names):
        mask = kind == k
        claims_by[name] = int(np.count_nonzero(mask))
        assistance[name] = int(settled.assistance[mask].sum())
        bound_claims[name] = int(np.count_nonzero(bound & mask))
        bound_persons[name] = int(np.count_nonzero(np.bincount(person[bound & mask], minlength=1)))
    return Summary(
        rows_in=rows_in, settled=len(person), rejected=rejected, persons=int(np.count_nonzero(np.bincount(person, minlength=1))),
        claims=claims_by, assistance_fen=assistance, deductible_subsidy_fen=int(more["subsidy"].sum()),
        cap_bound_claims=bound_claims, cap_bound_persons=bound_persons,
        policy_ids=tuple(versions[int(v)].id for v in versions_used),
    )
