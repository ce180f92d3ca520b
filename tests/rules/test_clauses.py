"""The clause metadata (medaid.rules.clauses): it names real code and known decisions, and the explanation steps follow it."""

from __future__ import annotations

import importlib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.policy import default_registry
from medaid.rules import Claim, assess_person
from medaid.rules.clauses import ACCUMULATORS, CLAUSES, clause, markdown
from medaid.rules.outpatient import offset
from medaid.testing import strategies as mst

REGISTRY = default_registry()
VERSIONS = [p for p in REGISTRY if p.scheme == "medical_assistance"]


def test_every_clause_names_an_importable_function_and_known_decisions() -> None:
    """The metadata points at real code, and every decision it cites is in policies/decisions.toml."""
    from medaid.policy.decisions import decisions

    known = decisions()
    for c in CLAUSES:
        module, _, name = c.qualname.rpartition(".")
        assert getattr(importlib.import_module(module), name) is c.function
        assert set(c.decisions) <= set(known), c.id
        assert c.text_zh and c.text_en and c.source
    assert {a.advanced_by for a in ACCUMULATORS} <= {c.id for c in CLAUSES}
    assert clause("offset").function is offset


@settings(max_examples=60, deadline=None)
@given(st.lists(mst.claims(VERSIONS), min_size=1, max_size=4))
def test_every_explanation_step_is_a_clause_citing_its_key_and_source(claims: list[Claim]) -> None:
    """Each step an assessment records is the step of a clause, citing the policy key that clause reads; a
    clause with one key per version (就高, the offset, the subsidy) cites the source its metadata names."""
    by_step = {c.step: c for c in CLAUSES if c.step}
    for result in assess_person(claims, REGISTRY.medical_assistance).claims:
        # A category that is the same as another (散居孤儿 as 低保) cites that one's rule.
        owner = result.policy.categories[result.category].same_as or result.category
        for code, kind, citation, field, _values in result.trace:
            c = by_step[code]
            key = f"{citation.key}.{field}"
            if c.id == "category" and len(result.claim.categories) == 1:  # no choice: it cites the rule chosen
                assert key == clause("ratio").policy_key(owner, kind)
                continue
            assert key == c.policy_key(owner, kind)
            if "<category>" not in c.key:
                assert citation.source.key == c.source, (c.id, result.policy_id)


def test_every_clause_source_is_a_source_of_the_policy_files() -> None:
    """The metadata cites documents by the policy files' source keys, never a title of its own."""
    keys = {key for policy in VERSIONS for key in policy.sources}
    assert [] == [c.id for c in CLAUSES if c.source not in keys]


def test_docs_policy_md_holds_the_generated_clause_table() -> None:
    """docs/policy.md's clause section is clauses.markdown() (rewrite the page: medaid policy docs -o docs/policy.md)."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "policy.md").read_text(encoding="utf-8")
    assert "\n".join(markdown()) in page, "docs/policy.md is stale: medaid policy docs -o docs/policy.md"
