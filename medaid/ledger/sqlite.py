"""The embedded ledger store: one SQLite file (standard library ``sqlite3``) in WAL mode.

Writers serialise on SQLite's write lock: every write transaction starts with ``BEGIN IMMEDIATE``, so a
second process waits (up to ``busy_timeout``) instead of reading usage another writer is about to change.
WAL lets readers run beside the one writer. ``synchronous=NORMAL`` (the default) makes a commit durable
against a crash of the process but not against a power cut of the machine (the last commits may be
lost, never half-applied); ``FULL`` syncs every commit to disk and survives power loss, at the cost of
an fsync per transaction.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from medaid.errors import N_, InputError
from medaid.ledger.columns import COLUMNS, column_list, compile_decoder, compile_encoder
from medaid.ledger.model import Settlement
from medaid.ledger.schema import SCHEMA_VERSION, check_version
from medaid.ledger.sql import SQLITE, SYNCHRONOUS, USAGE_COLUMNS, SQLRows, StoredText, synchronous_mode, version_number
from medaid.rules import Usage

__all__ = ["SQLiteStore", "SCHEMA_VERSION", "SYNCHRONOUS"]

_USAGE_CACHE_MAX = 500_000
_ABSENT_MAX = 2_000_000

#: The tables of a new ledger (:mod:`medaid.ledger.sql`), as one script.
_SCHEMA = ";\n".join(SQLITE.schema())

_COLUMNS = column_list()
_INSERT = f"INSERT INTO settlements ({column_list(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
_UPSERT_USAGE = (
    f"INSERT INTO usage ({USAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, year) DO UPDATE SET "
    "paid_inpatient_fen = excluded.paid_inpatient_fen, paid_outpatient_fen = excluded.paid_outpatient_fen, "
    "offset_used_fen = excluded.offset_used_fen, subsidy_paid_fen = excluded.subsidy_paid_fen"
)


def _chunks(values: list, size: int = 500) -> Iterator[list]:
    # SQLite before 3.32 allows at most 999 parameters per statement.
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _codecs(texts: StoredText) -> tuple[Callable[[tuple], Settlement], Callable[[Settlement, int], tuple]]:
    """Row -> Settlement and (Settlement, seq) -> row for this file's :data:`~medaid.ledger.columns.COLUMNS`."""
    names = {"of": texts.of, "date": texts.date, "names": texts.names}
    decode = compile_decoder({"date": "date({v})", "names": "names({v})", "bool": "bool({v})"}, names)
    encode = compile_encoder({"date": "of({v})", "names": "of({v})", "bool": "int({v})"}, names)
    return decode, encode


class SQLiteStore(SQLRows):
    """A ledger in one SQLite file; one instance per thread (open another for another thread or process).

    Args:
        path: the database file, created with its tables if missing (unless ``create`` is false).
        synchronous: ``NORMAL`` (default: durable against process crashes; see the module docstring) or
            ``FULL`` (durable against power loss too), or ``OFF``/``EXTRA``.
        busy_timeout_ms: how long a writer waits for another writer's transaction before giving up.
        create: refuse a missing file instead of creating it.
        check_version: refuse a ledger of another schema version (:mod:`medaid.ledger.schema`); false only
            to :meth:`migrate` it.

    Raises:
        InputError: the file is missing (``create=False``), is not a medaid ledger, or ``synchronous`` is unknown.
        MigrationError: the ledger's schema version is not this medaid's.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        synchronous: str = "NORMAL",
        busy_timeout_ms: int = 60_000,
        create: bool = True,
        check_version: bool = True,
    ) -> None:
        self.path = Path(path)
        self._busy_timeout_ms = int(busy_timeout_ms)
        self._usage_cache: dict[tuple[str, int], Usage | None] = {}
        self._pending: dict[tuple[str, int], Usage | None] = {}
        # claim_ids this connection saw missing from the ledger: a file's claims are looked up once before
        # its first transaction and again in each (another writer may have settled them meanwhile); while no
        # other connection commits, the second look-up can be skipped. Valid like the usage cache.
        self._absent: set[str] = set()
        self._writing = False
        self._cache_version = None
        self._decode, self._encode = _codecs(StoredText())
        mode = synchronous_mode(synchronous)
        if not create and not self.path.is_file():
            raise InputError(N_("no ledger at {path} (settle a claim or a file first to create it)"), path=self.path)
        _create_private(self.path)
        try:
            self._conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=busy_timeout_ms / 1000)
        except sqlite3.Error as exc:
            raise InputError(N_("cannot open the ledger: {exc}"), exc=exc, where=str(self.path)) from None
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self._wal()
            self._conn.execute(f"PRAGMA synchronous = {mode}")
            self._conn.execute("PRAGMA foreign_keys = ON")
            # A larger page cache keeps the claim_id index in memory while a file is settled (64 MiB at most).
            self._conn.execute("PRAGMA cache_size = -65536")
            # Checkpoint the WAL into the main file every 40 MiB rather than 4 MiB: fewer, larger checkpoints
            # (a third faster when a file is settled); readers and crash safety are unaffected.
            self._conn.execute("PRAGMA wal_autocheckpoint = 10000")
            self._init_schema(check_version)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise InputError(N_("not a medaid ledger ({exc})"), exc=exc, where=str(self.path)) from None

    def _wal(self) -> None:
        # Switching a new file to WAL takes an exclusive lock that the busy handler does not always wait
        # for; processes opening a new ledger at once retry briefly.
        for attempt in range(200):
            try:
                self._conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 199:
                    raise
                time.sleep(0.01)

    dialect = SQLITE

    def _execute(self, statement: str, parameters: Iterable = ()) -> sqlite3.Cursor:
        return self._conn.execute(statement, tuple(parameters))

    def _executemany(self, statement: str, rows: list[tuple]) -> None:
        self._conn.executemany(statement, rows)

    def _insert_adjustment(self, person_id: str, year: int, fingerprint: str, applied_at: str) -> int | None:
        cursor = self._conn.execute(
            "INSERT OR IGNORE INTO adjustments (person_id, year, fingerprint, applied_at) VALUES (?, ?, ?, ?)",
            (person_id, year, fingerprint, applied_at),
        )
        return cursor.lastrowid if cursor.rowcount else None

    def _init_schema(self, check: bool) -> None:
        version = self._schema_version()
        if version is None:
            with self.write():
                if self._schema_version() is None:  # another process may have created it meanwhile
                    self._create_tables()
            version = self._schema_version()
        if check:
            check_version(version, str(self.path))

    def schema_version(self) -> int | None:
        """The ledger's schema version (``None``: no medaid tables)."""
        return version_number(self._schema_version())

    def migrate(self) -> tuple[int, int]:
        """Bring the ledger to :data:`SCHEMA_VERSION`, one version at a time, in one transaction; (from, to).

        Raises:
            MigrationError: the ledger is newer than this medaid.
        """
        found = self.schema_version()
        if found is None or found > SCHEMA_VERSION:
            check_version(self._schema_version(), str(self.path))
        with self.write():
            self._migrate_from(found)
        return found, SCHEMA_VERSION

    def _check_caches(self) -> None:
        # The caches hold what this connection read or wrote; they stay valid only while no other
        # connection commits, which PRAGMA data_version tells (it changes on another connection's commit,
        # not on this one's). Run first in a transaction: the pragma also fixes the transaction's snapshot.
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if (
            version != self._cache_version
            or len(self._usage_cache) > _USAGE_CACHE_MAX
            or len(self._absent) > _ABSENT_MAX
        ):
            self._usage_cache.clear()
            self._absent.clear()
            self._cache_version = version

    @contextlib.contextmanager
    def write(self, keys: Iterable[tuple[str, int]] = ()) -> Iterator[None]:
        # SQLite has one write lock for the whole file: every writer is serialised, whatever ``keys``.
        self._begin_immediate()
        self._check_caches()
        self._pending.clear()
        self._writing = True
        try:
            yield
        except BaseException:
            self._pending.clear()
            self._conn.execute("ROLLBACK")
            raise
        finally:
            self._writing = False
        self._conn.execute("COMMIT")
        self._usage_cache.update(self._pending)
        self._pending.clear()

    def _begin_immediate(self) -> None:
        # SQLite's busy handler sleeps ever longer between tries (100 ms each once a wait is long), so a
        # writer waiting out another's batch would start up to a tenth of a second late: poll every
        # millisecond instead, up to the same busy timeout.
        conn = self._conn
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            deadline = time.monotonic() + self._busy_timeout_ms / 1000
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                        raise
                time.sleep(0.001)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        self._conn.execute("BEGIN")
        try:
            self._check_caches()
            yield
        finally:
            self._conn.execute("COMMIT")

    def close(self) -> None:
        self._conn.close()

    def next_seq(self) -> int:
        return self._conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM settlements").fetchone()[0]

    def settlements_by_id(self, claim_ids: list[str]) -> dict[str, Settlement]:
        found: dict[str, Settlement] = {}
        absent = self._absent
        wanted = [claim_id for claim_id in claim_ids if claim_id not in absent]
        for chunk in _chunks(wanted):
            marks = ", ".join("?" * len(chunk))
            for row in self._conn.execute(f"SELECT {_COLUMNS} FROM settlements WHERE claim_id IN ({marks})", chunk):
                found[row[1]] = self._decode(row)
        absent.update(claim_id for claim_id in wanted if claim_id not in found)
        return found

    def usages(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Usage]:
        cache = self._usage_cache
        wanted = {key for key in keys if key not in cache}
        found: dict[tuple[str, int], Usage] = {
            key: cache[key] for key in keys if key in cache and cache[key] is not None
        }
        for chunk in _chunks(sorted({person for person, _year in wanted})):
            marks = ", ".join("?" * len(chunk))
            for person, year, *paid in self._conn.execute(f"SELECT * FROM usage WHERE person_id IN ({marks})", chunk):
                if (person, year) in wanted:
                    found[person, year] = Usage(year, *paid)
        # Read in a write transaction, the usage joins the cache when the transaction commits (it may
        # yet change the rows); read in a read transaction, it is the state at the cache's version.
        target = self._pending if self._writing else cache
        for key in wanted:
            target.setdefault(key, found.get(key))
        return found

    def add_settlements(self, settlements: list[Settlement], first_seq: int) -> range:
        # Before the insert: if the transaction rolls back, these ids are merely looked up again.
        self._absent.difference_update([s.claim_id for s in settlements])
        numbers = range(first_seq, first_seq + len(settlements))
        self._conn.executemany(_INSERT, map(self._encode, settlements, numbers))
        return numbers

    def usage(self, person_id: str, year: int) -> Usage | None:
        row = self._conn.execute(
            "SELECT paid_inpatient_fen, paid_outpatient_fen, offset_used_fen, subsidy_paid_fen FROM usage WHERE person_id = ? AND year = ?",
            (person_id, year),
        ).fetchone()
        return None if row is None else Usage(year, *row)

    def put_usage(self, rows: Iterable[tuple[str, Usage]]) -> None:
        rows = list(rows)
        self._conn.executemany(
            _UPSERT_USAGE,
            [
                (person, u.year, u.paid_inpatient_fen, u.paid_outpatient_fen, u.offset_used_fen, u.subsidy_paid_fen)
                for person, u in rows
            ],
        )
        for person, u in rows:
            self._pending[person, u.year] = u


def _create_private(path: Path) -> None:
    """Create a missing ledger file readable by its owner only (0600): it holds who was paid what.

    Created empty (SQLite takes an empty file as a new database) with the mode set at creation, so it is
    never readable by others, not even for a moment; SQLite gives its ``-wal`` and ``-shm`` files the
    main file's mode. An existing file keeps its mode (a shared ledger may be 0640 on purpose).
    """
    import os

    if str(path) == ":memory:" or path.exists():
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:  # another process created it meanwhile
        pass
    except OSError:  # a missing folder and the like: sqlite3.connect reports it
        pass
