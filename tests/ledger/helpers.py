"""Shared helpers for the ledger tests: synthetic claims, claims files, table dumps, the usage invariant.

The queries take a ledger's ``--db`` (a SQLite path or a PostgreSQL URL) and run on either store.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from medaid.ledger.backends import is_postgres
from medaid.money import fen_to_yuan_str
from medaid.rules import Claim

CATEGORY_POOL = (
    ("dibao",),
    ("low_income",),
    ("medical_poverty_2",),
    ("special_relief",),
    ("low_income", "dibao"),
    ("medical_poverty_1",),
)
DISTRICTS = ("minhang", "pudong", "xuhui")


def make_claims(
    n: int, persons: int, *, seed: int = 0, years=(2023,), whole_yuan: bool = False, fixed_category: bool = False
) -> list[Claim]:
    """``n`` claims of ``persons`` persons, in file (not date) order; amounts that make caps bind often."""
    rng = random.Random(seed)
    person_category = {p: rng.choice(CATEGORY_POOL) for p in range(persons)}
    person_resident = {p: rng.random() < 0.6 for p in range(persons)}
    claims = []
    for i in range(n):
        p = rng.randrange(persons)
        kind = "outpatient" if rng.random() < 0.6 else "inpatient"
        top = 2_500_00 if kind == "outpatient" else 60_000_00
        fen = rng.randrange(0, top)
        if whole_yuan:
            fen -= fen % 100
        year = rng.choice(years)
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        cats = person_category[p] if fixed_category else rng.choice((person_category[p],) * 3 + CATEGORY_POOL[:2])
        claims.append(Claim(day, kind, fen, cats, person_resident[p], f"c{i:06d}", f"p{p:04d}"))
    return claims


def write_claims_csv(path: Path, claims: list[Claim]) -> Path:
    """A claims file with the ``medaid claims`` columns."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ("claim_id", "person_id", "district", "date", "category", "kind", "self_pay", "resident_insurance")
        )
        for i, c in enumerate(claims):
            writer.writerow(
                (
                    c.claim_id,
                    c.person_id,
                    DISTRICTS[i % 3],
                    c.date.isoformat(),
                    "|".join(c.categories),
                    c.kind,
                    fen_to_yuan_str(c.self_pay_fen),
                    "true" if c.resident_insurance else "false",
                )
            )
    return path


@contextlib.contextmanager
def connect(db: Path | str) -> Iterator:
    """A plain DB-API connection to the ledger ``db`` (either store); its ``execute`` returns a cursor."""
    if is_postgres(db):
        import psycopg

        with psycopg.connect(str(db), autocommit=True) as conn:
            yield conn
    else:
        conn = sqlite3.connect(db)
        try:
            yield conn
        finally:
            conn.close()


def tables(db: Path | str) -> list[str]:
    """The ledger's tables (none: no ledger yet)."""
    with connect(db) as conn:
        if is_postgres(db):
            query = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
        else:
            query = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        return [row[0] for row in conn.execute(query).fetchall()]


def exists(db: Path | str) -> bool:
    """Whether the ledger has been created (a file, or tables in the schema)."""
    if not is_postgres(db):
        return Path(db).exists()
    return "settlements" in tables(db)


def dump(path: Path | str) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: equal dumps mean an unchanged ledger."""
    names = tables(path)
    with connect(path) as conn:
        return {table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in names}


def usage_mismatches(path: Path | str) -> list[tuple]:
    """Person-years whose usage row differs from the sum of their non-reversed settlements and adjustments."""
    query = """
    WITH paid AS (
        SELECT s.person_id, s.year,
               sum(CASE WHEN s.kind = 'inpatient' THEN s.assistance_fen + coalesce(a.assistance, 0) ELSE 0 END) AS inpatient,
               sum(CASE WHEN s.kind = 'outpatient' THEN s.assistance_fen + coalesce(a.assistance, 0) ELSE 0 END) AS outpatient,
               sum(s.offset_fen + coalesce(a.offset_sum, 0)) AS offset_used,
               sum(s.deductible_subsidy_fen + coalesce(a.subsidy, 0)) AS subsidy
        FROM settlements s
        LEFT JOIN (SELECT claim_id, sum(assistance_fen) AS assistance, sum(deductible_subsidy_fen) AS subsidy,
                          sum(offset_fen) AS offset_sum FROM adjustment_lines GROUP BY claim_id) a ON a.claim_id = s.claim_id
        WHERE s.status = 'settled' GROUP BY s.person_id, s.year
    )
    SELECT u.person_id, u.year, u.paid_inpatient_fen, u.paid_outpatient_fen, u.offset_used_fen, u.subsidy_paid_fen,
           coalesce(p.inpatient, 0), coalesce(p.outpatient, 0), coalesce(p.offset_used, 0), coalesce(p.subsidy, 0)
    FROM usage u LEFT JOIN paid p ON p.person_id = u.person_id AND p.year = u.year
    """
    with connect(path) as conn:
        rows = conn.execute(query).fetchall()
        orphans = conn.execute(
            "SELECT s.person_id, s.year FROM settlements s LEFT JOIN usage u ON u.person_id = s.person_id AND u.year = s.year WHERE u.person_id IS NULL"
        ).fetchall()
    return [row for row in rows if tuple(map(int, row[2:6])) != tuple(map(int, row[6:10]))] + orphans


def settled_amounts(path: Path | str) -> dict[str, tuple[int, int, str]]:
    """claim_id -> (assistance, deductible subsidy, status) as stored."""
    with connect(path) as conn:
        rows = conn.execute(
            "SELECT claim_id, assistance_fen, deductible_subsidy_fen, status FROM settlements"
        ).fetchall()
        return {cid: (a, s, st) for cid, a, s, st in rows}


def settled_count(db: Path | str) -> int:
    """How many settlements the ledger holds (0 if it does not exist yet)."""
    try:
        if not exists(db):
            return 0
        with connect(db) as conn:
            return conn.execute("SELECT count(*) FROM settlements").fetchone()[0]
    except Exception:  # created meanwhile, or (SQLite) locked by a writer: not yet
        return 0
