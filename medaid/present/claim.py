"""One claim explained: the reference rules re-run for it, with the usage it was settled against.

From a ledger (:func:`from_ledger`): the person-year's settlements are replayed in the order they were
settled (reversals made before the claim taken out), which gives the usage the claim saw, and the claim is
assessed again with :func:`medaid.rules.assess_claim`; the result must equal the stored settlement to the
fen (:attr:`ClaimExplanation.matches`). From a claims file (:func:`from_claims_file`): that person's
claims are assessed in date order with :func:`medaid.rules.assess_person`, as the batch engine does.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from medaid.errors import N_, InputError, InternalError
from medaid.rules import Claim, Usage, assess_claim, assess_person
from medaid.rules.model import ClaimResult

__all__ = ["ClaimExplanation", "from_ledger", "from_claims_file", "STORED_FIELDS"]

#: The amounts a settlement stores that the re-run must reproduce exactly.
STORED_FIELDS = (
    "category",
    "ratio_ppm",
    "offset_fen",
    "eligible_fen",
    "before_cap_fen",
    "assistance_fen",
    "deductible_subsidy_fen",
    "cap_fen",
    "cap_left_fen",
    "cap_bound",
)


@attrs.frozen
class ClaimExplanation:
    """A claim, the usage of its year before it, and the reference rules' result for it.

    ``origin`` is ``ledger`` or ``claims``; ``where`` the ledger or claims file. For a ledger claim,
    ``status`` is ``settled`` or ``reversed``, ``reversal`` the reversal (冲正) if any, ``adjustment`` the
    clearing (个人清算) adjustments recorded for it (assistance, subsidy; fen), and ``matches`` whether the
    re-run gives the stored amounts (it does unless the policy files changed since).
    """

    origin: str
    where: str
    result: ClaimResult
    usage_before: Usage
    status: str = "settled"
    settled_at: str | None = None
    reversal: object = None
    adjustment: tuple[int, int] = (0, 0)
    matches: bool = True
    stored_policy_hash: str | None = None
    differences: tuple[str, ...] = ()

    @property
    def claim(self) -> Claim:
        """The claim explained."""
        return self.result.claim


def from_ledger(ledger, claim_id: str, policy_for, where: str = "") -> ClaimExplanation:
    """Explain the ledger's settlement of ``claim_id``; ``policy_for`` gives the version in force on a date.

    Raises:
        UnknownClaimError: the ledger never settled ``claim_id``.
    """
    settlement = ledger.settlement(claim_id)
    year = settlement.date.year
    history = ledger.settlements(settlement.person_id, year)
    reversals = {s.claim_id: ledger.reversal(s.claim_id) for s in history if s.status == "reversed"}
    adjustments = ledger.adjustments(settlement.person_id, year)
    policy = policy_for(settlement.date)
    claim = Claim(
        settlement.date,
        settlement.kind,
        settlement.self_pay_fen,
        settlement.categories,
        settlement.resident_insurance,
        settlement.claim_id,
        settlement.person_id,
    )
    # Usage before the claim: the claims settled before it, less those reversed before it was settled.
    # A clearing (个人清算) may have changed the usage between; its adjustments carry no time in the
    # store's interface, so the replay is tried without and then with them and the one that gives the
    # stored amounts is kept.
    earlier = [
        s
        for s in history
        if s.seq < settlement.seq
        and not (s.claim_id in reversals and reversals[s.claim_id].reversed_at < settlement.settled_at)
    ]
    tries = [_usage(year, earlier, {})]
    if adjustments:
        tries.append(_usage(year, earlier, adjustments))
    for usage in tries:
        result = assess_claim(policy, claim, usage)
        differences = _differences(result, settlement)
        if not differences:
            break
    return ClaimExplanation(
        "ledger",
        where,
        result,
        usage,
        settlement.status,
        settlement.settled_at,
        reversals.get(claim_id),
        adjustments.get(claim_id, (0, 0)),
        not differences,
        settlement.policy_hash,
        differences,
    )


def _usage(year: int, earlier: list, adjustments: dict[str, tuple[int, int]]) -> Usage:
    inpatient = outpatient = offset = subsidy = 0
    for s in earlier:
        extra, extra_subsidy = adjustments.get(s.claim_id, (0, 0))
        if s.kind == "inpatient":
            inpatient += s.assistance_fen + extra
        else:
            outpatient += s.assistance_fen + extra
            offset += s.offset_fen
        subsidy += s.deductible_subsidy_fen + extra_subsidy
    return Usage(year, inpatient, outpatient, offset, subsidy)


def _differences(result: ClaimResult, settlement) -> tuple[str, ...]:
    out = []
    for field in STORED_FIELDS:
        now, stored = getattr(result, field), getattr(settlement, field)
        if now != stored:
            out.append(f"{field}: stored {stored}, now {now}")
    if result.policy.content_hash != settlement.policy_hash:
        out.append(f"policy_hash: stored {settlement.policy_hash}, now {result.policy.content_hash}")
    return tuple(out)


def from_claims_file(path: Path | str, claim_id: str, policy_for) -> ClaimExplanation:
    """Explain ``claim_id`` of a claims file by assessing that person's claims in date order.

    ``policy_for`` gives the version in force on a date (``registry.medical_assistance``).

    Raises:
        InputError: the file cannot be read, has no (or a rejected, or a repeated) ``claim_id``.
    """
    from medaid.ledger.claims_file import read_claims

    rows, rejected = read_claims(path)
    where = str(path)
    found = [row for row in rows if row.claim.claim_id == claim_id]
    if not found:
        for reject in rejected:
            if claim_id in (field.strip() for field in reject.fields):
                raise InputError(
                    N_("claim_id {claim_id!r} is on a rejected row: {reason}"),
                    claim_id=claim_id,
                    reason=reject.reason,
                    file=where,
                    line=reject.line,
                )
        raise InputError(N_("no claim with claim_id {claim_id!r}"), claim_id=claim_id, where=where)
    if len(found) > 1:
        lines = ", ".join(str(row.line) for row in found)
        raise InputError(
            N_("claim_id {claim_id!r} appears {n_found} times (lines {lines})"),
            claim_id=claim_id,
            n_found=len(found),
            lines=lines,
            where=where,
        )
    target = found[0].claim
    # The batch engine's order: the person's claims by date, ties in file order (a stable sort).
    person = [row.claim for row in rows if row.claim.person_id == target.person_id]
    assessment = assess_person(person, policy_for)
    before = Usage(target.date.year)
    for result in assessment.claims:
        if result.claim is target:
            return ClaimExplanation("claims", where, result, before)
        before = result.usage if result.claim.date.year == target.date.year else Usage(target.date.year)
    raise InternalError(
        N_("claim {claim_id!r} is not among its person's claims"), claim_id=claim_id
    )  # pragma: no cover
