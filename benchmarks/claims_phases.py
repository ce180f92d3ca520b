"""Wall and CPU time of each stage of one ``settle_claims`` run, in process (issue 15's per-phase figures).

    python benchmarks/claims_phases.py claims.parquet [--output out.parquet] [--runs 2]

Stages are those ``settle_claims`` reports to its ``progress`` callback: ``read`` (the file into a table),
``validate`` (the claims contract's checks and parsing, the lookup), ``settle`` (the engine and the summary),
``write`` (the settled table computed and written). CPU is the process's user + system time, all threads
included: on a shared machine it is the steadier figure. ``import`` is numpy, polars and medaid.
"""

from __future__ import annotations

import time

_START = (time.perf_counter(), time.process_time())

import argparse  # noqa: E402  (timed: the imports below are the "import" stage)
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from medaid.batch import settle_batch  # noqa: E402
from medaid.policy import default_registry  # noqa: E402


def run(source: str, output: str) -> list[tuple[str, float, float]]:
    """(stage, wall seconds, CPU seconds) of one run, in order."""
    marks: list[tuple[str, float, float]] = []

    def progress(stage: str, _rows: int | None) -> None:
        marks.append((stage, time.perf_counter(), time.process_time()))

    registry = default_registry()
    settle_batch(source, output=output, registry=registry, progress=progress)
    return [(name, w1 - w0, c1 - c0) for (name, w0, c0), (_, w1, c1) in zip(marks, marks[1:])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("--output", help="settled file (default: a temporary .parquet)")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    wall, cpu = time.perf_counter() - _START[0], time.process_time() - _START[1]
    print(f"{'import':10s} wall {wall:6.2f} s  cpu {cpu:6.2f} s")
    with tempfile.TemporaryDirectory(prefix="medaid-phases-") as folder:
        output = args.output or str(Path(folder) / "settled.parquet")
        for number in range(args.runs):
            stages = run(args.source, output)
            for name, wall, cpu in stages:
                print(f"{name:10s} wall {wall:6.2f} s  cpu {cpu:6.2f} s")
            total_wall, total_cpu = sum(s[1] for s in stages), sum(s[2] for s in stages)
            print(f"{'run ' + str(number + 1):10s} wall {total_wall:6.2f} s  cpu {total_cpu:6.2f} s")


if __name__ == "__main__":
    main()
