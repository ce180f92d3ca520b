"""The reference calculation (the clauses of :mod:`medaid.rules.clauses`, in order): one claim, and one person's claims in date order.

This is the definition every faster path (batch, ledger) must match to the fen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable

from medaid._deprecation import renamed
from medaid._version import __version__
from medaid.errors import N_, InputError
from medaid.money import MAX_FEN
from medaid.policy.model import KINDS, Policy
from medaid.rules.caps import cap_bound, cap_left, cap_payment, cap_used, limit_value
from medaid.rules.clauses import clause
from medaid.rules.model import Assessment, Claim, ClaimResult, TraceEntry, Usage
from medaid.rules.ops import SCALAR
from medaid.rules.outpatient import offset, subsidy, subsidy_max, takes_offset
from medaid.rules.ratio import before_cap, eligible, select_category

__all__ = ["assess_claim", "assess_person", "assess_person_year", "assess_each_claim"]

PolicyFor = Callable[[dt.date], Policy]


def _step(clause_id: str) -> tuple[str, str]:
    """The step code a clause records and the policy field it cites, from the clause metadata."""
    c = clause(clause_id)
    if c.step is None:  # a programming error, raised on import
        raise LookupError(f"clause {clause_id} records no explanation step")
    return c.step, c.field


_CATEGORY, _OFFSET, _NOT_COVERED, _RATIO, _SUBSIDY, _CAP, _CAP_SCOPE = (
    _step(name) for name in ("category", "offset", "eligible", "ratio", "subsidy", "cap", "cap_scope")
)


def assess_claim(policy: Policy, claim: Claim, usage: Usage) -> ClaimResult:
    """Assess one claim under ``policy`` given the person's usage of the claim's year so far.

    Order (the clauses of :mod:`medaid.rules.clauses`, in turn): choose the category (就高), then for
    outpatient claims of resident-insurance members the 300 offset and the deductible subsidy that pays it,
    then ratio × eligible rounded half up once, then the annual cap. Returns the amounts, the steps and the
    usage after this claim.
    """
    kind = claim.kind
    fen = claim.self_pay_fen
    if not (
        kind in KINDS
        and type(fen) is int
        and 0 <= fen < MAX_FEN
        and type(claim.date) is dt.date
        and type(claim.categories) is tuple
        and claim.categories
    ):
        _refuse(claim)
    category = select_category(policy, claim.categories, kind)
    rule = category.rule(kind)
    # With several categories the choice itself is a rule (就高) with its own citation.
    several = len(claim.categories) > 1
    chosen_by = policy.selection if several else rule.citation
    trace: list[TraceEntry] = [
        (
            _CATEGORY[0],
            kind,
            chosen_by,
            _CATEGORY[1] if several else _RATIO[1],
            {"category": category.id, "candidates": claim.categories},
        )
    ]
    subsidy = offset = 0
    if kind == "outpatient" and claim.resident_insurance:
        subsidy, offset = _resident_outpatient(policy, category.id, claim, usage, trace)
    eligible_fen = eligible(SCALAR, claim.self_pay_fen, offset, rule.covered)
    if not rule.covered:
        trace.append((_NOT_COVERED[0], kind, rule.citation, _NOT_COVERED[1], {"category": category.id}))
        return _result(policy, claim, usage, category.id, 0, offset, eligible_fen, 0, subsidy, None, None, None, trace)
    before = before_cap(SCALAR, eligible_fen, rule.ratio_ppm)
    trace.append(
        (
            _RATIO[0],
            kind,
            rule.citation,
            _RATIO[1],
            {"eligible": eligible_fen, "ratio_ppm": rule.ratio_ppm, "amount": before},
        )
    )
    scope = policy.caps
    if scope.citation is not None:
        trace.append((_CAP_SCOPE[0], kind, scope.citation, _CAP_SCOPE[1], {"scope": scope.scope}))
    paid_before = cap_used(usage, kind, scope.scope)
    cap = rule.cap_fen
    assistance = cap_payment(SCALAR, before, limit_value(cap), paid_before)
    left = None if cap is None else cap_left(SCALAR, cap, paid_before, assistance)
    trace.append(
        (
            _CAP[0],
            kind,
            rule.citation,
            _CAP[1],
            {"cap": cap, "paid_before": paid_before, "before_cap": before, "amount": assistance, "cap_left": left},
        )
    )
    return _result(
        policy,
        claim,
        usage,
        category.id,
        rule.ratio_ppm,
        offset,
        eligible_fen,
        before,
        subsidy,
        assistance,
        cap,
        left,
        trace,
    )


def _resident_outpatient(
    policy: Policy, category: str, claim: Claim, usage: Usage, trace: list[TraceEntry]
) -> tuple[int, int]:
    subsidy_rule, offset_rule = policy.deductible_subsidy, policy.outpatient_offset
    takes = takes_offset(policy, category, "outpatient", True)
    offset_fen = offset(SCALAR, claim.self_pay_fen if takes else 0, offset_rule.amount_fen, usage.offset_used_fen)
    if takes:
        trace.append(
            (
                _OFFSET[0],
                "outpatient",
                offset_rule.citation,
                _OFFSET[1],
                {"amount": offset_fen, "max": offset_rule.amount_fen, "used_before": usage.offset_used_fen},
            )
        )
    subsidy_fen = subsidy(SCALAR, offset_fen, subsidy_max(policy, category))
    if category in subsidy_rule.categories:
        trace.append(
            (
                _SUBSIDY[0],
                "outpatient",
                subsidy_rule.citation,
                _SUBSIDY[1],
                {"amount": subsidy_fen, "max": subsidy_rule.amount_fen, "paid_before": usage.subsidy_paid_fen},
            )
        )
    return subsidy_fen, offset_fen


def _result(
    policy: Policy,
    claim: Claim,
    usage: Usage,
    category: str,
    ratio: int,
    offset: int,
    eligible: int,
    before_cap: int,
    subsidy: int,
    assistance: int | None,
    cap: int | None,
    cap_left: int | None,
    trace: list[TraceEntry],
) -> ClaimResult:
    paid = assistance or 0
    return ClaimResult(
        claim=claim,
        policy=policy,
        category=category,
        ratio_ppm=ratio,
        offset_fen=offset,
        eligible_fen=eligible,
        before_cap_fen=before_cap,
        assistance_fen=paid,
        deductible_subsidy_fen=subsidy,
        cap_fen=cap,
        cap_left_fen=cap_left,
        cap_bound=assistance is not None and cap_bound(True, assistance, before_cap),
        trace=tuple(trace),
        usage=usage.add(claim.kind, paid, offset, subsidy),
    )


def _refuse(claim: Claim) -> None:
    """Name the value a library caller got wrong (the checks of the claims contract, on a Claim)."""
    if claim.kind not in KINDS:
        raise InputError(N_("kind must be inpatient or outpatient, got {kind!r}"), kind=claim.kind)
    check_amount(claim.self_pay_fen, "self_pay_fen")
    if not isinstance(claim.date, dt.date) or isinstance(claim.date, dt.datetime):
        raise InputError(
            N_("date must be a datetime.date, got {type_name} {date!r}"),
            type_name=type(claim.date).__name__,
            date=claim.date,
        )
    check_categories(claim.categories)
    if type(claim.categories) is not tuple:
        raise InputError(
            N_("categories must be a tuple of category ids, got {categories!r}"), categories=claim.categories
        )


def check_amount(fen: object, what: str) -> None:
    """An amount of fen from a library caller: a whole number (not a float, not a bool), 0 ≤ fen < the maximum."""
    if type(fen) is not int:
        raise InputError(
            N_("{what} must be a whole number of fen (int), got {type_name} {fen!r}"),
            what=what,
            type_name=type(fen).__name__,
            fen=fen,
        )
    if fen < 0:
        raise InputError(N_("{what} must not be negative, got {fen} fen"), what=what, fen=fen)
    if fen >= MAX_FEN:
        raise InputError(
            N_("{what} must be below {maximum} fen ({yuan} yuan), got {fen}"),
            what=what,
            maximum=MAX_FEN,
            yuan=MAX_FEN // 100,
            fen=fen,
        )


def check_categories(categories: object) -> None:
    """Category ids from a library caller: a list or tuple of strings, not empty, not a bare string."""
    if isinstance(categories, str):
        raise InputError(
            N_("categories must be a list of category ids like ['dibao'], got the string {categories!r}"),
            categories=categories,
        )
    if not isinstance(categories, (list, tuple)) or not categories:
        raise InputError(
            N_("categories must be a non-empty list of category ids like ['dibao'], got {categories!r}"),
            categories=categories,
        )
    for category in categories:
        if not isinstance(category, str):
            raise InputError(N_("categories must be category ids (text), got {category!r}"), category=category)


def assess_person(claims: Iterable[Claim], policy_for: PolicyFor) -> Assessment:
    """Assess one person's claims in date order (ties in the order given), caps restarting each year.

    ``policy_for`` returns the version in force on a date (e.g. ``registry.medical_assistance``), so a
    claim is governed by the version of its own date.
    """
    ordered = sorted(claims, key=_by_date)
    results = []
    usage = None
    policies: dict[str, Policy] = {}
    for claim in ordered:
        if usage is None or claim.date.year != usage.year:
            usage = Usage(claim.date.year)
        policy = policy_for(claim.date)
        policies[policy.id] = policy
        result = assess_claim(policy, claim, usage)
        usage = result.usage
        results.append(result)
    return Assessment(
        claims=tuple(results),
        engine_version=__version__,
        policy_ids=tuple(policies),
        policy_hash=_combined_hash([p.content_hash for p in policies.values()]),
    )


def assess_person_year(
    categories: tuple[str, ...] | list[str],
    date: dt.date,
    policy_for: PolicyFor,
    *,
    inpatient_fen: int = 0,
    outpatient_fen: int = 0,
    resident_insurance: bool = False,
) -> Assessment:
    """A person-year given as totals: one inpatient and one outpatient claim on ``date``.

    ``categories`` are ids or the names a person types (低保, 低收入, a policy file's aliases): see
    :func:`category_ids`.

    Raises:
        InputError: a category given as a bare string or an empty list, a date that is not a
            ``datetime.date``, an amount that is not whole fen (a float) or is beyond the maximum.
    """
    check_categories(categories)
    categories = tuple(categories)
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise InputError(
            N_("date must be a datetime.date, got {type_name} {date!r}"), type_name=type(date).__name__, date=date
        )
    check_amount(inpatient_fen, "inpatient_fen")
    check_amount(outpatient_fen, "outpatient_fen")
    if not isinstance(resident_insurance, bool):
        raise InputError(
            N_("resident_insurance must be True or False, got {resident_insurance!r}"),
            resident_insurance=resident_insurance,
        )
    categories = category_ids(categories, policy_for(date))
    claims = [
        Claim(date, "inpatient", inpatient_fen, categories, resident_insurance, "inpatient"),
        Claim(date, "outpatient", outpatient_fen, categories, resident_insurance, "outpatient"),
    ]
    return assess_person(claims, policy_for)


def category_ids(categories: tuple[str, ...], policy: Policy) -> tuple[str, ...]:
    """Categories as a person types them (低保, 低收入, dibao, DIBAO …) as ``policy``'s category ids, by the
    policy's names (:class:`medaid.policy.names.CategoryNames`: ids, ``name_zh``, ``aliases``);
    an unknown name stays, for :meth:`Policy.category` to refuse with the valid ones."""
    if all(name in policy.categories for name in categories):
        return categories  # the common case, ids already: no lookup
    from medaid.policy.names import CategoryNames

    return CategoryNames.from_policies([policy]).ids(categories)


def assess_each_claim(claims: Iterable[Claim], policy_for: PolicyFor) -> list[ClaimResult]:
    """Many persons' claims: each person assessed in date order (ties in input order), results in input order.

    This per-claim loop is the reference the batch engine and the ledger are tested against.
    """
    by_person: dict[str, list[tuple[int, Claim]]] = {}
    for index, claim in enumerate(claims):
        by_person.setdefault(claim.person_id, []).append((index, claim))
    results: dict[int, ClaimResult] = {}
    for rows in by_person.values():
        rows.sort(key=lambda row: row[1].date)
        for (index, _claim), result in zip(rows, assess_person([claim for _i, claim in rows], policy_for).claims):
            results[index] = result
    return [results[index] for index in range(len(results))]


assess_claims = renamed(assess_each_claim, "assess_claims")


def _by_date(claim: Claim) -> dt.date:
    return claim.date


def _combined_hash(hashes: list[str]) -> str:
    if len(hashes) == 1:
        return hashes[0]
    return "sha256:" + hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()
