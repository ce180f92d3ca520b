"""The reference calculation (medaid.rules.assess): what holds of the calculation itself, not of a policy.

What every policy version or reform must do (bounds, caps, monotone, split, dominance, batch = reference) is
the invariant suite of ``medaid check`` (medaid.testing.invariants), run on every shipped version and
reform by tests/testing/test_invariants.py; it is not restated here.
"""

from __future__ import annotations

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.policy import default_registry
from medaid.rules import Claim, assess_each_claim, assess_person
from medaid.testing import strategies as mst

REGISTRY = default_registry()
POLICY_FOR = REGISTRY.medical_assistance
VERSIONS = [p for p in REGISTRY if p.scheme == "medical_assistance"]


@settings(max_examples=100)
@given(st.lists(st.tuples(st.sampled_from("abc"), mst.claims(VERSIONS)), min_size=1, max_size=12))
def test_assess_each_claim_equals_assess_person_per_person(rows: list[tuple[str, Claim]]) -> None:
    """Many persons' claims in one call give each person's own assessment, in input order."""
    batch = [attrs.evolve(claim, person_id=person, claim_id=str(i)) for i, (person, claim) in enumerate(rows)]
    results = assess_each_claim(batch, POLICY_FOR)
    assert [c.claim_id for c in batch] == [r.claim.claim_id for r in results]
    for person in "abc":
        mine = [c for c in batch if c.person_id == person]
        if mine:
            expected = {r.claim.claim_id: r.assistance_fen for r in assess_person(mine, POLICY_FOR).claims}
            assert expected == {r.claim.claim_id: r.assistance_fen for r in results if r.claim.person_id == person}


@settings(max_examples=50)
@given(mst.claims(VERSIONS), mst.claims(VERSIONS))
def test_each_claim_is_governed_by_the_version_of_its_date(first: Claim, second: Claim) -> None:
    """A person's claims in two versions' ranges are each assessed under the version in force on their date."""
    results = assess_person([first, second], POLICY_FOR).claims
    assert sorted(r.policy_id for r in results) == sorted(POLICY_FOR(c.date).id for c in (first, second))
