"""Settle one partition of claims (Arrow in, Arrow out): the unit a distributed engine runs (DESIGN §8).

Settlement is sequential within a person-year (running caps, the 300 offset, the deductible subsidy) and
independent across persons, so a partition that holds every claim of its persons settles exactly as
the whole file would. :func:`settle_partition` runs the very function ``medaid claims`` runs
(:func:`medaid.batch.settle.settle_batch`) on the partition, with the rows in their input order, and
returns the rows with a declared Arrow schema a Spark or Dask runner can state up front.

The runner carries, per row, columns that name where the row came from (all optional):

- ``_seq`` (int64): the row's position in the whole input (file order, then row order). The partition
  is settled in ``_seq`` order, so claims of one person on one date settle in input order however the
  rows were shuffled: any partitioning gives the same fen.
- ``_row`` (int64): the row's 0-based index in its source file; rejects report it in the numbering
  ``medaid claims`` uses for that file. Default: ``_seq``.
- ``_file`` (string): the source file, for inputs of several files; the rejects then name it.
- ``_ghost`` (bool): a row of *another* partition that shares a ``claim_id`` with a row of this one,
  present only so that duplicates are judged as over the whole input (the later copy of a claim_id is
  refused wherever its persons were sent). Ghost rows are never returned.

Money: the amounts stay ``decimal128(18, 2)`` yuan, the type ``medaid claims`` writes to Parquet: exact,
read unchanged by ``medaid district``/``compare``, shown as yuan by any Parquet reader, and Spark's
``DecimalType(18, 2)``. Integer fen would need every reader to know the unit (``district`` would read
fen as yuan).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import polars as pl
import pyarrow as pa

from medaid.batch.output import RESULT_COLUMNS
from medaid.batch.settle import Summary, settle_batch
from medaid.contract.claims import RESULTS
from medaid.errors import N_, InternalError, Message
from medaid.policy.model import KINDS, Policy
from medaid.policy.registry import PolicyRegistry, default_registry

__all__ = [
    "SEQ",
    "ROW_IN_FILE",
    "FILE",
    "GHOST",
    "RESERVED",
    "MONEY",
    "RESULT_SCHEMA",
    "PartitionResult",
    "settle_partition",
    "settled_schema",
    "rejects_schema",
    "merge_summaries",
    "plain_type",
]

SEQ, ROW_IN_FILE, FILE, GHOST = "_seq", "_row", "_file", "_ghost"
#: Columns a runner carries beside the claim; never part of the settled rows.
RESERVED = (SEQ, ROW_IN_FILE, FILE, GHOST)
_POS = "_pos"
_REASON = "_reason"
#: Yuan with two decimals, exact; 18 digits hold every amount medaid accepts, in one int64.
MONEY = pa.decimal128(18, 2)
#: The declared types of the columns :func:`settle_partition` adds, in :data:`RESULT_COLUMNS` order.
_ARROW_TYPES = {"text": pa.string(), "yuan": MONEY, "ratio": pa.string(), "bool": pa.bool_()}
RESULT_SCHEMA = pa.schema([(column.name, _ARROW_TYPES[column.type]) for column in RESULTS])


@attrs.frozen
class PartitionResult:
    """One partition settled: ``settled`` rows (:func:`settled_schema`), ``rejects`` (:func:`rejects_schema`),
    both in input order, and the ``summary`` of the partition's own rows (ghosts excluded)."""

    settled: pa.Table
    rejects: pa.Table
    summary: Summary


def settled_schema(input_schema: pa.Schema) -> pa.Schema:
    """The declared schema of the settled rows for claims of ``input_schema``.

    The input columns as given, text as plain ``string`` (never ``large_string``, a view or a
    dictionary), dates as ``date32``; then :data:`RESULT_SCHEMA`. The reserved columns are dropped, and an
    input column named like a result column gives way to the result (a settled file settled again).

    >>> settled_schema(pa.schema([("claim_id", pa.large_string()), ("date", pa.date32())])).field("claim_id").type
    DataType(string)
    """
    given = [
        pa.field(f.name, plain_type(f.type))
        for f in input_schema
        if f.name not in RESERVED and f.name not in RESULT_COLUMNS
    ]
    return pa.schema([*given, *RESULT_SCHEMA])


def rejects_schema(input_schema: pa.Schema) -> pa.Schema:
    """``row`` (int64: the row number ``medaid claims`` gives the row in its file), ``reason``, then
    ``file`` when the input carries ``_file``, then the input columns as given (text as ``string``)."""
    head = [pa.field("line", pa.int64()), pa.field("reason", pa.string())]
    if FILE in input_schema.names:
        head.append(pa.field("file", pa.string()))
    return pa.schema([*head, *(pa.field(f.name, plain_type(f.type)) for f in input_schema if f.name not in RESERVED)])


def settle_partition(table: pa.Table, *, registry: PolicyRegistry | None = None, lang: str = "en") -> PartitionResult:
    """Settle a partition that holds every claim of its persons, exactly as ``medaid claims`` settles the file.

    ``table`` has the claims columns (DESIGN §6) and optionally the runner's columns (module docstring).
    Returns the settled rows and the rejects, each in ``_seq`` order, with declared schemas, and the
    partition's :class:`~medaid.batch.settle.Summary`. Summaries of person-disjoint partitions add up
    (:func:`merge_summaries`) to the summary of the whole input. ``lang``: the language of the rejects'
    ``reason`` (as :func:`~medaid.batch.settle.settle_batch`'s).

    >>> rows = pa.table({"claim_id": ["a", "b"], "person_id": ["p", "p"], "district": ["minhang"] * 2,
    ...     "date": ["2023-03-01", "2023-03-01"], "category": ["dibao"] * 2, "kind": ["outpatient"] * 2,
    ...     "self_pay": ["5500", "100"], "resident_insurance": ["true"] * 2, "_seq": [7, 3]})
    >>> result = settle_partition(rows)
    >>> result.settled.column("claim_id").to_pylist(), [str(v) for v in result.settled.column("assistance").to_pylist()]
    (['b', 'a'], ['0.00', '2800.00'])
    """
    registry = registry or default_registry()
    schema = table.schema
    frame = pl.from_arrow(table)
    if not isinstance(frame, pl.DataFrame):
        raise InternalError(
            N_("expected {expected}, got {type_name}"), expected="pl.DataFrame", type_name=type(frame).__name__
        )
    if SEQ not in frame.columns:
        frame = frame.with_columns(pl.int_range(frame.height, dtype=pl.Int64).alias(SEQ))
    if ROW_IN_FILE not in frame.columns:
        frame = frame.with_columns(pl.col(SEQ).alias(ROW_IN_FILE))
    if GHOST not in frame.columns:
        frame = frame.with_columns(pl.lit(False).alias(GHOST))
    # Input order: the engine breaks ties (one person, one date) by position, so position = _seq order.
    frame = frame.sort(SEQ, maintain_order=True).with_row_index(_POS)
    ghosts = bool(frame[GHOST].any())
    first = settle_batch(frame, registry=registry)
    rejects = first.rejects.with_columns(pl.int_range(first.rejects.height).alias(_REASON))
    if ghosts:
        rejects = rejects.filter(~pl.col(GHOST))
        # The ghosts' own persons live in other partitions: settle again without them and without
        # this partition's refused rows (refused rows never touch anyone's caps).
        kept = frame.filter(~pl.col(GHOST) & ~pl.col(_POS).is_in(rejects[_POS].implode()))
        result = settle_batch(kept, registry=registry)
        own = frame.height - int(frame[GHOST].sum())
        summary = attrs.evolve(result.summary, rows_in=own, rejected=rejects.height)
    else:
        result, summary = first, first.summary
    settled = _arrow(
        result.lazy().drop(_POS, SEQ, ROW_IN_FILE, GHOST, FILE, strict=False).collect(), settled_schema(schema)
    )
    reasons = [first.reasons[i] for i in rejects[_REASON].to_list()]
    renumbered = _renumber(rejects.drop(_REASON), frame, reasons, lang)
    return PartitionResult(settled, _arrow(renumbered, rejects_schema(schema)), summary)


def merge_summaries(summaries: Iterable[Summary], registry: PolicyRegistry | None = None) -> Summary:
    """The summary of the whole input from those of person-disjoint partitions (every count adds up,
    persons included, because no person spans two partitions); policy ids in version order."""
    parts = list(summaries)
    registry = registry or default_registry()
    order = {
        p.id: i
        for i, p in enumerate(sorted((p for p in registry if isinstance(p, Policy)), key=lambda p: p.effective_from))
    }
    kinds = KINDS

    def total(field: str) -> int:
        return sum(getattr(s, field) for s in parts)

    def per_kind(field: str) -> dict[str, int]:
        return {k: sum(getattr(s, field)[k] for s in parts) for k in kinds}

    ids = sorted({i for s in parts for i in s.policy_ids}, key=lambda i: (order.get(i, len(order)), i))
    return Summary(
        rows_in=total("rows_in"),
        settled=total("settled"),
        rejected=total("rejected"),
        persons=total("persons"),
        claims=per_kind("claims"),
        assistance_fen=per_kind("assistance_fen"),
        deductible_subsidy_fen=total("deductible_subsidy_fen"),
        cap_bound_claims=per_kind("cap_bound_claims"),
        cap_bound_persons=per_kind("cap_bound_persons"),
        policy_ids=tuple(ids),
    )


def _renumber(rejects: pl.DataFrame, frame: pl.DataFrame, reasons: list[Message], lang: str) -> pl.DataFrame:
    """Rejects numbered as in their source file, reasons in ``lang``: ``line`` and the line a reason names (a
    duplicate's first copy, its message's ``line``) move from the position in this partition to the row's own
    place in its file, in the numbering ``settle_batch`` uses (its offset from a 0-based position, read off the
    first reject)."""
    base = int(rejects["line"][0]) - int(rejects[_POS][0]) if rejects.height else 0
    in_file = frame[ROW_IN_FILE].to_list()

    def line_in_file(line: int) -> int:
        position = line - base
        return in_file[position] + base if 0 <= position < len(in_file) else line

    texts = []
    for reason in reasons:
        if isinstance(reason.fields.get("line"), int):
            reason = Message(reason.msgid, **{**reason.fields, "line": line_in_file(reason.fields["line"])})
        texts.append(reason.render(lang))
    moved = rejects.with_columns(
        line=(pl.col(ROW_IN_FILE) + base).cast(pl.Int64), reason=pl.Series(texts, dtype=pl.String)
    )
    moved = moved.drop(_POS, SEQ, ROW_IN_FILE, GHOST)
    if FILE in moved.columns:
        moved = moved.select("line", "reason", pl.col(FILE).alias("file"), pl.exclude("line", "reason", FILE))
    return moved


def plain_type(dtype: pa.DataType) -> pa.DataType:
    """Text of any Arrow flavour (large, view, dictionary) as plain ``string``; dates as ``date32``;
    decimals of at most 18 digits and 2 decimals (yuan) widened exactly to :data:`MONEY`, so every
    partition declares the same type whatever precision its file was written with."""
    if pa.types.is_decimal(dtype) and dtype.scale <= 2 and dtype.precision - dtype.scale <= 16:
        return MONEY
    if pa.types.is_dictionary(dtype):
        return plain_type(dtype.value_type)
    if pa.types.is_large_string(dtype) or pa.types.is_string_view(dtype) or pa.types.is_string(dtype):
        return pa.string()
    if pa.types.is_date(dtype):
        return pa.date32()
    return dtype


def _arrow(frame: pl.DataFrame, schema: pa.Schema) -> pa.Table:
    """``frame`` as an Arrow table cast to ``schema`` (the names must agree, in order)."""
    table = frame.to_arrow(compat_level=pl.CompatLevel.oldest())  # large_string: the cheapest cast to string
    if table.schema.names != schema.names:
        raise InternalError(
            N_("columns {names} differ from the declared {declared}"), names=table.schema.names, declared=schema.names
        )
    return table.cast(schema) if table.schema != schema else table
