"""Which policy keys and branches a set of case outcomes exercised (``medaid test --coverage``)."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from medaid.policy.model import KINDS, Policy
from medaid.rules import ClaimResult

__all__ = ["Branch", "branches", "exercised", "CoverageReport", "coverage"]


@attrs.frozen
class Branch:
    """One thing a policy version can do: (policy id, category, kind, what), e.g. the cap being reached."""

    policy_id: str
    category: str
    kind: str
    what: str

    def describe(self) -> str:
        return f"{self.kind} {self.what.replace('_', ' ')} for {self.category} in {self.policy_id}"


def branches(policy: Policy) -> set[Branch]:
    """Every branch of ``policy``: per category and kind, applied / cap reached / not covered, offset, subsidy."""
    out = set()
    for category in policy.categories.values():
        for kind in KINDS:
            rule = category.rule(kind)
            if not rule.covered:
                out.add(Branch(policy.id, category.id, kind, "not_covered"))
                continue
            out.add(Branch(policy.id, category.id, kind, "ratio_applied"))
            if rule.cap_fen is not None:
                out.add(Branch(policy.id, category.id, kind, "cap_reached"))
        if not category.outpatient.covered:
            continue
        if category.id in policy.outpatient_offset.categories:
            out.add(Branch(policy.id, category.id, "outpatient", "offset_applied"))
        if category.id in policy.deductible_subsidy.categories:
            out.add(Branch(policy.id, category.id, "outpatient", "subsidy_paid"))
    return out


def exercised(result: ClaimResult) -> set[Branch]:
    """The branches one assessed claim went through."""
    make = lambda what: Branch(result.policy_id, result.category, result.claim.kind, what)  # noqa: E731
    codes = {entry[0] for entry in result.trace}
    out = set()
    if "not_covered" in codes:
        out.add(make("not_covered"))
    elif result.claim.self_pay_fen:
        out.add(make("ratio_applied"))
    if result.cap_bound or (result.cap_left_fen == 0 and result.assistance_fen):
        out.add(make("cap_reached"))
    if result.offset_fen:
        out.add(make("offset_applied"))
    if result.deductible_subsidy_fen:
        out.add(make("subsidy_paid"))
    return out


@attrs.frozen
class CoverageReport:
    """Branches of the policies that the cases went through, and those none did."""

    total: int
    covered: tuple[Branch, ...]
    missed: tuple[Branch, ...]
    keys: tuple[str, ...]


def coverage(policies: Iterable[Policy], results: Iterable[ClaimResult]) -> CoverageReport:
    """Compare the branches of ``policies`` with those ``results`` exercised; also the policy keys read."""
    universe: set[Branch] = set()
    for policy in policies:
        universe |= branches(policy)
    hit: set[Branch] = set()
    keys: dict[str, None] = {}
    for result in results:
        hit |= exercised(result)
        for _code, _kind, citation, field, _values in result.trace:
            keys[f"{result.policy_id}:{citation.key}.{field}"] = None
    order = lambda b: (b.policy_id, b.category, b.kind, b.what)  # noqa: E731
    return CoverageReport(
        total=len(universe),
        covered=tuple(sorted(universe & hit, key=order)),
        missed=tuple(sorted(universe - hit, key=order)),
        keys=tuple(keys),
    )
