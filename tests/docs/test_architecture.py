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


def test_the_ledger_call_sites_of_the_table_call_the_clauses() -> None:
    """The ledger's and the service's call sites named in the table call the clause functions, not a copy of them."""
    import inspect

    from medaid.ledger.ledger import Ledger
    from medaid.service import _ledger

    calls = {
        Ledger._plan: ("assess_claim(",),
        Ledger.usage: ("cap_left(SCALAR, cap, used, 0)", "cap_used(usage, kind, policy.caps.scope)"),
        Ledger._clear_once: ("assess_person(",),
        Ledger._reverse_once: (").add(",),
        _ledger._steps: ("takes_offset(policy,", "subsidy(SCALAR,", "subsidy_max(policy,"),
    }
    for function, needles in calls.items():
        source = " ".join(inspect.getsource(function).split())
        assert function.__name__.replace("_clear_once", "clear") in DOC, function.__qualname__
        for needle in needles:
            assert needle in source, (function.__qualname__, needle)
    # No clause restated in the ledger: the offset's and the subsidy's categories are read by the clauses only.
    for module in ("medaid/ledger/ledger.py", "medaid/service/_ledger.py"):
        text = (Path(__file__).resolve().parents[2] / module).read_text(encoding="utf-8")
        assert "outpatient_offset.categories" not in text and "deductible_subsidy.categories" not in text, module
