"""Which store a ``--db`` value names: a PostgreSQL URL (``postgresql://`` or ``postgres://``) or a SQLite file.

Also what ``medaid ledger init`` and ``medaid ledger migrate`` do, for either store.

>>> is_postgres("postgresql://medaid@db/ledger"), is_postgres("postgres://db/ledger"), is_postgres("ledger.db")
(True, True, False)
"""

from __future__ import annotations

from pathlib import Path

from medaid.ledger.schema import SCHEMA_VERSION

__all__ = ["is_postgres", "open_store", "init_ledger", "migrate_ledger"]

_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(db: object) -> bool:
    """Whether ``db`` is a PostgreSQL connection URL (else it is a SQLite file path)."""
    return isinstance(db, str) and db.lower().startswith(_SCHEMES)


def open_store(
    db: Path | str,
    *,
    synchronous: str = "NORMAL",
    create: bool = True,
    check_version: bool = True,
    wait_for_server: bool = False,
):
    """The store for ``db``; psycopg is imported only for a PostgreSQL URL. ``wait_for_server``: a PostgreSQL
    server that refuses the first connection is tried again for the store's reconnect timeout (a restart)."""
    if is_postgres(db):
        from medaid.ledger.postgres import PostgresStore

        return PostgresStore(
            str(db),
            synchronous=synchronous,
            create=create,
            check_version=check_version,
            wait_for_server=wait_for_server,
        )
    from medaid.ledger.sqlite import SQLiteStore

    return SQLiteStore(db, synchronous=synchronous, create=create, check_version=check_version)


def init_ledger(db: Path | str) -> tuple[bool, int]:
    """Create the ledger's tables at the current schema version if there are none: (created, version).

    An existing ledger is left as it is and its version checked (an older one is refused: migrate it).
    """
    store = open_store(db, create=True)
    try:
        return store.created, SCHEMA_VERSION
    finally:
        store.close()


def migrate_ledger(db: Path | str) -> tuple[int, int]:
    """Upgrade an existing ledger to the current schema version: (from, to); from == to if nothing was to do."""
    store = open_store(db, create=False, check_version=False)
    try:
        return store.migrate()
    finally:
        store.close()
