"""The two resident-insurance outpatient clauses: the 300-yuan offset and the deductible subsidy.

The offset bites on the first 300 yuan of the year's outpatient self-pay, once per person-year, however
the year is split into claims (a yearly limit, :func:`medaid.rules.caps.within_limit`); the subsidy pays
exactly the part the offset made ineligible, so the two never pay the same fen twice.
"""

from __future__ import annotations

from typing import Any

from medaid.policy.model import Policy
from medaid.rules.caps import within_limit
from medaid.rules.ops import Ops

__all__ = ["takes_offset", "offset", "subsidy_max", "subsidy"]


def takes_offset(policy: Policy, category: str, kind: str, resident: bool) -> bool:
    """Whether a claim's self-pay counts toward the 300 offset: an outpatient claim of a resident-insurance
    (城乡居民医保) member whose applied category is one of ``outpatient_offset.categories`` (D3)."""
    return kind == "outpatient" and resident and category in policy.outpatient_offset.categories


def offset(ops: Ops, qualifying_self_pay: Any, amount: Any, used_before: Any) -> Any:
    """The part of this claim's self-pay that is not eligible (门急诊起付线减免部分, 300元/人 a year).

    Minhang 2023 budget, outpatient paragraph: for resident-insurance members the self-pay is assessed
    after deducting the outpatient deductible waiver they enjoy; who it covers is decision D3.
    ``qualifying_self_pay`` is the self-pay where :func:`takes_offset` holds, else 0; ``used_before`` the
    offset earlier claims of the year took. Policy key: ``outpatient_offset.amount``.
    """
    return within_limit(ops, qualifying_self_pay, amount, used_before)


def subsidy_max(policy: Policy, category: str) -> int:
    """The deductible subsidy a claim of ``category`` can get (``deductible_subsidy.max``), 0 outside its categories."""
    rule = policy.deductible_subsidy
    return rule.amount_fen if category in rule.categories else 0


def subsidy(ops: Ops, offset_fen: Any, maximum: Any) -> Any:
    """The deductible subsidy (起付线补助) of this claim: the part the offset made ineligible, up to ``maximum``.

    沪民救发〔2016〕61号 (起付线补助 for dibao members of the resident insurance); outside the outpatient
    cap by decision D4. It never exceeds ``deductible_subsidy.max`` a year because the offset it follows
    bites once a year. ``maximum`` is :func:`subsidy_max`. Policy key: ``deductible_subsidy``.
    """
    return ops.minimum(offset_fen, maximum)
