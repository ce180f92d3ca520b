"""Presentation only: amounts the way a bureau's budget tables show them (单位：元 / 万元).

Tables state the unit once in a heading and give grouped numbers: per-person and detailed amounts in
元 with two decimals, totals of a caseload in 万元 with two decimals (rounded half up for display only;
JSON and CSV keep exact yuan).
"""

from __future__ import annotations

from decimal import Decimal

from medaid.i18n import babel_locale
from medaid.money import FEN_PER_YUAN, round_half_up

__all__ = ["UNITS", "unit_label", "format_amount", "format_wan"]

#: Fen per display unit.
UNITS = {"yuan": FEN_PER_YUAN, "wan": 1_000_000}
_LABELS = {("yuan", "zh"): "元", ("yuan", "en"): "yuan", ("wan", "zh"): "万元", ("wan", "en"): "10k yuan"}


def unit_label(unit: str, lang: str) -> str:
    """The unit's name for a heading ("万元", "10k yuan").

    >>> unit_label("wan", "zh"), unit_label("yuan", "en")
    ('万元', 'yuan')
    """
    return _LABELS[unit, lang]


def format_amount(fen: int, lang: str, unit: str = "yuan", *, grouping: bool = True) -> str:
    """An amount in ``unit`` (元 or 万元) with two decimals and the locale's grouping, without a sign of currency.

    >>> format_amount(3384846250, "zh"), format_amount(3384846250, "en", "wan")
    ('33,848,462.50', '3,384.85')
    >>> format_amount(-5, "zh", "wan"), format_amount(-759580000, "zh", "wan")
    ('0.00', '-759.58')
    """
    from babel.numbers import format_decimal

    per = UNITS[unit] // 100
    hundredths = round_half_up(abs(fen), per)
    value = Decimal(hundredths) / 100
    text = format_decimal(value, "#,##0.00" if grouping else "0.00", locale=babel_locale(lang))
    return f"-{text}" if fen < 0 and hundredths else text


def format_wan(value: Decimal | int, lang: str, *, min_decimals: int = 0) -> str:
    """A value already in 万元 (exact), grouped, with all its decimals (nothing is rounded).

    >>> format_wan(Decimal("25520.32"), "zh"), format_wan(25522, "en"), format_wan(Decimal("695.8"), "en", min_decimals=2)
    ('25,520.32', '25,522', '695.80')
    """
    from babel.numbers import format_decimal

    value = Decimal(value)
    exponent = value.as_tuple().exponent
    decimals = max(min_decimals, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, pattern, locale=babel_locale(lang))
