"""The ledger against the reference rules: settle, duplicates, conflicts, reversal, clearing, usage.

Every test taking ``new_db`` runs on both stores, SQLite and PostgreSQL (tests/ledger/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import medaid
from medaid.errors import InputError
from medaid.ledger import AlreadyReversedError, ConflictError, Ledger, UnknownClaimError
from medaid.ledger.backends import open_store
from medaid.ledger.sqlite import SQLiteStore
from medaid.policy import default_registry
from medaid.rules import Claim, Usage, assess_claim, assess_person
from tests.ledger.helpers import make_claims, usage_mismatches

REGISTRY = default_registry()


def claim(
    claim_id: str, day: tuple[int, int, int], kind: str, fen: int, cats=("dibao",), resident=False, person="p1"
) -> Claim:
    return Claim(dt.date(*day), kind, fen, cats, resident, claim_id, person)


@pytest.fixture
def ledger(new_db):
    with Ledger(new_db()) as opened:
        yield opened


def test_settle_pays_what_the_reference_pays(ledger: Ledger) -> None:
    """A first claim pays exactly assess_claim with empty usage, stamped with policy and engine."""
    c = claim("c1", (2023, 5, 1), "outpatient", 3_100_00, resident=True)
    s = ledger.settle(c)
    expected = assess_claim(REGISTRY.medical_assistance(c.date), c, Usage(2023))
    assert (expected.assistance_fen, expected.deductible_subsidy_fen, expected.offset_fen) == (
        s.assistance_fen,
        s.deductible_subsidy_fen,
        s.offset_fen,
    )
    assert ("settled", "medical-assistance-2023", medaid.__version__) == (s.status, s.policy_id, s.engine_version)
    assert expected.policy.content_hash == s.policy_hash


def test_year_to_date_usage_carries_the_cap_across_claims(ledger: Ledger) -> None:
    """Three outpatient claims of one person stop at the 2 800 cap, as the reference does."""
    claims = [claim(f"c{i}", (2023, 3, i + 1), "outpatient", 2_000_00) for i in range(3)]
    paid = [ledger.settle(c).assistance_fen for c in claims]
    expected = [r.assistance_fen for r in assess_person(claims, REGISTRY.medical_assistance).claims]
    assert expected == paid
    assert 2_800_00 == sum(paid)
    usage = ledger.usage("p1", 2023)
    assert (2_800_00, 2_800_00, 0) == (
        usage.outpatient.paid_fen,
        usage.outpatient.cap_fen,
        usage.outpatient.remaining_fen,
    )


def test_same_claim_again_pays_nothing_more(ledger: Ledger) -> None:
    """A retried claim returns the stored settlement marked duplicate; usage does not move."""
    c = claim("c1", (2023, 5, 1), "inpatient", 10_000_00)
    first = ledger.settle(c)
    again = ledger.settle(c)
    assert "duplicate" == again.status
    assert attrs.evolve(first, status="duplicate") == again
    assert 9_000_00 == ledger.usage("p1", 2023).inpatient.paid_fen


def test_same_id_different_content_is_refused(ledger: Ledger) -> None:
    """A claim_id reused for another amount is a ConflictError naming the difference."""
    ledger.settle(claim("c1", (2023, 5, 1), "inpatient", 10_000_00))
    with pytest.raises(ConflictError, match=r"self_pay_fen was 1000000, now 1000001"):
        ledger.settle(claim("c1", (2023, 5, 1), "inpatient", 10_000_01))


def test_settle_many_marks_duplicates_within_the_input(ledger: Ledger) -> None:
    """The same claim twice in one call settles once."""
    c = claim("c1", (2023, 5, 1), "inpatient", 10_000_00)
    assert ["settled", "duplicate"] == [s.status for s in ledger.settle_many([c, c])]


def test_reverse_returns_the_amount_to_the_cap(ledger: Ledger) -> None:
    """After a reversal the next claim is paid from the freed cap."""
    ledger.settle(claim("c1", (2023, 3, 1), "outpatient", 5_000_00))
    assert 0 == ledger.usage("p1", 2023).outpatient.remaining_fen
    reversal = ledger.reverse("c1", "duplicate bill")
    assert (2_800_00, "duplicate bill") == (reversal.assistance_fen, reversal.reason)
    usage = ledger.usage("p1", 2023)
    assert (0, 2_800_00, 1) == (usage.outpatient.paid_fen, usage.outpatient.remaining_fen, usage.reversed)
    assert 1_200_00 == ledger.settle(claim("c2", (2023, 4, 1), "outpatient", 2_000_00)).assistance_fen
    assert "reversed" == ledger.settlement("c1").status
    assert "reversed" == ledger.settle(claim("c1", (2023, 3, 1), "outpatient", 5_000_00)).status


def test_reverse_errors(ledger: Ledger) -> None:
    """Unknown and already reversed claims are refused."""
    ledger.settle(claim("c1", (2023, 3, 1), "outpatient", 5_000_00))
    ledger.reverse("c1", "wrong person")
    with pytest.raises(AlreadyReversedError, match="already reversed"):
        ledger.reverse("c1", "again")
    with pytest.raises(UnknownClaimError, match="'nope'"):
        ledger.reverse("nope", "x")


def test_clear_after_reversal_pays_the_later_claims_more(ledger: Ledger) -> None:
    """A capped later claim gets 补发 once an earlier claim is reversed; apply records it once."""
    ledger.settle(claim("c1", (2023, 3, 1), "outpatient", 4_000_00))
    assert 400_00 == ledger.settle(claim("c2", (2023, 4, 1), "outpatient", 4_000_00)).assistance_fen
    ledger.reverse("c1", "not eligible")
    preview = ledger.clear("p1", 2023)
    assert (2_000_00, False) == (preview.adjustment_fen, preview.applied)
    assert 400_00 == ledger.usage("p1", 2023).outpatient.paid_fen
    applied = ledger.clear("p1", 2023, apply=True)
    assert (2_000_00, True) == (applied.adjustment_fen, applied.applied)
    assert 2_400_00 == ledger.usage("p1", 2023).outpatient.paid_fen
    again = ledger.clear("p1", 2023, apply=True)
    assert (0, False) == (again.adjustment_fen, again.applied)


def test_clear_recovers_an_overpayment_from_late_arrival(ledger: Ledger) -> None:
    """Claims arriving out of date order: clearing reports per claim and a net of zero when the cap binds both ways."""
    ledger.settle(claim("late", (2023, 9, 1), "outpatient", 1_000_00, resident=True))
    ledger.settle(claim("early", (2023, 2, 1), "outpatient", 200_00, resident=True))
    clearing = ledger.clear("p1", 2023)
    reference = assess_person(
        [
            claim("late", (2023, 9, 1), "outpatient", 1_000_00, resident=True),
            claim("early", (2023, 2, 1), "outpatient", 200_00, resident=True),
        ],
        REGISTRY.medical_assistance,
    )
    assert ["early", "late"] == [line.claim_id for line in clearing.lines]
    assert [r.total_fen for r in reference.claims] == [
        line.due_assistance_fen + line.due_subsidy_fen for line in clearing.lines
    ]
    assert reference.total_fen - clearing.paid_fen == clearing.adjustment_fen
    ledger.clear("p1", 2023, apply=True)
    assert reference.claims[-1].usage.offset_used_fen == ledger.usage("p1", 2023).offset_used_fen


def test_usage_remaining_follows_the_latest_category(ledger: Ledger) -> None:
    """Remaining is measured against the cap of the most recent claim's category (special relief: no cap)."""
    ledger.settle(claim("c1", (2023, 3, 1), "outpatient", 1_000_00, cats=("low_income",)))
    usage = ledger.usage("p1", 2023).outpatient
    assert ("low_income", 2_800_00, 2_300_00) == (usage.category, usage.cap_fen, usage.remaining_fen)
    ledger.settle(claim("c2", (2023, 4, 1), "outpatient", 1_000_00, cats=("special_relief",)))
    usage = ledger.usage("p1", 2023).outpatient
    assert ("special_relief", None, None, 1_500_00) == (
        usage.category,
        usage.cap_fen,
        usage.remaining_fen,
        usage.paid_fen,
    )
    empty = ledger.usage("nobody", 2023)
    assert (0, None) == (empty.inpatient.paid_fen, empty.inpatient.cap_fen)


def test_years_are_separate(ledger: Ledger) -> None:
    """Usage restarts each calendar year, under that year's policy."""
    ledger.settle(claim("c1", (2022, 12, 31), "outpatient", 5_000_00))
    s = ledger.settle(claim("c2", (2023, 1, 1), "outpatient", 5_000_00))
    assert (2_800_00, "medical-assistance-2023") == (s.assistance_fen, s.policy_id)
    assert [2022, 2023] == ledger.years("p1")
    assert 2_500_00 == ledger.usage("p1", 2022).outpatient.paid_fen


def test_ledger_is_exported_lazily() -> None:
    """medaid.Ledger is the ledger class, loaded on first use."""
    assert Ledger is medaid.Ledger


def test_reopening_keeps_everything(new_db) -> None:
    """A closed and reopened ledger still knows the claim (durable file or database)."""
    path = new_db()
    with Ledger(path) as first:
        first.settle(claim("c1", (2023, 5, 1), "inpatient", 10_000_00))
    with Ledger(path, synchronous="FULL") as second:
        assert "duplicate" == second.settle(claim("c1", (2023, 5, 1), "inpatient", 10_000_00)).status


def test_not_a_ledger_file(tmp_path: Path) -> None:
    """A file that is not a SQLite ledger is refused with its path."""
    bad = tmp_path / "claims.csv"
    bad.write_text("claim_id,person_id\n" * 200)
    with pytest.raises(InputError, match="not a medaid ledger"):
        Ledger(bad)
    with pytest.raises(InputError, match="no ledger at"):
        Ledger(tmp_path / "missing.db", create=False)
    with pytest.raises(InputError, match="synchronous"):
        Ledger(tmp_path / "x.db", synchronous="SOMETIMES")


_EXAMPLES = itertools.count()
_SHARED: dict[int, tuple[str, str]] = {}

claim_lists = st.lists(
    st.builds(
        lambda day, kind, fen, cats, resident: (day, kind, fen, cats, resident),
        st.dates(dt.date(2023, 1, 1), dt.date(2024, 12, 31)),
        st.sampled_from(("inpatient", "outpatient")),
        st.one_of(st.sampled_from([0, 1, 299_99, 300_00, 300_01, 2_800_00, 4_666_67]), st.integers(0, 30_000_000)),
        st.sampled_from(
            [("dibao",), ("low_income",), ("medical_poverty_2",), ("special_relief",), ("low_income", "dibao")]
        ),
        st.booleans(),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(claim_lists, st.randoms(use_true_random=False))
def test_any_arrival_order_then_clear_equals_the_reference(new_db, rows, rng: random.Random) -> None:
    """Claims settled in date order pay what assess_person pays; in any order, clear(apply) brings usage and totals to it.

    Clearing orders claims of one date as they arrived, so the reference for the shuffled ledger is
    assess_person of the claims in arrival order (it sorts by date, stably). The examples share two
    ledgers, each example a person of its own (so each runs beside the earlier examples' rows).
    """
    example = next(_EXAMPLES)
    person = f"p{example}"
    claims = [
        Claim(day, kind, fen, cats, resident, f"e{example}c{i}", person)
        for i, (day, kind, fen, cats, resident) in enumerate(rows)
    ]
    in_file_order = assess_person(claims, REGISTRY.medical_assistance)
    shuffled = claims[:]
    rng.shuffle(shuffled)
    reference = assess_person(shuffled, REGISTRY.medical_assistance)
    due = {r.claim.claim_id: (r.assistance_fen, r.deductible_subsidy_fen) for r in reference.claims}
    final_usage = {r.claim.date.year: r.usage for r in reference.claims}
    dbs = _SHARED.setdefault(id(new_db), (new_db("in_order"), new_db("shuffled")))
    with Ledger(dbs[0]) as in_order:
        settled = in_order.settle_many(sorted(claims, key=lambda c: c.date))
        assert [(r.assistance_fen, r.deductible_subsidy_fen) for r in in_file_order.claims] == [
            (s.assistance_fen, s.deductible_subsidy_fen) for s in settled
        ]
    path = dbs[1]
    with Ledger(path) as ledger:
        ledger.settle_many(shuffled)
        for year, usage in final_usage.items():
            clearing = ledger.clear(person, year, apply=True)
            assert {
                cid: amounts
                for cid, amounts in due.items()
                if cid in {c.claim_id for c in claims if c.date.year == year}
            } == {line.claim_id: (line.due_assistance_fen, line.due_subsidy_fen) for line in clearing.lines}
            got = ledger.usage(person, year)
            assert (
                usage.paid_inpatient_fen,
                usage.paid_outpatient_fen,
                usage.offset_used_fen,
                usage.subsidy_paid_fen,
            ) == (got.inpatient.paid_fen, got.outpatient.paid_fen, got.offset_used_fen, got.subsidy_paid_fen)
            assert 0 == ledger.clear(person, year).adjustment_fen
        victim = rng.choice(claims).claim_id
        ledger.reverse(victim, "test")
        for year in final_usage:
            ledger.clear(person, year, apply=True)
            assert 0 == ledger.clear(person, year).adjustment_fen
    assert [] == usage_mismatches(path)


def test_file_settlement_equals_reference_per_person(new_db) -> None:
    """Settling claims in date order gives, claim by claim, assess_person per person (the batch engine's definition)."""
    claims = make_claims(3_000, 150, seed=7, years=(2022, 2023, 2024))
    by_person = defaultdict(list)
    for c in claims:
        by_person[c.person_id].append(c)
    expected = {}
    for person_claims in by_person.values():
        for r in assess_person(person_claims, REGISTRY.medical_assistance).claims:
            expected[r.claim.claim_id] = (r.assistance_fen, r.deductible_subsidy_fen, r.eligible_fen, r.policy_id)
    db = new_db()
    with Ledger(db) as ledger:
        settled = ledger.settle_many(sorted(claims, key=lambda c: c.date), batch_size=500)
    assert expected == {
        s.claim_id: (s.assistance_fen, s.deductible_subsidy_fen, s.eligible_fen, s.policy_id) for s in settled
    }
    assert [] == usage_mismatches(db)


def test_a_second_ledger_on_the_same_file_sees_every_commit(new_db) -> None:
    """Two Ledger objects on one file take turns settling claims of one person: the cap holds across them."""
    path = new_db()
    with Ledger(path) as a, Ledger(path) as b:
        paid = [
            a.settle(claim("c1", (2023, 3, 1), "outpatient", 2_000_00)).assistance_fen,
            b.settle(claim("c2", (2023, 3, 2), "outpatient", 2_000_00)).assistance_fen,
            a.settle(claim("c3", (2023, 3, 3), "outpatient", 2_000_00)).assistance_fen,
        ]
        b.reverse("c1", "test")
        assert 1_200_00 == a.settle(claim("c4", (2023, 3, 4), "outpatient", 2_000_00)).assistance_fen
    assert [1_200_00, 1_200_00, 400_00] == paid
    assert [] == usage_mismatches(path)


def test_clearing_a_state_seen_before_is_recorded_again(new_db) -> None:
    """A clearing whose due amounts repeat an earlier applied clearing (after a reversal) is still recorded."""
    path = new_db()
    with Ledger(path) as ledger:
        ledger.settle(claim("b", (2023, 6, 1), "outpatient", 4_000_00))
        ledger.settle(claim("a", (2023, 5, 1), "outpatient", 2_000_00))
        first = ledger.clear("p1", 2023, apply=True)
        assert first.applied
        ledger.settle(claim("early", (2023, 1, 1), "outpatient", 4_000_00))
        assert ledger.clear("p1", 2023, apply=True).applied
        ledger.reverse("early", "test")
        last = ledger.clear("p1", 2023, apply=True)
        assert last.applied
        assert [(line.due_assistance_fen, line.due_subsidy_fen) for line in first.lines] == [
            (line.paid_assistance_fen, line.paid_subsidy_fen) for line in ledger.clear("p1", 2023).lines
        ]
        assert 2_800_00 == ledger.usage("p1", 2023).outpatient.paid_fen
    assert [] == usage_mismatches(path)


def test_settle_many_takes_any_iterable(ledger: Ledger) -> None:
    """A generator of claims is settled like a list."""
    settled = ledger.settle_many(claim(f"g{i}", (2023, 3, 1 + i), "inpatient", 1_000_00) for i in range(3))
    assert ["g0", "g1", "g2"] == [s.claim_id for s in settled]


def test_a_claim_looked_up_as_missing_then_settled_elsewhere_is_not_settled_again(new_db) -> None:
    """A ledger remembers claim_ids it found missing only until another connection commits.

    Here the first ledger looks c1 up (as a several-batch run does before its first transaction), a second
    ledger settles c1, and the first then settles it: a duplicate, or a conflict for other content; never
    a second payment.
    """
    path = new_db()
    c1 = claim("c1", (2023, 3, 1), "outpatient", 2_000_00)
    with Ledger(path) as first, Ledger(path) as second:
        store = first._store
        with store.read():
            assert {} == store.settlements_by_id(["c1"])
        second.settle(c1)
        assert "duplicate" == first.settle(c1).status
        with pytest.raises(ConflictError, match="self_pay_fen was 200000, now 200001"):
            first.settle(attrs.evolve(c1, self_pay_fen=2_000_01))
    assert [] == usage_mismatches(path)


class _StoreWithInterloper:
    """A store that lets another writer commit between a batch's plan (made without the lock) and its write."""

    def __init__(self, path: str, interloper) -> None:
        self._store = open_store(path)
        self.interloper = interloper

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def write(self, keys=()):
        interloper, self.interloper = self.interloper, None
        if interloper is not None:
            interloper()
        return self._store.write(keys)


@pytest.fixture
def plan_unlocked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every batch, even one claim, planned from a snapshot without the write lock (as a file's batches are)."""
    monkeypatch.setattr("medaid.ledger.ledger.PLAN_UNLOCKED_FROM", 1)


def test_a_plan_made_stale_by_another_writer_is_made_again_under_the_lock(new_db, plan_unlocked: None) -> None:
    """Between the plan (read without the write lock) and the write, another ledger pays the same person
    towards the cap: the batch is planned again under the lock, so the cap holds and usage adds up."""
    path = new_db()
    with Ledger(path) as other:
        with Ledger(
            store=_StoreWithInterloper(path, lambda: other.settle(claim("first", (2023, 1, 5), "outpatient", 4_000_00)))
        ) as ledger:
            late = ledger.settle(claim("late", (2023, 2, 1), "outpatient", 4_000_00))
    assert 2_800_00 - 2_400_00 == late.assistance_fen  # the 2 800 outpatient cap, 2 400 of it paid to "first"
    expected = assess_claim(
        REGISTRY.medical_assistance(dt.date(2023, 2, 1)),
        claim("late", (2023, 2, 1), "outpatient", 4_000_00),
        Usage(2023, paid_outpatient_fen=2_400_00),
    )
    assert (expected.assistance_fen, expected.cap_left_fen) == (late.assistance_fen, late.cap_left_fen)
    assert [] == usage_mismatches(path)


def test_a_claim_settled_by_another_writer_after_the_plan_is_a_duplicate(new_db, plan_unlocked: None) -> None:
    """Another ledger settles the very claim between this ledger's plan and its write: a duplicate, paid once."""
    path = new_db()
    c1 = claim("c1", (2023, 3, 1), "inpatient", 10_000_00)
    with Ledger(path) as other:
        with Ledger(store=_StoreWithInterloper(path, lambda: other.settle(c1))) as ledger:
            again = ledger.settle(c1)
        assert ("duplicate", 9_000_00) == (again.status, again.assistance_fen)
        assert 9_000_00 == other.usage("p1", 2023).inpatient.paid_fen
    assert [] == usage_mismatches(path)


def test_a_plan_still_good_after_another_writer_is_numbered_after_its_settlements(new_db, plan_unlocked: None) -> None:
    """Another ledger settles a claim of another person between the plan and the write: the plan stands
    (nothing it read changed) and its settlements take the next numbers (seq), as stored and as returned."""
    path = new_db()
    with Ledger(path) as other:
        interloper = _StoreWithInterloper(
            path, lambda: other.settle(claim("p2 first", (2023, 1, 5), "outpatient", 1_000_00, person="p2"))
        )
        with Ledger(store=interloper) as ledger:
            mine = ledger.settle_many(
                [
                    claim("a", (2023, 2, 1), "outpatient", 1_000_00),
                    claim("a", (2023, 2, 1), "outpatient", 1_000_00),
                    claim("b", (2023, 2, 2), "outpatient", 1_000_00),
                ]
            )
            assert [(2, "settled"), (2, "duplicate"), (3, "settled")] == [(s.seq, s.status) for s in mine]
            assert [ledger.settlement("a"), ledger.settlement("b")] == [mine[0], mine[2]]
        assert 1 == other.settlement("p2 first").seq
    assert [] == usage_mismatches(path)


def test_a_writer_waits_for_another_up_to_its_busy_timeout(tmp_path: Path) -> None:
    """A second writer waits while the first holds the write lock and gives up after its busy timeout, with
    SQLite's own error; its connection keeps that timeout for everything else."""
    import sqlite3

    first, second = SQLiteStore(tmp_path / "ledger.db"), SQLiteStore(tmp_path / "ledger.db", busy_timeout_ms=100)
    try:
        with first.write():
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                with second.write():
                    pass
        with second.write():  # free again
            assert 1 == second.next_seq()
        assert (100,) == second._conn.execute("PRAGMA busy_timeout").fetchone()
    finally:
        first.close()
        second.close()


def test_ledger_files_are_created_owner_only(tmp_path) -> None:
    """A new ledger file and its -wal/-shm are 0600 (they hold who was paid what), whatever the umask allows."""
    import datetime as dt
    import os
    import stat

    from medaid.ledger import Ledger
    from medaid.rules import Claim

    path = tmp_path / "l.db"
    old = os.umask(0o022)  # the usual umask would give 0644
    try:
        with Ledger(path) as ledger:
            ledger.settle(Claim(dt.date(2023, 5, 1), "inpatient", 100_00, ("dibao",), True, "c1", "p1"))
            files = [path, tmp_path / "l.db-wal", tmp_path / "l.db-shm"]
            modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
    finally:
        os.umask(old)
    assert {"l.db": 0o600, "l.db-wal": 0o600, "l.db-shm": 0o600} == modes


def test_awkward_ids_come_back_as_settled(new_db) -> None:
    """claim and person ids with tabs, line breaks, backslashes, quotes and Chinese come back exactly, from a
    batch large enough to be sent with COPY on PostgreSQL and from a single settle."""
    odd = ["a\tb", "line\nbreak", "back\\slash", "\\N", "cr\rlf", 'quote"d', "逗号,号", "  spaced  ", "end\\"]
    claims = [
        claim(
            f"{odd[i % len(odd)]}#{i}",
            (2023, 1 + i % 12, 1 + i % 28),
            "outpatient",
            1_000_00 + i,
            person=f"{odd[(i * 5) % len(odd)]}/{i % 4}",
        )
        for i in range(120)
    ]
    with Ledger(new_db()) as ledger:
        settled = ledger.settle_many(claims)
        one = ledger.settle(claim("\t\\\n", (2023, 5, 5), "inpatient", 500_00, person="\\t"))
        assert [(c.claim_id, c.person_id) for c in claims] == [(s.claim_id, s.person_id) for s in settled]
        assert settled == [ledger.settlement(c.claim_id) for c in claims]
        assert one == ledger.settlement("\t\\\n")
        assert ["duplicate"] * 120 == [s.status for s in ledger.settle_many(claims)]
        assert 450_00 == ledger.usage("\\t", 2023).inpatient.paid_fen
