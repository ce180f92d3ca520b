"""Ledger benchmarks: single-claim ``settle`` latency, and a 100 000-claim file through ``medaid ledger settle``.

Run from the repository root with medaid installed in the active environment::

    python benchmarks/bench_ledger.py [--claims 100000] [--runs 3] [--workers N]

``--workers`` is passed to ``medaid ledger settle`` (default: the command's own, two processes for a file
this large on a machine with two or more CPUs; ``--workers 1`` measures one process).

Synthetic claims (seeded): persons in one of the categories, 60 % outpatient, amounts up to 2 500 yuan
outpatient and 60 000 inpatient, so caps bind often; dates across 2023. Each figure checks its result:
the file run must settle every claim once, and a second run must settle none.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CATEGORIES = ("dibao", "low_income", "medical_poverty_2", "special_relief", "low_income|dibao", "medical_poverty_1")
DISTRICTS = ("minhang", "pudong", "xuhui", "闵行区")


def write_claims(path: Path, n: int, persons: int, seed: int = 1) -> None:
    """A claims CSV of ``n`` claims of ``persons`` persons (the ``medaid claims`` columns)."""
    rng = random.Random(seed)
    category = [rng.choice(CATEGORIES) for _ in range(persons)]
    resident = [rng.random() < 0.6 for _ in range(persons)]
    start = dt.date(2023, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("claim_id", "person_id", "district", "date", "category", "kind", "self_pay", "resident_insurance"))
        for i in range(n):
            p = rng.randrange(persons)
            kind = "outpatient" if rng.random() < 0.6 else "inpatient"
            fen = rng.randrange(0, 2_500_00 if kind == "outpatient" else 60_000_00)
            day = start + dt.timedelta(days=rng.randrange(365))
            writer.writerow((f"c{i:07d}", f"p{p:06d}", DISTRICTS[p % 4], day.isoformat(), category[p], kind,
                             f"{fen // 100}.{fen % 100:02d}", "true" if resident[p] else "false"))


def bench_single(tmp: Path, n: int = 5_000, synchronous: str = "NORMAL") -> tuple[float, float]:
    """Median and p99 latency (ms) of ``Ledger.settle`` for one claim, on a ledger already holding claims."""
    from medaid.ledger import Ledger
    from medaid.rules import Claim

    rng = random.Random(2)
    with Ledger(tmp / f"single-{synchronous}.db", synchronous=synchronous) as ledger:
        times = []
        for i in range(n):
            claim = Claim(dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365)), rng.choice(("inpatient", "outpatient")),
                          rng.randrange(0, 3_000_00), (rng.choice(CATEGORIES[:4]),), rng.random() < 0.5, f"s{i}", f"p{rng.randrange(500)}")
            start = time.perf_counter()
            settlement = ledger.settle(claim)
            times.append(time.perf_counter() - start)
            assert settlement.status == "settled"
        assert ledger.settle(claim).status == "duplicate"
    times.sort()
    return statistics.median(times) * 1e3, times[int(len(times) * 0.99)] * 1e3


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_file(tmp: Path, claims: int, runs: int, workers: int | None = None) -> tuple[list[float], list[float], float]:
    """Wall and CPU seconds of ``medaid ledger settle`` on a fresh ledger (``runs`` times), and wall of a second run."""
    path = tmp / "claims.csv"
    write_claims(path, claims, max(1, claims // 10))
    command = [sys.executable, "-c", "from medaid.cli import main; main()", "ledger", "settle", str(path)]
    if workers is not None:
        command += ["--workers", str(workers)]
    walls, cpus = [], []
    for run in range(runs):
        db = tmp / f"file-{run}.db"
        start, cpu = time.perf_counter(), _children_cpu()
        done = subprocess.run([*command, "--db", str(db), "--output", str(tmp / "out.csv")], capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
        assert done.returncode == 0, done.stderr
        assert f"rows in {claims} / settled {claims} / duplicate 0 / rejected 0" in done.stderr, done.stderr
    start = time.perf_counter()
    again = subprocess.run([*command, "--db", str(tmp / "file-0.db"), "--output", str(tmp / "out.csv")], capture_output=True, text=True)
    second = time.perf_counter() - start
    assert f"rows in {claims} / settled 0 / duplicate {claims} / rejected 0" in again.stderr, again.stderr
    return walls, cpus, second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="passed to medaid ledger settle (default: its own)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        median, p99 = bench_single(tmp)
        print(f"single-claim settle: median {median:.3f} ms, p99 {p99:.3f} ms (5 000 claims, synchronous=NORMAL)")
        median, p99 = bench_single(tmp, 500, "FULL")
        print(f"single-claim settle: median {median:.3f} ms, p99 {p99:.3f} ms (500 claims, synchronous=FULL)")
        walls, cpus, second = bench_file(tmp, args.claims, args.runs, args.workers)
        best, med, cpu = min(walls), statistics.median(walls), statistics.median(cpus)
        workers = "default workers" if args.workers is None else f"--workers {args.workers}"
        print(f"medaid ledger settle ({workers}), {args.claims} claims: median {med:.2f} s wall = {args.claims / med:,.0f} claims/s "
              f"(best {args.claims / best:,.0f}/s, {args.runs} runs, CPU count {os.cpu_count()}, load {os.getloadavg()[0]:.1f})")
        print(f"  CPU time (user + sys, all processes) median {cpu:.2f} s = {args.claims / cpu:,.0f} claims per CPU-second")
        print(f"same file again (all duplicates): {second:.2f} s = {args.claims / second:,.0f} claims/s")


if __name__ == "__main__":
    main()
