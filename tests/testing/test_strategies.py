"""The public hypothesis strategies give valid inputs for any version."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.policy import default_registry
from medaid.rules import assess_person
from medaid.testing import strategies as mst

POLICY = default_registry().get("medical-assistance-2023")


@settings(max_examples=50)
@given(mst.claim_sequences(POLICY))
def test_claim_sequences_are_in_force_and_assessable(claims) -> None:
    """Generated claims fall in the policy's range and assess without error."""
    assert all(POLICY.in_force(c.date) for c in claims)
    assert assess_person(claims, lambda day: POLICY).total_fen >= 0


@settings(max_examples=50)
@given(mst.policy_variations(POLICY), st.data())
def test_policy_variations_keep_the_bounds(policy, data) -> None:
    """A varied policy (ratios 0–1, caps ≥ 0) still pays within self-pay."""
    claims = data.draw(mst.claim_sequences(policy))
    for r in assess_person(claims, lambda day: policy).claims:
        assert r.assistance_fen + r.deductible_subsidy_fen <= r.claim.self_pay_fen
