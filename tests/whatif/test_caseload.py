"""What-if over a caseload: compare and sweep agree with separate settlement runs, to the fen."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from medaid.batch.settle import settle_batch
from medaid.cli import app
from medaid.policy import default_registry
from medaid.synth import synth_claims
from medaid.whatif import compare_caseload, substitute, sweep_parameter

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = default_registry()
NARROW = ROOT / "policies" / "reforms" / "offset-dibao-only.toml"


@pytest.fixture(scope="module")
def claims_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("whatif") / "claims.csv"
    synth_claims(20_000, 2023, seed=7).write_csv(path)
    return path


def _fen_by_district(table: pl.DataFrame) -> dict[str, int]:
    totals = table.group_by("district_id").agg(
        ((pl.col("assistance") + pl.col("deductible_subsidy")) * 100).cast(pl.Int64).sum().alias("fen")
    )
    return dict(totals.iter_rows())


def test_compare_equals_two_separate_runs(claims_file: Path) -> None:
    """The difference per district is the difference of two `medaid claims` runs, to the fen."""
    reform = REGISTRY.reform(NARROW)
    result = compare_caseload(claims_file, reform, registry=REGISTRY)
    base = _fen_by_district(settle_batch(claims_file, registry=REGISTRY).table)
    changed = _fen_by_district(settle_batch(claims_file, registry=substitute(REGISTRY, reform)).table)
    assert {d: changed[d] - base[d] for d in base} == {g.key[0]: g.difference_fen for g in result.groups}
    assert sum(changed.values()) - sum(base.values()) == result.total.difference_fen


def test_narrow_offset_reading_makes_nobody_worse_off(claims_file: Path) -> None:
    """Dropping low income from the offset never lowers a payment, in any group; counts of persons add up."""
    result = compare_caseload(claims_file, REGISTRY.reform(NARROW), registry=REGISTRY, by="category")
    total = result.total
    assert total.worse_off == 0 and total.better_off > 0 and total.difference_fen > 0
    assert total.persons == total.better_off + total.worse_off + total.unchanged
    assert all(g.worse_off == 0 and g.difference_fen >= 0 for g in result.groups)
    assert any(g.difference_fen > 0 for g in result.groups if "low_income" in g.key[0])


def test_sweep_at_the_shipped_value_is_the_baseline_and_rises_with_the_cap(claims_file: Path) -> None:
    """Setting the cap to its shipped 2 800 changes nothing; a higher cap never costs less."""
    result = sweep_parameter(
        claims_file, "categories.low_income.outpatient.cap", ["2500", "2800", "3500"], registry=REGISTRY
    )
    totals = [p.total_fen for p in result.points]
    assert result.baseline.total_fen == totals[1]
    assert totals[0] <= totals[1] <= totals[2] and totals[0] < totals[2]
    assert sum(f for _d, f in result.points[2].by_district) == totals[2]


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_compare_cli_json_and_chart(claims_file: Path, tmp_path: Path) -> None:
    """compare --format json agrees with the library; --chart writes a 990×550 PNG."""
    chart = tmp_path / "compare.png"
    result = CliRunner().invoke(
        app,
        [
            "compare",
            str(claims_file),
            "--reform",
            str(NARROW),
            "--format",
            "json",
            "--chart",
            str(chart),
            "--lang",
            "en",
        ],
    )
    assert 0 == result.exit_code, result.output
    data = json.loads(result.stdout)
    expected = compare_caseload(claims_file, REGISTRY.reform(NARROW), registry=REGISTRY)
    assert (
        f"{expected.total.difference_fen // 100}.{expected.total.difference_fen % 100:02d}"
        == data["total"]["difference"]
    )
    assert (990, 550) == _png_size(chart)


def test_sweep_cli_chart(claims_file: Path, tmp_path: Path) -> None:
    """sweep --chart writes a 990×550 PNG and the table names the parameter."""
    chart = tmp_path / "sweep.png"
    result = CliRunner().invoke(
        app,
        [
            "sweep",
            str(claims_file),
            "--param",
            "categories.dibao.outpatient.ratio",
            "--values",
            "0.5,0.6,0.7",
            "--chart",
            str(chart),
            "--lang",
            "en",
        ],
    )
    assert 0 == result.exit_code, result.output
    assert result.output.startswith("Sweep of categories.dibao.outpatient.ratio (10k yuan)")
    assert (990, 550) == _png_size(chart)


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["sweep", "{claims}", "--param", "categories.dibao.outpatient.capp", "--values", "1"],
            "categories.dibao.outpatient.capp: unknown key",
        ),
        (
            ["sweep", "{claims}", "--param", "categories.dibao.outpatient.ratio", "--values", "1.5"],
            "categories.dibao.outpatient.ratio: must be between 0 and 1, got 1.5",
        ),
        (
            ["sweep", "{claims}", "--param", "categories.dibao.outpatient.cap", "--values", "lots"],
            "--values: 'lots' is not a number",
        ),
        (
            ["compare", "{claims}", "--reform", str(ROOT / "policies" / "shanghai" / "medical-assistance-2023.toml")],
            "--reform needs a reform file",
        ),
        (
            ["compare", "{claims}", "--reform", str(NARROW), "--by", "street"],
            "--by must be one of district, category, kind",
        ),
    ],
)
def test_bad_what_if_input_is_one_line(claims_file: Path, args: list[str], message: str) -> None:
    """A broken parameter, value or reform gets one line naming it, exit 2."""
    result = CliRunner().invoke(app, [a.format(claims=claims_file) for a in args])
    assert 2 == result.exit_code
    assert message in result.output and "Traceback" not in result.output


def test_base_version_is_moved_onto_the_reform_dates(claims_file: Path) -> None:
    """--base with another shipped version compares its rules on the reform's dates, not the shipped ones."""
    reform = REGISTRY.reform(ROOT / "policies" / "reforms" / "low-income-outpatient-cap-3000.toml")  # extends 2024
    claims_2024 = claims_file.with_name("claims-2024.csv")
    synth_claims(5_000, 2024, seed=9).write_csv(claims_2024)
    against_2024 = compare_caseload(claims_2024, reform, registry=REGISTRY)
    against_2018 = compare_caseload(
        claims_2024, reform, registry=REGISTRY, base=REGISTRY.get("medical-assistance-2018-07")
    )
    assert "medical-assistance-2018-07" == against_2018.baseline_id
    assert against_2024.total.reform_fen == against_2018.total.reform_fen
    # The 2018-07 rules have the 2 500 outpatient cap: a lower baseline than 2024's 2 800.
    assert against_2018.total.baseline_fen < against_2024.total.baseline_fen
