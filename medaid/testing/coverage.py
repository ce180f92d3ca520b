"""Which clauses, and which of their branches, a set of case outcomes exercised (``medaid test --coverage``).

Derived from the clause metadata (:data:`medaid.rules.clauses.CLAUSES`), not from a list of its own: a
branch is one clause for one (policy version, category, kind) where the clause can act
(:attr:`~medaid.rules.clauses.Clause.applies`), and a case exercises it when the clause acted on one of its
assessed claims (:attr:`~medaid.rules.clauses.Clause.acted`). A new clause is counted as soon as it is in
the metadata.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from medaid.policy.model import KINDS, Policy
from medaid.rules import ClaimResult
from medaid.rules.clauses import CLAUSES, Clause, clause

__all__ = ["Branch", "branches", "exercised", "ClauseUse", "CoverageReport", "coverage"]


@attrs.frozen
class Branch:
    """One clause for one (policy id, category, kind), e.g. the cap of low-income outpatient claims in 2018-07."""

    policy_id: str
    category: str
    kind: str
    clause: str

    def describe(self) -> str:
        """E.g. ``outpatient cap (categories.low_income.outpatient.cap) for low_income in medical-assistance-2023``."""
        key = clause(self.clause).policy_key(self.category, self.kind)
        return f"{self.kind} {self.clause} ({key}) for {self.category} in {self.policy_id}"


def branches(policy: Policy, clauses: Iterable[Clause] = CLAUSES) -> set[Branch]:
    """Every branch of ``policy``: each clause, for each category and kind it can act on."""
    return {
        Branch(policy.id, category, kind, c.id)
        for c in clauses
        for category in policy.categories
        for kind in KINDS
        if c.applies(policy, category, kind)
    }


def exercised(result: ClaimResult, clauses: Iterable[Clause] = CLAUSES) -> set[Branch]:
    """The branches one assessed claim went through: each clause that acted on it."""
    return {Branch(result.policy_id, result.category, result.claim.kind, c.id) for c in clauses if c.acted(result)}


@attrs.frozen
class ClauseUse:
    """One clause: how many assessed claims it acted on, and how many of its branches the cases reached."""

    clause: Clause
    claims: int
    covered: int
    total: int


@attrs.frozen
class CoverageReport:
    """Branches of the policies that the cases went through, and those none did; per clause, the claims it acted on."""

    total: int
    covered: tuple[Branch, ...]
    missed: tuple[Branch, ...]
    keys: tuple[str, ...]
    clauses: tuple[ClauseUse, ...]


def coverage(policies: Iterable[Policy], results: Iterable[ClaimResult]) -> CoverageReport:
    """Compare the branches of ``policies`` (and of any reform a result was assessed under) with those
    ``results`` exercised; per clause, the claims it acted on; and the policy keys the steps read."""
    results = list(results)
    known = {policy.id: policy for policy in policies}
    for result in results:
        known.setdefault(result.policy_id, result.policy)
    universe: set[Branch] = set()
    for policy in known.values():
        universe |= branches(policy)
    hit: set[Branch] = set()
    acted = dict.fromkeys((c.id for c in CLAUSES), 0)
    keys: dict[str, None] = {}
    for result in results:
        for branch in exercised(result):
            hit.add(branch)
            acted[branch.clause] += 1
        for _code, _kind, citation, field, _values in result.trace:
            keys[f"{result.policy_id}:{citation.key}.{field}"] = None
    order = lambda b: (b.policy_id, b.category, b.kind, b.clause)  # noqa: E731 - a sort key, named for the two sorts
    covered = universe & hit
    uses = tuple(
        ClauseUse(
            clause=c,
            claims=acted[c.id],
            covered=sum(1 for b in covered if b.clause == c.id),
            total=sum(1 for b in universe if b.clause == c.id),
        )
        for c in CLAUSES
    )
    return CoverageReport(
        total=len(universe),
        covered=tuple(sorted(covered, key=order)),
        missed=tuple(sorted(universe - hit, key=order)),
        keys=tuple(keys),
        clauses=uses,
    )
