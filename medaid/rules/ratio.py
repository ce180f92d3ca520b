"""Which category's rule applies to a claim: 就高 (the highest ratio) when a person is in several.

Source: 新民晚报 2018-07-15 reporting the 2018 rules ("按'就高原则'给予救助"); applied to both kinds of
care by decision D7. Policy key: ``selection``.
"""

from __future__ import annotations

from medaid.errors import InputError
from medaid.policy.model import Category, KindRule, Policy

__all__ = ["select_category"]


def _strength(rule: KindRule) -> tuple[bool, int, bool, int]:
    # A higher ratio wins; at equal ratios the larger cap (no cap is largest); not covered loses.
    return (rule.covered, rule.ratio_ppm, rule.cap_fen is None, rule.cap_fen or 0)


def select_category(policy: Policy, categories: tuple[str, ...], kind: str) -> Category:
    """The category whose ``kind`` rule is strongest; ties go to the first category given."""
    if not categories:
        raise InputError("a claim needs at least one category")
    best = policy.category(categories[0])
    for name in categories[1:]:
        candidate = policy.category(name)
        if _strength(candidate.rule(kind)) > _strength(best.rule(kind)):
            best = candidate
    return best
