"""Core speed: `medaid calc` cold start (wall, subprocess) and one person-year through the library.

Run: python benchmarks/bench_core.py [--runs 15]
Targets (``docs/performance.md``): cold start under 0.3 s; a person-year under 20 µs. The script checks the result
it times (E11: 133 100.00) so a fast wrong answer cannot pass.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import time
import timeit

COMMAND = [
    "calc",
    "--category",
    "dibao",
    "--inpatient",
    "160000",
    "--outpatient",
    "5500",
    "--resident-insurance",
    "--date",
    "2023-05-01",
    "--format",
    "json",
]


def cold_start(runs: int) -> list[float]:
    exe = shutil.which("medaid") or sys.exit("medaid is not installed on PATH")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run([exe, *COMMAND], capture_output=True, text=True, check=True).stdout
        times.append(time.perf_counter() - start)
        assert '"total": "133100.00"' in out
    return times


def person_year(repeat: int = 7, number: int = 20_000) -> list[float]:
    from medaid.policy import default_registry
    from medaid.rules import assess_person_year

    policy_for = default_registry().medical_assistance
    day = dt.date(2023, 5, 1)

    def one():
        return assess_person_year(
            ("dibao",), day, policy_for, inpatient_fen=16_000_000, outpatient_fen=550_000, resident_insurance=True
        )

    assert 13_310_000 == one().total_fen
    return [t / number for t in timeit.repeat(one, number=number, repeat=repeat)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    starts = cold_start(args.runs)
    print(
        f"medaid calc cold start: median {statistics.median(starts) * 1000:.0f} ms, min {min(starts) * 1000:.0f} ms over {args.runs} runs (target < 300 ms)"
    )
    calls = person_year()
    print(
        f"library person-year: median {statistics.median(calls) * 1e6:.1f} µs, min {min(calls) * 1e6:.1f} µs (target < 20 µs)"
    )


if __name__ == "__main__":
    main()
