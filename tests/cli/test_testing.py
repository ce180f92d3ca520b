"""`medaid test` (case files pass, a wrong expectation fails with a readable diff, coverage reports gaps) and
`medaid check` (each invariant as held, broken with a counterexample, or not applicable; exit codes)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from medaid.cli import app

ROOT = Path(__file__).resolve().parents[2]
RUNNER = CliRunner()
CASE = """name = "{name}"

[input]
categories = ["low_income"]
date = 2023-05-01
outpatient = 4000
resident_insurance = true

[expect]
total = "{total}"
"""


def test_shipped_cases_pass() -> None:
    """Every case under tests/cases passes through the CLI, exit 0."""
    result = RUNNER.invoke(app, ["test", str(ROOT / "tests" / "cases")])
    assert 0 == result.exit_code
    assert result.output.splitlines()[-1].endswith("passed, 0 failed")


def test_wrong_expectation_fails_with_diff_and_explanation(tmp_path: Path) -> None:
    """A wrong total prints expected vs got and the explanation, and exits 1."""
    (tmp_path / "good.toml").write_text(CASE.format(name="right", total="1850.00"), encoding="utf-8")
    (tmp_path / "bad.toml").write_text(CASE.format(name="wrong", total="2000"), encoding="utf-8")
    result = RUNNER.invoke(app, ["test", str(tmp_path), "--lang", "en"])
    assert 1 == result.exit_code
    lines = result.output.splitlines()
    assert "PASS right" in lines
    assert f"FAIL wrong ({tmp_path / 'bad.toml'})" in lines
    assert "  total: expected '2000', got '1850.00'" in lines
    assert any(line.startswith("    | Outpatient: self-pay CN¥4,000.00") for line in lines)
    assert "2 cases: 1 passed, 1 failed" == lines[-1]


def test_coverage_names_clauses_and_branches_never_exercised(tmp_path: Path) -> None:
    """--coverage gives a line per clause of the rulebook and lists, e.g., the 2018-07 low-income outpatient cap."""
    (tmp_path / "one.toml").write_text(CASE.format(name="one", total="1850.00"), encoding="utf-8")
    result = RUNNER.invoke(app, ["test", str(tmp_path), "--coverage", "--lang", "en"])
    lines = result.output.splitlines()
    assert "  clause offset (outpatient_offset.amount): acted on 1 claim; 1 of 15 branches" in lines
    assert "  clause cap_scope (caps.scope): no case exercises it" in lines
    assert (
        "  never exercised: outpatient cap (categories.low_income.outpatient.cap) for low_income in medical-assistance-2018-07"
        in lines
    )


def test_coverage_in_chinese(tmp_path: Path) -> None:
    """The per-clause lines are translated."""
    (tmp_path / "one.toml").write_text(CASE.format(name="one", total="1850.00"), encoding="utf-8")
    result = RUNNER.invoke(app, ["test", str(tmp_path), "--coverage", "--lang", "zh"])
    assert "  条款 cap_scope（caps.scope）：没有案例用到" in result.output.splitlines()


def test_missing_case_path_is_one_line(tmp_path: Path) -> None:
    """A path that does not exist: one line, exit 2."""
    result = RUNNER.invoke(app, ["test", str(tmp_path / "nope.toml")])
    assert 2 == result.exit_code and "no such case file or folder" in result.output


def test_reform_breaking_dominance_is_reported_with_a_counterexample(tmp_path: Path) -> None:
    """A dibao inpatient ratio below low income's is broken dominance: counterexample shown, exit 1."""
    reform = tmp_path / "low-dibao.toml"
    reform.write_text(
        'extends = "medical-assistance-2023"\n[categories.dibao.inpatient]\nratio = 0.75\n', encoding="utf-8"
    )
    result = RUNNER.invoke(app, ["check", str(reform), "--examples", "50"])
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
    result = RUNNER.invoke(app, ["check", str(reform)])
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
