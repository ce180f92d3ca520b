"""``medaid claims`` and ``medaid synth claims`` as a district bureau uses them: files in, files out, exit codes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from medaid.batch import settle_batch
from medaid.cli import app

RUNNER = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "claims-small.csv"
HEADER = "claim_id,person_id,district,date,category,kind,self_pay,resident_insurance\n"


def run(*args: str):
    return RUNNER.invoke(app, [str(arg) for arg in args])


def test_example_settles_and_summarises(tmp_path: Path) -> None:
    """The bundled example settles fully; the file equals the library's table and the counts add up."""
    out = tmp_path / "settled.csv"
    result = run("claims", EXAMPLE, "--output", out)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "rows in 34 / settled 34 / rejected 0"
    assert any(line.startswith("deductible subsidy") for line in lines)
    written = pl.read_csv(out, infer_schema=False)
    expected = settle_batch(EXAMPLE).table
    assert written["assistance"].to_list() == [f"{value:.2f}" for value in expected["assistance"]]
    assert written.columns[:8] == HEADER.strip().split(",")
    # Person P001's outpatient cap (2800) binds in July: 72 + 768.30 + 576 + 900 + 483.70.
    p001 = written.filter(
        (pl.col("person_id") == "P001") & (pl.col("kind") == "outpatient") & pl.col("date").str.starts_with("2023")
    )
    assert sum(Decimal(v) for v in p001["assistance"]) == Decimal("2800.00")
    assert "true" in p001["cap_bound"].to_list()


def test_bad_rows_go_to_default_rejects(tmp_path: Path) -> None:
    """Without --rejects, bad rows are written next to the output; the counts add up; exit 2 says some were bad."""
    source = tmp_path / "claims.csv"
    source.write_text(
        HEADER + "a,p,minhang,2023-01-01,dibao,outpatient,100,true\nb,p,minhang,2023-01-02,dibao,outpatient,-1,true\n",
        encoding="utf-8",
    )
    result = run("claims", source, "-o", tmp_path / "out.parquet")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[0] == "rows in 2 / settled 1 / rejected 1"
    rejects = pl.read_csv(tmp_path / "out.rejects.csv", infer_schema=False)
    assert rejects.select("line", "claim_id").rows() == [("3", "b")]
    assert pl.read_parquet(tmp_path / "out.parquet")["claim_id"].to_list() == ["a"]


def test_strict_and_missing_column_exit_2(tmp_path: Path) -> None:
    """--strict stops at the first bad row, and a header without a required column fails: exit 2, one line."""
    source = tmp_path / "claims.csv"
    source.write_text(HEADER + "a,p,minhang,2023-01-01,dibao,outpatient,abc,true\n", encoding="utf-8")
    strict = run("claims", source, "-o", tmp_path / "out.csv", "--strict")
    assert strict.exit_code == 2
    assert (
        strict.output.strip()
        == f"medaid: {source}: line 2: self_pay must be yuan with at most two decimals (e.g. 5500 or 5500.50), got 'abc'"
    )
    source.write_text(HEADER.replace(",self_pay", ""), encoding="utf-8")
    missing = run("claims", source, "-o", tmp_path / "out.csv")
    assert missing.exit_code == 2
    assert len(missing.output.strip().splitlines()) == 1 and "lacks required column self_pay" in missing.output
    absent = run("claims", tmp_path / "nope.csv", "-o", tmp_path / "out.csv")
    assert absent.exit_code == 2 and "no such file" in absent.output


def test_synth_is_deterministic_and_realistic(tmp_path: Path) -> None:
    """The same seed gives the same file; ~95 % outpatient, all 16 districts, some caps bind."""
    first, second, other = (tmp_path / name for name in ("a.csv", "b.csv", "c.csv"))
    for path, seed in ((first, 7), (second, 7), (other, 8)):
        assert (
            run("synth", "claims", "--claims", 20000, "--year", 2023, "--seed", seed, "--output", path).exit_code == 0
        )
    assert first.read_bytes() == second.read_bytes() != other.read_bytes()
    table = pl.read_csv(first, infer_schema=False)
    assert table.height == 20000 and table["district"].n_unique() == 16
    assert 0.93 < (table["kind"] == "outpatient").mean() < 0.96  # 331.79万 / (331.79万 + 18.16万) = 94.8 %
    summary = settle_batch(first).summary
    assert summary.rejected == 0
    assert summary.cap_bound_persons["outpatient"] > 0 and summary.cap_bound_persons["inpatient"] > 0


def test_yuan_is_exact() -> None:
    """Fen become Decimal yuan exactly, far beyond a float's 2**53 (no float on the way)."""
    from decimal import Decimal

    import polars as pl

    from medaid.batch.output import _yuan

    fen = [0, 5, 12345, 100_000_000_000, 2**53 + 1, 999_999_999_999_999_99]
    got = pl.DataFrame({"fen": fen}).select(_yuan(pl.col("fen"))).to_series().to_list()
    assert got == [Decimal(value) / 100 for value in fen]
    assert [str(value) for value in got[:3]] == ["0.00", "0.05", "123.45"]


def test_command_sets_allocator_decay_unless_set(tmp_path) -> None:
    """The medaid command asks polars' allocator to give freed memory back at once, but never overrides a
    setting the user made; importing the library leaves polars' own settings alone."""
    import os
    import subprocess
    import sys

    show = (
        "import os, sys\nfrom medaid.cli import main\nsys.argv = ['medaid', '--version']\ntry:\n    main()\n"
        "finally:\n    print(os.environ.get('_RJEM_MALLOC_CONF'), file=sys.stderr)"
    )
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    ours = subprocess.run([sys.executable, "-c", show], capture_output=True, text=True, env=env)
    assert ours.stderr.strip() == "muzzy_decay_ms:0"
    theirs = subprocess.run(
        [sys.executable, "-c", show], capture_output=True, text=True, env={**env, "_RJEM_MALLOC_CONF": "abc"}
    )
    assert theirs.stderr.strip() == "abc"
    library = subprocess.run(
        [sys.executable, "-c", "import os, medaid.batch; print(os.environ.get('_RJEM_MALLOC_CONF'))"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert "muzzy_decay_ms:0" not in library.stdout  # polars' own settings only
