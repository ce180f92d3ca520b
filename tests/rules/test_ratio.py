"""Which category's rule applies (就高, D7/D12), the eligible self-pay, and the ratio rounded once (medaid.rules.ratio)."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.errors import InputError
from medaid.policy import default_registry
from medaid.rules import assess_person_year
from medaid.rules.ops import SCALAR
from medaid.rules.ratio import before_cap, eligible, select_category
from medaid.testing import strategies as mst

REGISTRY = default_registry()
POLICY_FOR = REGISTRY.medical_assistance
VERSIONS = [p for p in REGISTRY if p.scheme == "medical_assistance"]
POLICY = REGISTRY.get("medical-assistance-2023")


def test_highest_ratio_wins_whatever_the_order() -> None:
    """就高: dibao (90 %) over low income (80 %) and class 1 (70 %), in any order given."""
    for order in (("low_income", "dibao"), ("dibao", "low_income"), ("medical_poverty_1", "low_income", "dibao")):
        assert "dibao" == select_category(POLICY, order, "inpatient").id


def test_a_covered_kind_beats_an_uncovered_one() -> None:
    """Class 1 has no outpatient assistance: with low income, low income's outpatient rule applies."""
    assert "low_income" == select_category(POLICY, ("medical_poverty_1", "low_income"), "outpatient").id


def test_tie_on_ratio_goes_to_the_larger_cap_then_to_the_first_given() -> None:
    """D12: at equal ratios the larger cap (no cap is largest) wins; at equal rules the first category given."""
    low = POLICY.categories["low_income"]
    richer = attrs.evolve(low.inpatient, cap_fen=200_000_00)
    policy = attrs.evolve(
        POLICY,
        categories={
            **POLICY.categories,
            "medical_poverty_1": attrs.evolve(POLICY.categories["medical_poverty_1"], inpatient=richer),
        },
    )
    assert "medical_poverty_1" == select_category(policy, ("low_income", "medical_poverty_1"), "inpatient").id
    assert "scattered_orphan" == select_category(POLICY, ("scattered_orphan", "dibao"), "inpatient").id
    assert "dibao" == select_category(POLICY, ("dibao", "scattered_orphan"), "inpatient").id


def test_no_category_is_an_input_error() -> None:
    """An empty category list is refused with a message, not an IndexError."""
    with pytest.raises(InputError, match="at least one category"):
        select_category(POLICY, (), "inpatient")


def test_eligible_is_self_pay_less_offset_and_zero_when_not_covered() -> None:
    """The ratio applies to self-pay less the offset; a kind the category is not covered for has nothing eligible."""
    assert (eligible(SCALAR, 4_000_00, 300_00, True), eligible(SCALAR, 4_000_00, 0, False)) == (3_700_00, 0)


def test_ratio_rounds_half_up_once() -> None:
    """D11: 0.05 yuan × 90 % = 4.5 fen pays 5 fen; 0.04 × 90 % = 3.6 pays 4; 1 fen × 50 % pays 1; 0.1 × 92.5 % = 9.25 pays 9."""
    assert [before_cap(SCALAR, f, r) for f, r in ((5, 900_000), (4, 900_000), (1, 500_000), (10, 925_000))] == [
        5,
        4,
        1,
        9,
    ]


@settings(max_examples=100)
@given(mst.category_sets(), mst.dates(VERSIONS), mst.amounts(VERSIONS), mst.amounts(VERSIONS), st.booleans())
def test_highest_ratio_rule_pays_what_the_best_single_category_pays(
    cats: tuple[str, ...], day: dt.date, inpatient: int, outpatient: int, resident: bool
) -> None:
    """就高: a person in several categories gets, for inpatient care, exactly what the best single one gives."""
    kwargs = {"inpatient_fen": inpatient, "outpatient_fen": outpatient, "resident_insurance": resident}
    together = assess_person_year(cats, day, POLICY_FOR, **kwargs)
    best = max(assess_person_year((c,), day, POLICY_FOR, **kwargs).assistance_fen("inpatient") for c in cats)
    assert together.assistance_fen("inpatient") == best
