"""--reform on `medaid district`: the caseload re-settled under the reform, totalled per district."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from medaid.cli import app
from medaid.policy import default_registry
from medaid.synth import synth_claims
from medaid.whatif import compare_caseload

ROOT = Path(__file__).resolve().parents[2]
NARROW = ROOT / "policies" / "reforms" / "offset-dibao-only.toml"


def test_district_under_a_reform_matches_compare(tmp_path: Path) -> None:
    """The district total under the reform is compare's reform total, and differs from the baseline."""
    claims = tmp_path / "claims.csv"
    synth_claims(5_000, 2023, seed=11).write_csv(claims)
    settled = tmp_path / "settled.csv"
    runner = CliRunner()
    assert 0 == runner.invoke(app, ["claims", str(claims), "--output", str(settled)]).exit_code
    base = json.loads(runner.invoke(app, ["district", str(settled), "--format", "json"]).stdout)
    reform = json.loads(
        runner.invoke(app, ["district", str(settled), "--format", "json", "--reform", str(NARROW)]).stdout
    )
    expected = compare_caseload(claims, default_registry().reform(NARROW), registry=default_registry()).total
    yuan = lambda fen: f"{fen // 100}.{fen % 100:02d}"  # noqa: E731
    assert (yuan(expected.baseline_fen), yuan(expected.reform_fen)) == (
        base["total"]["total"],
        reform["total"]["total"],
    )
    assert expected.difference_fen > 0


def test_district_reform_must_be_a_reform(tmp_path: Path) -> None:
    """--reform with a published version is one line, exit 2."""
    result = CliRunner().invoke(
        app,
        [
            "district",
            str(ROOT / "examples" / "settled-small.csv"),
            "--reform",
            str(ROOT / "policies" / "shanghai" / "medical-assistance-2023.toml"),
        ],
    )
    assert 2 == result.exit_code and "--reform needs a reform file" in result.output


def test_claims_under_a_reform(tmp_path: Path) -> None:
    """`medaid claims --reform` pays what compare's reform column pays, and names the reform per claim."""
    import polars as pl

    claims = tmp_path / "claims.csv"
    synth_claims(3_000, 2023, seed=5).write_csv(claims)
    out = tmp_path / "settled.csv"
    result = CliRunner().invoke(app, ["claims", str(claims), "--output", str(out), "--reform", str(NARROW)])
    assert 0 == result.exit_code, result.output
    table = pl.read_csv(out, infer_schema=False)
    fen = table.select(
        ((pl.col("assistance").cast(pl.Decimal(38, 2)) + pl.col("deductible_subsidy").cast(pl.Decimal(38, 2))) * 100)
        .cast(pl.Int64)
        .sum()
    ).item()
    expected = compare_caseload(claims, default_registry().reform(NARROW), registry=default_registry()).total
    assert expected.reform_fen == fen
    assert {"reform-offset-dibao-only"} == set(table["policy_id"].unique().to_list())
