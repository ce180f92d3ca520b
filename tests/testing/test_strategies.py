"""The public hypothesis strategies (medaid.testing.strategies) give valid inputs for one version or several."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.policy import default_registry
from medaid.rules import Claim, assess_person
from medaid.testing import strategies as mst

REGISTRY = default_registry()
POLICY = REGISTRY.get("medical-assistance-2023")
VERSIONS = [p for p in REGISTRY if p.scheme == "medical_assistance"]


def test_edges_are_where_the_policy_changes() -> None:
    """The offset, the 2 800 cap and the self-pay where the dibao outpatient cap starts to bind (2 800 / 60 % + 300)."""
    edges = mst.edges(POLICY)
    assert {300_00, 2_800_00, 4_966_67, 130_000_00, 144_444_44} <= set(edges)
    assert {2_500_00, 4_166_67} <= set(mst.edges(VERSIONS)) - set(edges)  # the 2018-07 cap (2 500, at 60 %: 4 166.67)


@settings(max_examples=50)
@given(mst.claim_sequences(POLICY))
def test_claim_sequences_are_in_force_numbered_and_assessable(claims: list[Claim]) -> None:
    """Generated claims fall in the policy's range, are numbered 1…n, and assess under it."""
    assert all(POLICY.in_force(c.date) for c in claims)
    assert [c.claim_id for c in claims] == [str(n) for n in range(1, len(claims) + 1)]
    assert {POLICY.id} == {r.policy_id for r in assess_person(claims, lambda day: POLICY).claims}


@settings(max_examples=50)
@given(mst.claims(VERSIONS))
def test_claims_over_several_versions_fall_in_one_of_them(claim: Claim) -> None:
    """A claim drawn over every shipped version is dated inside one of them."""
    assert any(p.in_force(claim.date) for p in VERSIONS)


@settings(max_examples=50)
@given(mst.policy_variations(POLICY), st.data())
def test_policy_variations_keep_the_bounds(policy, data) -> None:
    """A varied policy (ratios 0–1, caps ≥ 0) still pays within self-pay."""
    claims = data.draw(mst.claim_sequences(policy))
    for r in assess_person(claims, lambda day: policy).claims:
        assert r.assistance_fen + r.deductible_subsidy_fen <= r.claim.self_pay_fen
