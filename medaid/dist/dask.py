"""``medaid claims INPUT --output OUT_DIR --cluster local:2|tcp://host:8786``: settle on a Dask cluster.

1. Read the input as pieces (Parquet files or runs of their row groups; a CSV or other file is read once
   by medaid's own reader, then cut into pieces), numbering every row (``_seq``, ``_row``) and keying it
   by person and claim id (:mod:`medaid.dist.dataset`).
2. Shuffle by the person key, so every partition holds whole persons: one Dask task per piece splits it
   into one Arrow table per partition (hash partitioning, no sort, no index); partition *i* gathers
   table *i* of every piece. In the same graph, the claim keys, bucketed by their own hash, find the
   claim ids seen more than once in the whole input (usually none), whose rows each partition receives
   as ghosts. Past :data:`ARROW_SPLIT_TASKS` the ``dask.dataframe`` P2P shuffle does the same on pandas.
3. Settle each partition with :func:`medaid.batch.partition.settle_partition` and write it as
   ``part-NNNNN.parquet`` (and its rejects under ``rejects/``) into ``OUT_DIR.tmp-…``; when every partition
   is done, the folder is renamed to ``OUT_DIR``. A lost worker's tasks are recomputed by Dask, and a
   part is written under its final name only when complete, so the result stays exact.

The workers write the parts themselves: with a remote cluster, ``OUT_DIR`` and the input must be on a
filesystem every worker sees at the same path.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import polars as pl

from medaid.batch.settle import Summary
from medaid.dist.dataset import (
    CKEY,
    PIECE_ROWS,
    PKEY,
    REJECTS,
    Piece,
    duplicate_keys,
    input_files,
    keyed,
    parquet_pieces,
    part_name,
    publish,
    read_piece,
    staging_dir,
    with_ghosts,
    write_part,
)
from medaid.errors import N_, InputError, InternalError, MedaidError
from medaid.policy.registry import PolicyRegistry

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "PARTITION_ROWS",
    "RunResult",
    "cluster_client",
    "settle_on_dask",
    "map_persons",
    "partition_count",
    "needs_dask",
]

#: Rows per partition after the shuffle. A worker holds a partition about 5 times over while settling it
#: (pandas and Arrow copies, the engine's arrays, the settled table): about 1.5 GB at one million claims.
PARTITION_ROWS = 1_000_000
#: Called as each partition is written: (partitions done, partitions in all).
Progress = Callable[[int, int], None]


@attrs.frozen
class RunResult:
    """A distributed run: the summary over all partitions, where the dataset is, the first reject."""

    summary: Summary
    partitions: int
    output: Path
    first_reject: tuple[int, str, str | None] | None  # (row, reason, file) of the earliest reject


def needs_dask() -> None:
    """An :class:`InputError` in one line when Dask is not installed."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise InputError(N_("--cluster needs Dask: pip install 'medaid[dist]'")) from None


@attrs.define
class _Cluster:
    client: Any
    local: Any = None

    def close(self) -> None:
        self.client.close()
        if self.local is not None:
            self.local.close()


def cluster_client(spec: str) -> _Cluster:
    """A Dask client for ``local:N`` (a LocalCluster of N worker processes, one thread each) or a
    scheduler address (``tcp://host:8786``)."""
    needs_dask()
    from distributed import Client, LocalCluster

    if spec.startswith("local:"):
        count = spec.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise InputError(N_("--cluster local:N needs a number of workers, got {spec!r}"), spec=spec)
        local = LocalCluster(
            n_workers=int(count),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        return _Cluster(Client(local), local)
    if spec.startswith(("tcp://", "tls://", "ucx://")) or ":" in spec:
        try:
            return _Cluster(Client(spec, timeout="10s"))
        except OSError as exc:
            raise InputError(N_("--cluster {spec}: cannot reach the scheduler ({exc})"), spec=spec, exc=exc) from None
    raise InputError(
        N_("--cluster must be local:N or a scheduler address like tcp://host:8786, got {spec!r}"), spec=spec
    )


def partition_count(rows: int, workers: int) -> int:
    """Partitions after the shuffle: at most :data:`PARTITION_ROWS` rows each (bounded worker memory),
    and at least two per worker (so a slow or lost worker's share can move)."""
    return max(2 * max(workers, 1), math.ceil(rows / PARTITION_ROWS))


def settle_on_dask(
    source: str | Path,
    output: str | Path,
    client: Any,
    *,
    partitions: int | None = None,
    registry: PolicyRegistry | None = None,
    progress: Progress | None = None,
    shuffle: str = "auto",
    lang: str = "en",
) -> RunResult:
    """Settle ``source`` (Parquet file, folder or glob; or any file ``medaid claims`` reads) on ``client``
    into the dataset folder ``output``; see the module docstring. ``lang``: the language of the rejects'
    reasons."""
    from medaid.batch.partition import merge_summaries

    output = Path(output)
    plan = _plan(source, client, partitions, shuffle)
    staging = staging_dir(output, plan.files)
    try:
        outcomes = _run(client, plan, _settle_write, (str(staging), registry, lang), progress)
        publish(staging, output)
    except BaseException:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        raise
    summary = merge_summaries((o[0] for o in outcomes), registry)
    firsts = [o[1] for o in outcomes if o[1] is not None]
    first = min(firsts, key=lambda r: (r[2] or "", r[0])) if firsts else None
    return RunResult(summary, len(outcomes), output, first)


def map_persons(
    source: str | Path,
    client: Any,
    function: Callable[..., Any],
    args: tuple = (),
    *,
    partitions: int | None = None,
    progress: Progress | None = None,
    shuffle: str = "auto",
) -> list[Any]:
    """``function(table, *args)`` on every partition of ``source`` shuffled by person, on ``client``; the
    results in partition order. ``table`` is Arrow with the claims, the runner's columns and the ghost
    rows (ready for :func:`~medaid.batch.partition.settle_partition`); the results should be small."""
    return _run(client, _plan(source, client, partitions, shuffle), _apply, (function, *args), progress)


@attrs.frozen
class _Plan:
    parts: list[Any]  # one delayed per partition: a pandas frame (dask.dataframe) or Arrow tables (arrow)
    candidates: Any  # pl.DataFrame | None, or a delayed giving it
    files: list[Path]


#: Above this many (pieces × partitions) the Arrow split's task graph (about twice as many tasks) grows
#: too large for the scheduler (~0.3 ms a task): use dask.dataframe's P2P shuffle (a bounded number of
#: tasks, spills to disk) instead. 50 000 covers 200 M claims at the default sizes.
ARROW_SPLIT_TASKS = 50_000


def _plan(source: str | Path, client: Any, partitions: int | None, shuffle: str = "auto") -> _Plan:
    """The input read as pieces, and the shuffle by person declared with the duplicate candidates.

    ``shuffle``: ``arrow`` (each piece split by person hash into Arrow tables by one task; each partition
    gathers its share of every piece: Dask's task shuffle, on Arrow rather than pandas, about 3 times
    faster here), ``dask`` (``dask.dataframe`` P2P shuffle on pandas) or ``auto`` (arrow unless the
    graph would exceed :data:`ARROW_SPLIT_TASKS`).
    """
    frame, pieces, files = _inputs(source)
    rows = frame.height if frame is not None else sum(p.rows for p in pieces)
    workers = len(client.scheduler_info().get("workers", {})) or 1
    count = partitions or partition_count(rows, workers)
    inputs = max(1, math.ceil(rows / PIECE_ROWS)) if frame is not None else len(pieces)
    if shuffle not in ("auto", "arrow", "dask"):
        raise InputError(N_("shuffle must be auto, arrow or dask, got {shuffle!r}"), shuffle=shuffle)
    if shuffle == "dask" or (shuffle == "auto" and inputs * count > ARROW_SPLIT_TASKS):
        import dask.dataframe as dd

        if frame is not None:
            claims = dd.from_pandas(_pandas(frame), npartitions=inputs, sort=False)
        else:
            claims = dd.from_map(_read_pandas, pieces, meta=_meta(pieces[0]), enforce_metadata=False)
        candidates = _local_candidates(frame) if frame is not None else _candidates(claims, pieces)
        return _Plan(list(claims.shuffle(PKEY, npartitions=count).to_delayed()), candidates, files)
    from dask import delayed

    if frame is not None:
        sources: list[Any] = [client.scatter(frame.slice(k * PIECE_ROWS, PIECE_ROWS).to_arrow()) for k in range(inputs)]
    else:
        sources = list(pieces)
    splits = [delayed(_split, nout=2 * count, pure=True)(source, count) for source in sources]
    buckets = [delayed(_repeated, pure=True)(*(split[count + b] for split in splits)) for b in range(count)]
    repeated = delayed(_concat_keys, pure=True)(*buckets)
    candidates = delayed(_gather_candidates, pure=True)(
        repeated, *(delayed(_pick, pure=True)(split, repeated, count) for split in splits)
    )
    return _Plan([[split[i] for split in splits] for i in range(count)], candidates, files)


def _split(source: Any, count: int) -> tuple:
    """A piece split by person hash into ``count`` Arrow tables, then its claim keys by claim-key hash
    into ``count`` arrays (for the duplicate count), as one tuple."""

    frame = read_piece(source) if isinstance(source, Piece) else pl.from_arrow(source)
    if not isinstance(frame, pl.DataFrame):
        raise InternalError(
            N_("expected {expected}, got {type_name}"), expected="pl.DataFrame", type_name=type(frame).__name__
        )
    keys = frame[CKEY].to_numpy()
    # polars gathers the rows of each target (multi-threaded): several times faster than Arrow's take here.
    parts = frame.with_columns((pl.col(PKEY) % count).alias("__target")).partition_by(
        "__target", as_dict=True, include_key=False
    )
    empty = frame.head(0)
    tables = [parts.get((i,), empty).to_arrow(compat_level=pl.CompatLevel.oldest()) for i in range(count)]
    bucket = keys % count
    return (*tables, *(keys[bucket == b] for b in range(count)))


def _repeated(*arrays: Any) -> Any:
    """Claim keys seen more than once among ``arrays`` (one hash bucket of every piece)."""
    import numpy as np

    keys, counts = np.unique(np.concatenate(arrays), return_counts=True)
    return keys[counts > 1]


def _concat_keys(*arrays: Any) -> Any:
    import numpy as np

    return np.concatenate(arrays)


def _pick(split: tuple, repeated: Any, count: int) -> Any:
    """A piece's rows whose claim key repeats in the whole input (an empty selection usually)."""
    import pyarrow as pa

    tables = [t for t in split[:count] if t.num_rows]
    if not len(repeated) or not tables:
        return None
    frame = pl.from_arrow(pa.concat_tables(tables))
    if not isinstance(frame, pl.DataFrame):
        raise InternalError(
            N_("expected {expected}, got {type_name}"), expected="pl.DataFrame", type_name=type(frame).__name__
        )
    picked = frame.filter(pl.col(CKEY).is_in(pl.Series(repeated).implode()))
    return picked if picked.height else None


def _gather_candidates(repeated: Any, *picked: pl.DataFrame | None) -> pl.DataFrame | None:
    found = [p for p in picked if p is not None]
    return pl.concat(found, how="vertical_relaxed") if found else None


def _run(client: Any, plan: _Plan, task: Callable[..., Any], args: tuple, progress: Progress | None) -> list[Any]:
    """``task(part, index, candidates, *args)`` per shuffled partition; results in partition order."""
    from dask import delayed
    from distributed import as_completed

    tasks = [delayed(task, pure=False)(part, i, plan.candidates, *args) for i, part in enumerate(plan.parts)]
    futures = client.compute(tasks)
    where = {future.key: i for i, future in enumerate(futures)}
    results: list[Any] = [None] * len(futures)
    for done, future in enumerate(as_completed(futures), 1):
        results[where[future.key]] = future.result()
        if progress is not None:
            progress(done, len(futures))
    return results


def _arrow_part(part, index: int, candidates: pl.DataFrame | None) -> tuple[pa.Table, pl.DataFrame]:
    """A shuffled partition (pandas, or one Arrow table per piece) as Arrow with its ghost rows."""
    import pyarrow as pa

    table = (
        pa.concat_tables(part, promote_options="permissive")
        if isinstance(part, list)
        else pa.Table.from_pandas(part, preserve_index=False)
    )
    frame = pl.from_arrow(table)
    if not isinstance(frame, pl.DataFrame):
        raise InternalError(
            N_("expected {expected}, got {type_name}"), expected="pl.DataFrame", type_name=type(frame).__name__
        )
    return with_ghosts(frame, candidates).to_arrow(), frame


def _apply(part, index: int, candidates: pl.DataFrame | None, function: Callable[..., Any], *args: Any) -> Any:
    table, frame = _arrow_part(part, index, candidates)
    with _naming(index, frame):
        return function(table, *args)


@contextlib.contextmanager
def _naming(index: int, frame: pl.DataFrame) -> Iterator[None]:
    """A failure inside a partition names the partition and its rows."""
    try:
        yield
    except MedaidError as exc:
        raise InputError(N_("partition {index} ({rows}): {exc}"), index=index, rows=_rows(frame), exc=exc) from None
    except Exception as exc:
        raise InternalError(
            N_("partition {index} ({rows}): {type_name}: {exc}"),
            index=index,
            rows=_rows(frame),
            type_name=type(exc).__name__,
            exc=exc,
        ) from exc


def _inputs(source: str | Path) -> tuple[pl.DataFrame | None, list[Piece], list[Path]]:
    """A Parquet input as pieces; any other file read whole here, by the reader ``medaid claims`` uses."""
    files = input_files(source)
    if all(f.suffix.lower() in (".parquet", ".pq") for f in files):
        return None, parquet_pieces(files), files
    if len(files) > 1:
        raise InputError(N_("a folder or glob must hold Parquet files only"), file=source)
    from medaid.batch.io import read_claims

    table, name = read_claims(files[0])
    return keyed(table, seq=0, row=0, name=name), [], files


def _pandas(frame: pl.DataFrame):
    """Arrow-backed pandas (what dask.dataframe shuffles), text as plain Arrow strings."""
    import pandas as pd
    import pyarrow as pa

    from medaid.batch.partition import ROW_IN_FILE, SEQ, plain_type

    numbers = [SEQ, ROW_IN_FILE, PKEY, CKEY]  # plain numpy int64: cheapest to hash and move
    table = frame.drop(numbers).to_arrow()
    table = table.cast(pa.schema([(f.name, plain_type(f.type)) for f in table.schema]))
    result = table.to_pandas(types_mapper=pd.ArrowDtype)
    for name in numbers:
        result[name] = frame[name].to_numpy()
    return result


def _meta(piece: Piece):
    """The (empty) pandas frame a piece reads as, from the file's schema alone."""
    import pyarrow.parquet as pq

    empty = pl.from_arrow(pq.read_schema(piece.path).empty_table())
    if not isinstance(empty, pl.DataFrame):
        raise InternalError(
            N_("expected {expected}, got {type_name}"), expected="pl.DataFrame", type_name=type(empty).__name__
        )
    return _pandas(keyed(empty, seq=0, row=0, name=piece.path, file=piece.name))


def _read_keys(piece: Piece):
    """The claim keys of a piece (its claim_id column alone)."""
    from medaid.dist.dataset import _key, piece_frame

    frame = piece_frame(piece, ["claim_id"])
    return frame.select(_key("claim_id").alias(CKEY)).to_pandas()


def _read_pandas(piece: Piece):
    return _pandas(read_piece(piece))


def _local_candidates(frame: pl.DataFrame) -> pl.DataFrame | None:
    keys = duplicate_keys(frame.group_by(CKEY).len(name="count"))
    return frame.filter(pl.col(CKEY).is_in(keys)) if keys else None


def _candidates(claims, pieces: list[Piece]) -> pl.DataFrame | None:
    """Every row whose claim key occurs more than once in the whole input: one counting pass over the
    claim_id column alone (a Dask ``value_counts``, hash-partitioned), and a second read only if some
    claim id repeats (usually none does)."""
    import dask.dataframe as dd
    import numpy as np
    import pandas as pd

    ids = dd.from_map(_read_keys, pieces, meta=pd.DataFrame({CKEY: np.zeros(0, np.int64)}), enforce_metadata=False)
    counts = ids[CKEY].value_counts(split_out=max(1, len(pieces) // 4))
    counts = counts[counts > 1].compute()
    frame = pl.DataFrame({CKEY: counts.index.to_numpy().astype("int64"), "count": counts.to_numpy().astype("int64")})
    keys = duplicate_keys(frame)
    if not keys:
        return None
    rows = claims[claims[CKEY].isin(keys)].compute()
    import pyarrow as pa

    found = pl.from_arrow(pa.Table.from_pandas(rows, preserve_index=False))
    if not isinstance(found, pl.DataFrame):
        raise InternalError(
            N_("expected {expected}, got {type_name}"), expected="pl.DataFrame", type_name=type(found).__name__
        )
    return found


def _settle_write(
    part, index: int, candidates: pl.DataFrame | None, staging: str, registry: PolicyRegistry | None, lang: str
):
    """Settle one shuffled partition and write it; returns (summary, first reject)."""
    from medaid.batch.partition import settle_partition

    table, frame = _arrow_part(part, index, candidates)
    with _naming(index, frame):
        result = settle_partition(table, registry=registry, lang=lang)
    write_part(result.settled, Path(staging), part_name(index))
    first = None
    if result.rejects.num_rows:
        write_part(result.rejects, Path(staging) / REJECTS, part_name(index))
        row = result.rejects.slice(0, 1).to_pylist()[0]
        first = (row["line"], row["reason"], row.get("file"))
    return result.summary, first


def _rows(frame: pl.DataFrame) -> str:
    """The input rows a partition holds, for a message: count and the first few file rows."""
    from medaid.batch.partition import ROW_IN_FILE

    if frame.height == 0:
        return "no rows"
    first = frame[ROW_IN_FILE].sort().head(3).to_list()
    return f"{frame.height} rows, file rows from {first[0] + 1}"
