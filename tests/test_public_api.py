"""`import medaid` is cheap and every advertised name resolves."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import medaid


def test_every_exported_name_resolves() -> None:
    """Each name in medaid.__all__ is importable through the package."""
    for name in medaid.__all__:
        assert getattr(medaid, name) is not None, name


def test_import_medaid_loads_no_heavy_module() -> None:
    """`import medaid` alone loads neither polars, numpy, sqlite3 nor babel."""
    code = "import sys, medaid; print(sorted(m for m in ('polars', 'numpy', 'sqlite3', 'babel', 'typer') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert "[]" == out


def test_the_top_level_is_the_reference_the_policies_money_errors_and_one_entry_per_capability() -> None:
    """The advertised names, exactly: a new one is a decision, not an accident."""
    assert set(medaid.__all__) == {
        "__version__",
        *("Claim", "ClaimResult", "Assessment", "Usage"),
        *("assess_claim", "assess_person", "assess_person_year", "assess_each_claim"),
        *("Policy", "PolicyRegistry", "default_registry", "CATEGORIES"),
        *("parse_yuan", "fen_to_yuan_str", "MedaidError", "InputError", "PolicyError"),
        *("settle_batch", "Ledger", "district_totals", "compare_caseload"),
    }


@pytest.mark.parametrize(
    ("old", "module", "new"),
    [
        ("assess_claims", "medaid.rules", "assess_each_claim"),
        ("settle_claims", "medaid.batch", "settle_batch"),
        ("aggregate", "medaid.district", "district_totals"),
        ("sweep", "medaid.whatif", "sweep_parameter"),
    ],
)
def test_a_renamed_function_still_works_under_its_old_name_with_a_warning(old: str, module: str, new: str) -> None:
    """For one release the old name stays importable from its module (and from ``medaid``), warns and calls the new."""
    package = importlib.import_module(module)
    old_function = getattr(package, old)
    assert old not in package.__all__ and new in package.__all__
    with pytest.warns(DeprecationWarning, match=rf"{old} is renamed .*{new}"):
        assert getattr(medaid, old) is getattr(package, new)
    assert old_function.__wrapped__ is getattr(package, new)


def test_the_old_name_warns_and_gives_the_new_result() -> None:
    """``assess_claims`` returns what ``assess_each_claim`` does, with one DeprecationWarning naming the new name."""
    import datetime as dt

    from medaid.rules import Claim, assess_claims, assess_each_claim

    registry = medaid.default_registry()
    claims = [Claim(dt.date(2023, 5, 1), "outpatient", 5_000_00, ("dibao",), True, "c1", "p1")]
    with pytest.warns(DeprecationWarning, match="assess_claims is renamed assess_each_claim") as caught:
        old = assess_claims(claims, registry.medical_assistance)
    assert 1 == len(caught)
    assert old == assess_each_claim(claims, registry.medical_assistance)


def test_a_name_the_top_level_no_longer_lists_still_resolves_with_a_warning() -> None:
    """``medaid.read_settled`` and the like moved to their subpackage; for one release the top level still finds them."""
    from medaid.district import read_settled

    with pytest.warns(DeprecationWarning, match="import it from medaid.district"):
        assert medaid.read_settled is read_settled
    with pytest.raises(AttributeError):
        medaid.no_such_name  # noqa: B018 - the attribute access is the test
