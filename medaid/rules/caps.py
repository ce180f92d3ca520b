"""Annual caps (年度最高救助限额), per person, per kind of care, per calendar year (D8)."""

from __future__ import annotations

__all__ = ["pay_within_cap"]


def pay_within_cap(before_cap_fen: int, cap_fen: int | None, paid_before_fen: int) -> int:
    """What a claim pays: ``min(cumulative, cap) − min(previous cumulative, cap)``, never negative.

    The cumulative counts everything paid to the person for this kind this year under any category;
    the cap is the one of the claim's own category (DESIGN §4.4). ``None`` is no cap (special relief).

    >>> pay_within_cap(300_00, 2_800_00, 2_600_00)
    20000
    >>> pay_within_cap(300_00, 2_500_00, 2_600_00)
    0
    """
    if cap_fen is None:
        return before_cap_fen
    return max(0, min(before_cap_fen, cap_fen - paid_before_fen))
