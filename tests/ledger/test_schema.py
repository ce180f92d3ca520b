"""``medaid ledger init`` and ``migrate`` on both stores: a new ledger, an older one upgraded, a newer one refused."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from medaid.cli import app
from medaid.ledger import Ledger
from medaid.ledger.schema import SCHEMA_VERSION, MigrationError
from medaid.rules import Claim
from tests.ledger.helpers import connect, dump, tables

RUNNER = CliRunner()
C1 = Claim(dt.date(2023, 3, 1), "outpatient", 2_000_00, ("dibao",), True, "c1", "p1")


def _run(*args: str):
    return RUNNER.invoke(app, list(args))


def _set_version(db: str, version: str) -> None:
    """Turn a ledger into one of another schema version: version 1 is version 2 without schema_history."""
    with connect(db) as conn:
        if version == "1":
            conn.execute("DROP TABLE schema_history")
        conn.execute(f"UPDATE meta SET value = '{version}' WHERE key = 'schema_version'")
        if hasattr(conn, "commit"):
            conn.commit()


def test_init_creates_the_tables_once(new_db) -> None:
    """`ledger init` creates a ledger at this medaid's schema version; a second init leaves it as it is."""
    db = new_db()
    first = _run("ledger", "init", "--db", db)
    assert 0 == first.exit_code, first.output
    assert f"created a ledger (schema version {SCHEMA_VERSION})" in first.output
    assert {"meta", "settlements", "usage", "reversals", "adjustments", "adjustment_lines", "schema_history"} <= set(
        tables(db)
    )
    with Ledger(db) as ledger:
        ledger.settle(C1)
    before = dump(db)
    again = _run("ledger", "init", "--db", db)
    assert 0 == again.exit_code
    assert f"already holds a ledger (schema version {SCHEMA_VERSION})" in again.output
    assert before == dump(db)
    with connect(db) as conn:
        assert [(SCHEMA_VERSION,)] == [
            tuple(row[:1]) for row in conn.execute("SELECT version FROM schema_history").fetchall()
        ]


def test_an_older_ledger_is_refused_then_migrated(new_db) -> None:
    """A version-1 ledger (made by medaid 0.1) is refused with one line naming both versions; `ledger migrate`
    upgrades it in place, keeping every settlement; a second migrate has nothing to do."""
    db = new_db()
    with Ledger(db) as ledger:
        ledger.settle(C1)
    _set_version(db, "1")
    with pytest.raises(
        MigrationError,
        match=r"ledger schema version 1 is older than this medaid's \(2\): back it up, then run `medaid ledger migrate --db ",
    ):
        Ledger(db)
    refused = _run("ledger", "show", "p1", "--db", db)
    assert 2 == refused.exit_code
    assert 1 == len(refused.stderr.strip().splitlines())
    assert "schema version 1 is older than this medaid's (2)" in refused.stderr
    migrated = _run("ledger", "migrate", "--db", db)
    assert 0 == migrated.exit_code, migrated.output
    assert "migrated from schema version 1 to 2" in migrated.output
    with Ledger(db) as ledger:
        assert "duplicate" == ledger.settle(C1).status
        assert 1_020_00 == ledger.usage("p1", 2023).outpatient.paid_fen  # (2 000 - 300 offset) x 60 %
    with connect(db) as conn:
        assert [2] == [row[0] for row in conn.execute("SELECT version FROM schema_history").fetchall()]
    again = _run("ledger", "migrate", "--db", db)
    assert "already at schema version 2, nothing to do" in again.output


def test_a_newer_ledger_is_refused(new_db) -> None:
    """A ledger from a newer medaid is refused by every command, migrate included, and left unchanged."""
    db = new_db()
    Ledger(db).close()
    _set_version(db, "3")
    before = dump(db)
    for command in (("ledger", "show", "p1"), ("ledger", "migrate"), ("ledger", "init")):
        result = _run(*command, "--db", db)
        assert 2 == result.exit_code, command
        assert "ledger schema version 3 is newer than this medaid's (2, medaid " in result.stderr
        assert "upgrade medaid" in result.stderr and "Traceback" not in result.output
    assert before == dump(db)
