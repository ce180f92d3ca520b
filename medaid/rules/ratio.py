"""Which category's rule applies to a claim (就高), what of the self-pay is eligible, and the ratio.

就高: 新民晚报 2018-07-15 reporting the 2018 rules (a person meeting several conditions is assisted at
the highest standard); applied to both kinds of care by decision D7, ties broken by decision D12.
Policy key: ``selection``.
"""

from __future__ import annotations

from typing import Any

from medaid.errors import N_, InputError
from medaid.money import apply_ratio
from medaid.policy.model import Category, KindRule, Policy
from medaid.rules.ops import Ops

__all__ = ["select_category", "eligible", "before_cap"]


def _strength(rule: KindRule) -> tuple[bool, int, bool, int]:
    # D12: a higher ratio wins; at equal ratios the larger cap (no cap is largest); not covered loses.
    return (rule.covered, rule.ratio_ppm, rule.cap_fen is None, rule.cap_fen or 0)


def select_category(policy: Policy, categories: tuple[str, ...], kind: str) -> Category:
    """The category whose ``kind`` rule is strongest (就高, D7); ties go to the first category given (D12).

    Scalar only: the batch engine asks this function once per distinct (categories, version, kind) and
    gathers the answer by index, so the two never disagree.
    """
    if not categories:
        raise InputError(N_("a claim needs at least one category"))
    best = policy.category(categories[0])
    for name in categories[1:]:
        candidate = policy.category(name)
        if _strength(candidate.rule(kind)) > _strength(best.rule(kind)):
            best = candidate
    return best


def eligible(ops: Ops, self_pay: Any, offset_fen: Any, covered: Any) -> Any:
    """The self-pay the ratio applies to (符合规定的自负费用 less the offset); 0 where the kind is not covered.

    沪府办规〔2022〕19号: assistance is a ratio of the eligible self-pay. Policy key:
    ``categories.<category>.<kind>.covered`` (D5 for the illness-expenditure classes).
    """
    return ops.where(covered, self_pay - offset_fen, 0)


def before_cap(ops: Ops, eligible_fen: Any, ratio_ppm: Any) -> Any:
    """Assistance before the cap: eligible × the category's ratio, rounded half up to the fen once (D11).

    Policy key: ``categories.<category>.<kind>.ratio``; the rounding is :func:`medaid.money.apply_ratio`,
    which already works element-wise, so ``ops`` is only taken for a uniform signature.
    """
    del ops
    return apply_ratio(eligible_fen, ratio_ppm)
