"""The worked examples E1–E14 as case files (tests/cases/*.toml), run through the reference rules."""

from pathlib import Path

import pytest

from medaid.testing import load_case, run_case

CASES = sorted((Path(__file__).resolve().parents[1] / "cases").glob("*.toml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path) -> None:
    """Every expected field of the case comes out as written."""
    outcome = run_case(load_case(path))
    assert [] == [f"{m.field}: expected {m.expected!r}, got {m.got!r}" for m in outcome.mismatches]


def test_cases_cover_every_worked_example() -> None:
    """E1 to E14 each have at least one case file."""
    names = {p.stem.split("-")[0].rstrip("abc") for p in CASES}
    assert {f"e{n:02d}" for n in range(1, 15)} <= names
