"""The Dask runner on a LocalCluster of 2 worker processes equals ``medaid claims`` in one process, to the fen."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from medaid.batch import settle_batch
from medaid.batch.partition import settled_schema
from medaid.cli import app
from medaid.dist.dask import settle_on_dask
from medaid.district.aggregate import district_totals, read_settled
from medaid.synth import synth_claims
from tests.batch.test_partition import COLUMNS, claim_rows

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    """One LocalCluster (2 worker processes, one thread each) for the whole module: starting one costs seconds."""
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    )
    with distributed.Client(cluster) as connected:
        yield connected
    cluster.close()


def dataset(folder: Path) -> pl.DataFrame:
    return pl.concat([pl.read_parquet(p) for p in sorted(folder.glob("part-*.parquet"))])


def sort_all(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns)


def _totals(path: Path):
    return district_totals(read_settled(path), by="district,kind")


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    frame=claim_rows(max_rows=60),
    partitions=st.integers(1, 4),
    files=st.integers(1, 3),
    shuffle=st.sampled_from(["arrow", "dask"]),
)
def test_distributed_equals_one_process(
    client, tmp_path_factory, frame: pl.DataFrame, partitions: int, files: int, shuffle: str
) -> None:
    """Random claims (bad rows, ties, duplicate ids across persons), any partition count, one file or
    several, either shuffle: settled rows, rejects, summary and district totals all equal the one-process run."""
    folder = tmp_path_factory.mktemp("run")
    source = folder / "claims.parquet"
    frame.write_parquet(source)
    whole = settle_batch(frame, output=folder / "one.parquet")
    run = settle_on_dask(source, folder / "out", client, partitions=partitions, shuffle=shuffle)
    schema = settled_schema(pa.schema([(c, pa.string()) for c in COLUMNS]))
    expected = pl.from_arrow(whole.table.to_arrow().cast(schema))
    got = dataset(folder / "out")
    assert got.height == whole.summary.settled
    assert sort_all(expected).equals(sort_all(got))
    rejects = sorted((folder / "out").glob("rejects/part-*.parquet"))
    got_rejects = pl.concat([pl.read_parquet(p) for p in rejects]) if rejects else None
    if whole.rejects.height:
        assert got_rejects is not None
        assert whole.rejects.with_columns(pl.col("line").cast(pl.Int64)).sort("line").equals(got_rejects.sort("line"))
    else:
        assert got_rejects is None
    assert run.summary == whole.summary
    if whole.summary.settled:
        assert _totals(folder / "out") == _totals(folder / "one.parquet")
    # The same claims in several files: one dataset, each reject naming its file and its row there.
    if files > 1 and frame.height:
        parts = folder / "parts"
        parts.mkdir()
        bounds = [frame.height * k // files for k in range(files + 1)]
        for k in range(files):
            frame.slice(bounds[k], bounds[k + 1] - bounds[k]).write_parquet(parts / f"{k}.parquet")
        again = settle_on_dask(parts, folder / "out-files", client, partitions=partitions, shuffle=shuffle)
        assert sort_all(dataset(folder / "out-files")).equals(sort_all(got))
        assert again.summary == whole.summary


def test_cli_on_the_cluster_byte_equal(client, tmp_path: Path) -> None:
    """`medaid claims --cluster tcp://…` on synthetic claims: the dataset, sorted by claim_id, is byte-equal
    (as CSV) to `medaid claims` in one process; district reads the folder; reruns replace it whole."""
    source = tmp_path / "claims.parquet"
    synth_claims(20_000, 2023, seed=5).write_parquet(source)
    runner = CliRunner()
    one = runner.invoke(app, ["claims", str(source), "-o", str(tmp_path / "one.parquet")])
    assert one.exit_code == 0, one.output
    address = client.scheduler.address
    for _ in range(2):
        run = runner.invoke(
            app, ["claims", str(source), "-o", str(tmp_path / "out"), "--cluster", address, "--partitions", "3"]
        )
        assert run.exit_code == 0, run.output
    assert "3/3 partitions settled" in run.output
    assert (
        run.output.split("dataset written")[1].split("\n", 1)[1] == one.output.split("\n", 1)[1]
    )  # the same summary table
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "claims.parquet",
        "one.parquet",
        "out",
    ]  # no staging folder left
    mine = dataset(tmp_path / "out").sort("claim_id").write_csv()
    theirs = pl.read_parquet(tmp_path / "one.parquet").sort("claim_id").write_csv()
    assert mine == theirs
    report = [
        runner.invoke(app, ["district", str(path), "--format", "csv"]).output
        for path in (tmp_path / "out", tmp_path / "one.parquet")
    ]
    assert report[0] == report[1] and "minhang" in report[0]


def test_cli_errors_are_one_line(client, tmp_path: Path, monkeypatch) -> None:
    """Bad --cluster values, options that do not apply, an output that is not a dataset, and a missing Dask."""
    source = tmp_path / "claims.parquet"
    synth_claims(50, 2023, seed=1).write_parquet(source)
    runner = CliRunner()
    cases = {
        ("--cluster", "local:x"): "local:N needs a number of workers",
        ("--cluster", "local:2", "--strict"): "--strict does not apply with --cluster",
        ("--cluster", "nowhere"): "--cluster must be local:N or a scheduler address",
    }
    for args, message in cases.items():
        result = runner.invoke(app, ["claims", str(source), "-o", str(tmp_path / "out"), *args])
        assert result.exit_code == 2 and message in result.output, result.output
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "keep.txt").write_text("mine")
    result = runner.invoke(
        app, ["claims", str(source), "-o", str(tmp_path / "notes"), "--cluster", client.scheduler.address]
    )
    assert result.exit_code == 2 and "exists and is not a settled dataset" in result.output
    assert (tmp_path / "notes" / "keep.txt").read_text() == "mine"
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    result = runner.invoke(app, ["claims", str(source), "-o", str(tmp_path / "out"), "--cluster", "local:2"])
    assert result.exit_code == 2 and "pip install 'medaid[dist]'" in result.output


def test_worker_killed_mid_run_stays_exact(client, tmp_path: Path) -> None:
    """Kill one worker process (SIGKILL) after the first partition is written: Dask recomputes what it
    held, and the dataset still equals the one-process settlement claim for claim."""
    source = tmp_path / "claims.parquet"
    frame = synth_claims(60_000, 2023, seed=9)
    frame.write_parquet(source, row_group_size=10_000)
    expected = (
        settle_batch(frame).table.select("claim_id", "assistance", "deductible_subsidy", "cap_left").sort("claim_id")
    )
    pids = client.run(os.getpid)
    killed = []

    def kill_one(done: int, total: int) -> None:
        if not killed:
            victim = next(iter(pids.values()))
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    run = settle_on_dask(source, tmp_path / "out", client, partitions=8, progress=kill_one)
    assert killed and run.partitions == 8
    assert killed[0] not in client.run(os.getpid).values()  # the process really died (its nanny started a new one)
    got = dataset(tmp_path / "out").select("claim_id", "assistance", "deductible_subsidy", "cap_left").sort("claim_id")
    assert got.equals(expected)
    assert run.summary == settle_batch(frame).summary


def test_compare_and_sweep_on_the_cluster(client, tmp_path: Path) -> None:
    """compare and sweep with --cluster, and on a settled dataset folder, print what one process prints."""
    source = tmp_path / "claims.parquet"
    frame = synth_claims(5_000, 2023, seed=4)
    duplicate = frame.head(1).with_columns(person_id=pl.lit("P-other"))  # a claim id repeated by another person
    pl.concat([frame, duplicate]).write_parquet(source)
    runner = CliRunner()
    address = client.scheduler.address
    settled = runner.invoke(app, ["claims", str(source), "-o", str(tmp_path / "out"), "--cluster", address])
    assert (
        settled.exit_code == 2 and "duplicate claim_id" in settled.output
    )  # the later copy is refused, as in one process
    reform = str(Path(__file__).parents[2] / "policies" / "reforms" / "offset-dibao-only.toml")
    commands = {
        "compare": ["--reform", reform, "--format", "csv", "--by", "district,kind"],
        "sweep": ["--param", "categories.low_income.outpatient.cap", "--values", "2500,3000", "--format", "csv"],
    }
    for command, args in commands.items():
        one_rejects, cluster_rejects = tmp_path / f"{command}-one.csv", tmp_path / f"{command}-cluster.csv"
        one = runner.invoke(app, [command, str(source), *args, "--rejects", str(one_rejects)])
        assert one.exit_code == 2 and "rejected 1" in one.stderr, one.output  # the duplicate copy, as `claims`
        # On the cluster: the same report, the same counts and rejected row on stderr, the same rejects file, exit 2.
        other = runner.invoke(
            app, [command, str(source), *args, "--cluster", address, "--rejects", str(cluster_rejects)]
        )
        assert other.exit_code == 2, other.output
        assert other.stdout == one.stdout
        assert [line for line in other.stderr.splitlines() if "partitions" not in line] == one.stderr.splitlines()
        assert cluster_rejects.read_text() == one_rejects.read_text()
        # The settled dataset folder holds no rejected row.
        folder = runner.invoke(app, [command, str(tmp_path / "out"), *args])
        assert folder.exit_code == 0 and folder.stdout == one.stdout, folder.output
    # In Chinese: the cluster's rejects say the same as one process's, the duplicate's first line renumbered.
    written = {}
    for where, extra in (("one", []), ("cluster", ["--cluster", address])):
        written[where] = tmp_path / f"zh-{where}.csv"
        run = [*commands["compare"], "--lang", "zh", "--rejects", str(written[where]), *extra]
        assert runner.invoke(app, ["compare", str(source), *run]).exit_code == 2
    zh = written["one"].read_text(encoding="utf-8")
    assert zh == written["cluster"].read_text(encoding="utf-8") and "重复（首次出现在第 2 行）" in zh, zh
    zh_out = tmp_path / "zh-out"
    assert (
        runner.invoke(app, ["claims", str(source), "-o", str(zh_out), "--cluster", address, "--lang", "zh"]).exit_code
        == 2
    )
    [reject] = pl.read_parquet(zh_out / "rejects" / "part-*.parquet").select("line", "reason").rows()
    assert f"{reject[0]},{reject[1]}" in zh


def test_csv_input_read_once_and_split(client, tmp_path: Path) -> None:
    """A CSV input is read by medaid's own reader, then split: rejects carry the CSV's row numbers."""
    source = tmp_path / "claims.csv"
    synth_claims(3_000, 2023, seed=2).with_columns(pl.col(pl.Categorical, pl.Enum).cast(pl.String)).write_csv(source)
    lines = source.read_text().splitlines()
    lines[1500] = lines[1500].replace("2023-", "2017-", 1)  # no policy in force
    lines.append(lines[10].replace("P", "Q", 1))  # the claim id of line 11 again, for another person
    source.write_text("\n".join(lines) + "\n")
    whole = settle_batch(source)
    run = settle_on_dask(source, tmp_path / "out", client, partitions=3)
    assert run.summary == whole.summary and whole.summary.rejected == 2
    got = pl.read_parquet(tmp_path / "out" / "rejects" / "part-*.parquet").sort("line")
    assert got.select("line", "reason").rows() == whole.rejects.select(pl.col("line").cast(pl.Int64), "reason").rows()
    assert dataset(tmp_path / "out").sort("claim_id").write_csv() == whole.table.sort("claim_id").write_csv()
