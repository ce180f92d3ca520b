"""The ledger's ``settlements`` table, declared once: its columns follow :class:`~medaid.ledger.model.Settlement`.

Each field of a Settlement is a column (its kind from the field's type), plus ``year`` (the claim's year,
for the per-person-year index). From that one list come the SQLite and the PostgreSQL ``CREATE TABLE``,
the column list of every ``SELECT``/``INSERT``/``COPY``, and each store's row codec (a Settlement to a row
and back), so a new field of :class:`~medaid.rules.ClaimOutcome` reaches both stores without an edit here.
A new column does need a new schema version and its migration (:mod:`medaid.ledger.schema`):
``tests/ledger/test_columns.py`` keeps the tables of schema version 2 as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from medaid.ledger.model import Reversal, Settlement
from medaid.policy.model import KINDS

__all__ = [
    "Column",
    "COLUMNS",
    "READ_COLUMNS",
    "column_list",
    "create_table",
    "compile_encoder",
    "compile_decoder",
    "SQLITE_TYPES",
    "POSTGRES_TYPES",
    "reversal_row",
]


@attrs.frozen
class Column:
    """One column: its name, its kind (how a store types and converts it) and its constraints.

    Kinds: ``seq`` (the primary key), ``text``, ``names`` (a tuple of ids, stored ``|``-joined), ``date``,
    ``int``, ``fen`` (money, which PostgreSQL stores as BIGINT), ``bool``, and ``year`` (derived, not read).
    """

    name: str
    kind: str
    nullable: bool = False
    check: str = ""
    unique: bool = False


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


#: The constraints the database enforces besides the types (a second guard behind the ledger's own checks).
_CHECKS = {
    "kind": f"kind IN ({_quoted(KINDS)})",
    "self_pay_fen": "self_pay_fen >= 0",
    "assistance_fen": "assistance_fen >= 0",
    "deductible_subsidy_fen": "deductible_subsidy_fen >= 0",
    "status": f"status IN ({_quoted(('settled', 'reversed'))})",
}
_LEADING = ("seq", "claim_id", "person_id", "year")
_KINDS_BY_TYPE = {"str": "text", "tuple[str, ...]": "names", "dt.date": "date", "bool": "bool", "int": "int"}


def _column(field: attrs.Attribute) -> Column:
    annotation = str(field.type)
    nullable = annotation.endswith(" | None")
    kind = _KINDS_BY_TYPE[annotation.removesuffix(" | None")]
    if field.name == "seq":
        kind = "seq"
    elif kind == "int" and field.name.endswith("_fen"):
        kind = "fen"
    return Column(field.name, kind, nullable, _CHECKS.get(field.name, ""), field.name == "claim_id")


def _columns() -> tuple[Column, ...]:
    by_name = {field.name: _column(field) for field in attrs.fields(Settlement)}
    by_name["year"] = Column("year", "year")
    leading = [by_name.pop(name) for name in _LEADING]
    return (*leading, *by_name.values())


#: Every column of the settlements table, in table order.
COLUMNS = _columns()
#: The columns a Settlement is read from (all but the derived ``year``), in the decoders' order.
READ_COLUMNS = tuple(column for column in COLUMNS if column.kind != "year")

SQLITE_TYPES = {
    "seq": "INTEGER PRIMARY KEY",
    "text": "TEXT",
    "names": "TEXT",
    "date": "TEXT",
    "int": "INTEGER",
    "year": "INTEGER",
    "fen": "INTEGER",
    "bool": "INTEGER",
}
POSTGRES_TYPES = {**SQLITE_TYPES, "seq": "BIGINT PRIMARY KEY", "date": "DATE", "fen": "BIGINT", "bool": "BOOLEAN"}


def column_list(columns: tuple[Column, ...] = READ_COLUMNS) -> str:
    """``seq, claim_id, …``: the names, comma-separated, for a statement."""
    return ", ".join(column.name for column in columns)


def create_table(types: Mapping[str, str], prefix: str = "CREATE TABLE") -> str:
    """The settlements table's ``CREATE TABLE`` for a store whose SQL types are ``types`` (kind -> type)."""
    lines = []
    for column in COLUMNS:
        parts = [column.name, types[column.kind]]
        if not column.nullable and column.kind != "seq":
            parts.append("NOT NULL")
        if column.unique:
            parts.append("UNIQUE")
        if column.check:
            parts.append(f"CHECK ({column.check})")
        lines.append("    " + " ".join(parts))
    return f"{prefix} settlements (\n" + ",\n".join(lines) + "\n)"


def compile_encoder(
    expressions: Mapping[str, str],
    namespace: dict[str, Any],
    columns: tuple[Column, ...] = COLUMNS,
    null: str | None = None,
) -> Callable[..., Any]:
    """``encode(s, seq)``: the row of Settlement ``s`` numbered ``seq``, one value per column of ``columns``.

    ``expressions`` gives a store's conversion per column kind as a Python expression of ``{v}`` (the
    field, e.g. ``s.date``), with ``namespace`` holding the names they use; ``null``, if given, is the
    expression for a missing value of a nullable column. Compiled once per store, like
    attrs' own ``__init__``: a file of a million claims is encoded at the speed of a hand-written tuple.
    """
    values = []
    for column in columns:
        value = _value(column)
        expression = expressions.get(column.kind, "{v}").format(v=value)
        if null is not None and column.nullable:
            expression = f"({null} if {value} is None else {expression})"
        values.append(expression)
    return _compile("def encode(s, seq):\n    return (" + ", ".join(values) + ",)\n", "encode", namespace)


def compile_decoder(expressions: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[tuple], Settlement]:
    """``decode(row)``: the Settlement a row of :data:`READ_COLUMNS` holds (``expressions`` as for the encoder)."""
    arguments = [
        f"{column.name}=" + expressions.get(column.kind, "{v}").format(v=f"row[{index}]")
        for index, column in enumerate(READ_COLUMNS)
    ]
    namespace = {**namespace, "Settlement": Settlement}
    return _compile("def decode(row):\n    return Settlement(" + ", ".join(arguments) + ")\n", "decode", namespace)


def _value(column: Column) -> str:
    return {"seq": "seq", "year": "s.date.year"}.get(column.kind, f"s.{column.name}")


def _compile(source: str, name: str, namespace: dict[str, Any]) -> Callable[..., Any]:
    scope = dict(namespace)
    exec(compile(source, f"<medaid.ledger.columns {name}>", "exec"), scope)  # noqa: S102 - source built above from COLUMNS only
    function: Callable[..., Any] = scope[name]
    return function


def reversal_row(reversal: Reversal) -> tuple[Any, ...]:
    """A :class:`~medaid.ledger.model.Reversal` as the ``reversals`` table's row (its fields in table order)."""
    return attrs.astuple(reversal, recurse=False)
