"""The two resident-insurance outpatient rules: the 300-yuan offset and the deductible subsidy.

The offset bites on the first 300 yuan of the year's outpatient self-pay, once per person-year, however
the year is split into claims (DESIGN §4.2); the subsidy pays exactly the part the offset made
ineligible, so the two never pay the same fen twice.
"""

from __future__ import annotations

from medaid.policy.model import CategorySet

__all__ = ["offset_for_claim", "subsidy_for_claim"]


def offset_for_claim(rule: CategorySet, category: str, resident: bool, self_pay_fen: int, used_fen: int) -> int:
    """The part of this claim's self-pay that is not eligible (门急诊起付线减免部分, 300元/人).

    Minhang 2023 budget, outpatient paragraph ("参加本市城乡居民基本医疗保险的人员，其个人实际自负部分需
    扣除其可享受的门急诊起付线减免部分费用（300元/人）"); who it covers is decision D3.
    Policy key: ``outpatient_offset``.
    """
    if not resident or category not in rule.categories:
        return 0
    return max(0, min(self_pay_fen, rule.amount_fen - used_fen))


def subsidy_for_claim(rule: CategorySet, category: str, offset_fen: int) -> int:
    """The deductible subsidy (起付线补助) of this claim: the part of it the offset made ineligible.

    沪民救发〔2016〕61号 (起付线补助 for dibao members of the resident insurance); outside the
    outpatient cap by decision D4. It never exceeds ``deductible_subsidy.max`` a year because the
    offset it follows bites once a year. Policy key: ``deductible_subsidy``.
    """
    return min(offset_fen, rule.amount_fen) if category in rule.categories else 0
