"""Shared hypothesis strategies for the rules tests."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from medaid.policy.model import CATEGORIES
from medaid.rules import Claim

#: Amounts that sit on the interesting edges: the offset, the outpatient caps and their thresholds.
EDGE_FEN = [0, 1, 299_99, 300_00, 300_01, 2_500_00, 2_800_00, 4_966_67, 5_900_00, 144_444_44, 130_000_00, 162_500_00]

categories = st.sampled_from(CATEGORIES)
category_sets = st.lists(categories, min_size=1, max_size=3, unique=True).map(tuple)
kinds = st.sampled_from(("inpatient", "outpatient"))
fen = st.one_of(st.sampled_from(EDGE_FEN), st.integers(0, 40_000_000))
dates = st.dates(dt.date(2018, 1, 1), dt.date(2025, 12, 31))


def years(year: int) -> st.SearchStrategy[dt.date]:
    """Dates within one calendar year."""
    return st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31))


@st.composite
def claims(draw, *, day=None, cats=None, resident=None) -> Claim:
    """One claim; fix the date, categories or insurance to hold them equal across claims."""
    return Claim(
        date=draw(day if day is not None else dates),
        kind=draw(kinds),
        self_pay_fen=draw(fen),
        categories=cats if cats is not None else draw(category_sets),
        resident_insurance=draw(st.booleans()) if resident is None else resident,
        claim_id=str(draw(st.integers(0, 10**9))),
    )
