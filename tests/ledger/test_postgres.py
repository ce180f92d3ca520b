"""The PostgreSQL ledger under what a server database meets: many clients at once, clients killed
mid-transaction, the server stopped hard and restarted, connections dropped, bad URLs. Against a live
server the suite starts itself (tests/conftest.py); nothing here is mocked."""

from __future__ import annotations

import contextlib
import csv
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

import medaid
from medaid.cli import app
from medaid.ledger import AlreadyReversedError, Ledger
from medaid.ledger.store import DatabaseError
from medaid.policy import default_registry
from medaid.rules import Claim
from tests.ledger.helpers import (
    connect,
    make_claims,
    settled_amounts,
    settled_count,
    usage_mismatches,
    write_claims_csv,
)

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = default_registry()


@pytest.fixture
def pg_db(pg_server, pg_admin, request):
    """A new PostgreSQL ledger (a schema of its own), created, as a URL."""
    schema = f"x_{request.node.name}".lower().replace("[", "_").replace("]", "").replace("-", "_")[:60]
    pg_admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    pg_admin.execute(f"CREATE SCHEMA {schema}")
    db = pg_server.dsn() + f"?options=-csearch_path%3D{schema}"
    Ledger(db).close()
    return db


def _batch_amounts(claims_csv: Path) -> dict[str, tuple[int, int]]:
    """claim_id -> (assistance, deductible subsidy) fen, as `medaid claims` (the batch engine) settles the file."""
    table = medaid.settle_batch(claims_csv).table
    return {
        claim_id: (int(assistance * 100), int(subsidy * 100))
        for claim_id, assistance, subsidy in table.select("claim_id", "assistance", "deductible_subsidy").iter_rows()
    }


def _ledger_totals(db: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(person, kind) -> (assistance, subsidy) fen paid by the ledger: non-reversed settlements plus clearing adjustments."""
    with connect(db) as conn:
        rows = conn.execute(
            "SELECT s.person_id, s.kind, sum(s.assistance_fen + coalesce(a.assistance, 0)), sum(s.deductible_subsidy_fen + coalesce(a.subsidy, 0)) "
            "FROM settlements s LEFT JOIN (SELECT claim_id, sum(assistance_fen) AS assistance, sum(deductible_subsidy_fen) AS subsidy "
            "FROM adjustment_lines GROUP BY claim_id) a ON a.claim_id = s.claim_id WHERE s.status = 'settled' GROUP BY s.person_id, s.kind"
        ).fetchall()
    return {(person, kind): (int(assistance), int(subsidy)) for person, kind, assistance, subsidy in rows}


# -- errors -----------------------------------------------------------------------------------------


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cannot_connect_is_one_line_without_the_password(pg_server) -> None:
    """A server that is not there, a database that does not exist: every `medaid ledger` command says so in
    one line naming the URL without its password, exit 2, no traceback; the library raises DatabaseError."""
    port = _closed_port()
    secret = "s3cret-Pw"
    refused = f"postgresql://medaid:{secret}@127.0.0.1:{port}/x"
    missing = f"postgres://postgres:{secret}@127.0.0.1:{pg_server.port}/nope?password={secret}"
    cases = {
        refused: f"medaid: cannot connect to postgresql://medaid@127.0.0.1:{port}/x (connection refused)",
        missing: f'medaid: cannot connect to postgres://postgres@127.0.0.1:{pg_server.port}/nope (database "nope" does not exist)',
    }
    runner = CliRunner()
    for db, expected in cases.items():
        for command in (
            ["ledger", "show", "p1"],
            ["ledger", "init"],
            ["ledger", "migrate"],
            ["ledger", "reverse", "c1", "--reason", "x"],
            ["ledger", "clear", "p1", "--year", "2023"],
            ["ledger", "settle", str(ROOT / "examples" / "claims-small.csv")],
        ):
            result = runner.invoke(app, [*command, "--db", db])
            assert 2 == result.exit_code, (command, result.output)
            assert [expected] == result.stderr.strip().splitlines(), command
            assert secret not in result.output and "Traceback" not in result.output
        with pytest.raises(DatabaseError) as raised:
            Ledger(db)
        assert secret not in str(raised.value)
    with pytest.raises(DatabaseError, match="no medaid ledger in this database"):
        Ledger(pg_server.dsn() + "?options=-csearch_path%3Dempty_schema", create=False)


def test_a_missing_driver_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without psycopg installed, a postgresql:// ledger says how to install it."""
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(medaid.InputError, match=r"pip install 'medaid\[postgresql\]'"):
        Ledger("postgresql://127.0.0.1/x")


# -- concurrency ------------------------------------------------------------------------------------


def _settler(db: str, share: list[Claim], to_reverse: set[str], seed: int, barrier, results) -> None:
    """A worker: its own connection; settles its share in random batches (planned under the lock or, for odd
    seeds, from a snapshot and checked under it), reversing the claims of ``to_reverse`` it meets."""
    import medaid.ledger.ledger

    if seed % 2:
        medaid.ledger.ledger.PLAN_UNLOCKED_FROM = 1
    rng = random.Random(seed)
    statuses, reversed_here = Counter(), 0
    with Ledger(db) as ledger:
        barrier.wait()
        start = 0
        while start < len(share):
            batch = share[start : start + rng.choice((1, 3, 10, 40))]
            start += len(batch)
            statuses.update(s.status for s in ledger.settle_many(batch))
            for claim in batch:
                if claim.claim_id in to_reverse:
                    with contextlib.suppress(AlreadyReversedError):
                        ledger.reverse(claim.claim_id, f"worker {seed}")
                        reversed_here += 1
    results.put((dict(statuses), reversed_here))


def test_eight_processes_settle_overlapping_claims_once_and_within_caps(pg_db: str, tmp_path: Path) -> None:
    """8 processes, each with its own connection, settle 10 000 claims of 300 persons, each in its own order,
    a third of the claims sent by two of them at once (repeats), and reverse 400 of them. Each claim is settled exactly once and
    reversed at most once, no person-kind is past its cap, usage equals the settlements; after clearing each
    person-year, what every person-kind is paid equals `medaid claims` on the claims not reversed, to the fen.

    Totals per person-kind, not per claim: arrival order decides which claim a cap cuts. With whole-yuan
    amounts and one category per person, no claim is rounded and the totals do not depend on that order
    (see test_never.test_concurrent_workers_never_pay_twice_or_past_a_cap)."""
    claims = make_claims(10_000, 300, seed=21, whole_yuan=True, fixed_category=True)
    rng = random.Random(4)
    workers = 8
    shares: list[list[Claim]] = [[] for _ in range(workers)]
    for claim in claims:
        for worker in rng.sample(range(workers), 2 if rng.random() < 0.35 else 1):
            shares[worker].append(claim)
    for share in shares:
        rng.shuffle(share)
    to_reverse = {claim.claim_id for claim in rng.sample(claims, 400)}
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(workers), ctx.Queue()
    processes = [
        ctx.Process(target=_settler, args=(pg_db, shares[i], to_reverse, i, barrier, results)) for i in range(workers)
    ]
    for process in processes:
        process.start()
    statuses, reversals = Counter(), 0
    for _ in processes:
        part, reversed_here = results.get(timeout=240)
        statuses.update(part)
        reversals += reversed_here
    for process in processes:
        process.join(timeout=60)
        assert 0 == process.exitcode
    sent = sum(len(share) for share in shares)
    assert len(claims) == statuses["settled"]  # each claim settled once; every other sending was a repeat
    assert sent - len(claims) == statuses["duplicate"] + statuses["reversed"]
    assert len(to_reverse) == reversals  # each reversal applied once
    stored = settled_amounts(pg_db)
    assert len(claims) == len(stored)
    assert to_reverse == {claim_id for claim_id, (_a, _s, status) in stored.items() if status == "reversed"}
    assert [] == usage_mismatches(pg_db)
    persons = {claim.person_id: claim for claim in claims}
    with Ledger(pg_db) as ledger:
        for person in persons:
            for kind in ("inpatient", "outpatient"):
                usage = ledger.usage(person, 2023).kind(kind)
                assert usage.cap_fen is None or usage.paid_fen <= usage.cap_fen, (person, kind)
        for person in persons:
            ledger.clear(person, 2023, apply=True)
    assert [] == usage_mismatches(pg_db)
    remaining = write_claims_csv(
        tmp_path / "remaining.csv", [claim for claim in claims if claim.claim_id not in to_reverse]
    )
    expected: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    kinds = {claim.claim_id: (claim.person_id, claim.kind) for claim in claims}
    for claim_id, (assistance, subsidy) in _batch_amounts(remaining).items():
        expected[kinds[claim_id]][0] += assistance
        expected[kinds[claim_id]][1] += subsidy
    assert {key: tuple(value) for key, value in expected.items()} == _ledger_totals(pg_db)


# -- faults -----------------------------------------------------------------------------------------


def _settle_batches(db: str, batches: list[list[Claim]], start: int, ready) -> None:
    """A client that settles ``batches`` from ``start`` on, one transaction each, until killed."""
    with Ledger(db) as ledger:
        ready.set()
        for batch in batches[start:]:
            ledger.settle_many(batch)
    os._exit(0)


def test_clients_killed_mid_transaction_leave_whole_batches(pg_db: str, tmp_path: Path) -> None:
    """A client settling 40-claim batches is SIGKILLed at random moments, 30 times and more. After every
    kill each batch is settled whole or not at all, the settled batches are a prefix, usage equals the
    settlements, and the server has rolled the dead client's transaction back (the next client settles
    on); finally the ledger pays each claim what `medaid claims` pays."""
    claims = sorted(make_claims(3_000, 400, seed=13), key=lambda claim: claim.date)
    batches = [claims[start : start + 40] for start in range(0, len(claims), 40)]
    ctx = multiprocessing.get_context("fork")
    rng = random.Random(9)
    kills = done_batches = 0
    while done_batches < len(batches) and kills < 60:
        ready = ctx.Event()
        process = ctx.Process(target=_settle_batches, args=(pg_db, batches, done_batches, ready))
        process.start()
        assert ready.wait(30)
        time.sleep(rng.uniform(0, 0.03))
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
        process.join(30)
        kills += process.exitcode == -signal.SIGKILL
        settled = set(settled_amounts(pg_db))
        whole = [len(settled.intersection(c.claim_id for c in batch)) for batch in batches]
        assert all(count in (0, len(batch)) for count, batch in zip(whole, batches)), "a batch was half settled"
        done_batches = whole.index(0) if 0 in whole else len(batches)
        assert all(count == 0 for count in whole[done_batches:]), "settled batches are not a prefix"
        assert [] == usage_mismatches(pg_db)
    assert kills >= 30
    ready = ctx.Event()
    last = ctx.Process(target=_settle_batches, args=(pg_db, batches, done_batches, ready))
    last.start()
    last.join(120)
    assert 0 == last.exitcode
    assert _batch_amounts(write_claims_csv(tmp_path / "claims.csv", claims)) == {
        claim_id: (assistance, subsidy) for claim_id, (assistance, subsidy, _status) in settled_amounts(pg_db).items()
    }
    with connect(pg_db) as conn:  # nothing left holding a lock or a transaction
        assert (
            0
            == conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'medaid' AND state <> 'idle'"
            ).fetchone()[0]
        )


def test_a_file_run_survives_dropped_connections_and_a_server_crash(pg_server, pg_db: str, tmp_path: Path) -> None:
    """`medaid ledger settle --db postgresql://…` with two workers: its connections are terminated
    (pg_terminate_backend), then the server is stopped with `pg_ctl stop -m immediate` (a crash: no
    checkpoint) and started again. The run reconnects, resumes and completes: every claim settled once,
    paid exactly what `medaid claims` pays, usage equal to the settlements."""
    claims = make_claims(8_000, 800, seed=17)
    path = write_claims_csv(tmp_path / "claims.csv", claims)
    command = [
        sys.executable,
        "-c",
        "from medaid.cli import main; main()",
        "ledger",
        "settle",
        str(path),
        "--db",
        pg_db,
        "--output",
        str(tmp_path / "out.csv"),
        "--batch-size",
        "400",
        "--workers",
        "2",
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:

        def wait_past(count: int) -> int:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and process.poll() is None:
                now = settled_count(pg_db)
                if now > count:
                    return now
                time.sleep(0.02)
            return settled_count(pg_db)

        first = wait_past(0)
        with connect(pg_server.dsn()) as conn:
            dropped = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'medaid'"
            ).fetchone()[0]
        second = wait_past(first)
        pg_server.stop("immediate")
        at_crash = second
        time.sleep(0.3)
        pg_server.start()
        stderr = process.communicate(timeout=180)[1]
    finally:
        if process.poll() is None:
            process.kill()
        if not pg_server.running():
            pg_server.start()
    assert 0 == process.returncode, stderr
    assert dropped >= 1 and 0 < first < len(claims) and at_crash < len(claims), (dropped, first, at_crash)
    assert f"rows in {len(claims)} / settled " in stderr and " / rejected 0" in stderr
    assert all(line.startswith(("rows in", "paid by this run")) for line in stderr.splitlines()), stderr  # no warnings
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        assert len(claims) == sum(1 for _row in csv.DictReader(handle))
    assert _batch_amounts(path) == {claim_id: (a, s) for claim_id, (a, s, _status) in settled_amounts(pg_db).items()}
    assert [] == usage_mismatches(pg_db)


def test_a_ledger_reconnects_after_its_connection_is_dropped(pg_db: str) -> None:
    """A long-lived Ledger (as in a service) whose backend is terminated between and during calls settles,
    reverses and reads on; a retried settle after the drop is a duplicate, never a second payment."""
    claim = Claim(make_claims(1, 1)[0].date, "outpatient", 2_000_00, ("dibao",), True, "r1", "p1")
    with Ledger(pg_db) as ledger, connect(pg_db) as admin:

        def drop() -> None:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'medaid' AND pid <> pg_backend_pid()"
            )

        first = ledger.settle(claim)
        drop()
        assert "duplicate" == ledger.settle(claim).status
        drop()
        assert first.assistance_fen == ledger.usage("p1", claim.date.year).outpatient.paid_fen
        drop()
        ledger.reverse("r1", "dropped")
        drop()
        assert 0 == ledger.usage("p1", claim.date.year).outpatient.paid_fen
        stop = threading.Event()

        def keep_dropping() -> None:  # twenty drops, one every 20 ms, while the claims below are settled
            for _ in range(20):
                if stop.wait(0.02):
                    return
                drop()

        dropper = threading.Thread(target=keep_dropping)
        dropper.start()
        try:
            settled = [
                ledger.settle(Claim(claim.date, "inpatient", 1_000_00, ("dibao",), False, f"d{i}", f"q{i % 7}"))
                for i in range(60)
            ]
        finally:
            stop.set()
            dropper.join()
    assert 60 == len({s.claim_id for s in settled})
    assert all(s.assistance_fen == 900_00 for s in settled)
    assert [] == usage_mismatches(pg_db)
    assert 61 == len(settled_amounts(pg_db))


def test_the_grants_in_the_docs_are_enough(pg_server, pg_admin, tmp_path: Path) -> None:
    """As docs/embedding.md says: an owner role creates the schema, the SQL block grants the application role,
    and the application role then settles, reverses, clears and reads (and may not change the schema)."""
    docs = (ROOT / "docs" / "embedding.md").read_text(encoding="utf-8")
    grants = docs.split("### What a DBA grants", 1)[1].split("```sql", 1)[1].split("```", 1)[0]
    for role in ("medaid_app", "medaid_owner"):
        pg_admin.execute("DROP SCHEMA IF EXISTS medaid CASCADE")
        pg_admin.execute(f"DROP ROLE IF EXISTS {role}")
    pg_admin.execute("CREATE ROLE medaid_owner LOGIN")
    pg_admin.execute("CREATE ROLE medaid_app LOGIN")
    pg_admin.execute("GRANT CREATE ON DATABASE postgres TO medaid_owner")
    owner = pg_server.dsn(user="medaid_owner") + "?options=-csearch_path%3Dmedaid"
    app_db = pg_server.dsn(user="medaid_app") + "?options=-csearch_path%3Dmedaid"
    pg_admin.execute(grants.split(";", 1)[0])  # CREATE SCHEMA medaid AUTHORIZATION medaid_owner
    result = CliRunner().invoke(app, ["ledger", "init", "--db", owner])
    assert 0 == result.exit_code, result.output
    for statement in grants.split(";")[1:]:
        sql = "\n".join(line for line in statement.splitlines() if not line.strip().startswith("--")).strip()
        if sql:
            pg_admin.execute(sql)
    claims = make_claims(30, 5, seed=2)
    with Ledger(app_db, create=False) as ledger:
        ledger.settle_many(sorted(claims, key=lambda claim: claim.date))
        ledger.reverse(claims[0].claim_id, "grants")
        ledger.clear(claims[0].person_id, claims[0].date.year, apply=True)
        assert ledger.usage(claims[1].person_id, claims[1].date.year).claims >= 1
    refused = CliRunner().invoke(app, ["ledger", "migrate", "--db", app_db])
    assert 0 == refused.exit_code and "nothing to do" in refused.output
    import psycopg

    with connect(app_db) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("DROP TABLE usage")
    assert [] == usage_mismatches(owner)


def test_one_person_year_waits_others_proceed(pg_db: str) -> None:
    """While a writer holds person-year (pA, 2023), a settlement of pB completes at once and one of pA waits
    until the holder commits, then sees what it wrote (on SQLite both would wait: one lock for the file)."""
    from medaid.ledger.backends import open_store

    day = make_claims(1, 1)[0].date.replace(year=2023)
    holder = open_store(pg_db)
    done: dict[str, float] = {}

    def settle(claim_id: str, person: str) -> None:
        with Ledger(pg_db) as ledger:
            done[claim_id] = ledger.settle(
                Claim(day, "outpatient", 4_000_00, ("low_income",), False, claim_id, person)
            ).assistance_fen

    try:
        with holder.write([("pA", 2023)]):
            assert holder.usage("pA", 2023) is None
            other, same = (
                threading.Thread(target=settle, args=("b1", "pB")),
                threading.Thread(target=settle, args=("a1", "pA")),
            )
            other.start()
            same.start()
            other.join(30)
            assert "b1" in done  # another person: not held up
            time.sleep(0.3)
            assert "a1" not in done and same.is_alive()  # the same person-year: waits for the holder
        same.join(30)
        assert {"b1": 2_000_00, "a1": 2_000_00} == done  # low income, outpatient: 50 %
    finally:
        holder.close()
    assert [] == usage_mismatches(pg_db)
