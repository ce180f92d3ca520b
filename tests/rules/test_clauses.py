"""The clause layer: each clause gives the same fen on ints, numpy arrays and polars expressions."""

from __future__ import annotations

import importlib

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.rules import Usage
from medaid.rules.caps import NO_CAP, cap_bound, cap_group, cap_left, cap_payment, cap_used, within_limit
from medaid.rules.clauses import ACCUMULATORS, CLAUSES, clause
from medaid.rules.ops import NUMPY, POLARS, SCALAR
from medaid.rules.outpatient import offset, subsidy
from medaid.rules.ratio import before_cap, eligible
from tests.strategies import fen

ratios = st.one_of(st.sampled_from([0, 500_000, 600_000, 925_000, 1_000_000]), st.integers(0, 1_000_000))
caps = st.one_of(st.sampled_from([0, 300_00, 2_800_00, 130_000_00, NO_CAP]), fen)
rows = st.lists(st.tuples(fen, fen, caps, ratios, st.booleans()), min_size=1, max_size=20)


def _three_ways(function, *columns):
    """The clause on ints row by row, on numpy arrays and on polars columns, as three lists."""
    scalar = [function(SCALAR, *values) for values in zip(*columns)]
    arrays = function(NUMPY, *(np.array(c) for c in columns)).tolist()
    frame = pl.DataFrame({f"c{i}": list(c) for i, c in enumerate(columns)})
    exprs = frame.select(function(POLARS, *(pl.col(f"c{i}") for i in range(len(columns)))).alias("out"))[
        "out"
    ].to_list()
    return scalar, arrays, exprs


@settings(max_examples=150, deadline=None)
@given(rows)
def test_amount_clauses_agree_on_every_executor(data: list[tuple[int, int, int, int, bool]]) -> None:
    """offset, eligible, ratio and rounding, subsidy, cap payment and cap left: ints == numpy == polars."""
    a, b, cap, ppm, covered = (list(column) for column in zip(*data))
    used = [min(x, c) for x, c in zip(b, cap)]
    for function, columns in (
        (offset, (a, [300_00] * len(a), [x % 300_01 for x in b])),
        (eligible, ([x + y for x, y in zip(a, b)], b, covered)),
        (before_cap, (a, ppm)),
        (subsidy, ([x % 300_01 for x in a], [300_00 if c else 0 for c in covered])),
        (cap_payment, (a, cap, used)),
        (cap_left, (cap, used, [min(x, c - u) for x, c, u in zip(a, cap, used)])),
    ):
        scalar, arrays, exprs = _three_ways(function, *columns)
        assert scalar == arrays == exprs, function.__name__


def test_cap_bound_works_on_bools_arrays_and_expressions() -> None:
    """cap_bound is True only for a covered claim the cap paid less than its amount."""
    assert [cap_bound(c, p, b) for c, p, b in ((True, 1, 2), (True, 2, 2), (False, 1, 2))] == [True, False, False]
    assert cap_bound(np.array([True, True, False]), np.array([1, 2, 1]), np.array([2, 2, 2])).tolist() == [
        True,
        False,
        False,
    ]


def test_within_limit_is_the_running_cap() -> None:
    """Summed over claims in order, the limit bites once: 2 800 split as 2 600 + 300 pays 200 on the second."""
    assert within_limit(SCALAR, 300_00, 2_800_00, 2_600_00) == 200_00
    assert within_limit(SCALAR, 300_00, 2_500_00, 2_600_00) == 0
    assert within_limit(SCALAR, 5, NO_CAP, 10**15) == 5


def test_cap_scope_groups_and_usage() -> None:
    """per_kind counts the claim's kind only; shared counts both kinds against the cap."""
    usage = Usage(2023, paid_inpatient_fen=100, paid_outpatient_fen=20)
    assert (cap_group("per_kind", "outpatient"), cap_group("shared", "outpatient")) == ("outpatient", "all")
    assert (cap_used(usage, "outpatient", "per_kind"), cap_used(usage, "outpatient", "shared")) == (20, 120)


@given(st.sampled_from(("inpatient", "outpatient")), fen, st.integers(0, 300_00), st.integers(0, 300_00))
def test_usage_add_then_undo_is_identity(kind: str, paid: int, off: int, sub: int) -> None:
    """A reversal (the same amounts, negated) gives back the usage before the claim."""
    before = Usage(2023, 5, 7, 11, 13)
    assert before.add(kind, paid, off, sub).add(kind, -paid, -off, -sub) == before


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
            fen,
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

    from medaid.policy import default_registry
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
