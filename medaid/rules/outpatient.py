"""The two resident-insurance outpatient rules: the 300-yuan offset and the deductible subsidy.

Both bite on the first 300 yuan of the year's outpatient self-pay, once per person-year, however the
year is split into claims (DESIGN §4.2).
"""

from __future__ import annotations

from medaid.policy.model import CategorySet

__all__ = ["offset_for_claim", "subsidy_for_claim"]


def _first_band(rule: CategorySet, category: str, resident: bool, self_pay_fen: int, used_fen: int) -> int:
    if not resident or category not in rule.categories:
        return 0
    return max(0, min(self_pay_fen, rule.amount_fen - used_fen))


def offset_for_claim(rule: CategorySet, category: str, resident: bool, self_pay_fen: int, used_fen: int) -> int:
    """The part of this claim's self-pay that is not eligible (门急诊起付线减免部分, 300元/人).

    Minhang 2023 budget, outpatient paragraph ("参加本市城乡居民基本医疗保险的人员，其个人实际自负部分需
    扣除其可享受的门急诊起付线减免部分费用（300元/人）"); who it covers is decision D3.
    Policy key: ``outpatient_offset``.
    """
    return _first_band(rule, category, resident, self_pay_fen, used_fen)


def subsidy_for_claim(rule: CategorySet, category: str, resident: bool, self_pay_fen: int, paid_fen: int) -> int:
    """The deductible subsidy (起付线补助) of this claim: the year's first 300 yuan of outpatient self-pay.

    沪民救发〔2016〕61号 (起付线补助 for dibao members of the resident insurance); outside the
    outpatient cap by decision D4. Policy key: ``deductible_subsidy``.
    """
    return _first_band(rule, category, resident, self_pay_fen, paid_fen)
