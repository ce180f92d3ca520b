"""A property test a policy team can write with medaid.testing (run: python -m pytest examples/test_my_policy.py)."""

from hypothesis import given

from medaid.policy import default_registry
from medaid.rules import assess_person
from medaid.testing import strategies as mst

POLICY = default_registry().get("medical-assistance-2023")


@given(mst.claim_sequences(POLICY, categories=["dibao"]))
def test_dibao_outpatient_never_above_the_cap(claims):
    """Whatever a dibao member's claims, a year's outpatient assistance stays within 2 800, the subsidy within 300."""
    result = assess_person(claims, lambda day: POLICY)
    assert result.assistance_fen("outpatient") <= 2_800_00
    assert result.deductible_subsidy_fen <= 300_00
