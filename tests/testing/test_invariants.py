"""`medaid check`: the invariant suite on every shipped version and reform, and on a broken reform."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from medaid.cli import app
from medaid.policy import default_registry
from medaid.testing.invariants import check_policy

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = default_registry()
VERSIONS = [p.id for p in REGISTRY if p.scheme == "medical_assistance"]
#: What each shipped reform is expected to do to the invariants (a reform may rightly break one).
REFORMS = {
    "class-2-ratio-60.toml": {},
    # Raising only the low-income cap lets a low-income member out-earn a dibao member at high spending.
    "low-income-outpatient-cap-3000.toml": {"dominance": "broken"},
    "offset-dibao-only.toml": {"no_loser": "not applicable"},
    # One cap for both kinds: changes caps.scope, so "only raises" does not apply; every other invariant holds.
    "shared-annual-cap.toml": {"no_loser": "not applicable"},
}


@pytest.mark.parametrize("policy_id", VERSIONS)
def test_every_shipped_version_holds_every_invariant(policy_id: str) -> None:
    """Each shipped version holds each invariant (no_loser applies to reforms only)."""
    results = check_policy(REGISTRY.get(policy_id), examples=60, seed=1)
    assert {"no_loser": "not applicable"} == {r.name: r.status for r in results if r.status != "held"}


@pytest.mark.parametrize("name", sorted(REFORMS))
def test_every_shipped_reform_is_checked(name: str) -> None:
    """Each shipped reform holds every invariant except those it is known to break or that do not apply."""
    reform = REGISTRY.reform(ROOT / "policies" / "reforms" / name)
    results = check_policy(reform, REGISTRY.get(reform.extends), examples=60, seed=1)
    assert REFORMS[name] == {r.name: r.status for r in results if r.status != "held"}
    assert sorted(REFORMS) == sorted(p.name for p in (ROOT / "policies" / "reforms").glob("*.toml"))


def test_reform_breaking_dominance_is_reported_with_a_counterexample(tmp_path: Path) -> None:
    """A dibao inpatient ratio below low income's is broken dominance: counterexample shown, exit 1."""
    reform = tmp_path / "low-dibao.toml"
    reform.write_text(
        'extends = "medical-assistance-2023"\n[categories.dibao.inpatient]\nratio = 0.75\n', encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["check", str(reform), "--examples", "50"])
    assert 1 == result.exit_code
    lines = result.output.splitlines()
    broken = [line for line in lines if line.strip().startswith("BROKEN")]
    assert 1 == len(broken) and "dominance" in broken[0]
    assert any("counterexample: " in line and "[each category]" in line for line in lines)
    assert any("inpatient: low_income gets" in line for line in lines)


def test_reform_with_negative_cap_is_refused_at_load(tmp_path: Path) -> None:
    """A cap below zero never reaches the invariants: one line naming the key, exit 2."""
    reform = tmp_path / "negative.toml"
    reform.write_text(
        'extends = "medical-assistance-2023"\n[categories.dibao.outpatient]\ncap = -1\n', encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["check", str(reform)])
    assert 2 == result.exit_code
    assert f"{reform}: categories.dibao.outpatient.cap: must not be negative, got -1" in result.output


def test_check_under_python_O_still_reports_dominance_broken_and_leaves_no_hypothesis_folder(tmp_path: Path) -> None:
    """The invariants raise explicitly (python -O strips asserts), and hypothesis keeps its files out of the current folder."""
    import subprocess
    import sys

    reform = ROOT / "policies" / "reforms" / "low-income-outpatient-cap-3000.toml"
    done = subprocess.run(
        [
            sys.executable,
            "-O",
            "-m",
            "medaid",
            "check",
            str(reform),
            "--examples",
            "50",
        ],  # 10 found it only with an editable install (hypothesis then draws constants from the source)
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert 1 == done.returncode, done.stdout + done.stderr
    broken = [line for line in done.stdout.splitlines() if line.strip().startswith("BROKEN")]
    assert 1 == len(broken) and "dominance" in broken[0], done.stdout
    assert "outpatient: low_income gets" in done.stdout and "but dibao only" in done.stdout
    assert [] == list(tmp_path.iterdir())  # no .hypothesis/
