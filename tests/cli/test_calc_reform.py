"""`medaid calc --reform`: baseline and reform side by side, with the difference per line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from medaid.cli import app

ROOT = Path(__file__).resolve().parents[2]
NARROW = str(ROOT / "policies" / "reforms" / "offset-dibao-only.toml")
E10 = [
    "calc",
    "-c",
    "low_income",
    "--outpatient",
    "4000",
    "--resident-insurance",
    "--date",
    "2023-05-01",
    "--reform",
    NARROW,
]


def test_side_by_side_text() -> None:
    """E10 under both readings of the offset: 1 850 vs 2 000, +150, and the changed parameter."""
    result = CliRunner().invoke(app, [*E10, "--lang", "en"])
    assert 0 == result.exit_code
    lines = result.output.splitlines()
    assert lines[4].split() == ["Total", "CN¥1,850.00", "CN¥2,000.00", "+CN¥150.00"]
    assert lines[-1].startswith("  outpatient_offset.categories: ")


def test_side_by_side_json() -> None:
    """JSON has baseline, reform and the difference per line as yuan strings."""
    data = json.loads(CliRunner().invoke(app, [*E10, "--format", "json"]).output)
    assert ("1850.00", "2000.00", "150.00") == (
        data["baseline"]["total"],
        data["reform"]["total"],
        data["difference"]["total"],
    )
    assert "reform-offset-dibao-only" == data["reform"]["policy_id"]


def test_date_outside_the_reform_is_refused() -> None:
    """A date outside the reform's range is one line naming the range, exit 2."""
    args = [*E10]
    args[args.index("2023-05-01")] = "2024-05-01"
    result = CliRunner().invoke(app, args)
    assert 2 == result.exit_code
    assert (
        "2024-05-01 is outside reform reform-offset-dibao-only (it changes medical-assistance-2023, in force 2023-01-01 to 2023-12-31)"
        in result.output
    )


def test_a_policy_file_is_not_a_reform() -> None:
    """--reform with a published version file is refused."""
    result = CliRunner().invoke(app, [*E10[:-1], str(ROOT / "policies" / "shanghai" / "medical-assistance-2023.toml")])
    assert 2 == result.exit_code and "--reform needs a reform file" in result.output
