"""What the two SQL stores share: the tables, and every statement they write the same way but for the dialect.

SQLite (:mod:`medaid.ledger.sqlite`) and PostgreSQL (:mod:`medaid.ledger.postgres`) keep the same tables
(schema version :data:`~medaid.ledger.schema.SCHEMA_VERSION`) and read and write most rows with the same SQL;
they differ in a few types, in the parameter mark (``?`` or ``%s``) and in how a transaction is run. So the
tables are declared here once, with the types a :class:`Dialect` fills in, and :class:`SQLRows` holds the
row methods of :class:`~medaid.ledger.store.LedgerStore` that are the same SQL in both. What each store does
its own way stays in it: transactions and locking, the caches, bulk inserts (SQLite ``executemany``,
PostgreSQL ``COPY`` and ``unnest``), and the usage reads and writes those serve.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

import attrs

from medaid.errors import N_, InputError
from medaid.ledger.columns import POSTGRES_TYPES, SQLITE_TYPES, column_list, create_table, reversal_row
from medaid.ledger.model import Reversal, Settlement
from medaid.ledger.schema import MIGRATIONS, SCHEMA_VERSION
from medaid.ledger.store import Adjustment

__all__ = [
    "Dialect",
    "SQLITE",
    "POSTGRES",
    "SQLRows",
    "StoredText",
    "SYNCHRONOUS",
    "USAGE_COLUMNS",
    "now",
    "synchronous_mode",
    "version_number",
]

#: The durability settings a store takes (SQLite's ``PRAGMA synchronous``; PostgreSQL maps ``OFF``).
SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")

#: The usage table's columns, in table order (a row is ``person_id, year`` and a :class:`~medaid.rules.Usage`).
USAGE_COLUMNS = "person_id, year, paid_inpatient_fen, paid_outpatient_fen, offset_used_fen, subsidy_paid_fen"
_REVERSAL_COLUMNS = ", ".join(field.name for field in attrs.fields(Reversal))


@attrs.frozen
class Dialect:
    """How one database spells the shared tables and statements.

    Attributes:
        mark: the parameter placeholder (``?`` or ``%s``); the statements below are written with ``?``.
        types: column kind -> SQL type (:data:`~medaid.ledger.columns.SQLITE_TYPES`, ``POSTGRES_TYPES``).
        serial: the type of an adjustment's generated id.
        create: the words before a table's name (``CREATE TABLE IF NOT EXISTS`` where a creator may race).
        index: the words before an index's name.
        usage_suffix: what follows the usage table's columns (SQLite: ``WITHOUT ROWID``).
        has_meta: the query that finds the ``meta`` table in the ledger's schema.
        sequence: the statements that make the settlements' number generator, if the database needs one.
    """

    mark: str
    types: Mapping[str, str]
    serial: str
    create: str
    index: str
    usage_suffix: str
    has_meta: str
    sequence: tuple[str, ...] = ()

    def sql(self, statement: str) -> str:
        """``statement`` (written with ``?``) with this dialect's parameter mark."""
        return statement.replace("?", self.mark)

    def schema(self) -> tuple[str, ...]:
        """The statements that create a new ledger's tables, in order."""
        meta, *rest = _TABLES
        spell = {"create": self.create, "index": self.index, "serial": self.serial}
        spell |= {"fen": self.types["fen"], "int64": self.types["fen"]}
        tables = [
            statement.format(**spell, usage_suffix=self.usage_suffix, settlements=create_table(self.types, self.create))
            for statement in rest
        ]
        return (meta.format(**spell), *self.sequence, *tables)


#: The tables of a new ledger, as :meth:`Dialect.schema` spells them (fen are BIGINT in PostgreSQL, dates
#: ISO text in SQLite, times ISO 8601 text in UTC as the ledger writes them, category lists ``|``-joined).
_TABLES = (
    "{create} meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "{settlements}",
    "{index} settlements_person_year ON settlements (person_id, year)",
    """{create} usage (
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    paid_inpatient_fen {fen} NOT NULL,
    paid_outpatient_fen {fen} NOT NULL,
    offset_used_fen {fen} NOT NULL,
    subsidy_paid_fen {fen} NOT NULL,
    PRIMARY KEY (person_id, year)
){usage_suffix}""",
    """{create} reversals (
    claim_id TEXT PRIMARY KEY REFERENCES settlements (claim_id),
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    assistance_fen {fen} NOT NULL,
    deductible_subsidy_fen {fen} NOT NULL,
    offset_fen {fen} NOT NULL,
    reversed_at TEXT NOT NULL
)""",
    """{create} adjustments (
    id {serial},
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    UNIQUE (person_id, year, fingerprint)
)""",
    """{create} adjustment_lines (
    adjustment_id {int64} NOT NULL REFERENCES adjustments (id),
    claim_id TEXT NOT NULL REFERENCES settlements (claim_id),
    assistance_fen {fen} NOT NULL,
    deductible_subsidy_fen {fen} NOT NULL,
    offset_fen {fen} NOT NULL,
    PRIMARY KEY (adjustment_id, claim_id)
)""",
    "{index} adjustment_lines_claim ON adjustment_lines (claim_id)",
    "{create} schema_history (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, medaid_version TEXT NOT NULL)",
)

SQLITE = Dialect(
    mark="?",
    types=SQLITE_TYPES,
    serial="INTEGER PRIMARY KEY",
    create="CREATE TABLE IF NOT EXISTS",
    index="CREATE INDEX IF NOT EXISTS",
    usage_suffix=" WITHOUT ROWID",
    has_meta="SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
)
POSTGRES = Dialect(
    mark="%s",
    types=POSTGRES_TYPES,
    serial="BIGSERIAL PRIMARY KEY",
    create="CREATE TABLE",
    index="CREATE INDEX",
    usage_suffix="",
    has_meta="SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'meta'",
    sequence=("CREATE SEQUENCE settlement_seq",),
)

_COLUMNS = column_list()
#: The statements both stores run, written with ``?``; each store gets them in its dialect (``SQLRows.sql``).
_STATEMENTS = {
    "settlement": f"SELECT {_COLUMNS} FROM settlements WHERE claim_id = ?",
    "year_settlements": f"SELECT {_COLUMNS} FROM settlements WHERE person_id = ? AND year = ? ORDER BY seq",
    "person_years": "SELECT DISTINCT year FROM settlements WHERE person_id = ? ORDER BY year",
    # sum() of BIGINT is NUMERIC in PostgreSQL: cast back to whole fen (a no-op in SQLite).
    "adjustments": (
        "SELECT l.claim_id, CAST(sum(l.assistance_fen) AS BIGINT), CAST(sum(l.deductible_subsidy_fen) AS BIGINT), "
        "CAST(sum(l.offset_fen) AS BIGINT) FROM adjustment_lines l JOIN adjustments a ON a.id = l.adjustment_id "
        "WHERE a.person_id = ? AND a.year = ? GROUP BY l.claim_id"
    ),
    "adjustment_lines": "INSERT INTO adjustment_lines VALUES (?, ?, ?, ?, ?)",
    "add_reversal": f"INSERT INTO reversals VALUES ({', '.join('?' * len(attrs.fields(Reversal)))})",
    "mark_reversed": "UPDATE settlements SET status = 'reversed' WHERE claim_id = ?",
    "reversal": f"SELECT {_REVERSAL_COLUMNS} FROM reversals WHERE claim_id = ?",
    "schema_version": "SELECT value FROM meta WHERE key = 'schema_version'",
    "set_version": "UPDATE meta SET value = ? WHERE key = 'schema_version'",
    "new_version": "INSERT INTO meta VALUES ('schema_version', ?)",
    "history": "INSERT INTO schema_history VALUES (?, ?, ?)",
}


class SQLRows:
    """The row methods of :class:`~medaid.ledger.store.LedgerStore` that both stores run as the same SQL.

    A store sets :attr:`dialect`, and provides :meth:`_execute` (a statement with this dialect's marks, on its
    connection, returning a cursor), ``_decode`` (a row of the settlements' columns to a Settlement), and
    :meth:`_insert_adjustment`; :meth:`_changed` tells it the transaction wrote something.
    """

    dialect: ClassVar[Dialect]
    #: The shared statements (:data:`_STATEMENTS`) in :attr:`dialect`, by name.
    sql: ClassVar[dict[str, str]]
    _decode: Callable[[Any], Settlement]
    #: Whether this store created the ledger's tables.
    created: bool = False

    def _execute(self, statement: str, parameters: Iterable[Any] = ()) -> Any:
        raise NotImplementedError

    def _executemany(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def _insert_adjustment(self, person_id: str, year: int, fingerprint: str, applied_at: str) -> int | None:
        """Record an adjustment's head; its id, or ``None`` if this (person, year, fingerprint) is recorded already."""
        raise NotImplementedError

    def _changed(self) -> None:
        """The transaction wrote a row (PostgreSQL commits only a transaction that did)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.sql = {name: cls.dialect.sql(statement) for name, statement in _STATEMENTS.items()}

    # -- rows ---------------------------------------------------------------------------------------

    def settlement(self, claim_id: str) -> Settlement | None:
        row = self._execute(self.sql["settlement"], (claim_id,)).fetchone()
        return None if row is None else self._decode(row)

    def year_settlements(self, person_id: str, year: int) -> list[Settlement]:
        rows = self._execute(self.sql["year_settlements"], (person_id, year)).fetchall()
        return [self._decode(row) for row in rows]

    def person_years(self, person_id: str) -> list[int]:
        return [row[0] for row in self._execute(self.sql["person_years"], (person_id,)).fetchall()]

    def adjustments(self, person_id: str, year: int) -> dict[str, tuple[int, int, int]]:
        rows = self._execute(self.sql["adjustments"], (person_id, year)).fetchall()
        return {claim_id: (assistance, subsidy, offset) for claim_id, assistance, subsidy, offset in rows}

    def add_adjustment(
        self, person_id: str, year: int, fingerprint: str, lines: list[Adjustment], applied_at: str
    ) -> bool:
        adjustment_id = self._insert_adjustment(person_id, year, fingerprint, applied_at)
        if adjustment_id is None:
            return False
        self._executemany(self.sql["adjustment_lines"], [(adjustment_id, *line) for line in lines])
        self._changed()
        return True

    def add_reversal(self, reversal: Reversal) -> None:
        self._execute(self.sql["add_reversal"], reversal_row(reversal))
        self._execute(self.sql["mark_reversed"], (reversal.claim_id,))
        self._changed()

    def reversal(self, claim_id: str) -> Reversal | None:
        row = self._execute(self.sql["reversal"], (claim_id,)).fetchone()
        return None if row is None else Reversal(*row)

    # -- schema -------------------------------------------------------------------------------------

    def _schema_version(self) -> str | None:
        """The ledger's schema version as stored (``None``: no medaid tables); inside a transaction."""
        if not self._execute(self.dialect.has_meta).fetchone():
            return None
        row = self._execute(self.sql["schema_version"]).fetchone()
        return None if row is None else str(row[0])

    def _create_tables(self) -> None:
        """Create a new ledger's tables at :data:`SCHEMA_VERSION`; inside a write transaction of the caller's."""
        from medaid._version import __version__

        for statement in self.dialect.schema():
            self._execute(statement)
        self._execute(self.sql["new_version"], (str(SCHEMA_VERSION),))
        self._execute(self.sql["history"], (SCHEMA_VERSION, now(), __version__))
        self.created = True

    def _migrate_from(self, found: int) -> None:
        """Bring the tables from version ``found`` to :data:`SCHEMA_VERSION`; inside a write transaction."""
        from medaid._version import __version__

        for version in range(found + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version]:
                self._execute(statement)
            self._execute(self.sql["history"], (version, now(), __version__))
        self._execute(self.sql["set_version"], (str(SCHEMA_VERSION),))


def synchronous_mode(synchronous: str) -> str:
    """``synchronous`` as one of :data:`SYNCHRONOUS` (any case).

    Raises:
        InputError: it is none of them.
    """
    mode = str(synchronous).upper()
    if mode not in SYNCHRONOUS:
        raise InputError(
            N_("synchronous must be one of {names}, got {synchronous!r}"),
            names=", ".join(SYNCHRONOUS),
            synchronous=synchronous,
        )
    return mode


def version_number(version: str | None) -> int | None:
    """A stored schema version as a number (``None``: no medaid tables, or not a number)."""
    return int(version) if version is not None and version.isdigit() else None


class StoredText:
    """Dates and category lists as stored text, both ways: a ledger has few distinct values, so each converts once."""

    def __init__(self) -> None:
        self.text: dict[Any, str] = {}
        self.dates: dict[str, dt.date] = {}
        self.lists: dict[str, tuple[str, ...]] = {}

    def of(self, value: dt.date | tuple[str, ...]) -> str:
        text = self.text.get(value)
        if text is None:
            text = self.text[value] = value.isoformat() if isinstance(value, dt.date) else "|".join(value)
        return text

    def date(self, text: str) -> dt.date:
        day = self.dates.get(text)
        if day is None:
            day = self.dates[text] = dt.date.fromisoformat(text)
        return day

    def names(self, text: str) -> tuple[str, ...]:
        names = self.lists.get(text)
        if names is None:
            names = self.lists[text] = tuple(text.split("|")) if text else ()
        return names


def now() -> str:
    """The time now, as the ledger records it: ISO 8601 in UTC, to the microsecond."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
