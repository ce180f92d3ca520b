"""Invariants of the reference rules, for every shipped policy version."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.policy import default_registry
from medaid.rules import Claim, assess_person, assess_person_year
from tests.strategies import category_sets, claims, dates, fen

REGISTRY = default_registry()
POLICY_FOR = REGISTRY.medical_assistance
DOMINANCE = ("special_relief", "dibao", "low_income", "medical_poverty_1", "medical_poverty_2")


@settings(max_examples=200)
@given(st.lists(claims(), min_size=1, max_size=8))
def test_assistance_never_exceeds_self_pay(batch: list[Claim]) -> None:
    """Assistance plus the deductible subsidy of a claim never exceeds its self-pay."""
    for result in assess_person(batch, POLICY_FOR).claims:
        assert 0 <= result.assistance_fen + result.deductible_subsidy_fen <= result.claim.self_pay_fen


@settings(max_examples=200)
@given(st.lists(claims(), min_size=1, max_size=12))
def test_caps_never_exceeded(batch: list[Claim]) -> None:
    """After every paying claim, the year's paid total for its kind is within that claim's cap."""
    paid: dict[tuple[int, str], int] = {}
    for result in assess_person(batch, POLICY_FOR).claims:
        key = (result.claim.date.year, result.claim.kind)
        paid[key] = paid.get(key, 0) + result.assistance_fen
        if result.assistance_fen and result.cap_fen is not None:
            assert paid[key] <= result.cap_fen
    subsidy: dict[int, int] = {}
    for result in assess_person(batch, POLICY_FOR).claims:
        subsidy[result.claim.date.year] = subsidy.get(result.claim.date.year, 0) + result.deductible_subsidy_fen
    assert all(total <= 300_00 for total in subsidy.values())


@settings(max_examples=200)
@given(category_sets, dates, fen, fen, st.booleans(), fen, st.sampled_from(("inpatient_fen", "outpatient_fen")))
def test_non_decreasing_in_self_pay(cats, day, inpatient, outpatient, resident, extra, which) -> None:
    """More self-pay never means less assistance (each kind and the subsidy)."""
    base = {"inpatient_fen": inpatient, "outpatient_fen": outpatient}
    more = {**base, which: base[which] + extra}
    before = assess_person_year(cats, day, POLICY_FOR, resident_insurance=resident, **base)
    after = assess_person_year(cats, day, POLICY_FOR, resident_insurance=resident, **more)
    for kind in ("inpatient", "outpatient"):
        assert after.assistance_fen(kind) >= before.assistance_fen(kind)
    assert after.deductible_subsidy_fen >= before.deductible_subsidy_fen


@st.composite
def split_year(draw):
    """A person-year of one kind, and the same spending split into claims on later dates of the year."""
    cats = draw(category_sets)
    year = draw(st.sampled_from((2019, 2022, 2023, 2024)))
    kind = draw(st.sampled_from(("inpatient", "outpatient")))
    resident = draw(st.booleans())
    parts = draw(st.lists(fen, min_size=1, max_size=6))
    days = sorted(
        draw(st.lists(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)), min_size=len(parts), max_size=len(parts)))
    )
    split = [Claim(d, kind, p, cats, resident, str(i)) for i, (d, p) in enumerate(zip(days, parts))]
    whole = Claim(days[0], kind, sum(parts), cats, resident, "whole")
    return whole, split


@settings(max_examples=300)
@given(split_year())
def test_splitting_a_year_into_claims(case) -> None:
    """Split into claims, a year pays the same within one fen per claim, and exactly when a cap binds."""
    whole, split = case
    one = assess_person([whole], POLICY_FOR)
    many = assess_person(split, POLICY_FOR)
    assert many.deductible_subsidy_fen == one.deductible_subsidy_fen
    kind = whole.kind
    difference = abs(many.assistance_fen(kind) - one.assistance_fen(kind))
    assert difference <= len(split)
    if one.claims[0].cap_bound and many.claims[-1].cap_fen is not None:
        assert many.assistance_fen(kind) == one.assistance_fen(kind)


@settings(max_examples=200)
@given(dates, fen, fen, st.booleans(), st.integers(0, len(DOMINANCE) - 2))
def test_higher_ratio_category_never_gets_less(day, inpatient, outpatient, resident, index) -> None:
    """Along special_relief ≥ dibao ≥ low_income ≥ class 1 ≥ class 2, the stronger category never gets less."""
    stronger, weaker = DOMINANCE[index], DOMINANCE[index + 1]
    kwargs = {"inpatient_fen": inpatient, "outpatient_fen": outpatient, "resident_insurance": resident}
    a = assess_person_year((stronger,), day, POLICY_FOR, **kwargs)
    b = assess_person_year((weaker,), day, POLICY_FOR, **kwargs)
    for kind in ("inpatient", "outpatient"):
        assert a.assistance_fen(kind) + (a.deductible_subsidy_fen if kind == "outpatient" else 0) >= b.assistance_fen(
            kind
        ) + (b.deductible_subsidy_fen if kind == "outpatient" else 0)


@settings(max_examples=100)
@given(category_sets, dates, fen, fen, st.booleans())
def test_highest_ratio_rule_is_at_least_each_category(cats, day, inpatient, outpatient, resident) -> None:
    """就高: a person in several categories gets, per kind, at least what the best single one gives."""
    kwargs = {"inpatient_fen": inpatient, "outpatient_fen": outpatient, "resident_insurance": resident}
    together = assess_person_year(cats, day, POLICY_FOR, **kwargs)
    for kind in ("inpatient",):
        best = max(assess_person_year((c,), day, POLICY_FOR, **kwargs).assistance_fen(kind) for c in cats)
        assert together.assistance_fen(kind) == best


@settings(max_examples=100)
@given(st.lists(st.tuples(st.sampled_from("abc"), claims()), min_size=1, max_size=12))
def test_assess_claims_equals_assess_person_per_person(rows) -> None:
    """Many persons' claims in one call give each person's own assessment, in input order."""
    import attrs

    from medaid.rules import assess_each_claim

    batch = [attrs.evolve(claim, person_id=person, claim_id=str(i)) for i, (person, claim) in enumerate(rows)]
    results = assess_each_claim(batch, POLICY_FOR)
    assert [c.claim_id for c in batch] == [r.claim.claim_id for r in results]
    for person in "abc":
        mine = [c for c in batch if c.person_id == person]
        if mine:
            expected = {r.claim.claim_id: r.assistance_fen for r in assess_person(mine, POLICY_FOR).claims}
            assert expected == {r.claim.claim_id: r.assistance_fen for r in results if r.claim.person_id == person}
