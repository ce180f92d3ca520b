"""The batch engine equals the reference rules (medaid.rules.assess_person) claim by claim, to the fen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medaid.batch import settle_batch
from medaid.batch.engine import NO_CAP, capped_running_sum
from medaid.errors import MedaidError
from medaid.money import fen_to_yuan_str, ppm_to_str
from medaid.policy import default_registry
from medaid.policy.model import CATEGORIES
from medaid.rules import Claim, assess_person
from medaid.rules.ratio import select_category
from tests.strategies import EDGE_FEN

REGISTRY = default_registry()
POLICY_FOR = REGISTRY.medical_assistance

#: Dates around the version boundaries (2018-07-01, 2023-01-01, 2024-01-01), the year ends, and before any version.
boundary_dates = st.one_of(
    st.dates(dt.date(2018, 6, 20), dt.date(2018, 7, 10)),
    st.dates(dt.date(2022, 12, 20), dt.date(2023, 1, 10)),
    st.dates(dt.date(2023, 12, 20), dt.date(2024, 1, 10)),
    st.sampled_from([dt.date(2018, 7, 1), dt.date(2023, 1, 1), dt.date(2024, 1, 1), dt.date(2023, 6, 1)]),
    st.dates(dt.date(2017, 12, 25), dt.date(2025, 12, 31)),
)
amounts = st.one_of(st.sampled_from(EDGE_FEN), st.integers(0, 1_000_00), st.integers(0, 40_000_000))
category_texts = st.lists(st.sampled_from((*CATEGORIES, "wizard")), min_size=1, max_size=3, unique=True).map("|".join)


@st.composite
def claim_sets(draw) -> list[dict]:
    """Rows for several persons, each with a few category strings used across their claims."""
    rows = []
    for person in range(draw(st.integers(1, 4))):
        texts = draw(st.lists(category_texts, min_size=1, max_size=3))
        for _ in range(draw(st.integers(1, 10))):
            rows.append(
                {
                    "claim_id": f"c{len(rows)}",
                    "person_id": f"p{person}",
                    "district": "minhang",
                    "date": draw(boundary_dates).isoformat(),
                    "category": draw(st.sampled_from(texts)),
                    "kind": draw(st.sampled_from(("inpatient", "outpatient"))),
                    "self_pay": fen_to_yuan_str(draw(amounts)),
                    "resident_insurance": draw(st.sampled_from(("true", "false"))),
                }
            )
    return draw(st.permutations(rows))


def _claim(row: dict) -> Claim | None:
    """The reference claim of a row, or None where the reference refuses it (no version, unknown category)."""
    date = dt.date.fromisoformat(row["date"])
    whole, cents = row["self_pay"].split(".")
    cats = tuple(row["category"].split("|"))
    try:
        select_category(POLICY_FOR(date), cats, row["kind"])
    except MedaidError:
        return None
    return Claim(
        date,
        row["kind"],
        int(whole) * 100 + int(cents),
        cats,
        row["resident_insurance"] == "true",
        row["claim_id"],
        row["person_id"],
    )


def _fen(value: Decimal | None) -> int | None:
    return None if value is None else int(value * 100)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claim_sets())
def test_batch_equals_reference(rows: list[dict]) -> None:
    """Every amount, ratio, category, version and mark of every claim equals assess_person's, to the fen."""
    result = settle_batch(rows)
    expected_ok = {row["claim_id"]: claim for row in rows if (claim := _claim(row)) is not None}
    assert set(result.table["claim_id"]) == set(expected_ok)
    assert set(result.rejects["claim_id"]) == {row["claim_id"] for row in rows} - set(expected_ok)
    got = {row["claim_id"]: row for row in result.table.iter_rows(named=True)}
    for person in {claim.person_id for claim in expected_ok.values()}:
        # The reference takes a person's claims in the order given for ties: the file order.
        mine = [
            claim for claim in (expected_ok.get(row["claim_id"]) for row in rows) if claim and claim.person_id == person
        ]
        for reference in assess_person(mine, POLICY_FOR).claims:
            row = got[reference.claim.claim_id]
            assert _fen(row["eligible"]) == reference.eligible_fen
            assert row["ratio"] == ppm_to_str(reference.ratio_ppm)
            assert _fen(row["assistance"]) == reference.assistance_fen
            assert _fen(row["deductible_subsidy"]) == reference.deductible_subsidy_fen
            assert _fen(row["offset"]) == reference.offset_fen
            assert _fen(row["before_cap"]) == reference.before_cap_fen
            assert _fen(row["cap"]) == reference.cap_fen
            assert _fen(row["cap_left"]) == reference.cap_left_fen
            assert row["cap_bound"] == reference.cap_bound
            assert row["category_applied"] == reference.category
            assert row["policy_id"] == reference.policy_id
            assert row["provisional"] == ";".join(reference.provisional)
    assert result.summary.rows_in == result.summary.settled + result.summary.rejected == len(rows)


def _loop(starts: np.ndarray, amount: np.ndarray, cap: np.ndarray) -> list[int]:
    paid, out = 0, []
    for start, a, c in zip(starts, amount, cap):
        paid = 0 if start else paid
        pay = max(0, min(int(a), int(c) - paid))
        paid += pay
        out.append(pay)
    return out


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.booleans(), st.integers(0, 10_000), st.sampled_from([0, 500, 2_000, 5_000, int(NO_CAP)])),
        min_size=1,
        max_size=40,
    )
)
def test_capped_running_sum_equals_loop(rows: list[tuple[bool, int, int]]) -> None:
    """The segmented scan equals the row-by-row cap rule, with caps changing anywhere inside a group."""
    starts, amount, cap = (np.array(column, np.int64) for column in zip(*rows))
    assert capped_running_sum(starts.astype(bool), amount, cap).tolist() == _loop(starts.astype(bool), amount, cap)


def test_synthetic_years_equal_reference() -> None:
    """A synthetic 2018 (version change on 07-01, category changes mid-year) and 2024, given as typed
    columns, equal the reference per claim."""
    import polars as pl

    from medaid.synth import synth_claims

    for year, seed in ((2018, 11), (2024, 12)):
        table = synth_claims(6000, year, seed=seed)  # typed columns: Enum, Date, Decimal, Boolean
        rows = table.with_columns(pl.all().cast(pl.String)).to_dicts()
        result = settle_batch(table)
        assert result.summary.rejected == 0
        got = {row["claim_id"]: row for row in result.table.iter_rows(named=True)}
        by_person: dict[str, list[Claim]] = {}
        for row in rows:
            claim = _claim(row)
            assert claim is not None
            by_person.setdefault(claim.person_id, []).append(claim)
        for claims in by_person.values():
            for reference in assess_person(claims, POLICY_FOR).claims:
                row = got[reference.claim.claim_id]
                assert (_fen(row["assistance"]), _fen(row["deductible_subsidy"]), _fen(row["eligible"])) == (
                    reference.assistance_fen,
                    reference.deductible_subsidy_fen,
                    reference.eligible_fen,
                )
        assert result.summary.cap_bound_claims["outpatient"] > 0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([0, 1, 5, 2**40, 2**50]), st.integers(0, 3), st.integers(17_000, 20_500)),
        min_size=1,
        max_size=30,
    )
)
def test_settlement_order_sorts_person_kind_date_then_input(rows: list[tuple[int, int, int]]) -> None:
    """Both ways of ordering (packed key, and lexsort when the key does not fit 63 bits) give the stable
    order by person, kind, date, and mark where each person-year-kind starts."""
    from medaid.batch.engine import _settlement_order

    person, index, day = (np.array(column) for column in zip(*rows))
    order, starts = _settlement_order(person.astype(np.int64), (index.astype(np.int32) >> 1) & 1, day.astype(np.int32))
    expected = sorted(range(len(rows)), key=lambda i: (person[i], (index[i] >> 1) & 1, day[i], i))
    assert order.tolist() == expected
    year = lambda i: (dt.date(1970, 1, 1) + dt.timedelta(days=int(day[i]))).year  # noqa: E731
    group = [(person[i], (index[i] >> 1) & 1, year(i)) for i in expected]
    assert starts.tolist() == [k == 0 or group[k] != group[k - 1] for k in range(len(group))]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claim_sets())
def test_chunks_and_threads_change_nothing(rows: list[dict]) -> None:
    """Settled in chunks of a few rows on two threads, every amount is what one chunk gives."""
    import pytest

    import medaid.batch.engine as engine

    whole = settle_batch(rows).table
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "CHUNK", 3)
        assert settle_batch(rows).table.equals(whole)
