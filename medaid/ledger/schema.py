"""The ledger's schema version, shared by every store, and the steps from each older version to the next.

A ledger records its version in ``meta.schema_version``. medaid opens only a ledger of its own version:
an older one is refused with a one-line message until ``medaid ledger migrate`` upgrades it (explicitly,
so that a DBA can back it up first and run the DDL with a role that may change tables), a newer one is
refused until medaid itself is upgraded.

Versions:
    1. settlements, usage, reversals, adjustments, adjustment_lines, meta (medaid 0.1, SQLite only).
    2. ``schema_history``: when each version was reached and by which medaid (the first PostgreSQL version).
"""

from __future__ import annotations

from medaid.errors import N_, MigrationError

__all__ = ["SCHEMA_VERSION", "MIGRATIONS", "check_version", "MigrationError"]

SCHEMA_VERSION = 2

#: version -> the statements that bring a ledger of the version before it to it (SQL both stores accept).
MIGRATIONS: dict[int, tuple[str, ...]] = {
    2: (
        "CREATE TABLE schema_history (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, medaid_version TEXT NOT NULL)",
    ),
}


def check_version(found: str | None, where: str) -> None:
    """Refuse a ledger that is not at :data:`SCHEMA_VERSION`, naming both versions and what to do.

    >>> check_version("2", "ledger.db")
    >>> check_version("1", "ledger.db")
    Traceback (most recent call last):
    ...
    medaid.errors.MigrationError: ledger.db: ledger schema version 1 is older than this medaid's (2): back it up, then run `medaid ledger migrate --db ledger.db`
    """
    from medaid._version import __version__

    if found == str(SCHEMA_VERSION):
        return
    if found is None or not found.isdigit():
        raise MigrationError(N_("not a medaid ledger (schema version {found!r})"), found=found, where=where)
    if int(found) < SCHEMA_VERSION:
        raise MigrationError(
            N_(
                "ledger schema version {found} is older than this medaid's ({ours}): back it up, then run `medaid ledger migrate --db {place}`"
            ),
            found=found,
            ours=SCHEMA_VERSION,
            place=where,
            where=where,
        )
    raise MigrationError(
        N_("ledger schema version {found} is newer than this medaid's ({ours}, medaid {version}): upgrade medaid"),
        found=found,
        ours=SCHEMA_VERSION,
        version=__version__,
        where=where,
    )
