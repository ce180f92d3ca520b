"""``medaid policy``: list, show, diff, validate and the generated docs."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from medaid.cli import app
from medaid.policy import default_registry
from medaid.policy.docs import render
from medaid.rules.clauses import markdown

RUNNER = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def test_list_shows_every_version() -> None:
    """Each bundled version is listed with its dates."""
    result = RUNNER.invoke(app, ["policy", "list"])
    assert 0 == result.exit_code
    assert "medical-assistance-2023          2023-01-01 → 2023-12-31" in result.output
    assert 6 == len(result.output.splitlines())


def test_show_marks_provisional_values() -> None:
    """show prints each parameter with its source and any provisional mark."""
    result = RUNNER.invoke(app, ["policy", "show", "medical-assistance-2024"])
    line = next(text for text in result.output.splitlines() if "categories.extreme_poverty.inpatient.ratio" in text)
    assert "[provisional D6]" in line
    assert result.output.startswith("medical-assistance-2024: Shanghai medical assistance from 2024")
    zh = RUNNER.invoke(app, ["policy", "show", "medical-assistance-2024", "--lang", "zh"]).output
    assert zh.startswith(
        "medical-assistance-2024：本市医疗救助政策（2024年起，特困人员纳入）\n"
    )  # the Chinese title only
    assert "[暂定口径 D6]" in zh


def test_diff_between_versions() -> None:
    """diff lists exactly the changed parameters."""
    result = RUNNER.invoke(app, ["policy", "diff", "medical-assistance-2018-07", "medical-assistance-2023"])
    assert "2 parameters differ" in result.output.splitlines()[0]


def test_validate_bundled_and_bad_file() -> None:
    """validate passes the bundled set and fails a broken file with its key path, exit 2."""
    assert 0 == RUNNER.invoke(app, ["policy", "validate"]).exit_code
    bad = ROOT / "tests" / "policy" / "bad" / "negative-cap.toml"
    result = RUNNER.invoke(app, ["policy", "validate", str(bad)])
    assert 2 == result.exit_code
    assert f"medaid: {bad}: categories.dibao.outpatient.cap: must not be negative, got -2800" in result.output


def test_unknown_policy_id() -> None:
    """An unknown id gets one line listing the known ids."""
    result = RUNNER.invoke(app, ["policy", "show", "2023"])
    assert 2 == result.exit_code and "no policy with id '2023'; known: medical-assistance-2018-07" in result.output


def test_policy_docs_are_generated_from_the_files() -> None:
    """docs/policy.md is exactly what `medaid policy docs` renders, so it cannot drift."""
    assert render(default_registry(), markdown()) == (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
