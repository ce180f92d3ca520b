"""The ledger endpoints (the casework path): settle claims, read one back with its steps, reverse (冲正),
clear (个人清算), and a person's year-to-date usage.

Every call goes to :class:`medaid.Ledger` (the ``--db`` given to ``medaid serve``, unchanged), so the ledger's
guarantees hold as they do for ``medaid ledger``: idempotent by ``claim_id`` (a repeat with the same
content returns the stored settlement marked ``duplicate``; different content is a 409), never past a cap,
each request one transaction that commits whole or not at all.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from medaid.errors import N_, InputError, MedaidError
from medaid.money import fen_to_yuan_str as yuan
from medaid.money import ppm_to_str
from medaid.present.claim_text import outcome_amounts
from medaid.service._http import decode, lang_of, read_body, require_token, respond, state_of
from medaid.service.problems import ProblemError, from_medaid
from medaid.service.schemas import ClearingRequest, LedgerClaim, LedgerClaims, ReversalRequest

__all__ = ["settle_claims", "stored_claim", "reverse", "clear", "usage", "to_claim", "settlement_dict"]

_claims_decoder = msgspec.json.Decoder(LedgerClaims)
_reversal_decoder = msgspec.json.Decoder(ReversalRequest)
_clearing_decoder = msgspec.json.Decoder(ClearingRequest)
_INDEXED = re.compile(r"^claim (\d+) \(")
_NAMED = re.compile(r"claim_id ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")


def to_claim(claim: LedgerClaim, parse) -> tuple[Any, str]:
    """A request claim as a :class:`medaid.rules.Claim` and its district id, read by the claims file's row
    reader (``parse``: :class:`medaid.ledger.claims_file` reads a CSV row the same way), values stripped as
    a CSV field is."""
    values = (
        claim.claim_id.strip(),
        claim.person_id.strip(),
        claim.district.strip(),
        claim.date.isoformat(),
        claim.category.strip(),
        claim.kind,
        claim.self_pay,
        "true" if claim.resident_insurance else "false",
    )
    return parse(values)


def _row_parser(registry):
    """The claims contract's scalar reader (:class:`medaid.contract.ClaimsContract`, which also reads every
    row of a claims file): one reading of a row, raising :class:`InputError` with the contract's reason."""
    from medaid.contract import ClaimsContract

    contract = ClaimsContract(registry)

    def parse(values: tuple[str, ...]) -> tuple[Any, str]:
        parsed, reason = contract.row(values)
        if parsed is None:
            raise InputError(N_("{reason}"), reason=reason or "refused")
        return parsed.claim(), parsed.district

    return parse


def settlement_dict(s, district: str | None = None, district_id: str | None = None) -> dict[str, Any]:
    """A ledger settlement as JSON: the claim, what was paid and why, and its status."""
    return {
        "claim_id": s.claim_id,
        "person_id": s.person_id,
        "date": s.date.isoformat(),
        "kind": s.kind,
        "self_pay": yuan(s.self_pay_fen),
        "categories": list(s.categories),
        "resident_insurance": s.resident_insurance,
        "district": district,
        "district_id": district_id,
        "category_applied": s.category,
        "policy_id": s.policy_id,
        "policy_hash": s.policy_hash,
        "offset": yuan(s.offset_fen),
        "eligible": yuan(s.eligible_fen),
        "ratio": ppm_to_str(s.ratio_ppm),
        **outcome_amounts(s),
        "provisional": list(s.provisional),
        "status": s.status,
        "settled_at": s.settled_at,
        "engine_version": s.engine_version,
    }


async def settle_claims(request: Request) -> Response:
    require_token(request)
    state = state_of(request)
    body = await read_body(request, state.config.max_body)
    decoded = decode(body, _claims_decoder)
    single = isinstance(decoded, LedgerClaim)
    given = [decoded] if single else decoded
    parse = _row_parser(state.registry)
    claims, districts = [], []
    for index, item in enumerate(given):
        prefix = "" if single else f"/{index}"
        try:
            claim, district_id = to_claim(item, parse)
        except InputError as exc:
            raise _claim_problem(exc, prefix, item) from None
        claims.append(claim)
        districts.append((item.district, district_id))
    try:
        settled = await state.in_ledger(lambda ledger: ledger.settle_many(claims))
    except MedaidError as exc:
        index = 0
        match = _INDEXED.match(exc.message)
        named = _NAMED.search(exc.message)
        if match:
            index = int(match[1])
        elif named:  # a conflict with the ledger names the claim_id: point at the first claim with it
            index = next((i for i, c in enumerate(claims) if repr(c.claim_id) == named[1]), 0)
        raise _claim_problem(exc, "" if single else f"/{index}", given[index]) from None
    out = [settlement_dict(s, *where) for s, where in zip(settled, districts)]
    return respond({"settlements": out, **state.stamp})


def _claim_problem(exc: MedaidError, prefix: str, claim: LedgerClaim) -> ProblemError:
    problem = from_medaid(exc, prefix)
    for error in problem.errors:
        field = error["pointer"].rsplit("/", 1)[-1]
        value = getattr(claim, field, None)
        if value is not None and "value" not in error:
            error["value"] = value.isoformat() if hasattr(value, "isoformat") else value
    return problem


async def stored_claim(request: Request) -> Response:
    require_token(request)
    state = state_of(request)
    claim_id = request.path_params["claim_id"]
    try:
        s = await state.in_ledger(lambda ledger: ledger.settlement(claim_id))
    except MedaidError as exc:
        raise _path_problem(exc, "claim_id", claim_id) from None
    lang = lang_of(request)
    steps, explanation = _steps(state, s, lang)
    return respond(
        {"settlement": settlement_dict(s), "steps": steps, "explanation": explanation, "lang": lang, **state.stamp}
    )


def _steps(state, s, lang: str) -> tuple[list[dict], list[str]]:
    """The explanation steps of a stored settlement: the claim assessed again by the reference rules with
    the year-to-date usage it was settled against, as far as the stored amounts determine it (the amount
    paid before it under the cap, the 300 offset used before it)."""
    from medaid.present.assessment import step_dict
    from medaid.present.explain import explain
    from medaid.rules import Assessment, Usage, assess_claim
    from medaid.rules.ops import SCALAR
    from medaid.rules.outpatient import subsidy, subsidy_max, takes_offset

    policy = state.registry.medical_assistance(s.date)
    claim = s.claim
    if s.cap_fen is not None:
        paid_before = max(0, s.cap_fen - (s.cap_left_fen or 0) - s.assistance_fen)
    else:
        paid_before = 0
    # The offset band left before this claim, and the subsidy paid on it, by the clauses themselves.
    offsets = takes_offset(policy, s.category, s.kind, s.resident_insurance)
    offset_used = max(0, policy.outpatient_offset.amount_fen - s.offset_fen) if offsets else 0
    subsidy_paid = subsidy(SCALAR, offset_used, subsidy_max(policy, s.category))
    usage = Usage(
        s.date.year,
        paid_before if s.kind == "inpatient" else 0,
        paid_before if s.kind == "outpatient" else 0,
        offset_used,
        subsidy_paid,
    )
    result = assess_claim(policy, claim, usage)
    assessment = Assessment(
        claims=(result,), engine_version=s.engine_version, policy_ids=(policy.id,), policy_hash=s.policy_hash
    )
    return [step_dict(step) for step in result.steps], explain(assessment, state.registry.get, lang)


async def reverse(request: Request) -> Response:
    require_token(request)
    state = state_of(request)
    claim_id = request.path_params["claim_id"]
    req: ReversalRequest = decode(await read_body(request, state.config.max_body), _reversal_decoder)
    try:
        r = await state.in_ledger(lambda ledger: ledger.reverse(claim_id, req.reason))
    except MedaidError as exc:
        if exc.message.startswith("a reversal needs a reason"):
            raise from_medaid(exc, field="reason", value=req.reason) from None
        raise _path_problem(exc, "claim_id", claim_id) from None
    return respond(
        {
            "claim_id": r.claim_id,
            "person_id": r.person_id,
            "year": r.year,
            "kind": r.kind,
            "reason": r.reason,
            "assistance": yuan(r.assistance_fen),
            "deductible_subsidy": yuan(r.deductible_subsidy_fen),
            "offset": yuan(r.offset_fen),
            "reversed_at": r.reversed_at,
            **state.stamp,
        }
    )


def _person_year(request: Request) -> tuple[str, int]:
    person_id, year = request.path_params["person_id"], request.path_params["year"]
    if not (year.isascii() and year.isdigit() and len(year) == 4 and 1900 <= int(year) <= 9999):
        message = f"year must be a year like 2023, got {year!r}"
        raise ProblemError(
            "invalid-field", f"year: {message}", [{"parameter": "year", "detail": message, "value": year}]
        )
    if not person_id.strip():
        message = f"person_id must be a non-empty string, got {person_id!r}"
        raise ProblemError(
            "invalid-field",
            f"person_id: {message}",
            [{"parameter": "person_id", "detail": message, "value": person_id}],
        )
    return person_id, int(year)


async def clear(request: Request) -> Response:
    require_token(request)
    state = state_of(request)
    person_id, year = _person_year(request)
    body = await read_body(request, state.config.max_body)
    req = decode(body, _clearing_decoder) if body.strip() else ClearingRequest()
    try:
        c = await state.in_ledger(lambda ledger: ledger.clear(person_id, year, apply=req.apply))
    except MedaidError as exc:
        raise _path_problem(exc, "person_id", person_id) from None
    from medaid.present.clearing import clearing_dict

    return respond({**clearing_dict(c), **state.stamp})


async def usage(request: Request) -> Response:
    require_token(request)
    state = state_of(request)
    person_id, year = _person_year(request)
    try:
        u, settlements = await state.in_ledger(
            lambda ledger: (ledger.usage(person_id, year), ledger.settlements(person_id, year))
        )
    except MedaidError as exc:
        raise _path_problem(exc, "person_id", person_id) from None

    def kind(k) -> dict:
        return {
            "paid": yuan(k.paid_fen),
            "category": k.category,
            "cap": None if k.cap_fen is None else yuan(k.cap_fen),
            "remaining": None if k.remaining_fen is None else yuan(k.remaining_fen),
        }

    return respond(
        {
            "person_id": u.person_id,
            "year": u.year,
            "inpatient": kind(u.inpatient),
            "outpatient": kind(u.outpatient),
            "offset_used": yuan(u.offset_used_fen),
            "deductible_subsidy_paid": yuan(u.subsidy_paid_fen),
            "claims": u.claims,
            "reversed": u.reversed,
            "settlements": [settlement_dict(s) for s in settlements],
            **state.stamp,
        }
    )


def _path_problem(exc: MedaidError, parameter: str, value: str) -> ProblemError:
    problem = from_medaid(exc)
    problem.errors = [{"parameter": parameter, "detail": exc.message, "value": value}]
    return problem
