"""docs/architecture.md names real code: every dotted medaid name in it imports, every clause is in the table."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from medaid.rules.clauses import CLAUSES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text(encoding="utf-8")


def _resolve(dotted: str) -> object:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name)
        return found
    raise AssertionError(f"{dotted} does not import")


def test_every_named_function_exists() -> None:
    """Each `medaid.…` name the page cites resolves to a module or attribute."""
    names = set(re.findall(r"`(medaid(?:\.\w+)+)`", DOC))
    assert len(names) >= 8
    for name in names:
        _resolve(name)


def test_the_five_clauses_point_at_registered_functions() -> None:
    """The clause functions of the table are the ones in the clause metadata (so docs/policy.md agrees)."""
    registered = {c.qualname for c in CLAUSES}
    for name in (
        "medaid.rules.caps.cap_payment",
        "medaid.rules.outpatient.offset",
        "medaid.rules.ratio.select_category",
        "medaid.rules.outpatient.subsidy",
    ):
        assert f"`{name}`" in DOC and name in registered
