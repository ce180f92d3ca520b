"""The invariant suite of ``medaid check``: what any policy version or reform must do, tested by hypothesis.

Each invariant is a property of the reference rules under one policy; :func:`check_policy` runs them
all and reports each as held or broken, with the smallest counterexample hypothesis found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from medaid.errors import Message
from medaid.i18n.catalog import N_, gettext
from medaid.money import fen_to_yuan_str
from medaid.policy.model import KINDS, Policy
from medaid.policy.params import diff
from medaid.rules import Assessment, Claim, assess_person
from medaid.rules.caps import cap_group
from medaid.testing import strategies as mst

__all__ = [
    "Invariant",
    "InvariantBroken",
    "InvariantResult",
    "INVARIANTS",
    "check_policy",
    "claims_file_rows",
    "DOMINANCE",
]

#: Category dominance the policy intends, per kind: each gets at least what the next one gets.
DOMINANCE = ("special_relief", "dibao", "low_income", "medical_poverty_1", "medical_poverty_2")


#: The cap groups of :func:`medaid.rules.caps.cap_group` as words of the catalogues (``all``: both kinds
#: under a shared cap); the English word is the group's id, so an English reason reads as before.
_GROUP_WORDS = {"inpatient": N_("inpatient"), "outpatient": N_("outpatient"), "all": N_("all")}


def _group(group: str) -> Message:
    """A cap group as a field of a reason: translated with the reason (a nested :class:`Message`)."""
    return Message(_GROUP_WORDS[group])


@attrs.frozen
class InvariantResult:
    """One invariant's outcome: ``held``, ``broken`` (with counterexample) or ``not applicable`` (with why).

    ``reason`` and ``counterexample`` are English text; ``reason`` is a :class:`~medaid.errors.Message` when
    medaid wrote it (its id and fields, for other languages), and ``case`` is the shrunk example itself.
    """

    name: str
    description: str
    status: str
    counterexample: str | None = None
    reason: str | None = None
    case: object = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Invariant:
    """A named property: a strategy of inputs built from the policy, and a check that raises
    :class:`InvariantBroken` when it does not hold."""

    name: str
    description: str
    inputs: Callable[[Policy], st.SearchStrategy]
    check: Callable[[Policy, Policy | None, object], None]
    applies: Callable[[Policy, Policy | None], Message | None] = lambda policy, base: None


class InvariantBroken(Exception):
    """An invariant does not hold on an example. Raised explicitly (not with ``assert``), so the suite
    still checks under ``python -O``, which strips assert statements."""

    def __init__(self, message: str, **fields: object) -> None:
        self.reason = Message(message, **fields)
        super().__init__(self.reason)


def _run(policy: Policy, claims: list[Claim]) -> Assessment:
    return assess_person(claims, lambda day: policy)


def _check_bounds(policy: Policy, base: Policy | None, claims: list[Claim]) -> None:
    for r in _run(policy, claims).claims:
        if not (0 <= r.assistance_fen <= r.eligible_fen):
            raise InvariantBroken(
                N_("claim {claim_id}: assistance {assistance} outside 0..eligible {eligible}"),
                claim_id=r.claim.claim_id,
                assistance=fen_to_yuan_str(r.assistance_fen),
                eligible=fen_to_yuan_str(r.eligible_fen),
            )
        if not (r.assistance_fen + r.deductible_subsidy_fen <= r.claim.self_pay_fen):
            raise InvariantBroken(
                N_("claim {claim_id}: pays {paid} on self-pay {self_pay}"),
                claim_id=r.claim.claim_id,
                paid=fen_to_yuan_str(r.total_fen),
                self_pay=fen_to_yuan_str(r.claim.self_pay_fen),
            )


def _groups(policy: Policy) -> dict[str, tuple[str, ...]]:
    """The kinds each annual cap counts together (``caps.scope``): each kind apart, or both as one."""
    groups: dict[str, tuple[str, ...]] = {}
    for kind in KINDS:
        group = cap_group(policy.caps.scope, kind)
        groups[group] = (*groups.get(group, ()), kind)
    return groups


def _check_caps(policy: Policy, base: Policy | None, claims: list[Claim]) -> None:
    paid: dict[str, int] = {}
    assessment = _run(policy, claims)
    # The deductible subsidy's yearly maximum is an annual cap too (the strategy puts the claims in one year).
    most = policy.deductible_subsidy.amount_fen
    if not (assessment.deductible_subsidy_fen <= most):
        raise InvariantBroken(
            N_("deductible subsidy paid {paid} in a year, over its maximum {most}"),
            paid=fen_to_yuan_str(assessment.deductible_subsidy_fen),
            most=fen_to_yuan_str(most),
        )
    for r in assessment.claims:
        group = cap_group(policy.caps.scope, r.claim.kind)
        paid[group] = paid.get(group, 0) + r.assistance_fen
        if r.cap_fen is not None:
            if not (paid[group] <= r.cap_fen):
                raise InvariantBroken(
                    N_("{group} paid {paid} over the cap {cap}"),
                    group=_group(group),
                    paid=fen_to_yuan_str(paid[group]),
                    cap=fen_to_yuan_str(r.cap_fen),
                )


def _check_monotone(policy: Policy, base: Policy | None, case: tuple[list[Claim], int, int]) -> None:
    claims, index, extra = case
    index %= len(claims)
    more = [attrs.evolve(c, self_pay_fen=c.self_pay_fen + extra) if i == index else c for i, c in enumerate(claims)]
    before, after = _run(policy, claims), _run(policy, more)
    for group, kinds in _groups(policy).items():  # under a shared cap, more of one kind may leave less for the other
        old, new = (sum(a.assistance_fen(kind) for kind in kinds) for a in (before, after))
        if not (new >= old):
            raise InvariantBroken(
                N_("{group}: {extra} fen more self-pay on claim {number} pays {less} less"),
                group=_group(group),
                extra=extra,
                number=index + 1,
                less=fen_to_yuan_str(old - new),
            )
    if not (after.deductible_subsidy_fen >= before.deductible_subsidy_fen):
        raise InvariantBroken(N_("more self-pay, less deductible subsidy"))


def _check_split(policy: Policy, base: Policy | None, claims: list[Claim]) -> None:
    first = claims[0]
    # The same person, kind and insurance, all in the first claim's year (caps restart each year).
    same = [
        attrs.evolve(
            c,
            categories=first.categories,
            resident_insurance=first.resident_insurance,
            kind=first.kind,
            date=first.date,
        )
        for c in claims
    ]
    whole = [attrs.evolve(first, self_pay_fen=sum(c.self_pay_fen for c in same), claim_id="whole")]
    split, one = _run(policy, same), _run(policy, whole)
    kind = first.kind
    cap = one.claims[0].cap_fen
    if cap is not None:
        if not (split.assistance_fen(kind) <= cap):
            raise InvariantBroken(
                N_("split into {n} claims pays {paid} over the cap {cap}"),
                n=len(same),
                paid=fen_to_yuan_str(split.assistance_fen(kind)),
                cap=fen_to_yuan_str(cap),
            )
    offset = sum(r.offset_fen for r in split.claims)
    if not (offset == one.claims[0].offset_fen):
        raise InvariantBroken(
            N_("split offset {split} vs {one} as one claim: the offset must bite once"),
            split=fen_to_yuan_str(offset),
            one=fen_to_yuan_str(one.claims[0].offset_fen),
        )
    if not (split.deductible_subsidy_fen == one.deductible_subsidy_fen):
        raise InvariantBroken(
            N_("split pays {split} of deductible subsidy, one claim {one}"),
            split=fen_to_yuan_str(split.deductible_subsidy_fen),
            one=fen_to_yuan_str(one.deductible_subsidy_fen),
        )
    # Each claim is rounded once, so a split year may differ from one claim by at most a fen per claim.
    if not (abs(split.assistance_fen(kind) - one.assistance_fen(kind)) <= len(same)):
        raise InvariantBroken(
            N_("split pays {split}, one claim {one}"),
            split=fen_to_yuan_str(split.assistance_fen(kind)),
            one=fen_to_yuan_str(one.assistance_fen(kind)),
        )


def _group_total(assessment: Assessment, kinds: tuple[str, ...]) -> int:
    subsidy = assessment.deductible_subsidy_fen if "outpatient" in kinds else 0
    return sum(assessment.assistance_fen(kind) for kind in kinds) + subsidy


def _check_dominance(policy: Policy, base: Policy | None, claims: list[Claim]) -> None:
    # The same claims under each category of the chain; every adjacent pair is compared, per cap group.
    totals = [_run(policy, [attrs.evolve(c, categories=(name,)) for c in claims]) for name in DOMINANCE]
    for (stronger, a), (weaker, b) in zip(zip(DOMINANCE, totals), zip(DOMINANCE[1:], totals[1:])):
        for group, kinds in _groups(policy).items():
            if not (_group_total(a, kinds) >= _group_total(b, kinds)):
                raise InvariantBroken(
                    N_("{group}: {weaker} gets {more} but {stronger} only {less}"),
                    group=_group(group),
                    weaker=weaker,
                    more=fen_to_yuan_str(_group_total(b, kinds)),
                    stronger=stronger,
                    less=fen_to_yuan_str(_group_total(a, kinds)),
                )


def _check_no_loser(policy: Policy, base: Policy | None, claims: list[Claim]) -> None:
    if not (base is not None):
        raise InvariantBroken(N_("no_loser needs the base version"))
    new, old = _run(policy, claims), _run(base, claims)
    if not (new.total_fen >= old.total_fen):
        raise InvariantBroken(
            N_("the reform pays {reform}, the base {base}"),
            reform=fen_to_yuan_str(new.total_fen),
            base=fen_to_yuan_str(old.total_fen),
        )


def claims_file_rows(claims: list[Claim], district: str = "minhang") -> list[dict[str, str]]:
    """``claims`` as the rows of a claims file (every claim in ``district``), for the batch reader to settle
    what the reference and the ledger take as :class:`~medaid.rules.Claim` objects."""
    return [
        {
            "claim_id": c.claim_id,
            "person_id": c.person_id,
            "district": district,
            "date": c.date.isoformat(),
            "category": "|".join(c.categories),
            "kind": c.kind,
            "self_pay": fen_to_yuan_str(c.self_pay_fen),
            "resident_insurance": "true" if c.resident_insurance else "false",
        }
        for c in claims
    ]


def _check_batch(policy: Policy, base: Policy | None, persons: dict[str, list[Claim]]) -> None:
    from medaid.batch.settle import settle_batch
    from medaid.policy.registry import PolicyRegistry
    from medaid.rules import assess_each_claim

    claims = [attrs.evolve(c, claim_id=f"{person}-{i}") for person, cs in persons.items() for i, c in enumerate(cs)]
    rows = claims_file_rows(claims)
    # The strategies draw dates up to three years into an open version, so past the run date too.
    table = settle_batch(rows, registry=PolicyRegistry([policy]), strict=True, allow_future=True).table
    batch = {
        row[0]: (row[1], row[2]) for row in table.select("claim_id", "assistance", "deductible_subsidy").iter_rows()
    }
    for r in assess_each_claim(claims, lambda day: policy):
        got = batch[r.claim.claim_id]
        want = (fen_to_yuan_str(r.assistance_fen), fen_to_yuan_str(r.deductible_subsidy_fen))
        if not ((str(got[0]), str(got[1])) == want):
            raise InvariantBroken(
                N_(
                    "claim {claim_id}: batch pays {batch} + {batch_subsidy}, the reference {reference} + {reference_subsidy}"
                ),
                claim_id=r.claim.claim_id,
                batch=got[0],
                batch_subsidy=got[1],
                reference=want[0],
                reference_subsidy=want[1],
            )


def _only_raises(policy: Policy, base: Policy | None) -> Message | None:
    if base is None:
        return Message(N_("not a reform"))
    for change in diff(base, policy):
        key = change.key
        if not key.endswith((".ratio", ".cap")) or change.old is None or change.new is None:
            return Message(N_("the reform changes {key}, not only ratios and caps"), key=key)
        old, new = change.old.value, change.new.value
        if new != "none" and (old == "none" or Decimal(new) < Decimal(old)):
            return Message(N_("the reform lowers {key}"), key=key)
    return None


INVARIANTS: tuple[Invariant, ...] = (
    Invariant(
        "bounds",
        "0 ≤ assistance ≤ eligible self-pay, and assistance + subsidy ≤ self-pay, per claim",
        lambda p: mst.claim_sequences(p),
        _check_bounds,
    ),
    Invariant(
        "caps",
        "each annual cap is never exceeded in a year of claims",
        lambda p: mst.claim_sequences(p, one_category=True).map(
            lambda cs: [attrs.evolve(c, date=cs[0].date) for c in cs]
        ),
        _check_caps,
    ),
    Invariant(
        "monotone",
        "more self-pay never pays less (each kind and the subsidy)",
        lambda p: st.tuples(mst.claim_sequences(p, one_category=True), st.integers(0, 7), mst.amounts(p)),
        _check_monotone,
    ),
    Invariant(
        "split",
        "splitting a year into claims never pays more than the cap and bites the 300 offset once",
        lambda p: mst.claim_sequences(p, one_category=True),
        _check_split,
    ),
    Invariant(
        "dominance",
        "special_relief ≥ dibao ≥ low_income ≥ medical_poverty_1 ≥ medical_poverty_2, per kind",
        lambda p: mst.claim_sequences(p).map(lambda cs: [attrs.evolve(c, categories=("each category",)) for c in cs]),
        _check_dominance,
    ),
    Invariant(
        "batch",
        "the batch engine pays what the reference rules pay, claim by claim, to the fen",
        lambda p: mst.persons(p, max_persons=3),
        _check_batch,
    ),
    Invariant(
        "no_loser",
        "a reform that only raises ratios or caps never pays anyone less",
        lambda p: mst.claim_sequences(p),
        _check_no_loser,
        _only_raises,
    ),
)


def check_policy(
    policy: Policy,
    base: Policy | None = None,
    *,
    examples: int = 200,
    seed: int | None = 0,
    invariants: Iterable[Invariant] = INVARIANTS,
) -> list[InvariantResult]:
    """Run each invariant against ``policy`` (``base``: the version a reform extends)."""
    return [_check_one(inv, policy, base, examples, seed) for inv in invariants]


def _check_one(
    invariant: Invariant, policy: Policy, base: Policy | None, examples: int, seed: int | None
) -> InvariantResult:
    why = invariant.applies(policy, base)
    if why is not None:
        return InvariantResult(invariant.name, invariant.description, "not applicable", reason=why)
    failures: list[tuple[object, Exception]] = []

    @settings(
        max_examples=examples, database=None, deadline=None, suppress_health_check=list(HealthCheck), print_blob=False
    )
    @given(invariant.inputs(policy))
    def property_test(case: object) -> None:
        try:
            invariant.check(policy, base, case)
        except Exception as exc:  # an error is as broken as a failed assertion
            failures.append((case, exc))
            raise

    test = hypothesis_seed(seed)(property_test) if seed is not None else property_test
    try:
        test()
    except Exception:
        if not failures:
            raise
        case, error = failures[-1]  # hypothesis replays the shrunk example last
        return InvariantResult(
            invariant.name,
            invariant.description,
            "broken",
            counterexample=describe(case),
            reason=error.reason if isinstance(error, InvariantBroken) else str(error) or type(error).__name__,
            case=case,
        )
    return InvariantResult(invariant.name, invariant.description, "held")


#: The words of a counterexample, marked for the catalogues.
_CASE_WORDS = {
    "claim": N_("{date} {kind} self-pay {self_pay} [{categories}]"),
    "resident": N_(" resident insurance"),
    "compared": N_("compared with {values}"),
    "separator": N_("; "),
    "inpatient": N_("inpatient"),
    "outpatient": N_("outpatient"),
}


def describe(case: object, lang: str = "en") -> str:
    """A counterexample in a form a policy analyst can read (in ``lang``)."""
    words = {key: gettext(text, lang) for key, text in _CASE_WORDS.items()}
    claims = case[0] if isinstance(case, tuple) else case
    if isinstance(claims, dict):  # the batch invariant's persons: person id -> claims
        claims = [c for person_claims in claims.values() for c in person_claims]
    lines = [
        words["claim"].format(
            date=c.date.isoformat(),
            kind=words.get(c.kind, c.kind),
            self_pay=fen_to_yuan_str(c.self_pay_fen),
            categories="|".join(c.categories),
        )
        + (words["resident"] if c.resident_insurance else "")
        for c in claims  # type: ignore[union-attr]
    ]
    if isinstance(case, tuple) and len(case) > 1:
        lines.append(words["compared"].format(values=", ".join(str(x) for x in case[1:])))
    return words["separator"].join(lines)
