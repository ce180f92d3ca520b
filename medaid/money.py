"""Money and ratios, exactly: integer fen (分) inside, yuan strings with two decimals at the edges.

The one rounding rule of medaid lives here (:func:`round_half_up`); nothing else rounds.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from medaid.errors import N_, InputError, Message

__all__ = [
    "FEN_PER_YUAN",
    "PPM",
    "MAX_YUAN",
    "MAX_FEN",
    "AMOUNT_PATTERN",
    "WITHIN_MAX_PATTERN",
    "amount_problem",
    "parse_yuan",
    "yuan_to_fen",
    "fen_to_yuan_str",
    "fen_of",
    "quoted",
    "SPACES",
    "ratio_to_ppm",
    "ppm_to_str",
    "round_half_up",
    "apply_ratio",
]

FEN_PER_YUAN = 100
#: Ratios are integers in parts per million, so 92.5 % (925 000) or 33.3333 % stay exact.
PPM = 1_000_000
#: Every amount of one claim (or one person-year total) is below this many yuan: ``fen × ratio_ppm`` and a
#: year's sums then stay far inside int64, so no amount is ever multiplied before it is known to fit.
MAX_YUAN = 1_000_000_000
#: :data:`MAX_YUAN` in fen (10 亿元, 10¹¹ fen): a claim's self-pay is below it, a policy cap or offset at most
#: it. Ten million such amounts still sum inside int64 (the batch engine, the ledger's integers).
MAX_FEN = MAX_YUAN * FEN_PER_YUAN
#: The grammar of a yuan amount (after surrounding spaces are trimmed): ASCII digits, an optional leading
#: ``+``, at most two decimals. No ``_``, no thousands separator, no exponent, no full-width digits.
AMOUNT_PATTERN = r"^\+?[0-9]+(\.[0-9]{1,2})?$"
#: An amount of the grammar that is also below :data:`MAX_YUAN` (at most nine digits before the point,
#: leading zeros aside): checked on the text, before any conversion.
WITHIN_MAX_PATTERN = r"^\+?0*[0-9]{1,9}(\.[0-9]{1,2})?$"
#: Spaces trimmed around every value read from a file: ASCII space, tab, line breaks, no-break space,
#: ideographic (full-width) space and a stray byte-order mark.
SPACES = " \t\r\n\u00a0\u3000\ufeff"
#: A value is quoted in a message up to this many characters, then cut with "…".
QUOTE_CHARS = 40

#: The word for an amount no column or option names, in messages ("amount is empty" / "金额为空").
AMOUNT = Message(N_("amount"))

_AMOUNT = re.compile(AMOUNT_PATTERN)
_WITHIN_MAX = re.compile(WITHIN_MAX_PATTERN)


def quoted(text: str) -> str:
    """``text`` in single quotes for a message, cut to :data:`QUOTE_CHARS` characters with "…".

    >>> quoted("dental"), quoted("9" * 50)
    ("'dental'", "'9999999999999999999999999999999999999999…'")
    """
    return f"'{text[:QUOTE_CHARS]}…'" if len(text) > QUOTE_CHARS else f"'{text}'"


def amount_problem(text: str, what: str = AMOUNT) -> Message | None:
    """Why the (trimmed) text is not an amount of yuan below :data:`MAX_YUAN`, or None if it is one.

    The reason is a :class:`~medaid.errors.Message` (English as text, translated with ``render(lang)``);
    ``what`` names the amount (a column's name, itself a :class:`~medaid.errors.Message`, or an option).
    The one statement of the amount rule; the columnar reader implements the same checks on whole
    columns with :data:`AMOUNT_PATTERN` and :data:`WITHIN_MAX_PATTERN` (a parity test holds them together).
    """
    if _WITHIN_MAX.match(text):
        return None
    if text == "":
        return Message(N_("{what} is empty"), what=what)
    if text.startswith("-"):
        return Message(N_("{what} must not be negative, got {value}"), what=what, value=quoted(text))
    if _AMOUNT.match(text):
        return Message(N_("{what} must be below {max} yuan, got {value}"), what=what, max=MAX_YUAN, value=quoted(text))
    return Message(
        N_("{what} must be yuan with at most two decimals (e.g. 5500 or 5500.50), got {value}"),
        what=what,
        value=quoted(text),
    )


def parse_yuan(text: str, *, what: str = AMOUNT) -> int:
    """Parse a yuan amount typed by a user ("5500", "5500.5", "5500.50") into fen.

    Never goes through float. Negative, non-numeric, sub-fen and too large amounts (:data:`MAX_YUAN`) are
    refused; so are ``_``, thousands separators and full-width digits (the grammar: :data:`AMOUNT_PATTERN`).

    >>> parse_yuan("160000")
    16000000
    >>> parse_yuan(" 0.05 ")
    5
    """
    if not isinstance(text, str):
        raise InputError(
            N_("{what} must be text like 5500.50, got {type_name} {text!r}"),
            what=what,
            type_name=type(text).__name__,
            text=text,
        )
    cleaned = text.strip(SPACES)
    problem = amount_problem(cleaned, what)
    if problem is not None:
        raise InputError(N_("{reason}"), reason=problem)
    return fen_of(cleaned)


def fen_of(text: str) -> int:
    """Fen of a text that has passed :func:`amount_problem` (no check here)."""
    whole, _, frac = text.lstrip("+").partition(".")
    return int(whole) * FEN_PER_YUAN + int(frac.ljust(2, "0"))


def yuan_to_fen(value: Decimal | int, *, what: str = "amount") -> int:
    """Convert an exact yuan value (from a policy file) to whole fen; refuse sub-fen precision."""
    fen = Decimal(value) * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise InputError(N_("{what} must be a whole number of fen, got {value}"), what=what, value=value)
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
        raise InputError(N_("{what} must be a number between 0 and 1, got {value!r}"), what=what, value=value) from None
    if scaled != scaled.to_integral_value():
        raise InputError(N_("{what} must have at most six decimals, got {value}"), what=what, value=value)
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
