"""``medaid compare`` and ``medaid sweep`` over partitions of whole persons, merged into the one-process result.

Every figure of a comparison or a sweep is a sum over persons (claims, fen, persons better or worse off),
and a person lives in one partition, so the per-partition results add up exactly. Each partition is
settled with :func:`~medaid.batch.partition.settle_partition` (duplicates judged over the whole input),
then grouped with the very code :mod:`medaid.whatif.caseload` uses in one process.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import polars as pl

from medaid.batch.partition import settle_partition
from medaid.errors import N_, InternalError
from medaid.policy.load import AnyPolicy
from medaid.policy.model import Policy
from medaid.policy.registry import PolicyRegistry
from medaid.whatif.caseload import (
    GROUPINGS,
    CaseloadComparison,
    GroupComparison,
    Sweep,
    SweepPoint,
    _baseline_registry,
    _grouped,
    _with_value,
    substitute,
)

__all__ = ["compare_partition", "merge_comparisons", "merge_rejects", "sweep_partition", "merge_sweeps"]

_FIELDS = ("claims", "persons", "baseline_fen", "reform_fen", "better_off", "worse_off", "unchanged")


def _settled_fen(table: Any, registry: PolicyRegistry, lang: str = "en") -> tuple[pl.DataFrame, pl.Series, Any]:
    """The partition settled: the grouping columns, each claim's total fen (assistance + subsidy), the result
    (its rejects' reasons in ``lang``)."""
    result = settle_partition(table, registry=registry, lang=lang)
    frame = pl.from_arrow(result.settled)
    if not isinstance(frame, pl.DataFrame):
        raise InternalError(
            N_("expected {expected}, got {type_name}"), expected="pl.DataFrame", type_name=type(frame).__name__
        )
    keys = sorted({key for group in GROUPINGS.values() for key in group})
    total = ((pl.col("assistance") + pl.col("deductible_subsidy")) * 100).cast(pl.Int64)
    return frame.select("person_id", "policy_id", *keys), frame.select(total).to_series(), result


def compare_partition(
    table: Any, registry: PolicyRegistry, reform: AnyPolicy, base: AnyPolicy | None, by: str, lang: str = "en"
) -> tuple:
    """One partition's comparison: (groups, total, rows in, rejected, claims in the reform's dates, rejects,
    their reasons in ``lang``)."""
    settled, baseline, first = _settled_fen(table, _baseline_registry(registry, reform, base), lang)
    reform_table, reformed, _ = _settled_fen(table, substitute(registry, reform))
    keys = list(GROUPINGS[by])
    frame = settled.select("person_id", *keys).with_columns(
        baseline=baseline, reform=reformed, difference=reformed - baseline
    )
    groups = _grouped(frame, keys) if frame.height else ()
    total = _grouped(frame.with_columns(pl.lit("").alias("__all")), ["__all"]) if frame.height else ()
    in_dates = int((reform_table["policy_id"] == reform.id).sum())
    return groups, total, first.summary.rows_in, first.summary.rejected, in_dates, first.rejects


def merge_comparisons(parts: Sequence[tuple], reform: AnyPolicy, base: AnyPolicy | None, by: str) -> CaseloadComparison:
    """The whole caseload's comparison from person-disjoint partitions (every count and sum adds up)."""
    groups: dict[tuple[str, ...], dict[str, int]] = defaultdict(lambda: dict.fromkeys(_FIELDS, 0))
    total = dict.fromkeys(_FIELDS, 0)
    for part_groups, part_total, *_counts in parts:
        for group in part_groups:
            for field in _FIELDS:
                groups[group.key][field] += getattr(group, field)
        for group in part_total:
            for field in _FIELDS:
                total[field] += getattr(group, field)
    merged = tuple(GroupComparison(key=key, **values) for key, values in sorted(groups.items()))
    if GROUPINGS[by][0] == "district_id":  # the city's usual order of districts, as in one process
        from medaid.districts import DISTRICT_INDEX as rank

        merged = tuple(sorted(merged, key=lambda g: (rank.get(g.key[0], len(rank)), g.key)))
    return CaseloadComparison(
        baseline_id=(base.id if base is not None else reform.extends),
        reform_id=reform.id,
        by=by,
        groups=merged,
        total=GroupComparison(key=("total",), **total),
        rows_in=sum(p[2] for p in parts),
        rejected=sum(p[3] for p in parts),
        in_reform_dates=sum(p[4] for p in parts),
        rejects=merge_rejects([p[5] for p in parts]),
    )


def sweep_partition(
    table: Any, key: str, values: Sequence[str], registry: PolicyRegistry, lang: str = "en"
) -> tuple[dict[str, int], list[dict[str, int]], int, Any]:
    """One partition's sweep: fen per district under the shipped values, then under each value, then the
    partition's rows in and rejected rows (their reasons in ``lang``).

    Only the versions this partition's claims use are changed: a version no claim here is dated in
    changes nothing here (and the versions used anywhere are changed wherever they are used).
    """
    settled, baseline, first = _settled_fen(table, registry, lang)
    used = set(settled["policy_id"].unique().to_list())
    points = []
    for value in values:
        variant = registry
        for policy in [p for p in registry if isinstance(p, Policy) and p.id in used]:
            variant = substitute(variant, _with_value(policy, key, value))
        _, totals, _ = _settled_fen(table, variant)
        points.append(_per_district(settled["district_id"], totals))
    return _per_district(settled["district_id"], baseline), points, first.summary.rows_in, first.rejects


def merge_sweeps(
    parts: Sequence[tuple[dict[str, int], list[dict[str, int]], int, Any]], key: str, values: Sequence[str]
) -> Sweep:
    """The whole caseload's sweep from person-disjoint partitions."""

    def point(value: str, per: list[dict[str, int]]) -> SweepPoint:
        summed: dict[str, int] = defaultdict(int)
        for districts in per:
            for district, fen in districts.items():
                summed[district] += fen
        return SweepPoint(value, sum(summed.values()), tuple(sorted(summed.items())))

    baseline = point("baseline", [p[0] for p in parts])
    rows_in, rejects = sum(p[2] for p in parts), merge_rejects([p[3] for p in parts])
    points = tuple(point(v, [p[1][i] for p in parts]) for i, v in enumerate(values))
    return Sweep(key=key, baseline=baseline, points=points, rows_in=rows_in, rejects=rejects)


def _per_district(districts: pl.Series, totals: pl.Series) -> dict[str, int]:
    frame = pl.DataFrame({"district": districts, "fen": totals}).group_by("district").agg(pl.col("fen").sum())
    return {d: int(f) for d, f in frame.iter_rows()}


def merge_rejects(parts: Sequence[Any]) -> pl.DataFrame:
    """The partitions' rejected rows (Arrow tables, ``line`` numbered in the input) as one table in input
    order: what the one-process run reports and writes with ``--rejects``."""
    import pyarrow as pa

    if not parts:
        return pl.DataFrame({"line": [], "reason": []}, schema={"line": pl.Int64, "reason": pl.String})
    frame = pl.from_arrow(pa.concat_tables(parts, promote_options="permissive"))
    if not isinstance(frame, pl.DataFrame):
        raise InternalError(
            N_("expected {expected}, got {type_name}"), expected="pl.DataFrame", type_name=type(frame).__name__
        )
    return frame.sort([c for c in ("file", "line") if c in frame.columns], maintain_order=True)
