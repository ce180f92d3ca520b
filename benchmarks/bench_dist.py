"""Benchmark ``medaid claims --cluster`` (Dask, LocalCluster) against one process, on the same file, in one run.

    python benchmarks/bench_dist.py                          # 10 M claims, LocalCluster(2)
    python benchmarks/bench_dist.py --claims 3600000 --workers 2

Writes a synthetic Parquet file (``medaid.synth``, seed 2023, row groups of 1 M claims), then:

1. one process: ``medaid claims IN -o one.parquet`` as a subprocess (wall, CPU, peak RSS);
2. Dask: a LocalCluster of ``--workers`` processes (one thread each; start-up timed apart), then the stages
   apart: reading the pieces into pandas, the duplicate-claim-id pass, read + shuffle by person, and the
   whole run (read, duplicates, shuffle, settle, write) as ``settle_on_dask`` does it;
3. per partition, in this process: Arrow↔pandas conversion (what the shuffle serialises), ``settle_partition``
   and the Parquet write, for one partition of the size the run used: the throughput a worker core gives;
4. checks that the dataset equals the one-process output, claim for claim, to the fen.
"""

from __future__ import annotations

import os

SHELL_ENV = dict(os.environ)

import argparse  # noqa: E402
import logging  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import polars as pl  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from bench_claims import machine_header, run_once  # noqa: E402

from medaid.synth import synth_claims  # noqa: E402


def clock(label: str, function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"  {label:<58} {seconds:7.2f} s   load {os.getloadavg()[0]:.1f}", flush=True)
    return value, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=None)
    parser.add_argument(
        "--no-p2p", action="store_true", help="Skip the P2P shuffle comparison (minutes at 10 M on a loaded machine)."
    )
    parser.add_argument(
        "--workdir",
        default=None,
        help="Keep the synthetic file here (reused when it exists) instead of a temporary folder.",
    )
    args = parser.parse_args()

    import dask
    import distributed
    import pyarrow as pa

    from medaid.batch.partition import settle_partition
    from medaid.dist import dask as runner
    from medaid.dist.dataset import PKEY, input_files, parquet_pieces, with_ghosts, write_part

    print(machine_header(f"polars {pl.__version__}, dask {dask.__version__}, pyarrow {pa.__version__}"), flush=True)
    with tempfile.TemporaryDirectory(prefix="medaid-bench-dist-") as folder:
        work = Path(args.workdir or folder)
        work.mkdir(parents=True, exist_ok=True)
        source = work / f"claims-{args.claims}.parquet"
        if not source.exists():
            table, _ = clock(f"synthesise {args.claims:,} claims", synth_claims, args.claims, 2023, seed=2023)
            table.write_parquet(source, row_group_size=1_000_000)
            del table
        print(f"one process: medaid claims {source.name} -o one.parquet", flush=True)
        wall, rss, cpu = run_once(["claims", str(source), "--output", str(work / "one.parquet")])
        print(f"  {'wall':<58} {wall:7.2f} s   CPU {cpu:.2f} s, peak RSS {rss / 2**30:.2f} GiB", flush=True)

        print(f"Dask: LocalCluster({args.workers}) of worker processes, one thread each", flush=True)
        cluster, _ = clock(
            "start the cluster",
            distributed.LocalCluster,
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = distributed.Client(cluster)
        pieces = parquet_pieces(input_files(source))
        count = args.partitions or runner.partition_count(args.claims, args.workers)
        print(f"  {len(pieces)} pieces in, {count} partitions out", flush=True)
        import dask.dataframe as dd
        from dask import delayed

        def cpu_seconds() -> float:
            """CPU seconds (user + system) of every worker process and of this one: the work done, whatever the load."""
            import resource

            def mine() -> float:
                usage = resource.getrusage(resource.RUSAGE_SELF)
                return usage.ru_utime + usage.ru_stime

            return sum(client.run(mine).values()) + mine()

        def split_only() -> int:
            splits = [delayed(runner._split, nout=2 * count)(p, count) for p in pieces]
            return sum(
                client.gather(
                    client.compute(
                        [
                            delayed(lambda *t: sum(x.num_rows for x in t))(*(split[i] for i in range(count)))
                            for split in splits
                        ]
                    )
                )
            )

        _, split = clock("read + split by person into Arrow tables (the shuffle's first half)", split_only)
        claims = dd.from_map(runner._read_pandas, pieces, meta=runner._meta(pieces[0]), enforce_metadata=False)
        p2p = float("nan")
        if not args.no_p2p:
            _, p2p = clock(
                "for comparison: read + dask.dataframe P2P shuffle (pandas)",
                lambda: claims.shuffle(PKEY, npartitions=count).map_partitions(len).compute(),
            )
        out = work / "out"
        before = cpu_seconds()
        run, whole = clock(
            "whole run: read, split, duplicates, gather, settle, write",
            runner.settle_on_dask,
            source,
            out,
            client,
            partitions=count,
        )
        dask_cpu = cpu_seconds() - before
        print(f"  {'CPU of the whole run, all workers and the client':<58} {dask_cpu:7.2f} s", flush=True)
        client.close()
        cluster.close()

        print("per partition, in this process (one core):", flush=True)
        part = pl.read_parquet(source).head(args.claims // count)
        keyed = runner.keyed(part, seq=0, row=0, name="piece")
        pandas_part, to_pandas = clock(f"Arrow -> pandas, {keyed.height:,} rows", runner._pandas, keyed)
        arrow_part, to_arrow = clock(
            "pandas -> Arrow (+ ghosts check)",
            lambda: with_ghosts(
                pl.from_arrow(pa.Table.from_pandas(pandas_part, preserve_index=False)), None
            ).to_arrow(),
        )
        _, gather = clock(
            "Arrow pieces -> one partition (+ ghosts check): the Arrow path",
            lambda: with_ghosts(pl.from_arrow(pa.concat_tables([keyed.to_arrow()])), None).to_arrow(),
        )
        result, settle = clock("settle_partition", settle_partition, arrow_part)
        _, write = clock("write the part (Parquet, lz4)", write_part, result.settled, work, "probe.parquet")
        rate = keyed.height / settle
        print(
            f"  settle_partition: {rate:,.0f} claims/s per core; with gather and write {keyed.height / (settle + write + gather):,.0f}",
            flush=True,
        )

        one = (
            pl.read_parquet(work / "one.parquet")
            .select("claim_id", "assistance", "deductible_subsidy", "cap_left")
            .sort("claim_id")
        )
        mine = (
            pl.read_parquet(out / "part-*.parquet")
            .select("claim_id", "assistance", "deductible_subsidy", "cap_left")
            .sort("claim_id")
        )
        assert one.equals(mine), "the dataset differs from the one-process output"
        assert run.summary.settled == args.claims
        print(
            f"dataset equals the one-process output, claim for claim ({args.claims:,} claims, "
            f"{int(one['assistance'].sum() * 100):,} fen of assistance)",
            flush=True,
        )
        print(
            f"RESULT: one process {wall:.2f} s wall, {cpu:.2f} s CPU; Dask LocalCluster({args.workers}) {whole:.2f} s wall = {whole / wall:.1f}x, "
            f"{dask_cpu:.2f} s CPU = {dask_cpu / cpu:.1f}x (read + split {split:.1f} s of it; the P2P shuffle alone would take {p2p:.1f} s); "
            f"per partition of {keyed.height:,}: settle {settle:.2f} s, write {write:.2f} s, gather {gather:.2f} s; "
            f"settle_partition {rate:,.0f} claims/s per core",
            flush=True,
        )
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
