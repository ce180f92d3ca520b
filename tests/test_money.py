"""Exact money: parsing yuan, formatting fen, the one rounding rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medaid.errors import InputError
from medaid.money import apply_ratio, fen_to_yuan_str, parse_yuan, ratio_to_ppm, round_half_up


@pytest.mark.parametrize(
    "text, fen",
    [
        ("0", 0),
        ("5500", 550000),
        ("5500.5", 550050),
        ("5500.05", 550005),
        (" 1000 ", 100000),
        ("+007", 700),
        ("999999999.99", 99999999999),
    ],
)
def test_parse_yuan(text: str, fen: int) -> None:
    """Yuan text becomes exact fen."""
    assert fen == parse_yuan(text)


@pytest.mark.parametrize(
    "text",
    ["-1", "1.005", "abc", "", "1e3", "NaN", "inf", "1,000", "1_000", "５０", "1000000000", "10000000000", "1.", ".5"],
)
def test_parse_yuan_refuses(text: str) -> None:
    """Negative, sub-fen, non-numeric, float-style, `_`-separated, full-width and too large text is refused."""
    with pytest.raises(InputError):
        parse_yuan(text)


@given(st.integers(0, 10**11 - 1))
def test_format_then_parse_round_trips(fen: int) -> None:
    """Formatting fen as yuan and parsing it back is the identity."""
    assert fen == parse_yuan(fen_to_yuan_str(fen))


@given(st.integers(0, 10**12), st.integers(1, 10**9))
def test_round_half_up_matches_decimal(numerator: int, denominator: int) -> None:
    """The integer rule equals Decimal ROUND_HALF_UP."""
    from decimal import ROUND_HALF_UP, Decimal

    assert int(
        (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    ) == round_half_up(numerator, denominator)


def test_half_fen_rounds_up() -> None:
    """0.5 fen rounds up: 60 % of 0.01 yuan... and 50 % of 1 fen is 1 fen."""
    assert (1, 0, 1) == (apply_ratio(1, 500_000), apply_ratio(1, 499_999), apply_ratio(1, 600_000))


def test_ratio_to_ppm_is_exact() -> None:
    """A 92.5 % what-if ratio stays exact; more than six decimals is refused."""
    assert 925_000 == ratio_to_ppm("0.925")
    with pytest.raises(InputError):
        ratio_to_ppm("0.1234567")
