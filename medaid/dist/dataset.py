"""The engine-free half of a distributed run: where the rows come from, which partition a person goes to,
duplicate claim ids across partitions, and the settled dataset on disk.

A run reads *pieces* (a Parquet file, or a slice of its row groups, or a slice of a CSV read once),
numbers every row (``_seq``: its place in the whole input; ``_row``: its place in its file), keys it by
person (``_pkey``, a hash of the person id with surrounding spaces removed, so the ids the contract
takes as one person land in one partition) and by claim id (``_ckey``). A claim id seen more than once
in the whole input makes its rows *candidates*: each partition receives, as ghost rows, the candidates
of other partitions that share a claim id with it, so the later copy is refused exactly as one process
refuses it (see :mod:`medaid.batch.partition`).

The dataset: ``OUT/part-00000.parquet`` … (settled rows, each part in input order) and
``OUT/rejects/part-00000.parquet`` … (only parts that have rejects).
"""

from __future__ import annotations

import glob
import os
import shutil
import uuid
from collections.abc import Sequence
from pathlib import Path

import attrs
import polars as pl

from medaid.errors import N_, InputError, InternalError

__all__ = [
    "Piece",
    "PKEY",
    "CKEY",
    "PART_GLOB",
    "REJECTS",
    "input_files",
    "parquet_pieces",
    "keyed",
    "duplicate_keys",
    "with_ghosts",
    "is_dataset",
    "read_dataset",
    "staging_dir",
    "publish",
    "part_name",
]

PKEY, CKEY = "_pkey", "_ckey"
PART_GLOB = "part-*.parquet"
REJECTS = "rejects"
#: Rows per input piece: big enough that per-task costs vanish, small enough to bound a reader's memory.
PIECE_ROWS = 1_000_000


@attrs.frozen
class Piece:
    """Rows ``[start, start + rows)`` of one Parquet file (row groups ``groups``), the first at ``seq``
    in the whole input."""

    path: str
    groups: tuple[int, ...]
    start: int
    rows: int
    seq: int
    name: str | None  # the file as rejects name it; None for a one-file input


def input_files(source: str | Path) -> list[Path]:
    """The Parquet files of a dataset folder (``*.parquet`` below it, sorted) or a glob, or the one file given."""
    text = str(source)
    if any(ch in text for ch in "*?["):
        files = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        if not files:
            raise InputError(N_("no file matches"), file=text)
        return files
    path = Path(text)
    if path.is_dir():
        files = sorted(
            p for p in path.rglob("*.parquet") if p.is_file() and REJECTS not in p.relative_to(path).parts[:-1]
        )
        if not files:
            raise InputError(N_("no .parquet file in this folder"), file=path)
        return files
    if not path.is_file():
        raise InputError(N_("no such file or folder"), file=path)
    return [path]


def parquet_pieces(files: Sequence[Path], piece_rows: int = PIECE_ROWS) -> list[Piece]:
    """Split Parquet files into pieces of about ``piece_rows`` rows along row groups (metadata only)."""
    import pyarrow.parquet as pq

    pieces, seq = [], 0
    named = len(files) > 1
    for path in files:
        try:
            meta = pq.ParquetFile(path).metadata
        except Exception as exc:  # pyarrow raises several kinds; the file is what is wrong
            raise InputError(
                N_("cannot read as parquet: {reason}"),
                file=path,
                reason=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
            ) from None
        groups: list[int] = []
        start = rows = 0
        for g in range(meta.num_row_groups):
            groups.append(g)
            rows += meta.row_group(g).num_rows
            if rows >= piece_rows or g == meta.num_row_groups - 1:
                pieces.append(Piece(str(path), tuple(groups), start, rows, seq, str(path) if named else None))
                seq, start, groups, rows = seq + rows, start + rows, [], 0
        if meta.num_row_groups == 0:
            pieces.append(Piece(str(path), (), 0, 0, seq, str(path) if named else None))
    return pieces


def read_piece(piece: Piece) -> pl.DataFrame:
    """A piece's rows, numbered and keyed (:func:`keyed`); an unreadable file is an :class:`InputError`."""
    frame = piece_frame(piece)
    return keyed(frame, seq=piece.seq, row=piece.start, name=piece.name or piece.path, file=piece.name)


def piece_frame(piece: Piece, columns: list[str] | None = None) -> pl.DataFrame:
    """A piece's row groups as read (every column, or only ``columns``: the claim keys); an unreadable file is
    an :class:`InputError` with the reader's first line."""
    import pyarrow.parquet as pq

    try:
        table = (
            pq.ParquetFile(piece.path).read_row_groups(list(piece.groups), columns=columns)
            if piece.groups
            else pq.read_table(piece.path, columns=columns)
        )
    except Exception as exc:
        raise InputError(
            N_("cannot read as parquet: {reason}") if columns is None else N_("cannot read column claim_id: {reason}"),
            file=piece.path,
            reason=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        ) from None
    frame = pl.from_arrow(table)
    if not isinstance(frame, pl.DataFrame):
        raise InternalError(
            N_("expected {expected}, got {type_name}"), expected="pl.DataFrame", type_name=type(frame).__name__
        )
    return frame


def keyed(frame: pl.DataFrame, *, seq: int, row: int, name: str, file: str | None = None) -> pl.DataFrame:
    """``frame`` with ``_seq``, ``_row`` (from ``seq``/``row``), ``_file`` (if given), ``_pkey`` and ``_ckey``.

    Text columns of any kind (dictionary, view) become plain strings, so pieces concatenate. A frame
    without ``person_id`` or ``claim_id`` is an :class:`InputError` naming ``name``.
    """
    from medaid.batch.io import REQUIRED
    from medaid.batch.partition import FILE, ROW_IN_FILE, SEQ  # imports pyarrow: not at import time (medaid claims)

    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(
            N_("header lacks required columns {names} (expected {expected})")
            if len(missing) > 1
            else N_("header lacks required column {names} (expected {expected})"),
            file=name,
            names=", ".join(missing),
            expected=", ".join(REQUIRED),
        )
    text = [c for c, t in frame.schema.items() if isinstance(t, (pl.Categorical, pl.Enum))]
    frame = frame.with_columns(pl.col(text).cast(pl.String)) if text else frame
    extra = [
        pl.int_range(frame.height, dtype=pl.Int64).alias(SEQ) + seq,
        pl.int_range(frame.height, dtype=pl.Int64).alias(ROW_IN_FILE) + row,
    ]
    if file is not None:
        extra.append(pl.lit(file, pl.String).alias(FILE))
    return frame.with_columns(*extra, _key("person_id").alias(PKEY), _key("claim_id").alias(CKEY))


def _key(column: str) -> pl.Expr:
    """A 63-bit hash of the column as text with surrounding spaces removed (null: its own key)."""
    return (pl.col(column).cast(pl.String).str.strip_chars().hash(seed=2023) // 2).cast(pl.Int64)


def duplicate_keys(counts: pl.DataFrame) -> list[int]:
    """Claim keys seen more than once, from ``(_ckey, count)`` rows (partial counts may repeat a key)."""
    return counts.group_by(CKEY).agg(pl.col("count").sum()).filter(pl.col("count") > 1)[CKEY].sort().to_list()


def with_ghosts(part: pl.DataFrame, candidates: pl.DataFrame | None) -> pl.DataFrame:
    """``part`` plus, as ghost rows, the candidates of other partitions that share a claim key with it.

    ``candidates``: every row (of the whole input) whose claim key is seen more than once. A candidate
    of another partition has a person key this partition does not hold (persons are never split).
    Returns ``part`` with ``_ghost`` (False for its own rows), without ``_pkey``/``_ckey``.
    """
    from medaid.batch.partition import GHOST

    own = part.with_columns(pl.lit(False).alias(GHOST))
    if candidates is not None and candidates.height:
        ghosts = candidates.filter(pl.col(CKEY).is_in(part[CKEY].implode()) & ~pl.col(PKEY).is_in(part[PKEY].implode()))
        if ghosts.height:
            own = pl.concat(
                [own, ghosts.select(own.columns[:-1]).with_columns(pl.lit(True).alias(GHOST))], how="vertical_relaxed"
            )
    return own.drop(PKEY, CKEY)


def part_name(index: int) -> str:
    return f"part-{index:05d}.parquet"


def is_dataset(path: str | Path) -> bool:
    """True for a folder written by a distributed run (it holds ``part-*.parquet``)."""
    path = Path(path)
    return path.is_dir() and any(path.glob(PART_GLOB))


def read_dataset(path: str | Path) -> pl.DataFrame:
    """A settled dataset folder as one frame, parts in order (the rows of each part in input order)."""
    path = Path(path)
    parts = sorted(path.glob(PART_GLOB))
    if not parts:
        raise InputError(N_("not a settled dataset (no {pattern} in it)"), file=path, pattern=PART_GLOB)
    try:
        return pl.concat([pl.read_parquet(p) for p in parts], how="vertical_relaxed")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(
            N_("cannot read the dataset: {reason}"), file=path, reason=str(exc).strip().splitlines()[0]
        ) from None


def staging_dir(target: Path, sources: Sequence[Path] = ()) -> Path:
    """A fresh folder beside ``target`` to write into (``TARGET.tmp-…``), after checking ``target`` may be replaced."""
    target = Path(target)
    resolved = target.resolve()
    for source in sources:
        s = Path(source).resolve()
        if s == resolved or resolved in s.parents:
            raise InputError(
                N_("the output folder holds the input {source}; choose another --output"), file=target, source=source
            )
    if target.exists() and not (target.is_dir() and (is_dataset(target) or not any(target.iterdir()))):
        raise InputError(N_("exists and is not a settled dataset; choose another --output or remove it"), file=target)
    if not target.parent.is_dir():
        raise InputError(N_("cannot write: no folder {folder}"), file=target, folder=target.parent)
    staging = target.with_name(f"{target.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        staging.mkdir()
        (staging / REJECTS).mkdir()
    except OSError as exc:
        raise InputError(N_("cannot write: {reason}"), file=target, reason=exc.strerror or exc) from None
    return staging


def publish(staging: Path, target: Path) -> None:
    """Move a complete staging folder to ``target`` (replacing an earlier dataset there) by renames, so
    ``target`` holds the whole dataset or the earlier one, never a part."""
    if not any((staging / REJECTS).iterdir()):
        (staging / REJECTS).rmdir()
    old = None
    if target.exists():
        old = target.with_name(f"{target.name}.old-{uuid.uuid4().hex[:8]}")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_part(table, folder: Path, name: str) -> None:
    """Write an Arrow table as ``folder/name`` (Parquet, lz4) through a temporary name, so a retried or
    killed task never leaves half a file under the final name."""
    import pyarrow.parquet as pq

    final = Path(folder) / name
    temporary = final.with_name(f".{name}.{os.getpid()}-{uuid.uuid4().hex[:6]}")
    pq.write_table(table, temporary, compression="lz4")
    os.replace(temporary, final)
