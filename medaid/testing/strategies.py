"""Hypothesis strategies for writing property tests of any policy version or reform.

A property test in a few lines::

    from hypothesis import given
    from medaid.policy import default_registry
    from medaid.rules import assess_person
    from medaid.testing import strategies as mst

    policy = default_registry().get("medical-assistance-2023")

    @given(mst.claim_sequences(policy))
    def test_subsidy_at_most_300(claims):  # noqa
        assert assess_person(claims, lambda day: policy).deductible_subsidy_fen <= 300_00

Amounts are integer fen, drawn with extra weight on the edges the policy defines (the offset, each
cap and the self-pay at which each cap starts to bind), where bugs live.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs
from hypothesis import strategies as st

from medaid.money import PPM
from medaid.policy.model import CATEGORIES, KINDS, Category, KindRule, Policy
from medaid.rules import Claim

__all__ = [
    "categories",
    "category_sets",
    "kinds",
    "edges",
    "amounts",
    "dates",
    "claims",
    "claim_sequences",
    "persons",
    "policy_variations",
]

#: How far past an open-ended version's start dates are drawn.
OPEN_END_YEARS = 3


def categories() -> st.SearchStrategy[str]:
    """One recipient category id."""
    return st.sampled_from(CATEGORIES)


def category_sets(max_size: int = 3) -> st.SearchStrategy[tuple[str, ...]]:
    """One to ``max_size`` distinct categories (a person in several: 就高)."""
    return st.lists(categories(), min_size=1, max_size=max_size, unique=True).map(tuple)


def kinds() -> st.SearchStrategy[str]:
    """inpatient or outpatient."""
    return st.sampled_from(KINDS)


def _many(policy: Policy | Iterable[Policy]) -> tuple[Policy, ...]:
    return (policy,) if isinstance(policy, Policy) else tuple(policy)


def edges(policy: Policy | Iterable[Policy]) -> list[int]:
    """Self-pay amounts (fen) where the behaviour of a policy (or of any of several) changes: the offset,
    each cap, the self-pay at which each cap starts to bind (with and without the offset), each ±1 fen."""
    points = {0, 1}
    for one in _many(policy):
        points.add(one.outpatient_offset.amount_fen)
        for category in one.categories.values():
            for rule in (category.inpatient, category.outpatient):
                if rule.covered and rule.cap_fen is not None and rule.ratio_ppm:
                    threshold = -(-rule.cap_fen * PPM // rule.ratio_ppm)
                    points |= {rule.cap_fen, threshold, threshold + one.outpatient_offset.amount_fen}
    return sorted(p + d for p in points for d in (-1, 0, 1) if p + d >= 0)


def amounts(policy: Policy | Iterable[Policy] | None = None, max_yuan: int = 400_000) -> st.SearchStrategy[int]:
    """Self-pay in fen up to ``max_yuan``, half of the time on one of the edges of ``policy`` (or of several)."""
    anywhere = st.integers(0, max_yuan * 100)
    return st.one_of(st.sampled_from(edges(policy)), anywhere) if policy is not None else anywhere


def dates(policy: Policy | Iterable[Policy]) -> st.SearchStrategy[dt.date]:
    """Dates on which ``policy`` (or one of several, e.g. every shipped version) is in force."""
    return st.one_of(*(_dates(one) for one in _many(policy)))


def _dates(policy: Policy) -> st.SearchStrategy[dt.date]:
    end = policy.effective_to or policy.effective_from.replace(year=policy.effective_from.year + OPEN_END_YEARS)
    return st.dates(policy.effective_from, end)


@st.composite
def claims(
    draw: st.DrawFn,
    policy: Policy | Sequence[Policy],
    *,
    cats: Sequence[str] | None = None,
    day: dt.date | None = None,
    kind: str | None = None,
) -> Claim:
    """One claim under ``policy`` (or on a date of one of several versions); fix categories, date or kind to
    hold them across claims."""
    return Claim(
        date=day or draw(dates(policy)),
        kind=kind or draw(kinds()),
        self_pay_fen=draw(amounts(policy)),
        categories=tuple(cats) if cats else draw(category_sets()),
        resident_insurance=draw(st.booleans()),
        claim_id=f"c{draw(st.integers(0, 10**6))}",
    )


@st.composite
def claim_sequences(
    draw: st.DrawFn,
    policy: Policy | Sequence[Policy],
    *,
    max_claims: int = 8,
    one_category: bool = False,
    categories: Sequence[str] | None = None,
) -> list[Claim]:
    """A person's claims under ``policy``, numbered: all in ``categories`` if given, one drawn set for all
    with ``one_category``, else each claim its own."""
    cats = categories or (draw(category_sets()) if one_category else None)
    drawn = draw(st.lists(claims(policy, cats=cats), min_size=1, max_size=max_claims))
    return [attrs.evolve(claim, claim_id=str(index + 1)) for index, claim in enumerate(drawn)]


@st.composite
def persons(draw: st.DrawFn, policy: Policy | Sequence[Policy], *, max_persons: int = 5) -> dict[str, list[Claim]]:
    """Several persons' claims, keyed by person id."""
    count = draw(st.integers(1, max_persons))
    return {f"p{n}": [attrs.evolve(c, person_id=f"p{n}") for c in draw(claim_sequences(policy))] for n in range(count)}


def _vary_rule(rule: KindRule, ratio: int, cap: int | None) -> KindRule:
    return attrs.evolve(rule, ratio_ppm=ratio, cap_fen=cap) if rule.covered else rule


@st.composite
def policy_variations(draw, base: Policy) -> Policy:
    """``base`` with some ratios, caps and the offset redrawn within valid ranges (ratios 0–1, caps ≥ 0)."""
    changed: dict[str, Category] = {}
    for name, category in base.categories.items():
        if category.same_as or not draw(st.booleans()):
            continue
        rules = {}
        for kind in KINDS:
            rule = category.rule(kind)
            ratio = draw(st.integers(0, 100).map(lambda pct: pct * 10_000))
            cap = (
                draw(st.one_of(st.none(), st.integers(0, 300_000).map(lambda yuan: yuan * 100)))
                if rule.cap_fen is None
                else draw(st.integers(0, 300_000).map(lambda y: y * 100))
            )
            rules[kind] = _vary_rule(rule, ratio, cap)
        changed[name] = attrs.evolve(category, **rules)
    merged = {name: changed.get(name, category) for name, category in base.categories.items()}
    for name, category in merged.items():  # same_as categories follow their target
        if category.same_as and category.same_as in changed:
            target = changed[category.same_as]
            merged[name] = attrs.evolve(category, inpatient=target.inpatient, outpatient=target.outpatient)
    offset = attrs.evolve(base.outpatient_offset, amount_fen=draw(st.integers(0, 1_000).map(lambda y: y * 100)))
    return attrs.evolve(
        base,
        categories=merged,
        outpatient_offset=offset,
        deductible_subsidy=attrs.evolve(base.deductible_subsidy, amount_fen=offset.amount_fen),
        id=f"{base.id}~variation",
    )
