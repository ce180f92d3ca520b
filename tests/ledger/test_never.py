"""What must never happen, each against a real database (a SQLite file and a PostgreSQL server): double
payment, a cap exceeded, half a settlement."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from medaid.errors import InputError, NoPolicyError, UnknownCategoryError
from medaid.ledger import AlreadyReversedError, ConflictError, Ledger, UnknownClaimError
from medaid.ledger.claims_file import part_of
from medaid.policy import default_registry
from medaid.rules import Claim, assess_person
from tests.ledger.helpers import (
    dump,
    exists,
    make_claims,
    settled_amounts,
    settled_count,
    usage_mismatches,
    write_claims_csv,
)

REGISTRY = default_registry()
ROOT = Path(__file__).resolve().parents[2]


# -- concurrency ----------------------------------------------------------------------------------


def _settle_all(path: str, claims: list[Claim], seed: int, barrier, results, batch: int) -> None:
    """A worker: open the ledger, wait for the others, settle every claim in its own order, one by one or
    ``batch`` at a time; a batch is then planned without the write lock (as a file's are) and checked under it."""
    import medaid.ledger.ledger

    if batch > 1:
        medaid.ledger.ledger.PLAN_UNLOCKED_FROM = 1
    order = claims[:]
    random.Random(seed).shuffle(order)
    with Ledger(path) as ledger:
        barrier.wait()
        if batch == 1:
            statuses = Counter(ledger.settle(claim).status for claim in order)
        else:
            statuses = Counter(
                s.status
                for start in range(0, len(order), batch)
                for s in ledger.settle_many(order[start : start + batch])
            )
    results.put(dict(statuses))


def _totals(pairs) -> dict[tuple[str, str], tuple[int, int]]:
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for person, kind, assistance, subsidy in pairs:
        totals[person, kind][0] += assistance
        totals[person, kind][1] += subsidy
    return {key: tuple(value) for key, value in totals.items()}


@pytest.mark.parametrize("batch", [1, 7])
def test_concurrent_workers_never_pay_twice_or_past_a_cap(new_db, batch: int) -> None:
    """Four processes settle the same claims of the same persons at once, each in its own order.

    Each claim is settled exactly once (the others see a duplicate), usage equals the sum of the
    settlements, no person-kind is paid past its cap, and each person-kind total equals a serial
    settlement. Why totals, not claims: arrival order decides which claim the cap cuts, so per-claim
    amounts depend on the race. Totals do not, given this data: each person keeps one category in one year
    (one cap), and amounts are whole yuan under whole-percent ratios, so no claim is rounded; then a
    claim pays min(cumulative, cap) - min(previous, cap), which telescopes to min(sum before the cap, cap)
    in any order, and the 300 offset and the subsidy likewise total min(300, outpatient self-pay). With
    per-claim rounding, totals of two orders could differ by a fen per claim without any fault.
    """
    claims = make_claims(400, 25, seed=3, whole_yuan=True, fixed_category=True)
    path = new_db()
    Ledger(path).close()  # created before the race (as `medaid ledger init` does)
    ctx = multiprocessing.get_context("spawn")
    workers = 4
    barrier, results = ctx.Barrier(workers), ctx.Queue()
    processes = [
        ctx.Process(target=_settle_all, args=(str(path), claims, seed, barrier, results, batch))
        for seed in range(workers)
    ]
    for process in processes:
        process.start()
    statuses = Counter()
    for _ in processes:
        statuses.update(results.get(timeout=120))
    for process in processes:
        process.join(timeout=60)
        assert 0 == process.exitcode
    assert {"settled": len(claims), "duplicate": (workers - 1) * len(claims)} == dict(statuses)
    assert [] == usage_mismatches(path)
    by_person = defaultdict(list)
    for claim in claims:
        by_person[claim.person_id].append(claim)
    serial = _totals(
        (r.claim.person_id, r.claim.kind, r.assistance_fen, r.deductible_subsidy_fen)
        for person_claims in by_person.values()
        for r in assess_person(person_claims, REGISTRY.medical_assistance).claims
    )
    with Ledger(path) as ledger:
        stored = [s for person in by_person for s in ledger.settlements(person, 2023)]
        caps_hit = 0
        for person in by_person:
            for kind in ("inpatient", "outpatient"):
                usage = ledger.usage(person, 2023).kind(kind)
                if usage.cap_fen is not None:
                    assert usage.paid_fen <= usage.cap_fen
                    caps_hit += usage.paid_fen == usage.cap_fen
    assert caps_hit >= 5  # the race was about binding caps
    assert serial == _totals((s.person_id, s.kind, s.assistance_fen, s.deductible_subsidy_fen) for s in stored)


# -- crash ----------------------------------------------------------------------------------------


def _settle_command(claims: Path, db: Path | str, out: Path, workers: int = 1) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from medaid.cli import main; main()",
        "ledger",
        "settle",
        str(claims),
        "--db",
        str(db),
        "--output",
        str(out),
        "--batch-size",
        "250",
        "--workers",
        str(workers),
    ]


def _shares(claims: list[Claim], count: int) -> list[list[str]]:
    """The claim_ids of each worker's share of the persons, in date order."""
    shares: list[list[str]] = [[] for _ in range(count)]
    for c in sorted(claims, key=lambda c: c.date):
        shares[part_of(c.person_id, count)].append(c.claim_id)
    return shares


def _wait_for_progress(db: Path | str, before: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    """Wait until the settling process has committed past ``before`` claims (or has ended), whatever the machine's speed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if settled_count(db) > before:
            return
        time.sleep(0.02)


@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_mid_batch_leaves_whole_claims_and_a_rerun_completes(tmp_path: Path, new_db, workers: int) -> None:
    """A `medaid ledger settle` killed with SIGKILL at random moments (with its workers, as a crash would):
    after each kill each worker's settled claims are whole batches, a prefix of its share of the file in
    date order (with one worker, of the whole file), usage equals the settlements; re-running completes the
    file, paying each claim exactly what an uninterrupted one-process run pays."""
    claims = make_claims(20_000, 2_000, seed=11)
    path = write_claims_csv(tmp_path / "claims.csv", claims)
    shares = _shares(claims, workers)
    db = new_db()
    rng = random.Random(5)
    partial = []
    for _ in range(4):
        before = settled_count(db)
        process = subprocess.Popen(
            _settle_command(path, db, tmp_path / "out.csv", workers),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _wait_for_progress(db, before, process)
        time.sleep(rng.uniform(0, 0.6))  # then a random point: mid-batch, mid-commit or between batches
        with contextlib.suppress(ProcessLookupError):  # unless it has finished already
            os.killpg(process.pid, signal.SIGKILL)  # the command and its workers
        process.wait()
        if not exists(db):
            continue
        settled = set(settled_amounts(db))
        for share in shares:
            done_in_share = len(settled.intersection(share))
            assert set(share[:done_in_share]) == settled.intersection(share)
            assert 0 == done_in_share % 250 or done_in_share == len(share)
        assert [] == usage_mismatches(db)
        partial.append(len(settled))
    assert any(0 < n < len(claims) for n in partial), partial  # at least one kill landed mid-file
    done = subprocess.run(
        _settle_command(path, db, tmp_path / "out.csv", workers), cwd=ROOT, capture_output=True, text=True
    )
    assert 0 == done.returncode, done.stderr
    assert (
        f"rows in {len(claims)} / settled {len(claims) - partial[-1]} / duplicate {partial[-1]} / rejected 0"
        in done.stderr
    )
    clean = new_db("clean")
    subprocess.run(_settle_command(path, clean, tmp_path / "clean.csv"), cwd=ROOT, check=True, capture_output=True)
    assert settled_amounts(clean) == settled_amounts(db)
    assert [] == usage_mismatches(db)
    with (tmp_path / "out.csv").open() as handle:
        assert Counter({"settled": len(claims) - partial[-1], "duplicate": partial[-1]}) == Counter(
            row["status"] for row in csv.DictReader(handle)
        )


# -- bad input ------------------------------------------------------------------------------------


def _claim(
    claim_id="c1", day=(2023, 3, 1), kind="outpatient", fen=2_000_00, cats=("dibao",), person="p1", resident=True
) -> Claim:
    return Claim(dt.date(*day), kind, fen, cats, resident, claim_id, person)


@pytest.fixture
def populated(new_db) -> str:
    """A ledger with settled, reversed and cleared claims."""
    path = new_db()
    with Ledger(path) as ledger:
        ledger.settle_many(
            [
                _claim("c1"),
                _claim("c2", day=(2023, 4, 1)),
                _claim("c3", kind="inpatient", fen=50_000_00),
                _claim("c4", person="p2", cats=("low_income",)),
            ]
        )
        ledger.reverse("c1", "entered twice")
        ledger.clear("p1", 2023, apply=True)
    return path


BAD_CALLS = {
    "negative amount": (
        lambda ledger: ledger.settle(_claim("n1", fen=-1)),
        InputError,
        "self_pay_fen must be a non-negative",
    ),
    "unknown category": (
        lambda ledger: ledger.settle(_claim("n1", cats=("dibao", "royalty"))),
        UnknownCategoryError,
        "unknown category 'royalty'",
    ),
    "unknown kind": (
        lambda ledger: ledger.settle(_claim("n1", kind="dental")),
        InputError,
        "kind must be inpatient or outpatient, got 'dental'",
    ),
    "date outside every policy": (
        lambda ledger: ledger.settle(_claim("n1", day=(2010, 1, 1))),
        NoPolicyError,
        "2010-01-01",
    ),
    "empty claim_id": (lambda ledger: ledger.settle(_claim("")), InputError, "claim_id must be a non-empty string"),
    "empty person_id": (
        lambda ledger: ledger.settle(_claim("n1", person=" ")),
        InputError,
        "person_id must be a non-empty string",
    ),
    "float amount": (lambda ledger: ledger.settle(_claim("n1", fen=12.5)), InputError, "got 12.5"),
    "not a claim": (lambda ledger: ledger.settle({"claim_id": "n1"}), InputError, "expected a medaid.rules.Claim"),
    "same id, other content": (
        lambda ledger: ledger.settle(_claim("c2", fen=2_000_01)),
        ConflictError,
        "self_pay_fen was 200000, now 200001",
    ),
    "same id, other person": (
        lambda ledger: ledger.settle(_claim("c4", person="p9", cats=("low_income",))),
        ConflictError,
        "person_id was 'p2', now 'p9'",
    ),
    "many: one bad among good": (
        lambda ledger: ledger.settle_many([_claim("n1"), _claim("n2", fen=-5), _claim("n3")]),
        InputError,
        r"claim 1 \(claim_id 'n2'\)",
    ),
    "many: conflict within the input": (
        lambda ledger: ledger.settle_many([_claim("n1"), _claim("n1", fen=1)]),
        ConflictError,
        "appears twice",
    ),
    "many: conflict in the last batch": (
        lambda ledger: ledger.settle_many([_claim(f"n{i}") for i in range(10)] + [_claim("c2", fen=1)], batch_size=3),
        ConflictError,
        "'c2'",
    ),
    "many: bad batch size": (lambda ledger: ledger.settle_many([_claim("n1")], batch_size=0), InputError, "batch_size"),
    "reverse unknown claim": (lambda ledger: ledger.reverse("nope", "x"), UnknownClaimError, "'nope'"),
    "reverse a reversed claim": (
        lambda ledger: ledger.reverse("c1", "again"),
        AlreadyReversedError,
        "already reversed",
    ),
    "reverse without reason": (lambda ledger: ledger.reverse("c2", "  "), InputError, "needs a reason"),
    "clear a bad year": (lambda ledger: ledger.clear("p1", "2023", apply=True), InputError, "year must be a year"),
    "clear no person": (lambda ledger: ledger.clear("", 2023, apply=True), InputError, "person_id"),
    "usage a bad year": (lambda ledger: ledger.usage("p1", 23_000), InputError, "year must be a year"),
    "usage no person": (lambda ledger: ledger.usage(None, 2023), InputError, "person_id must be a non-empty string"),
    "settlement of an unknown claim": (lambda ledger: ledger.settlement("nope"), UnknownClaimError, "'nope'"),
    "settlements a bad year": (lambda ledger: ledger.settlements("p1", True), InputError, "year must be a year"),
    "adjustments a bad year": (lambda ledger: ledger.adjustments("p1", 1066), InputError, "year must be a year"),
    "years no person": (lambda ledger: ledger.years(""), InputError, "person_id"),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_bad_input_is_refused_and_changes_nothing(populated: str, case: str) -> None:
    """Each bad call raises a clear InputError and leaves every table as it was."""
    call, error, message = BAD_CALLS[case]
    before = dump(populated)
    with Ledger(populated) as ledger, pytest.raises(error, match=message):
        call(ledger)
    assert before == dump(populated)


def test_clearing_twice_and_previews_change_nothing(populated: str) -> None:
    """A clearing preview, and a second apply, leave every table as it was."""
    before = dump(populated)
    with Ledger(populated) as ledger:
        assert not ledger.clear("p1", 2023).applied
        assert not ledger.clear("p1", 2023, apply=True).applied
        ledger.usage("p1", 2023)
        ledger.settle(_claim("c2", day=(2023, 4, 1)))
    assert before == dump(populated)
