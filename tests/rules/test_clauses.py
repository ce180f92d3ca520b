"""The clause metadata (medaid.rules.clauses): it names real code and known decisions, and the explanation steps follow it."""

from __future__ import annotations

import importlib

from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.policy import default_registry
from medaid.rules.clauses import ACCUMULATORS, CLAUSES, clause
from medaid.rules.outpatient import offset
from medaid.testing import strategies as mst


def test_every_clause_names_an_importable_function_and_known_decisions() -> None:
    """The metadata points at real code, and every decision it cites is in policies/decisions.toml."""
    from medaid.policy.decisions import decisions

    known = decisions()
    for c in CLAUSES:
        module, _, name = c.qualname.rpartition(".")
        assert getattr(importlib.import_module(module), name) is c.function
        assert set(c.decisions) <= set(known), c.id
        assert c.text_zh and c.text_en and c.document
    assert {a.advanced_by for a in ACCUMULATORS} <= {c.id for c in CLAUSES}
    assert clause("offset").function is offset


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(("inpatient", "outpatient")),
            mst.amounts(default_registry().get("medical-assistance-2023")),
            st.sampled_from(("dibao", "low_income", "medical_poverty_1", "special_relief")),
            st.booleans(),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_every_explanation_step_is_a_clause_citing_its_field(specs: list[tuple[str, int, str, bool]]) -> None:
    """Each step an assessment records is a clause of the rulebook, citing the policy field that clause reads."""
    import datetime as dt

    from medaid.rules import Claim, assess_person

    policy = default_registry().get("medical-assistance-2023")
    claims = [
        Claim(dt.date(2023, 3, 1), kind, amount, (category, "low_income"), resident, f"c{i}")
        for i, (kind, amount, category, resident) in enumerate(specs)
    ]
    for step in assess_person(claims, lambda day: policy).steps:
        c = clause("eligible" if step.code == "not_covered" else step.code)
        if c.id != "category":  # 就高 cites `selection.rule` when it chose between categories, else the chosen rule
            assert step.key.endswith(f".{c.field}"), (step.code, step.key)
        else:
            assert step.key in ("selection.rule", f"categories.{step.values['category']}.{step.kind}.ratio")
