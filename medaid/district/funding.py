"""How a total is shared between payers, exactly to the fen (资金分担).

Medical assistance is financed by city and district finance 1:1 (本市城乡医疗救助资金由市、区财政按 1∶1
比例分担筹资; 2023 self-evaluation of the city-to-district transfer, policy key ``funding``). Shares are
ppm of the total; each payer's amount is rounded half up (:func:`medaid.money.round_half_up`) and the
last payer with a non-zero share takes the remainder, so the parts always add up to the total.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from medaid.errors import N_, InternalError
from medaid.money import PPM, round_half_up
from medaid.policy.model import Funding

__all__ = ["Split", "split", "split_city_district", "round_signed"]


@attrs.frozen
class Split:
    """A total (fen) shared between city (市) and district (区) finance."""

    total_fen: int
    city_fen: int
    district_fen: int
    city_share_ppm: int
    district_share_ppm: int


def round_signed(numerator: int, denominator: int) -> int:
    """Round half up a value of either sign, symmetrically (四舍五入: -2.5 → -3, 2.5 → 3).

    >>> round_signed(5, 2), round_signed(-5, 2), round_signed(-7, 3)
    (3, -3, -2)
    """
    if numerator < 0:
        return -round_half_up(-numerator, denominator)
    return round_half_up(numerator, denominator)


def split(total_fen: int, shares_ppm: Sequence[int]) -> tuple[int, ...]:
    """Share ``total_fen`` by ``shares_ppm`` (which sum to one million): each part rounded half up,
    the last non-zero share taking the remainder so the parts sum to the total exactly.

    >>> split(101, [500_000, 500_000])
    (51, 50)
    >>> split(311_000, [500_000, 250_000, 250_000]), split(311_000, [500_000, 500_000, 0])
    ((155500, 77750, 77750), (155500, 155500, 0))
    """
    if sum(shares_ppm) != PPM:
        raise InternalError(N_("shares must sum to {total} ppm, got {shares}"), total=PPM, shares=list(shares_ppm))
    last = max(i for i, share in enumerate(shares_ppm) if share)
    parts = [round_signed(total_fen * share, PPM) if i != last else 0 for i, share in enumerate(shares_ppm)]
    parts[last] = total_fen - sum(parts)
    return tuple(parts)


def split_city_district(total_fen: int, funding: Funding) -> Split:
    """City and district shares of a medical-assistance total under the policy's funding rule (1:1).

    The city's part is rounded half up to the fen and the district takes the rest, so
    ``city + district == total`` for every total and every share.
    """
    city, district = split(total_fen, (funding.city_share_ppm, funding.district_share_ppm))
    return Split(total_fen, city, district, funding.city_share_ppm, funding.district_share_ppm)
