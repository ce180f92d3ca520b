"""Exact funding splits: the parts always add up to the total."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.district.funding import round_signed, split, split_city_district
from medaid.errors import InternalError
from medaid.money import PPM
from medaid.policy.model import Funding
from medaid.policy.registry import default_registry


@settings(max_examples=100)
@given(st.integers(-(10**13), 10**13), st.integers(0, PPM))
def test_city_plus_district_is_the_total(total, city_ppm) -> None:
    """city + district == total to the fen, for any total and any share; the city's part is the nearest fen."""
    policy = default_registry().get("medical-assistance-2023")
    funding = Funding(city_ppm, PPM - city_ppm, policy.funding.audit_city_share_ppm, policy.funding.citation)
    result = split_city_district(total, funding)
    assert total == result.city_fen + result.district_fen
    assert abs(2 * (result.city_fen * PPM - total * city_ppm)) <= PPM


@settings(max_examples=100)
@given(st.integers(0, 10**12), st.lists(st.integers(0, PPM), min_size=1, max_size=4))
def test_split_parts_sum_to_the_total(total, cuts) -> None:
    """Any shares summing to one: the parts sum to the total; a zero share gets nothing."""
    points = sorted(min(c, PPM) for c in cuts)
    shares = [b - a for a, b in zip([0, *points], [*points, PPM])]
    parts = split(total, shares)
    assert total == sum(parts)
    assert all(part == 0 for part, share in zip(parts, shares) if share == 0)


def test_default_rule_is_one_to_one() -> None:
    """Under every bundled version the split is 1:1, an odd fen going to the city (its half rounded up)."""
    for policy in default_registry():
        if policy.scheme == "medical_assistance":
            result = split_city_district(101, policy.funding)
            assert (51, 50) == (result.city_fen, result.district_fen)


def test_shares_must_sum_to_one() -> None:
    """Shares that do not sum to one million ppm are a bug, not a rounding matter."""
    with pytest.raises(InternalError, match="shares must sum to 1000000 ppm"):
        split(100, [500_000, 400_000])


def test_round_signed_is_symmetric() -> None:
    """-x rounds to minus the rounding of x."""
    assert [round_signed(n, 10) for n in (-15, -14, 15, 14)] == [-2, -1, 2, 1]
