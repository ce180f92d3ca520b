"""Benchmark ``medaid claims`` on synthetic files, and the batch engine against the reference loop.

    python benchmarks/bench_claims.py                      # 1M, 3.6M and 10M claims, CSV and Parquet
    python benchmarks/bench_claims.py --sizes 1000000 --repeat 3

For each size and format: a synthetic file (``medaid.synth``, seed 2023), then ``medaid claims IN -o OUT``
(same format in and out) run as a subprocess ``--repeat`` times: median wall time, peak RSS of the
child (``/usr/bin/time -f %M`` when available, else ``RUSAGE_CHILDREN``), claims per second. Then, in the
same run, the speed-up of the batch engine over the per-claim reference loop
(:func:`medaid.rules.assess_person` per person) on the same 200 000 claims, asserting both give the
same fen for every claim.
"""

from __future__ import annotations

import os

#: The environment as the shell gave it: importing polars below sets its allocator variable, which a
#: ``medaid`` child would otherwise inherit instead of choosing its own (see medaid.cli.ALLOCATOR).
SHELL_ENV = dict(os.environ)

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from medaid.batch import settle_batch  # noqa: E402
from medaid.policy import default_registry  # noqa: E402
from medaid.rules import Claim, assess_person  # noqa: E402
from medaid.synth import synth_claims  # noqa: E402

TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)


def run_once(args: list[str]) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (bytes) and CPU seconds (user + system) of one ``medaid`` subprocess.

    CPU seconds are reported too because the project machine is shared: under load the wall time
    grows while the CPU time stays put.
    """
    beside = Path(sys.executable).with_name("medaid")
    medaid = [str(beside)] if beside.exists() else [shutil.which("medaid") or "medaid"]
    if TIME:
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
            start = time.perf_counter()
            subprocess.run(
                [TIME, "-f", "%M %U %S", "-o", rss.name, *medaid, *args],
                check=True,
                stdout=subprocess.DEVNULL,
                env=SHELL_ENV,
            )
            wall = time.perf_counter() - start
            peak, user, system = rss.read().strip().splitlines()[-1].split()
            return wall, int(peak) * 1024, float(user) + float(system)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([*medaid, *args], check=True, stdout=subprocess.DEVNULL, env=SHELL_ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, after.ru_maxrss * 1024, cpu


def bench_files(sizes: list[int], formats: list[str], repeat: int, workdir: Path) -> list[dict]:
    rows = []
    for size in sizes:
        table = synth_claims(size, 2023, seed=2023)
        for fmt in formats:
            source = workdir / f"claims-{size}.{fmt}"
            if fmt == "csv":
                table.write_csv(source)
            else:
                table.write_parquet(source)
            target = workdir / f"settled-{size}.{fmt}"
            runs = [run_once(["claims", str(source), "--output", str(target)]) for _ in range(repeat)]
            wall = statistics.median(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            cpu = statistics.median(r[2] for r in runs)
            rows.append(
                {
                    "size": size,
                    "fmt": fmt,
                    "wall": wall,
                    "walls": [r[0] for r in runs],
                    "rss": rss,
                    "rate": size / wall,
                    "cpu": cpu,
                }
            )
            print(
                f"{size:>10,} {fmt:8} median {wall:6.2f} s (runs {', '.join(f'{r[0]:.2f}' for r in runs)})"
                f"  CPU {cpu:6.2f} s  peak RSS {rss / 2**30:5.2f} GiB  {size / wall:12,.0f} claims/s"
                f"  load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            source.unlink()
            target.unlink()
        del table
    return rows


def bench_reference(count: int) -> tuple[float, float]:
    """Seconds of the batch engine and of the reference loop on the same ``count`` claims (fen checked equal)."""
    table = synth_claims(count, 2023, seed=7)
    start = time.perf_counter()
    batch = settle_batch(table)
    batch_seconds = time.perf_counter() - start
    registry = default_registry()
    build_start = time.perf_counter()
    by_person: dict[str, list[Claim]] = {}
    for row in table.iter_rows(named=True):  # typed columns: Date, Decimal yuan, Boolean
        by_person.setdefault(row["person_id"], []).append(
            Claim(
                row["date"],
                row["kind"],
                int(row["self_pay"] * 100),
                tuple(row["category"].split("|")),
                row["resident_insurance"],
                row["claim_id"],
                row["person_id"],
            )
        )
    build_seconds = time.perf_counter() - build_start
    start = time.perf_counter()
    results = {}
    for claims in by_person.values():
        for result in assess_person(claims, registry.medical_assistance).claims:
            results[result.claim.claim_id] = (result.assistance_fen, result.deductible_subsidy_fen, result.eligible_fen)
    reference_seconds = time.perf_counter() - start
    settled = batch.table
    mine = np.column_stack(
        [(settled[c] * 100).cast(pl.Int64).to_numpy() for c in ("assistance", "deductible_subsidy", "eligible")]
    )
    theirs = np.array([results[claim_id] for claim_id in settled["claim_id"]], np.int64)
    assert mine.shape == theirs.shape and (mine == theirs).all(), "batch and reference differ"
    print(
        f"{count:,} claims: batch (parse, validate, settle) {batch_seconds:.2f} s; reference loop {reference_seconds:.2f} s "
        f"(+ {build_seconds:.2f} s building Claim objects from the rows); speed-up {reference_seconds / batch_seconds:.1f}x "
        f"({(reference_seconds + build_seconds) / batch_seconds:.1f}x with the building); every claim equal, totals "
        f"({theirs[:, 0].sum() / 100:,.2f} yuan assistance, {theirs[:, 1].sum() / 100:,.2f} subsidy)",
        flush=True,
    )
    return batch_seconds, reference_seconds


def machine_header(libraries: str) -> str:
    """One line saying when, on which commit and machine (CPUs, load) and with which ``libraries`` a benchmark ran."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=Path(__file__).parent
    ).stdout.strip()
    return (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {commit or '?'}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}, {libraries}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000,3600000,10000000")
    parser.add_argument("--formats", default="parquet,csv")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference-claims", type=int, default=200_000)
    args = parser.parse_args()
    print(machine_header(f"polars {pl.__version__}, numpy {np.__version__}"), flush=True)
    bench_reference(args.reference_claims)
    with tempfile.TemporaryDirectory(prefix="medaid-bench-") as workdir:
        bench_files([int(s) for s in args.sizes.split(",")], args.formats.split(","), args.repeat, Path(workdir))


if __name__ == "__main__":
    main()
