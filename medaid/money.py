"""Money and ratios, exactly: integer fen (分) inside, yuan strings with two decimals at the edges.

The one rounding rule of medaid lives here (:func:`round_half_up`); nothing else rounds.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from medaid.errors import InputError

__all__ = [
    "FEN_PER_YUAN",
    "PPM",
    "parse_yuan",
    "yuan_to_fen",
    "fen_to_yuan_str",
    "ratio_to_ppm",
    "ppm_to_str",
    "round_half_up",
    "apply_ratio",
]

FEN_PER_YUAN = 100
#: Ratios are integers in parts per million, so 92.5 % (925 000) or 33.3333 % stay exact.
PPM = 1_000_000

_YUAN = re.compile(r"^\+?(\d+)(?:\.(\d{1,2}))?$")


def parse_yuan(text: str, *, what: str = "amount") -> int:
    """Parse a yuan amount typed by a user ("5500", "5500.5", "5500.50") into fen.

    Never goes through float. Negative, non-numeric and sub-fen amounts are refused.

    >>> parse_yuan("160000")
    16000000
    >>> parse_yuan("0.05")
    5
    """
    cleaned = text.strip().replace("_", "")
    match = _YUAN.match(cleaned)
    if match is None:
        if cleaned.startswith("-"):
            raise InputError(f"{what} must not be negative, got {text!r}")
        raise InputError(f"{what} must be yuan with at most two decimals (e.g. 5500 or 5500.50), got {text!r}")
    whole, frac = match.groups()
    return int(whole) * FEN_PER_YUAN + int((frac or "").ljust(2, "0"))


def yuan_to_fen(value: Decimal | int, *, what: str = "amount") -> int:
    """Convert an exact yuan value (from a policy file) to whole fen; refuse sub-fen precision."""
    fen = Decimal(value) * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise InputError(f"{what} must be a whole number of fen, got {value}")
    return int(fen)


def fen_to_yuan_str(fen: int) -> str:
    """Format fen as a yuan string with exactly two decimals, the form of every amount in JSON and CSV.

    >>> fen_to_yuan_str(13310000)
    '133100.00'
    >>> fen_to_yuan_str(-5)
    '-0.05'
    """
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{cents:02d}"


def ratio_to_ppm(value: Decimal | int | str, *, what: str = "ratio") -> int:
    """Convert an exact ratio (0.9, "0.925") to parts per million; refuse what ppm cannot hold exactly."""
    try:
        scaled = Decimal(value) * PPM
    except (InvalidOperation, TypeError, ValueError):
        raise InputError(f"{what} must be a number between 0 and 1, got {value!r}") from None
    if scaled != scaled.to_integral_value():
        raise InputError(f"{what} must have at most six decimals, got {value}")
    return int(scaled)


def ppm_to_str(ppm: int) -> str:
    """Render a ppm ratio as a short exact decimal ("0.9", "0.925", "1").

    >>> ppm_to_str(900_000)
    '0.9'
    """
    text = str(Decimal(ppm) / PPM)
    return text.rstrip("0").rstrip(".") if "." in text else text


def round_half_up(numerator: int, denominator: int) -> int:
    """Round numerator/denominator half up (四舍五入) to an integer; both non-negative, denominator > 0.

    The single rounding rule of medaid (decision D11, ``policies/decisions.toml``): assistance is rounded to the fen once per claim,
    after the ratio is applied; caps and offsets then work on whole fen. Only ``+``, ``*`` and ``//`` are
    used, so the batch engine applies this same function element-wise to numpy arrays and polars
    expressions.

    >>> round_half_up(5, 2), round_half_up(7, 3), round_half_up(3, 2)
    (3, 2, 2)
    """
    return (2 * numerator + denominator) // (2 * denominator)


def apply_ratio(fen: int, ppm: int) -> int:
    """Eligible self-pay in fen times a ppm ratio, rounded half up to the fen (also element-wise, see
    :func:`round_half_up`)."""
    return round_half_up(fen * ppm, PPM)
