"""The ops shim (medaid.rules.ops): every amount clause gives the same fen on ints, numpy arrays and polars expressions."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.policy import default_registry
from medaid.rules.caps import NO_CAP
from medaid.rules.clauses import CLAUSES, clause
from medaid.rules.ops import NUMPY, POLARS, SCALAR
from medaid.testing import strategies as mst

VERSIONS = [p for p in default_registry() if p.scheme == "medical_assistance"]
fen = mst.amounts(VERSIONS)
ratios = st.one_of(st.sampled_from([0, 500_000, 600_000, 925_000, 1_000_000]), st.integers(0, 1_000_000))
caps = st.one_of(st.sampled_from([0, 300_00, 2_800_00, 130_000_00, NO_CAP]), fen)
rows = st.lists(st.tuples(fen, fen, caps, ratios, st.booleans()), min_size=1, max_size=20)

Row = tuple[int, int, int, int, bool]
#: The arguments (after ``ops``) of each amount clause, made valid from one drawn row (a, b, cap, ppm, covered).
ARGUMENTS: dict[str, Callable[[int, int, int, int, bool], tuple[object, ...]]] = {
    "offset": lambda a, b, cap, ppm, covered: (a, 300_00, b % 300_01),
    "eligible": lambda a, b, cap, ppm, covered: (a + b, b, covered),
    "ratio": lambda a, b, cap, ppm, covered: (a, ppm),
    "subsidy": lambda a, b, cap, ppm, covered: (a % 300_01, 300_00 if covered else 0),
    "cap": lambda a, b, cap, ppm, covered: (a, cap, min(b, cap)),
    "cap_left": lambda a, b, cap, ppm, covered: (cap, min(b, cap), min(a, cap - min(b, cap))),
}


def _three_ways(function: Callable[..., object], columns: list[tuple[object, ...]]) -> tuple[list, list, list]:
    """The clause on ints row by row, on numpy arrays and on polars columns, as three lists."""
    scalar = [function(SCALAR, *values) for values in zip(*columns)]
    arrays = function(NUMPY, *(np.array(c) for c in columns)).tolist()
    frame = pl.DataFrame({f"c{i}": list(c) for i, c in enumerate(columns)})
    expression = function(POLARS, *(pl.col(f"c{i}") for i in range(len(columns))))
    exprs = frame.select(expression.alias("out"))["out"].to_list()
    return scalar, arrays, exprs


def test_every_clause_over_ops_has_arguments_here() -> None:
    """Each clause whose function takes ``ops`` is checked below (a new clause cannot be left out)."""
    over_ops = {c.id for c in CLAUSES if next(iter(inspect.signature(c.function).parameters)) == "ops"}
    assert over_ops == set(ARGUMENTS)


@pytest.mark.parametrize("clause_id", sorted(ARGUMENTS))
@settings(max_examples=40, deadline=None)
@given(rows)
def test_amount_clause_agrees_on_every_executor(clause_id: str, data: list[Row]) -> None:
    """offset, eligible, ratio and rounding, subsidy, cap payment and cap left: ints == numpy == polars."""
    columns = list(zip(*(ARGUMENTS[clause_id](*row) for row in data)))
    scalar, arrays, exprs = _three_ways(clause(clause_id).function, columns)
    assert scalar == arrays == exprs
