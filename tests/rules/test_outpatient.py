"""The resident-insurance outpatient clauses: the 300 offset (D3) and the deductible subsidy (D4) (medaid.rules.outpatient)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.policy import default_registry
from medaid.rules import Claim, assess_person
from medaid.rules.ops import SCALAR
from medaid.rules.outpatient import offset, subsidy, subsidy_max, takes_offset
from medaid.testing import strategies as mst

POLICY = default_registry().get("medical-assistance-2023")


def test_who_takes_the_offset() -> None:
    """D3: outpatient claims of dibao and low-income members of the resident insurance; not inpatient, not
    employee insurance, not special relief or class 1."""
    assert takes_offset(POLICY, "dibao", "outpatient", True) and takes_offset(POLICY, "low_income", "outpatient", True)
    assert not takes_offset(POLICY, "dibao", "inpatient", True)
    assert not takes_offset(POLICY, "dibao", "outpatient", False)
    assert not any(takes_offset(POLICY, c, "outpatient", True) for c in ("special_relief", "medical_poverty_1"))


def test_offset_takes_what_is_left_of_the_300() -> None:
    """Claims of 120, 250 and 40 yuan: the offset takes 120, then 180, then nothing."""
    used, taken = 0, []
    for fen in (120_00, 250_00, 40_00):
        taken.append(offset(SCALAR, fen, 300_00, used))
        used += taken[-1]
    assert taken == [120_00, 180_00, 0]


def test_subsidy_is_the_offset_for_its_categories_only() -> None:
    """D4: dibao gets the offset band paid (up to 300), low income does not."""
    assert (subsidy_max(POLICY, "dibao"), subsidy_max(POLICY, "low_income")) == (300_00, 0)
    assert [subsidy(SCALAR, off, 300_00) for off in (0, 120_00, 300_00)] == [0, 120_00, 300_00]
    assert 0 == subsidy(SCALAR, 120_00, subsidy_max(POLICY, "low_income"))


@settings(max_examples=100)
@given(st.lists(mst.amounts(POLICY), min_size=1, max_size=6), st.sampled_from(("dibao", "low_income")))
def test_offset_and_subsidy_bite_once_a_year_however_the_year_is_split(parts: list[int], category: str) -> None:
    """A resident member's outpatient claims take min(300, their sum) of offset in a year, and dibao that much
    subsidy, whatever the split."""
    claims = [
        Claim(dt.date(2023, 1, 1) + dt.timedelta(days=i), "outpatient", fen, (category,), True, str(i))
        for i, fen in enumerate(parts)
    ]
    results = assess_person(claims, lambda day: POLICY).claims
    band = min(300_00, sum(parts))
    assert sum(r.offset_fen for r in results) == band
    assert sum(r.deductible_subsidy_fen for r in results) == (band if category == "dibao" else 0)
