"""The settled table as a polars query: the input rows, the engine's three amounts, and every other result
column derived from them by expression.

The engine (:mod:`medaid.batch.engine`) gives per claim only what needs the running sums: the offset
taken, the assistance paid and the cap left. Everything else follows claim by claim from those, the
self-pay and the rule the claim's lookup index names, by the very clause functions the reference calls
(:mod:`medaid.rules.clauses`, over polars expressions): eligible, before_cap (ratio, rounded half up once),
the deductible subsidy, cap_bound. Written as expressions, the table is computed slice by
slice as polars writes it (a few hundred MiB for 10 M claims instead of the whole table); the summary
applies the very same clause functions to the engine's numpy arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs
import numpy as np
import polars as pl

from medaid.batch import lookup_index
from medaid.batch.engine import CHUNK, Lookup, Settled
from medaid.batch.parse import DISTRICT_IDS
from medaid.contract import claims as claims_contract
from medaid.rules.caps import cap_bound
from medaid.rules.ops import NUMPY, POLARS
from medaid.rules.outpatient import subsidy
from medaid.rules.ratio import before_cap, eligible

__all__ = ["RESULT_COLUMNS", "Claims", "settled_frame", "summary_totals"]

#: Columns added after the input columns, in this order. Amounts are yuan with two decimals.
#: The columns a settlement adds, declared by the claims contract (:data:`medaid.contract.claims.RESULTS`).
RESULT_COLUMNS = claims_contract.RESULT_COLUMNS


@attrs.frozen
class Claims:
    """The settled claims' numbers, in input order: what the result columns are made of."""

    person: np.ndarray  # a code per distinct person_id
    district: np.ndarray  # index into DISTRICT_IDS
    fen: np.ndarray  # self-pay
    index: np.ndarray  # the lookup index (category string, version, kind, insurance)
    settled: Settled
    lookup: Lookup
    policy_ids: tuple[str, ...]


def settled_frame(rows: pl.DataFrame, claims: Claims) -> pl.LazyFrame:
    """The settled table as a LazyFrame: ``rows`` (the input columns as given) then :data:`RESULT_COLUMNS`.

    An input column named like a result column (a settled file settled again) gives way to the result.
    """
    given = rows.drop(RESULT_COLUMNS, strict=False)
    names = _working_names(given.columns)
    frame = given.with_columns(pl.Series(names[name], values) for name, values in _working_values(claims).items())
    return frame.lazy().select(*given.columns, *_result_columns(names, claims))


def summary_totals(claims: Claims) -> pl.DataFrame:
    """Per kind (0 inpatient, 1 outpatient): claims, assistance, subsidy, claims and persons the cap bound (fen).

    The same clauses as the settled table's columns (:class:`_Terms`), on the engine's numpy arrays: a few
    whole-array passes instead of a second polars query over the working columns (a tenth of a Shanghai
    year's CPU), a slice of :data:`~medaid.batch.engine.CHUNK` rows at a time so the temporaries stay in
    the CPU's cache, as in the engine.
    """
    lookup, settled, index = claims.lookup, claims.settled, claims.index
    totals = np.zeros((2, 4), np.int64)  # per kind: claims, assistance, subsidy, bound claims
    bound_kind = np.empty(len(index), np.int8)  # the kind where the cap bound, else -1
    for lo in range(0, len(index), CHUNK):
        part = slice(lo, lo + CHUNK)
        rule, offset, paid = index[part], settled.offset[part], settled.assistance[part]
        covered = np.take(lookup.covered, rule)
        before = before_cap(NUMPY, eligible(NUMPY, claims.fen[part], offset, covered), np.take(lookup.ratio_ppm, rule))
        bound = cap_bound(covered, paid, before)
        subsidy_fen = subsidy(NUMPY, offset, np.take(lookup.subsidy_fen, rule))
        kind = lookup_index.kind_of(rule)
        for k in (0, 1):
            mask = kind == k
            totals[k] += (
                np.count_nonzero(mask),
                np.sum(paid, where=mask),
                np.sum(subsidy_fen, where=mask),
                np.count_nonzero(bound & mask),
            )
        bound_kind[part] = np.where(bound, kind, -1)
    rows = []
    for k in (0, 1):
        claims_k, assistance, subsidy_k, bound_claims = (int(value) for value in totals[k])
        if not claims_k:
            continue  # as a group-by: only the kinds that occur
        rows.append(
            {
                "kind": k,
                "claims": claims_k,
                "assistance": assistance,
                "subsidy": subsidy_k,
                "bound_claims": bound_claims,
                "bound_persons": int(np.count_nonzero(np.bincount(claims.person[bound_kind == k]))),
            }
        )
    return pl.DataFrame(rows, schema=_TOTALS_SCHEMA)


_TOTALS_SCHEMA = {
    "kind": pl.Int64,
    "claims": pl.Int64,
    "assistance": pl.Int64,
    "subsidy": pl.Int64,
    "bound_claims": pl.Int64,
    "bound_persons": pl.Int64,
}


#: The working columns behind the table: self-pay, lookup index, the engine's amounts, the district code.
_WORKING = ("fen", "index", "offset", "paid", "left", "district")


def _working_names(taken: Sequence[str]) -> dict[str, str]:
    """A name for each working column that is none of the input columns."""
    names = {}
    for base in _WORKING:
        name = f"__medaid_{base}"
        while name in taken:
            name += "_"
        names[base] = name
    return names


class _Terms:
    """The derived amounts (the clauses of :mod:`medaid.rules.clauses`) as expressions over the working columns (fen)."""

    def __init__(self, names: dict[str, str], lookup: Lookup) -> None:
        self.index = pl.col(names["index"])
        offset, paid = pl.col(names["offset"]), pl.col(names["paid"])
        self.covered = self.rule(lookup.covered)
        self.eligible = eligible(POLARS, pl.col(names["fen"]), offset, self.covered)
        self.before_cap = before_cap(POLARS, self.eligible, self.rule(lookup.ratio_ppm))
        self.subsidy = subsidy(POLARS, offset, self.rule(lookup.subsidy_fen))
        self.cap_bound = cap_bound(self.covered, paid, self.before_cap)

    def rule(self, values: np.ndarray) -> pl.Expr:
        """The lookup's value for each claim (a gather from a small table by the lookup index)."""
        return pl.lit(pl.Series(values)).gather(self.index)

    def label(self, names: Sequence[str], codes: np.ndarray) -> pl.Expr:
        """The lookup's label for each claim (see :func:`_labels`): the labels are gathered per lookup entry
        once, here, so each row costs one gather, not two."""
        return pl.lit(_labels(names).gather(codes)).gather(self.index)


def _working_values(claims: Claims) -> dict[str, np.ndarray]:
    settled = claims.settled
    return {
        "fen": claims.fen,
        "index": claims.index,
        "offset": settled.offset,
        "paid": settled.assistance,
        "left": settled.cap_left,
        "district": claims.district,
    }


def _result_columns(names: dict[str, str], claims: Claims) -> list[pl.Expr]:
    lookup = claims.lookup
    terms = _Terms(names, lookup)
    has_cap = terms.rule(lookup.has_cap)
    cap = terms.rule(np.where(lookup.has_cap, lookup.cap_fen, 0))
    columns = {
        "district_id": pl.lit(_labels(DISTRICT_IDS)).gather(pl.col(names["district"])),
        "category_applied": terms.label(lookup.applied_names, lookup.applied),
        "policy_id": terms.label(claims.policy_ids, lookup.version),
        "offset": _yuan(pl.col(names["offset"])),
        "eligible": _yuan(terms.eligible),
        "ratio": terms.label(lookup.ratio_names, lookup.ratio_text),
        "before_cap": _yuan(terms.before_cap),
        "assistance": _yuan(pl.col(names["paid"])),
        "deductible_subsidy": _yuan(terms.subsidy),
        "cap": pl.when(has_cap).then(_yuan(cap)),
        "cap_left": pl.when(has_cap).then(_yuan(pl.col(names["left"]))),
        "cap_bound": terms.cap_bound,
        "provisional": terms.label(lookup.provisional_names, lookup.provisional),
    }
    return [columns[name].alias(name) for name in RESULT_COLUMNS]


def _labels(names: Sequence[str]) -> pl.Series:
    """A few labels as a Categorical series: gathered per row, a column costs one small integer per row
    (written as the label; Categorical rather than Enum so outputs of different runs concatenate)."""
    return pl.Series(names, dtype=pl.Categorical)


def _yuan(fen: pl.Expr) -> pl.Expr:
    """Fen as an exact Decimal(18, 2) yuan (written "1234.50"): the integer read as a decimal, times 0.01.

    18 digits hold any amount medaid accepts (at most 10⁹ yuan a claim) and are stored as one int64. The
    product is taken at precision 38 (polars' own width, no rescaling check) and narrowed once: a third less
    CPU than multiplying at 18 digits, the same values.
    """
    return (fen.cast(pl.Decimal(38, 0)) * pl.lit(Decimal("0.01"), pl.Decimal(38, 2))).cast(pl.Decimal(18, 2))
