"""Inputs and results of the reference calculation (medaid.rules.model): the usage transition."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from medaid.rules import Usage
from medaid.testing import strategies as mst


@given(mst.kinds(), mst.amounts(), st.integers(0, 300_00), st.integers(0, 300_00))
def test_usage_add_then_undo_is_identity(kind: str, paid: int, off: int, sub: int) -> None:
    """A reversal (the same amounts, negated) gives back the usage before the claim."""
    before = Usage(2023, 5, 7, 11, 13)
    assert before.add(kind, paid, off, sub).add(kind, -paid, -off, -sub) == before
