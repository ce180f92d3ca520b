"""A caseload under the baseline and under a reform: totals per group, the difference, who gains and who loses.

Both runs use the batch engine on the same claims, read once; a person counts as better or worse off
by the change of their whole assistance (plus deductible subsidy) within the group.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from medaid._deprecation import renamed
from medaid.errors import N_, InputError
from medaid.policy.load import AnyPolicy, apply_changes
from medaid.policy.model import Policy
from medaid.policy.registry import PolicyRegistry

__all__ = [
    "POSITION",
    "numbered",
    "aligned",
    "GROUPINGS",
    "reform_registry",
    "resettled",
    "GroupComparison",
    "CaseloadComparison",
    "compare_caseload",
    "substitute",
    "settle_fen",
    "SweepPoint",
    "Sweep",
    "sweep_parameter",
]

#: --by choices and the settled-table columns they group on.
GROUPINGS = {
    "district": ("district_id",),
    "category": ("category",),
    "kind": ("kind",),
    "district,category": ("district_id", "category"),
    "district,kind": ("district_id", "kind"),
}


def substitute(registry: PolicyRegistry, policy: AnyPolicy) -> PolicyRegistry:
    """``registry`` with ``policy`` in place of the version it extends (a reform takes over its base's dates)."""
    if policy.extends is None:
        return registry
    return PolicyRegistry(policy if p.id == policy.extends else p for p in registry)


#: A hidden column numbering the caseload's rows, so runs under different policies line up row by row
#: even when they reject different rows (a row rejected by either run is left out of both).
POSITION = "__medaid_position"


def settle_fen(table: Any, registry: PolicyRegistry, *, allow_future: bool = False, lang: str = "en"):
    """Settle ``table`` (an in-memory claims table) and return (settled table, per-claim total fen, rejects,
    their reasons in ``lang``).

    The settled table holds the columns a comparison groups on (``person_id``, ``policy_id`` and those of
    :data:`GROUPINGS`), and :data:`POSITION` when ``table`` has it; polars computes only those.
    """
    import polars as pl

    from medaid.batch.settle import settle_batch

    result = settle_batch(table, registry=registry, allow_future=allow_future, lang=lang)
    keys = sorted({key for group in GROUPINGS.values() for key in group})
    total = ((pl.col("assistance") + pl.col("deductible_subsidy")) * 100).cast(pl.Int64).alias("__total")
    extra = [POSITION] if POSITION in table.columns else []
    settled = result.lazy().select("person_id", "policy_id", *keys, *extra, total).collect()
    return settled.drop("__total"), settled["__total"], result.rejects


def numbered(table: Any) -> Any:
    """``table`` with :data:`POSITION` (0, 1, 2, …) added, to line up runs of it (see :func:`aligned`)."""
    import polars as pl

    return table.with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias(POSITION))


def aligned(runs: list[tuple[Any, Any, Any]]) -> tuple[list[tuple[Any, Any]], Any]:
    """Settled runs of one :func:`numbered` table, reduced to the rows every run settled; and the rejects
    of all runs (each row once, with the first run's reason), in row order, without :data:`POSITION`.

    Usually every run rejects the same rows and nothing is dropped; a row one policy refuses and another
    accepts is rejected for the whole comparison, so no total counts a row the other lacks.
    """
    import polars as pl

    rejects = pl.concat([r for _s, _t, r in runs], how="diagonal_relaxed") if len(runs) > 1 else runs[0][2]
    rejects = rejects.unique(POSITION, keep="first", maintain_order=True).sort(POSITION)
    out = []
    for settled, totals, run_rejects in runs:
        if run_rejects.height != rejects.height:
            keep = ~settled[POSITION].is_in(rejects[POSITION].implode())
            settled, totals = settled.filter(keep), totals.filter(keep)
        out.append((settled, totals))
    return out, rejects.drop(POSITION)


def reform_registry(registry: PolicyRegistry, reform_ref: str) -> PolicyRegistry:
    """``registry`` with the reform file (or id) ``reform_ref`` in place of its base; refuses a non-reform."""
    reform = registry.resolve(reform_ref)
    if reform.extends is None:
        raise InputError(
            N_('--reform needs a reform file (with extends = "<policy id>"), got {reform_ref}'), reform_ref=reform_ref
        )
    require_medical_assistance(reform, reform_ref)
    return substitute(registry, reform)


def require_medical_assistance(reform: AnyPolicy, ref: str, option: str = "--reform") -> None:
    """Refuse a policy of another scheme (mutual aid) where claims are settled under medical assistance."""
    if not isinstance(reform, Policy):
        raise InputError(
            N_(
                "{option} {ref}: {reform_id} is a {reform_scheme} policy; claims are settled under medical assistance (mutual aid is medaid mutual-aid)"
            ),
            option=option,
            ref=ref,
            reform_id=reform.id,
            reform_scheme=reform.scheme,
        )


def resettled(path: Any, reform_ref: str, registry: PolicyRegistry, lang: str = "en"):
    """Settle a claims file (settled or not: its input columns are what count) under a reform; return the
    reform's registry, the settled frame in the form ``medaid.district.aggregate`` reads, and the
    settlement's summary and rejects (rows in = settled + rejected; none is dropped silently; reasons in ``lang``)."""
    import tempfile
    from pathlib import Path

    from medaid.batch.settle import settle_batch
    from medaid.district.aggregate import read_settled

    reformed = reform_registry(registry, reform_ref)
    with tempfile.TemporaryDirectory() as folder:
        settled = Path(folder) / "reform.parquet"
        result = settle_batch(path, registry=reformed, output=settled, lang=lang)
        return reformed, read_settled(settled), result.summary, result.rejects


@attrs.frozen
class GroupComparison:
    """One group's totals (fen) under both policies and how many persons gain, lose or stay the same."""

    key: tuple[str, ...]
    claims: int
    persons: int
    baseline_fen: int
    reform_fen: int
    better_off: int
    worse_off: int
    unchanged: int

    @property
    def difference_fen(self) -> int:
        """Reform minus baseline."""
        return self.reform_fen - self.baseline_fen


@attrs.frozen
class CaseloadComparison:
    """Baseline vs reform over a caseload, per group and in total."""

    baseline_id: str
    reform_id: str
    by: str
    groups: tuple[GroupComparison, ...]
    total: GroupComparison
    rows_in: int
    rejected: int
    in_reform_dates: int
    #: The rejected rows (``line``, ``reason``, the input columns), as ``medaid claims`` writes them.
    rejects: Any = attrs.field(default=None, eq=False, repr=False)

    @property
    def settled(self) -> int:
        """Rows settled under both policies (rows in = settled + rejected)."""
        return self.rows_in - self.rejected

    @property
    def note(self) -> str | None:
        """Why every difference is zero, when it is for a reason the user may have missed."""
        if self.in_reform_dates == 0:
            return f"no settled claim is dated within {self.reform_id}'s dates, so nothing changes"
        return None


def compare_caseload(
    source: Any,
    reform: AnyPolicy,
    *,
    registry: PolicyRegistry,
    base: AnyPolicy | None = None,
    by: str = "district",
    read: dict | None = None,
    lang: str = "en",
) -> CaseloadComparison:
    """Settle ``source`` under ``base`` (default: the version ``reform`` extends) and under ``reform``; compare.

    ``read``: the claims reader's options (``encoding``, ``sheet``, ``allow_future``); ``lang``: the language
    of the rejects' reasons."""
    read = dict(read or {})
    future = read.pop("allow_future", False)
    import polars as pl

    from medaid.batch.io import read_claims

    if by not in GROUPINGS:
        raise InputError(N_("--by must be one of {names}, got {by!r}"), names=", ".join(GROUPINGS), by=by)
    if reform.extends is None:
        raise InputError(N_("{reform_id} is not a reform (it has no extends)"), reform_id=reform.id)
    require_medical_assistance(reform, reform.id)
    if base is not None:
        require_medical_assistance(base, base.id, "--base")
    table, _name = read_claims(source, **read)
    table = numbered(table)
    runs = [
        settle_fen(table, _baseline_registry(registry, reform, base), allow_future=future, lang=lang),
        settle_fen(table, substitute(registry, reform), allow_future=future, lang=lang),
    ]
    ((settled, baseline), (reform_table, reformed)), rejects = aligned(runs)
    keys = list(GROUPINGS[by])
    frame = settled.select("person_id", *keys).with_columns(
        baseline=baseline, reform=reformed, difference=reformed - baseline
    )
    groups = _grouped(frame, keys)
    total = _grouped(frame.with_columns(pl.lit("").alias("__all")), ["__all"])[0] if frame.height else _empty_group()
    in_dates = int((reform_table["policy_id"] == reform.id).sum())
    return CaseloadComparison(
        baseline_id=(base.id if base is not None else reform.extends),
        reform_id=reform.id,
        by=by,
        groups=groups,
        total=attrs.evolve(total, key=("total",)),
        rows_in=table.height,
        rejected=rejects.height,
        in_reform_dates=in_dates,
        rejects=rejects,
    )


def _empty_group() -> GroupComparison:
    """The total of a caseload with no settled row (a header-only file, or every row rejected)."""
    return GroupComparison(
        key=("total",), claims=0, persons=0, baseline_fen=0, reform_fen=0, better_off=0, worse_off=0, unchanged=0
    )


def _baseline_registry(registry: PolicyRegistry, reform: AnyPolicy, base: AnyPolicy | None) -> PolicyRegistry:
    """The shipped versions, with ``base`` (if given) governing the dates the reform governs.

    A shipped version named as the base (say 2023's rules against a 2024 reform) is moved onto the
    reform's dates, so both runs differ only in the rules, never in which claims they cover.
    """
    if base is None or base.id == reform.extends:
        return registry
    target = registry.get(reform.extends)
    moved = attrs.evolve(
        base,
        id=f"{base.id}~on-{target.id}",
        effective_from=target.effective_from,
        effective_to=target.effective_to,
        extends=target.id,
    )
    return substitute(registry, moved)


def _grouped(frame: Any, keys: list[str]) -> tuple[GroupComparison, ...]:
    import polars as pl

    persons = frame.group_by([*keys, "person_id"]).agg(pl.col("difference").sum())
    counts = persons.group_by(keys).agg(
        persons=pl.len(),
        better=(pl.col("difference") > 0).sum(),
        worse=(pl.col("difference") < 0).sum(),
    )
    sums = frame.group_by(keys).agg(claims=pl.len(), baseline=pl.col("baseline").sum(), reform=pl.col("reform").sum())
    joined = sums.join(counts, on=keys).sort(keys)
    groups = tuple(
        GroupComparison(
            key=tuple(str(row[k]) for k in keys),
            claims=row["claims"],
            persons=row["persons"],
            baseline_fen=int(row["baseline"]),
            reform_fen=int(row["reform"]),
            better_off=row["better"],
            worse_off=row["worse"],
            unchanged=row["persons"] - row["better"] - row["worse"],
        )
        for row in joined.iter_rows(named=True)
    )
    if keys and keys[0] == "district_id":  # the city's usual order of districts, not the alphabet
        from medaid.districts import DISTRICT_INDEX as rank

        groups = tuple(sorted(groups, key=lambda g: (rank.get(g.key[0], len(rank)), g.key)))
    return groups


@attrs.frozen
class SweepPoint:
    """The caseload's cost (fen) with the parameter at one value, in total and per district."""

    value: str
    total_fen: int
    by_district: tuple[tuple[str, int], ...]


@attrs.frozen
class Sweep:
    """A parameter swept over values: one point per value, plus the baseline (the shipped values)."""

    key: str
    baseline: SweepPoint
    points: tuple[SweepPoint, ...]
    rows_in: int = 0
    #: The rejected rows (``line``, ``reason``, the input columns); rows in = settled + rejected.
    rejects: Any = attrs.field(default=None, eq=False, repr=False)

    @property
    def rejected(self) -> int:
        return 0 if self.rejects is None else self.rejects.height

    @property
    def settled(self) -> int:
        """Rows settled under every value (and the baseline)."""
        return self.rows_in - self.rejected


def sweep_parameter(
    source: Any,
    key: str,
    values: Sequence[str],
    *,
    registry: PolicyRegistry,
    read: dict | None = None,
    lang: str = "en",
) -> Sweep:
    """Set ``key`` (e.g. ``categories.low_income.outpatient.cap``) to each value in every medical-assistance
    version the claims touch, and settle the caseload once per value (``read``: the reader's options;
    ``lang``: the language of the rejects' reasons)."""
    read = dict(read or {})
    future = read.pop("allow_future", False)

    from medaid.batch.io import read_claims

    if not values:
        raise InputError(N_("--values needs at least one value"))
    table, _name = read_claims(source, **read)
    table = numbered(table)
    runs = [settle_fen(table, registry, allow_future=future, lang=lang)]
    used = set(runs[0][0]["policy_id"].unique().to_list())
    for value in values:
        variant = registry
        for policy in [p for p in registry if isinstance(p, Policy) and p.id in used]:
            variant = substitute(variant, _with_value(policy, key, value))
        runs.append(settle_fen(table, variant, allow_future=future, lang=lang))
    lined_up, rejects = aligned(runs)
    districts = lined_up[0][0]["district_id"]
    points = tuple(_point(value, totals, districts) for value, (_settled, totals) in zip(values, lined_up[1:]))
    return Sweep(
        key=key,
        baseline=_point("baseline", lined_up[0][1], districts),
        points=points,
        rows_in=table.height,
        rejects=rejects,
    )


sweep = renamed(sweep_parameter, "sweep")


def _point(value: str, totals: Any, districts: Any) -> SweepPoint:
    import polars as pl

    per = (
        pl.DataFrame({"district": districts, "fen": totals})
        .group_by("district")
        .agg(pl.col("fen").sum())
        .sort("district")
    )
    return SweepPoint(value, int(totals.sum()), tuple((d, int(f)) for d, f in per.iter_rows()))


def _with_value(policy: Policy, key: str, value: str) -> AnyPolicy:
    parts = key.split(".")
    if len(parts) < 2 or not all(parts):
        raise InputError(
            N_("--param must be a policy key like categories.low_income.outpatient.cap, got {key_text!r}"), key_text=key
        )
    changes: dict[str, Any] = {}
    node = changes
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = _value(value, parts[-1])
    changes["id"] = f"{policy.id}~{key}={value}"
    return apply_changes(
        policy,
        changes,
        where=f"--param {key}={value}",
        title=f"sweep {key} = {value} (what-if, not law)",
        raw=f"{key}={value}".encode(),
    )


def _value(text: str, name: str) -> Any:
    text = text.strip()
    if name == "categories":
        return [part for part in text.split("|") if part]
    if text in ("none", "true", "false"):
        return {"true": True, "false": False}.get(text, text)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InputError(N_("--values: {text!r} is not a number, none, true, false or a|b list"), text=text) from None
    if not number.is_finite():
        raise InputError(N_("--values: {text!r} is not a finite number"), text=text)
    return int(number) if number == number.to_integral_value() else number
