"""`medaid district` on a Shanghai-sized year: read a settled-claims CSV and total it per district.

Run: python benchmarks/bench_district.py [--rows 3600000] [--runs 3] [--parquet]
Writes a synthetic settled file (16 districts, 2023 dates, amounts as yuan strings) to a temporary
directory, then times read_settled + district_totals. It checks what it times: every district's total and
the grand total against sums computed separately in integer fen, and city + district == total.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from medaid.district.aggregate import district_totals, read_settled
from medaid.districts import DISTRICTS


def make(rows: int, path: Path) -> dict[str, int]:
    """Write the file; return each district's expected total in fen."""
    rng = np.random.default_rng(7)
    district = rng.integers(0, len(DISTRICTS), rows)
    self_pay = rng.integers(0, 5_000_000, rows)
    assistance = self_pay * rng.integers(0, 101, rows) // 100
    subsidy = np.where(rng.random(rows) < 0.05, rng.integers(0, 30_001, rows), 0)
    day = rng.integers(0, 365, rows)

    def yuan(fen: np.ndarray) -> pl.Series:
        return pl.Series(fen).cast(pl.Decimal(20, 2)) / 100

    frame = pl.DataFrame(
        {
            "claim_id": np.arange(rows),
            "person_id": rng.integers(0, rows // 5 + 1, rows),
            "district": pl.Series([d.id for d in DISTRICTS]).gather(district),
            "date": pl.Series(day + 19358).cast(pl.Int32).cast(pl.Date),  # 2023-01-01 is day 19 358 of the epoch
            "kind": pl.Series(["inpatient", "outpatient"]).gather(rng.integers(0, 2, rows)),
            "self_pay": yuan(self_pay),
            "assistance": yuan(assistance),
            "deductible_subsidy": yuan(subsidy),
            "policy_id": pl.Series(["medical-assistance-2023"]).gather(np.zeros(rows, dtype=np.int64)),
        }
    )
    if path.suffix == ".parquet":
        frame.write_parquet(path)
    else:
        frame.write_csv(path)
    expected = {}
    for index, d in enumerate(DISTRICTS):
        mask = district == index
        expected[d.id] = int(assistance[mask].sum() + subsidy[mask].sum())
    return expected


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3_600_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--parquet",
        action="store_true",
        help="Parquet with Decimal amounts (as `medaid claims` writes) instead of CSV.",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("settled.parquet" if args.parquet else "settled.csv")
        expected = make(args.rows, path)
        size = path.stat().st_size
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            report = district_totals(read_settled(path), by="district")
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        got = {g.district.id: g.total_fen for g in report.rows}
        assert expected == got, "district totals differ from the independent sums"
        assert sum(expected.values()) == report.total.total_fen
        assert all(g.city_fen + g.district_share_fen == g.total_fen for g in report.rows)
    print(
        f"{args.rows:,} settled claims ({size / 2**20:.0f} MiB {path.suffix[1:]}), 16 districts: "
        f"read + aggregate median {statistics.median(times):.2f} s wall over {args.runs} runs (min {min(times):.2f} s), "
        f"CPU {statistics.median(cpu):.2f} s (all threads); totals checked"
    )


if __name__ == "__main__":
    main()
