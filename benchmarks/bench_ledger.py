"""Ledger benchmarks: single-claim ``settle`` latency, and a 100 000-claim file through ``medaid ledger settle``.

Run from the repository root with medaid installed in the active environment::

    python benchmarks/bench_ledger.py [--claims 100000] [--runs 3] [--workers N]
    python benchmarks/bench_ledger.py --db postgresql://user:password@host/dbname   # a PostgreSQL ledger
    python benchmarks/bench_ledger.py --postgresql    # a throwaway PostgreSQL server (fsync on), started here

On PostgreSQL each measurement uses a new schema (``search_path``), and a third figure is measured: 1
and then 4 processes settling single claims of disjoint persons at once (throughput).

``--workers`` is passed to ``medaid ledger settle`` (default: the command's own, two processes for a file
this large on a machine with two or more CPUs; ``--workers 1`` measures one process).

Synthetic claims (seeded): persons in one of the categories, 60 % outpatient, amounts up to 2 500 yuan
outpatient and 60 000 inpatient, so caps bind often; dates across 2023. Each figure checks its result:
the file run must settle every claim once, and a second run must settle none.
"""

from __future__ import annotations

import argparse
import contextlib
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
        writer.writerow(
            ("claim_id", "person_id", "district", "date", "category", "kind", "self_pay", "resident_insurance")
        )
        for i in range(n):
            p = rng.randrange(persons)
            kind = "outpatient" if rng.random() < 0.6 else "inpatient"
            fen = rng.randrange(0, 2_500_00 if kind == "outpatient" else 60_000_00)
            day = start + dt.timedelta(days=rng.randrange(365))
            writer.writerow(
                (
                    f"c{i:07d}",
                    f"p{p:06d}",
                    DISTRICTS[p % 4],
                    day.isoformat(),
                    category[p],
                    kind,
                    f"{fen // 100}.{fen % 100:02d}",
                    "true" if resident[p] else "false",
                )
            )


class Databases:
    """New ledgers to measure on: files in a temporary directory, or schemas on a PostgreSQL server."""

    def __init__(self, tmp: Path, url: str | None) -> None:
        self.tmp, self.url, self.count = tmp, url, 0

    def new(self, name: str) -> str:
        self.count += 1
        if self.url is None:
            return str(self.tmp / f"{name}-{self.count}.db")
        import psycopg

        schema = f"bench_{os.getpid()}_{self.count}_{name}".replace("-", "_")
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        return self.url + ("&" if "?" in self.url else "?") + f"options=-csearch_path%3D{schema}"


def bench_single(dbs: Databases, n: int = 5_000, synchronous: str = "NORMAL") -> tuple[float, float]:
    """Median and p99 latency (ms) of ``Ledger.settle`` for one claim, on a ledger already holding claims."""
    from medaid.ledger import Ledger
    from medaid.rules import Claim

    rng = random.Random(2)
    with Ledger(dbs.new(f"single-{synchronous}"), synchronous=synchronous) as ledger:
        times = []
        for i in range(n):
            claim = Claim(
                dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365)),
                rng.choice(("inpatient", "outpatient")),
                rng.randrange(0, 3_000_00),
                (rng.choice(CATEGORIES[:4]),),
                rng.random() < 0.5,
                f"s{i}",
                f"p{rng.randrange(500)}",
            )
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


def _settle_disjoint(db: str, worker: int, n: int, barrier, results, synchronous: str = "NORMAL") -> None:
    """One settler: ``n`` single-claim settlements of its own persons, timed from when all settlers start."""
    from medaid.ledger import Ledger
    from medaid.rules import Claim

    rng = random.Random(worker)
    with Ledger(db, synchronous=synchronous) as ledger:
        claims = [
            Claim(
                dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365)),
                rng.choice(("inpatient", "outpatient")),
                rng.randrange(0, 3_000_00),
                (rng.choice(CATEGORIES[:4]),),
                rng.random() < 0.5,
                f"w{worker}-{i}",
                f"w{worker}-p{rng.randrange(500)}",
            )
            for i in range(n)
        ]
        barrier.wait()
        start = time.perf_counter()
        for claim in claims:
            assert ledger.settle(claim).status == "settled"
        results.put(time.perf_counter() - start)


def bench_concurrent(dbs: Databases, settlers: int, n: int, synchronous: str = "NORMAL") -> float:
    """Claims per second of ``settlers`` processes settling single claims of disjoint persons at once."""
    import multiprocessing

    db = dbs.new(f"concurrent-{settlers}")
    from medaid.ledger import Ledger

    Ledger(db).close()
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(settlers), ctx.Queue()
    processes = [
        ctx.Process(target=_settle_disjoint, args=(db, worker, n, barrier, results, synchronous))
        for worker in range(settlers)
    ]
    for process in processes:
        process.start()
    walls = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
        assert process.exitcode == 0
    return settlers * n / max(walls)


def bench_file(
    dbs: Databases, tmp: Path, claims: int, runs: int, workers: int | None = None
) -> tuple[list[float], list[float], float]:
    """Wall and CPU seconds of ``medaid ledger settle`` on a fresh ledger (``runs`` times), and wall of a second run."""
    path = tmp / "claims.csv"
    write_claims(path, claims, max(1, claims // 10))
    command = [sys.executable, "-c", "from medaid.cli import main; main()", "ledger", "settle", str(path)]
    if workers is not None:
        command += ["--workers", str(workers)]
    walls, cpus, first = [], [], None
    for run in range(runs):
        db = dbs.new(f"file-{run}")
        first = first or db
        start, cpu = time.perf_counter(), _children_cpu()
        done = subprocess.run([*command, "--db", db, "--output", str(tmp / "out.csv")], capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
        assert done.returncode == 0, done.stderr
        assert f"rows in {claims} / settled {claims} / duplicate 0 / rejected 0" in done.stderr, done.stderr
    start = time.perf_counter()
    again = subprocess.run([*command, "--db", first, "--output", str(tmp / "out.csv")], capture_output=True, text=True)
    second = time.perf_counter() - start
    assert f"rows in {claims} / settled 0 / duplicate {claims} / rejected 0" in again.stderr, again.stderr
    return walls, cpus, second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="passed to medaid ledger settle (default: its own)")
    parser.add_argument("--db", default=None, help="a PostgreSQL URL to measure on (default: SQLite files)")
    parser.add_argument(
        "--postgresql", action="store_true", help="start a throwaway PostgreSQL server (fsync on) and measure on it"
    )
    parser.add_argument(
        "--concurrent", type=int, default=2_000, help="single claims per settler in the concurrency figure (PostgreSQL)"
    )
    parser.add_argument(
        "--synchronous",
        default="NORMAL",
        help="for the single-claim and concurrency figures: NORMAL, or (PostgreSQL) OFF for synchronous_commit off",
    )
    parser.add_argument("--skip-file", action="store_true", help="only the single-claim (and concurrency) figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name, contextlib.ExitStack() as stack:
        tmp = Path(tmp_name)
        url = args.db
        if args.postgresql:
            from medaid.testing.pgserver import PgServer

            server = stack.enter_context(PgServer(durable=True))
            url = server.dsn()
            print(
                f"throwaway PostgreSQL server {server.psql('SHOW server_version').strip()}, fsync on, synchronous_commit on, loopback TCP"
            )
        dbs = Databases(tmp, url)
        median, p99 = bench_single(dbs, synchronous=args.synchronous)
        print(
            f"single-claim settle: median {median:.3f} ms, p99 {p99:.3f} ms (5 000 claims, synchronous={args.synchronous})"
        )
        if url is None:
            median, p99 = bench_single(dbs, 500, "FULL")
            print(f"single-claim settle: median {median:.3f} ms, p99 {p99:.3f} ms (500 claims, synchronous=FULL)")
        else:
            one = bench_concurrent(dbs, 1, args.concurrent, args.synchronous)
            four = bench_concurrent(dbs, 4, args.concurrent, args.synchronous)
            print(
                f"single-claim settlers on disjoint persons: 1 process {one:,.0f} claims/s, 4 processes {four:,.0f} claims/s "
                f"({four / one:.2f}x; CPU count {os.cpu_count()}, synchronous={args.synchronous})"
            )
        if args.skip_file:
            return
        walls, cpus, second = bench_file(dbs, tmp, args.claims, args.runs, args.workers)
        best, med, cpu = min(walls), statistics.median(walls), statistics.median(cpus)
        workers = "default workers" if args.workers is None else f"--workers {args.workers}"
        print(
            f"medaid ledger settle ({workers}), {args.claims} claims: median {med:.2f} s wall = {args.claims / med:,.0f} claims/s "
            f"(best {args.claims / best:,.0f}/s, {args.runs} runs, CPU count {os.cpu_count()}, load {os.getloadavg()[0]:.1f})"
        )
        print(
            f"  CPU time (user + sys, all processes) median {cpu:.2f} s = {args.claims / cpu:,.0f} claims per CPU-second"
        )
        print(f"same file again (all duplicates): {second:.2f} s = {args.claims / second:,.0f} claims/s")


if __name__ == "__main__":
    main()
