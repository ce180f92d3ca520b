"""`medaid test`: case files pass, a wrong expectation fails with a readable diff, coverage reports gaps."""

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


def test_coverage_names_branches_never_exercised(tmp_path: Path) -> None:
    """--coverage lists, e.g., the 2018-07 low-income outpatient cap that no case reaches."""
    (tmp_path / "one.toml").write_text(CASE.format(name="one", total="1850.00"), encoding="utf-8")
    result = RUNNER.invoke(app, ["test", str(tmp_path), "--coverage"])
    assert (
        "  never exercised: outpatient cap reached for low_income in medical-assistance-2018-07"
        in result.output.splitlines()
    )


def test_missing_case_path_is_one_line(tmp_path: Path) -> None:
    """A path that does not exist: one line, exit 2."""
    result = RUNNER.invoke(app, ["test", str(tmp_path / "nope.toml")])
    assert 2 == result.exit_code and "no such case file or folder" in result.output
