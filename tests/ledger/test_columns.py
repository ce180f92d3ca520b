"""The settlements table from one column list: the tables of schema version 2 unchanged, old ledgers still open."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import attrs
import pytest

from medaid.ledger import Ledger, Settlement
from medaid.ledger.columns import COLUMNS, SQLITE_TYPES, create_table
from medaid.ledger.postgres import SCHEMA as POSTGRES_SCHEMA
from medaid.ledger.sqlite import _SCHEMA, SQLiteStore
from medaid.rules import Claim, ClaimResult
from medaid.rules.model import ClaimOutcome

DATA = Path(__file__).parent / "data"
C1 = Claim(dt.date(2023, 3, 1), "outpatient", 2_000_00, ("dibao",), True, "c1", "p1")
C2 = Claim(dt.date(2023, 4, 1), "outpatient", 1_000_00, ("dibao",), True, "c2", "p1")


def _statements(sql: str) -> list[str]:
    """Each statement of ``sql`` with comments dropped and white space made single."""
    text = re.sub(r"--[^\n]*", "", sql)
    return [" ".join(part.split()) for part in text.split(";") if part.strip()]


def test_settlement_fields_are_the_claim_the_outcome_and_a_stamp() -> None:
    """Settlement declares only its stamp: the claim's and the outcome's fields are inherited, by keyword only."""
    names = [field.name for field in attrs.fields(Settlement)]
    claim = [field.name for field in attrs.fields(Claim)]
    outcome = [field.name for field in attrs.fields(ClaimOutcome)]
    assert names[: len(claim) + len(outcome)] == claim + outcome
    assert set(outcome) < {field.name for field in attrs.fields(ClaimResult)}
    assert all(field.kw_only for field in attrs.fields(Settlement))
    assert all(field.kw_only for field in attrs.fields(ClaimResult))
    assert {column.name for column in COLUMNS} == {*names, "year"}


def test_the_tables_are_those_of_schema_version_2() -> None:
    """The generated DDL of both stores (every table, :mod:`medaid.ledger.sql`) is, statement by statement, what
    schema version 2 was written as."""
    assert _statements(_SCHEMA) == _statements((DATA / "schema-v2-sqlite.sql").read_text())
    assert _statements(";".join(POSTGRES_SCHEMA)) == _statements((DATA / "schema-v2-postgres.sql").read_text())
    assert "kind TEXT NOT NULL CHECK (kind IN ('inpatient', 'outpatient'))" in create_table(SQLITE_TYPES)


def _old_ledger(path: Path, version: int) -> None:
    """A ledger as the code before the column list made it: its DDL, and a row inserted in its column order."""
    conn = sqlite3.connect(path)
    conn.executescript((DATA / "schema-v2-sqlite.sql").read_text())
    conn.execute(
        "INSERT INTO settlements VALUES (1, 'c1', 'p1', 2023, '2023-03-01', 'outpatient', 200000, 'dibao', 1, 'dibao', "
        "600000, 30000, 170000, 102000, 102000, 30000, 280000, 280000, 0, 'shanghai-ma-2023', 'hash', '0.1.0', "
        "'outpatient_offset', 'settled', '2023-03-01T08:00:00+00:00')"
    )
    conn.execute("INSERT INTO usage VALUES ('p1', 2023, 0, 102000, 30000, 30000)")
    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(version),))
    if version == 1:
        conn.execute("DROP TABLE schema_history")
    else:
        conn.execute("INSERT INTO schema_history VALUES (2, '2023-03-01T08:00:00+00:00', '0.1.0')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("version", [1, 2])
def test_a_ledger_made_by_the_old_code_opens_and_migrates(tmp_path: Path, version: int) -> None:
    """A version-2 ledger written by the old DDL opens as it is; a version-1 one migrates; both read and settle."""
    path = tmp_path / "old.db"
    _old_ledger(path, version)
    if version == 1:
        store = SQLiteStore(path, check_version=False)
        assert (1, 2) == store.migrate()
        store.close()
    with Ledger(str(path)) as ledger:
        stored = ledger.settlement("c1")
        assert (stored.claim_id, stored.date, stored.categories, stored.resident_insurance) == (
            "c1",
            dt.date(2023, 3, 1),
            ("dibao",),
            True,
        )
        assert (stored.assistance_fen, stored.cap_fen, stored.cap_bound, stored.provisional) == (
            1_020_00,
            2_800_00,
            False,
            ("outpatient_offset",),
        )
        assert stored.total_fen == 1_020_00 + 300_00
        second = ledger.settle(C2)
        assert 600_00 == second.assistance_fen  # 1 000 x 60 %, the offset already taken by c1
        assert 1_620_00 == ledger.usage("p1", 2023).outpatient.paid_fen
        assert [stored, second] == ledger.settlements("p1", 2023)
