"""The server ledger store: PostgreSQL through psycopg 3, for several application instances on one database.

Locking (see ``docs/embedding.md``): a write transaction runs at READ COMMITTED and first locks the usage
row of each person-year it will touch, in one statement and one sorted order, creating a zero row where
there is none yet (``INSERT … ON CONFLICT DO UPDATE … RETURNING``: each row is inserted or locked, in
order, and its current values come back). Writers of one person-year so queue
on its row and each reads the usage and settlements its predecessor committed; writers of other persons
run in parallel. ``claim_id`` is unique in the table, so a claim another writer inserts meanwhile under
another person-year (a conflict) makes the insert fail and the ledger plan again. A deadlock, a
serialisation failure or a lost connection rolls the transaction back and the ledger runs it again
(:class:`~medaid.ledger.store.RetryTransaction`); settling is idempotent by claim_id, so this is safe even
when the connection was lost while committing.

Only psycopg is imported here, and only when a ``postgresql://`` ledger is opened.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar
from urllib.parse import unquote

from medaid.errors import N_, InputError
from medaid.ledger.columns import COLUMNS, column_list, compile_decoder, compile_encoder
from medaid.ledger.model import Settlement
from medaid.ledger.schema import SCHEMA_VERSION, check_version
from medaid.ledger.sql import POSTGRES, USAGE_COLUMNS, SQLRows, StoredText, synchronous_mode, version_number
from medaid.ledger.store import DatabaseError, RetryTransaction, retrying
from medaid.rules import Usage

__all__ = ["PostgresStore", "redact", "SCHEMA"]

T = TypeVar("T")

#: The tables of a new ledger (schema version :data:`~medaid.ledger.schema.SCHEMA_VERSION`, declared in
#: :mod:`medaid.ledger.sql`), in the connection's current schema (the first of its ``search_path``).
SCHEMA = POSTGRES.schema()

_COLUMNS = column_list()
_INSERT = f"INSERT INTO settlements ({column_list(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
# COPY's columns: the text ones first, so that a row's text part is checked for characters needing an
# escape in one pass (see _copy_text).
_COPY_TEXT = tuple(column for column in COLUMNS if column.kind in ("text", "names"))
_COPY_REST = tuple(column for column in COLUMNS if column.kind not in ("text", "names"))
_COPY = f"COPY settlements ({column_list(_COPY_TEXT + _COPY_REST)}) FROM STDIN"
_NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_KEYS = "unnest(%s::text[], %s::integer[]) AS k (person_id, year)"
_USAGE_COLUMNS = ", ".join(f"u.{name}" for name in USAGE_COLUMNS.split(", "))
# One round trip, one order: each person-year's usage row is inserted (zeros) or, if there is one, locked
# (waiting for its holder to commit), in (person_id, year) order, and its latest values returned. Every
# writer takes its locks in that one order, in one statement, so writers never wait for each other in a
# circle. A zero row means no usage (it is what the ledger would start from) and is never reported.
_LOCK = f"""
INSERT INTO usage AS u SELECT k.person_id, k.year, 0, 0, 0, 0 FROM {_KEYS} ORDER BY k.person_id, k.year
ON CONFLICT (person_id, year) DO UPDATE SET year = excluded.year
RETURNING {_USAGE_COLUMNS}
"""
_READ_USAGES = f"SELECT {_USAGE_COLUMNS} FROM usage u JOIN {_KEYS} ON u.person_id = k.person_id AND u.year = k.year"
_PUT_USAGE = (
    f"INSERT INTO usage ({USAGE_COLUMNS}) SELECT * FROM unnest(%s::text[], %s::integer[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[]) "
    "ON CONFLICT (person_id, year) DO UPDATE SET paid_inpatient_fen = excluded.paid_inpatient_fen, "
    "paid_outpatient_fen = excluded.paid_outpatient_fen, offset_used_fen = excluded.offset_used_fen, "
    "subsidy_paid_fen = excluded.subsidy_paid_fen"
)
#: From this many new settlements a transaction sends them with COPY rather than INSERT (outside pipeline mode).
_COPY_FROM = 50
#: A write transaction over at most this many person-years runs in pipeline mode (and never uses COPY).
_PIPELINE_KEYS = 16


def redact(dsn: str) -> str:
    """The connection URL without its password (in the user part or as a ``password=`` parameter).

    >>> redact("postgresql://medaid:s3cret@db.example:5432/ledger?sslmode=require&password=x")
    'postgresql://medaid@db.example:5432/ledger?sslmode=require'
    >>> redact("postgres://db/ledger")
    'postgres://db/ledger'
    """
    scheme, _sep, rest = dsn.partition("://")
    head, sep, query = rest.partition("?")
    at = head.rfind("@")
    if at >= 0:
        head = head[:at].split(":", 1)[0] + head[at:]
    kept = [item for item in query.split("&") if item and not item.lower().startswith("password=")] if sep else []
    return f"{scheme}://{head}" + ("?" + "&".join(kept) if kept else "")


def _passwords(dsn: str) -> list[str]:
    """The password(s) a URL holds, as written and decoded, to scrub from any message."""
    found = []
    head = dsn.partition("://")[2].partition("?")[0]
    at = head.rfind("@")
    if at >= 0 and ":" in head[:at]:
        found.append(head[:at].split(":", 1)[1])
    for item in dsn.partition("?")[2].split("&"):
        if item.lower().startswith("password="):
            found.append(item.split("=", 1)[1])
    return [text for word in found if word for text in {word, unquote(word)}]


def _cause(exc: BaseException) -> str:
    """The reason in a psycopg/libpq message, on one line: 'connection refused', 'database "x" does not exist'."""
    text = str(exc).strip()
    line = next((part.strip() for part in text.splitlines() if part.strip()), type(exc).__name__)
    line = re.split(r" failed: ", line)[-1]
    line = re.sub(r"^(FATAL|ERROR):\s+", "", line)
    if line[:1].isupper() and line[1:2].islower():
        line = line[0].lower() + line[1:]
    return line


class _Codecs:
    """A store's row codecs (:mod:`medaid.ledger.columns`): rows to Settlements, Settlements to rows and to COPY text."""

    def __init__(self, names: StoredText) -> None:
        scope = {"of": names.of, "names": names.names, "_NULL": _NULL}
        self.decode = compile_decoder({"names": "names({v})"}, scope)
        self.encode = compile_encoder({"names": "of({v})"}, scope)
        self.copy_text = compile_encoder({"names": "of({v})"}, scope, _COPY_TEXT)
        # COPY's text format: NULL as \N, booleans t/f, dates ISO 8601, numbers as written (all as str).
        rest = {"bool": "('t' if {v} else 'f')", "date": "{v}.isoformat()"}
        rest.update(dict.fromkeys(("seq", "year", "int", "fen"), "str({v})"))
        self.copy_rest = compile_encoder(rest, scope, _COPY_REST, null="_NULL")


class PostgresStore(SQLRows):
    """A ledger in a PostgreSQL database; one instance per thread or process (each holds one connection).

    Args:
        dsn: ``postgresql://user:password@host:port/dbname`` (or ``postgres://``, or any libpq URL).
        synchronous: ``OFF`` sets ``synchronous_commit = off`` for this connection (the last commits may be
            lost if the server crashes); the other values keep the server's setting.
        create: create the tables in a database that has none (else refuse it).
        check_version: refuse a ledger of another schema version; false only to :meth:`migrate` it.
        reconnect_timeout: how long (seconds) to keep trying to reconnect after the connection is lost.
        wait_for_server: try the first connection for ``reconnect_timeout`` seconds too (a worker of a file run
            whose command reached the server already: a refusal now is a restart, not a wrong URL).
        lock_timeout_ms: how long a writer waits for a person-year another writer holds before giving up.

    Raises:
        InputError: psycopg is not installed, or ``synchronous`` is unknown.
        DatabaseError: the server cannot be reached, or refused the connection or the tables.
        MigrationError: the ledger's schema version is not this medaid's.
    """

    def __init__(
        self,
        dsn: str,
        *,
        synchronous: str = "NORMAL",
        create: bool = True,
        check_version: bool = True,
        reconnect_timeout: float = 30.0,
        lock_timeout_ms: int = 60_000,
        connect_timeout: int = 10,
        wait_for_server: bool = False,
    ) -> None:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise InputError(N_("a PostgreSQL ledger needs psycopg 3: pip install 'medaid[postgresql]'")) from None
        # psycopg logs a warning when it leaves pipeline mode on a lost connection; the ledger handles that
        # loss (it reconnects and runs the transaction again), so the warning must not reach the user's
        # terminal through logging's last-resort handler. An application that configures logging still sees it.
        logging.getLogger("psycopg").addHandler(logging.NullHandler())
        self.dsn = dsn
        self.where = redact(dsn)
        self._secrets = _passwords(dsn)
        mode = synchronous_mode(synchronous)
        self._session = [f"SET lock_timeout = {int(lock_timeout_ms)}"] + (
            ["SET synchronous_commit = off"] if mode == "OFF" else []
        )
        self._connect_timeout = int(connect_timeout)
        self._reconnect_timeout = float(reconnect_timeout)
        self._codecs = _Codecs(StoredText())
        self._decode = self._codecs.decode
        self._writing = False
        self._wrote = False
        self._locked: dict[tuple[str, int], Usage | None] = {}
        self._reserved: int | None = None
        self._piped = False
        self._seq_pending = False
        self._lock_pending, self._lock_count = False, 0
        self._conn = None
        self._conn = self._reconnect() if wait_for_server else self._connect()
        self.created = False
        try:
            self._init_schema(create, check_version)
        except BaseException:
            self.close()
            raise

    # -- connection ---------------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _connect(self):
        import psycopg

        try:
            conn = psycopg.connect(
                self.dsn, autocommit=True, connect_timeout=self._connect_timeout, application_name="medaid"
            )
        except psycopg.Error as exc:
            raise DatabaseError(
                N_("cannot connect to {place} ({cause})"), place=self.where, cause=self._scrub(_cause(exc))
            ) from None
        except Exception as exc:  # a malformed URL: psycopg raises ProgrammingError (a psycopg.Error) or ValueError
            raise DatabaseError(
                N_("cannot connect to {place} ({cause})"), place=self.where, cause=self._scrub(_cause(exc))
            ) from None
        try:
            for statement in self._session:
                conn.execute(statement)
        except psycopg.Error as exc:
            conn.close()
            raise DatabaseError(
                N_("cannot set up the connection to {place} ({cause})"),
                place=self.where,
                cause=self._scrub(_cause(exc)),
            ) from None
        self._cur = conn.cursor()
        self._seq_cur = conn.cursor()
        self._lock_cur = conn.cursor()
        self._pipelines = psycopg.Pipeline.is_supported()
        return conn

    def _ensure_connected(self) -> None:
        """Reconnect a lost connection, trying for up to ``reconnect_timeout`` seconds."""
        conn = self._conn
        if conn is not None and not conn.closed and not conn.broken:
            return
        self._conn = self._reconnect()

    def _reconnect(self):
        """A new connection, trying for up to ``reconnect_timeout`` seconds (a server restarting)."""
        deadline = time.monotonic() + self._reconnect_timeout
        while True:
            try:
                return self._connect()
            except DatabaseError as exc:
                if time.monotonic() >= deadline:
                    raise DatabaseError(
                        N_("lost the connection and could not reconnect within {seconds:g} s: {exc}"),
                        seconds=self._reconnect_timeout,
                        exc=exc,
                    ) from None
            time.sleep(0.2)

    def _lost(self) -> bool:
        conn = self._conn
        return conn is None or conn.closed or conn.broken

    def _translate(self, exc: BaseException, committing: bool) -> BaseException:
        """A psycopg error as what the ledger does about it: run again, or tell the user (one line)."""
        import psycopg
        from psycopg import errors

        if not isinstance(exc, psycopg.Error):
            return exc
        cause = self._scrub(_cause(exc))
        state = getattr(exc, "sqlstate", None) or ""
        # A lost server: by the connection's state, the error class, or (when psycopg reports it under another
        # class, as in pipeline mode) its SQLSTATE: 08xxx connection exceptions, 57P01-03 shutdowns.
        shutdown = isinstance(exc, (errors.AdminShutdown, errors.CrashShutdown, errors.CannotConnectNow))
        if self._lost() or shutdown or state.startswith("08") or state in ("57P01", "57P02", "57P03"):
            with contextlib.suppress(Exception):
                self._conn.close()
            return RetryTransaction(f"lost the connection to {self.where} ({cause})", committed_unknown=committing)
        # Class 40: serialization failure, deadlock (psycopg's DeadlockDetected is no TransactionRollback);
        # 23505: a claim_id another writer inserted meanwhile.
        if state.startswith("40") or state == "23505":
            return RetryTransaction(f"{self.where}: {cause}")
        if state == "55P03":
            return DatabaseError(
                N_("a person-year stayed locked by another writer too long ({cause})"), cause=cause, where=self.where
            )
        if isinstance(exc, psycopg.OperationalError) and not state:
            # A client-side failure on the wire ("consuming input failed", "server closed the connection"),
            # reported before the connection is marked broken: run again (bounded by the ledger's attempts).
            return RetryTransaction(f"lost the connection to {self.where} ({cause})", committed_unknown=committing)
        return DatabaseError(N_("{cause}"), cause=cause, where=self.where)

    def _rollback(self) -> None:
        if not self._lost():
            try:
                self._cur.execute("ROLLBACK")
            except Exception:  # the connection broke meanwhile: the server rolls back
                with contextlib.suppress(Exception):
                    self._conn.close()

    # -- schema -------------------------------------------------------------------------------------

    def _init_schema(self, create: bool, check: bool) -> None:
        def create_tables() -> None:
            # One creator at a time: processes opening a new ledger at once wait here, then find it made.
            self._cur.execute("SELECT pg_advisory_xact_lock(7235120981)")
            if self._schema_version() is None:
                self._create_tables()

        version = self._ddl(self._schema_version)
        if version is None:
            if not create:
                raise DatabaseError(
                    N_("no medaid ledger in this database (create it with `medaid ledger init --db …`)"),
                    where=self.where,
                )
            self._ddl(create_tables)
            version = self._ddl(self._schema_version)
        if check:
            check_version(version, self.where)

    def _ddl(self, body: Callable[[], T]) -> T:
        """``body()`` in one transaction of its own; any database error as one line.

        A lost connection (a server restarting while a settling worker opens the ledger) runs it again on a
        new connection, in the loop every ledger transaction runs in (:func:`~medaid.ledger.store.retrying`):
        every body is idempotent, as it looks at the schema (under a lock, where it changes it) first.
        """

        def once() -> T:
            self._ensure_connected()
            committing = False
            try:
                self._cur.execute("BEGIN")
                result = body()
                committing = True
                self._cur.execute("COMMIT")
                return result
            except BaseException as exc:
                self._rollback()
                raise self._translate(exc, committing) from None

        return retrying(once, idempotent=True)

    def schema_version(self) -> int | None:
        """The ledger's schema version (``None``: no medaid tables)."""
        return version_number(self._ddl(self._schema_version))

    def migrate(self) -> tuple[int, int]:
        """Bring the ledger to :data:`SCHEMA_VERSION`, one version at a time, in one transaction; (from, to)."""
        found = self.schema_version()
        if found is None or found > SCHEMA_VERSION:
            check_version(None if found is None else str(found), self.where)

        def steps() -> None:
            self._cur.execute("LOCK TABLE meta IN EXCLUSIVE MODE")
            # From the version found under the lock: run again after a lost commit, or after another migrator,
            # the steps find the work done.
            current = version_number(self._schema_version())
            if current is not None and current < SCHEMA_VERSION:
                self._migrate_from(current)

        if found < SCHEMA_VERSION:
            self._ddl(steps)
        return found, SCHEMA_VERSION

    dialect = POSTGRES

    def _execute(self, statement: str, parameters: Iterable = ()):
        return self._cur.execute(statement, tuple(parameters))

    def _executemany(self, statement: str, rows: list[tuple]) -> None:
        self._cur.executemany(statement, rows)

    def _insert_adjustment(self, person_id: str, year: int, fingerprint: str, applied_at: str) -> int | None:
        row = self._cur.execute(
            "INSERT INTO adjustments (person_id, year, fingerprint, applied_at) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (person_id, year, fingerprint) DO NOTHING RETURNING id",
            (person_id, year, fingerprint, applied_at),
        ).fetchone()
        return None if row is None else row[0]

    def _changed(self) -> None:
        self._wrote = True

    # -- transactions -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def write(self, keys: Iterable[tuple[str, int]] = ()) -> Iterator[None]:
        self._ensure_connected()
        committing = False
        self._wrote, self._reserved, self._seq_pending = False, None, False
        self._locked, self._lock_pending = {}, False
        keys = sorted(set(keys))
        try:
            # A small transaction (a claim, a reversal) runs in pipeline mode: statements are sent without
            # waiting and answers read when needed, so a claim costs two round trips (BEGIN, the locks, a
            # sequence number and the claim's look-up; then the inserts and COMMIT). A large one sends its
            # settlements with COPY, which a pipeline cannot carry.
            piped = len(keys) <= _PIPELINE_KEYS
            with self._pipeline(piped):
                self._cur.execute("BEGIN")
                self._writing = True
                if piped and self._pipelines:
                    # Drawn now, it travels with the locks: one round trip fewer (an unused number is a gap).
                    self._seq_cur.execute("SELECT nextval('settlement_seq')")
                    self._seq_pending = True
                if keys:
                    self._lock(keys)
                yield
                self._held()
                committing = True
                # A transaction that wrote nothing (every claim a duplicate) is rolled back: its locks go, and
                # any usage row it made to lock a person-year with it.
                self._cur.execute("COMMIT" if self._wrote else "ROLLBACK")
        except BaseException as exc:
            self._writing = False
            self._rollback()
            raise self._translate(exc, committing) from None
        finally:
            self._writing = False

    @contextlib.contextmanager
    def _pipeline(self, wanted: bool) -> Iterator[None]:
        if not (wanted and self._pipelines):
            yield
            return
        self._piped = True
        try:
            with self._conn.pipeline():
                yield
        finally:
            self._piped = False

    def _lock(self, keys: list[tuple[str, int]]) -> None:
        persons = [person for person, _year in keys]
        years = [year for _person, year in keys]
        self._lock_cur.execute(_LOCK, (persons, years))
        self._lock_count, self._lock_pending = len(keys), True
        if not self._piped:
            self._held()

    def _held(self) -> dict[tuple[str, int], Usage | None]:
        """The locked person-years' usage. In pipeline mode the lock statement's answer is read only here, so
        that the transaction's first read (the claims) travels with it: the server runs them in order."""
        if self._lock_pending:
            self._lock_pending = False
            locked = self._locked
            for person, year, *paid in self._lock_cur.fetchall():
                locked[person, year] = _usage(year, paid)
            if len(locked) != self._lock_count:
                raise RetryTransaction(f"{self.where}: not every person-year could be locked")
        return self._locked

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        self._ensure_connected()
        try:
            with self._pipeline(True):
                self._cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                yield
                self._cur.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            raise self._translate(exc, False) from None

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()

    # -- rows ---------------------------------------------------------------------------------------

    def next_seq(self) -> int:
        if self._writing:
            # Reserved for this transaction's first settlement (sequences are not rolled back: a gap at worst).
            if self._seq_pending:
                self._seq_pending = False
                self._reserved = self._seq_cur.fetchone()[0]
            else:
                self._reserved = self._cur.execute("SELECT nextval('settlement_seq')").fetchone()[0]
            return self._reserved
        last, called = self._cur.execute("SELECT last_value, is_called FROM settlement_seq").fetchone()
        return last + 1 if called else last

    def settlements_by_id(self, claim_ids: list[str]) -> dict[str, Settlement]:
        if not claim_ids:
            return {}
        to_settlement = self._codecs.decode
        if len(claim_ids) == 1:
            rows = self._cur.execute(
                f"SELECT {_COLUMNS} FROM settlements WHERE claim_id = %s", (claim_ids[0],)
            ).fetchall()
        else:
            rows = self._cur.execute(
                f"SELECT {_COLUMNS} FROM settlements WHERE claim_id = ANY(%s::text[])", (claim_ids,)
            ).fetchall()
        return {row[1]: to_settlement(row) for row in rows}

    def usages(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Usage]:
        keys = list(keys)
        found: dict[tuple[str, int], Usage] = {}
        wanted = keys
        if self._writing:
            locked = self._held()
            wanted = [key for key in keys if key not in locked]
            for key in keys:
                if locked.get(key) is not None:
                    found[key] = locked[key]
            wanted = [key for key in wanted if key not in found]
        if wanted:
            persons, years = [p for p, _y in wanted], [y for _p, y in wanted]
            for person, year, *paid in self._cur.execute(_READ_USAGES, (persons, years)).fetchall():
                usage = _usage(year, paid)
                if usage is not None:
                    found[person, year] = usage
        return found

    def add_settlements(self, settlements: list[Settlement], first_seq: int) -> Sequence[int]:
        count = len(settlements)
        if not count:
            return ()
        if first_seq == self._reserved:
            numbers = [first_seq]
            self._reserved = None
            if count > 1:
                numbers += self._nextvals(count - 1)
        else:
            numbers = self._nextvals(count)
        row = self._codecs.encode
        if count < _COPY_FROM or self._piped:
            self._cur.executemany(_INSERT, [row(s, n) for s, n in zip(settlements, numbers)])
        else:
            with self._cur.copy(_COPY) as copy:
                for start in range(0, count, 10_000):
                    copy.write(
                        _copy_text(settlements[start : start + 10_000], numbers[start : start + 10_000], self._codecs)
                    )
        self._wrote = True
        return numbers

    def _nextvals(self, count: int) -> list[int]:
        rows = self._cur.execute("SELECT nextval('settlement_seq') FROM generate_series(1, %s)", (count,)).fetchall()
        return sorted(row[0] for row in rows)

    def usage(self, person_id: str, year: int) -> Usage | None:
        if self._writing and (person_id, year) in self._held():
            return self._locked[person_id, year]
        return self.usages([(person_id, year)]).get((person_id, year))

    def put_usage(self, rows: Iterable[tuple[str, Usage]]) -> None:
        rows = list(rows)
        if not rows:
            return
        columns: list[list] = [[], [], [], [], [], []]
        for person, u in rows:
            for column, value in zip(
                columns,
                (person, u.year, u.paid_inpatient_fen, u.paid_outpatient_fen, u.offset_used_fen, u.subsidy_paid_fen),
            ):
                column.append(value)
            if (person, u.year) in self._held():
                self._locked[person, u.year] = u
        self._cur.execute(_PUT_USAGE, columns)
        self._wrote = True


def _copy_text(settlements: list[Settlement], numbers: Sequence[int], codecs: _Codecs) -> str:
    """The rows of ``settlements`` (numbered ``numbers``) in COPY's text format, in :data:`_COPY`'s column order.

    Each row's text fields are joined, then checked at once: a row holding no tab, line break or backslash
    (every row of an ordinary file) is used as it is; any other row has its text fields escaped one by one.
    Several times faster than psycopg's ``write_row``, which adapts each value on its own.
    """
    lines = []
    add = lines.append
    texts, rest = codecs.copy_text, codecs.copy_rest
    text_tabs = len(_COPY_TEXT) - 1
    for s, seq in zip(settlements, numbers):
        values = texts(s, seq)
        text = "\t".join(values)
        if text.count("\t") != text_tabs or "\\" in text or "\n" in text or "\r" in text:
            text = "\t".join(value.translate(_ESCAPES) for value in values)
        add(text + "\t" + "\t".join(rest(s, seq)) + "\n")
    return "".join(lines)


def _usage(year: int, paid: list) -> Usage | None:
    """The usage a row holds; ``None`` for a zero row (made to lock a person-year, or all reversed: the same to the ledger)."""
    return Usage(year, *paid) if any(paid) else None
