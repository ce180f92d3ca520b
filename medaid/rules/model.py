"""Inputs and results of the reference calculation: claims, year-to-date usage, steps, assessments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from medaid.policy.model import Citation, Policy

__all__ = ["Claim", "Usage", "Step", "ClaimOutcome", "ClaimResult", "Assessment", "all_keyword_only"]


@attrs.frozen
class Claim:
    """One settlement of eligible self-pay (符合规定的自负费用) for one kind of care, in fen.

    ``categories`` holds every recipient category the person is in on ``date``; the rules pick the
    highest (就高). ``resident_insurance`` is membership of the resident insurance (城乡居民医保).
    """

    date: dt.date
    kind: str
    self_pay_fen: int
    categories: tuple[str, ...]
    resident_insurance: bool = False
    claim_id: str = ""
    person_id: str = ""


@attrs.frozen
class Usage:
    """What a person has used of one calendar year's caps and offsets so far (fen).

    ``offset_used_fen`` is how much of the 300-yuan outpatient offset earlier claims took;
    ``subsidy_paid_fen`` the deductible subsidy paid so far (never more than the offset used).
    """

    year: int
    paid_inpatient_fen: int = 0
    paid_outpatient_fen: int = 0
    offset_used_fen: int = 0
    subsidy_paid_fen: int = 0

    def paid(self, kind: str) -> int:
        """Assistance paid so far this year for ``kind``, whatever category it was paid under."""
        return self.paid_inpatient_fen if kind == "inpatient" else self.paid_outpatient_fen

    def add(self, kind: str, assistance_fen: int, offset_fen: int, subsidy_fen: int) -> Usage:
        """The usage after a ``kind`` claim that paid these amounts (negative amounts undo one, as a reversal does).

        The one transition of the running state (:data:`medaid.rules.clauses.ACCUMULATORS`): the reference
        advances it claim by claim, the ledger stores it and undoes a reversed claim with it.
        """
        inpatient = assistance_fen if kind == "inpatient" else 0
        return Usage(
            self.year,
            self.paid_inpatient_fen + inpatient,
            self.paid_outpatient_fen + assistance_fen - inpatient,
            self.offset_used_fen + offset_fen,
            self.subsidy_paid_fen + subsidy_fen,
        )


@attrs.frozen
class Step:
    """One step of the explanation: what was done, with which amounts, under which policy key and source.

    ``code`` is one of ``category``, ``not_covered``, ``subsidy``, ``offset``, ``ratio``, ``cap``;
    ``values`` holds the step's amounts (fen), ratios (ppm) and names, keyed by what they are.
    """

    code: str
    kind: str
    key: str
    source: str
    provisional: str | None
    values: Mapping[str, object]


#: A step as recorded on the hot path: (code, kind, citation, field, values); see :attr:`ClaimResult.steps`.
TraceEntry = tuple[str, str, Citation, str, dict[str, object]]


def all_keyword_only(cls: type, fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """An attrs ``field_transformer`` making every field keyword-only, inherited ones included.

    ``kw_only=True`` on a class covers only the fields it declares itself; a record assembled from other
    records' fields (:class:`ClaimResult`, the ledger's ``Settlement``) is built by name throughout.
    """
    return [field.evolve(kw_only=True) for field in fields]


# slots=False: a record may combine these fields with a Claim's (the ledger's Settlement does), and
# Python allows one base with slots of its own only.
@attrs.frozen(kw_only=True, slots=False)
class ClaimOutcome:
    """What the rules decided for one claim (结算结果), in fen: declared once here for every record of it.

    :class:`ClaimResult` (the reference) and the ledger's ``Settlement`` (what was recorded) both take these
    fields by inheritance, so a new amount is one edit here; the ledger stores every field it holds.
    """

    category: str
    ratio_ppm: int
    offset_fen: int
    eligible_fen: int
    before_cap_fen: int
    assistance_fen: int
    deductible_subsidy_fen: int
    cap_fen: int | None
    cap_left_fen: int | None
    cap_bound: bool

    @property
    def total_fen(self) -> int:
        """Assistance plus the deductible subsidy of this claim."""
        return self.assistance_fen + self.deductible_subsidy_fen


@attrs.frozen(kw_only=True, field_transformer=all_keyword_only)
class ClaimResult(ClaimOutcome):
    """The assessment of one claim: the claim, the :class:`ClaimOutcome` amounts, and the steps that produced them.

    The steps are recorded as a compact trace while assessing and turned into :class:`Step` objects
    only when read, which keeps a person-year under 20 µs. Built by keyword only.
    """

    claim: Claim
    policy: Policy = attrs.field(eq=False, repr=lambda policy: policy.id)
    trace: tuple[TraceEntry, ...] = attrs.field(repr=False)
    usage: Usage

    @property
    def policy_id(self) -> str:
        """The id of the policy version that governed this claim."""
        return self.policy.id

    @property
    def provisional_marks(self) -> tuple[tuple[str, str], ...]:
        """Each provisional policy key this claim used, with its decision id, in first-use order."""
        marks = {citation.key: citation.provisional for _c, _k, citation, _f, _v in self.trace if citation.provisional}
        marks.update(self.policy.header_provisional)
        return tuple(marks.items())

    @property
    def steps(self) -> tuple[Step, ...]:
        """What was done, in order, each with its policy key, source and provisional mark."""
        return tuple(
            Step(
                code,
                kind,
                f"{citation.key}.{field}",
                citation.source.label,
                citation.provisional,
                MappingProxyType(values),
            )
            for code, kind, citation, field, values in self.trace
        )

    @property
    def provisional(self) -> tuple[str, ...]:
        """The provisional policy keys this claim used (table paths, e.g. ``outpatient_offset``)."""
        return tuple(key for key, _decision in self.provisional_marks)


@attrs.frozen
class Assessment:
    """A person's claims assessed in date order, with totals, stamped for reproduction on appeal (复核)."""

    claims: tuple[ClaimResult, ...]
    engine_version: str
    policy_ids: tuple[str, ...]
    policy_hash: str

    def assistance_fen(self, kind: str) -> int:
        """Assistance for ``kind`` (excluding the deductible subsidy)."""
        return sum(result.assistance_fen for result in self.claims if result.claim.kind == kind)

    @property
    def deductible_subsidy_fen(self) -> int:
        """The deductible subsidy (起付线补助), a line of its own outside the outpatient cap."""
        return sum(result.deductible_subsidy_fen for result in self.claims)

    @property
    def total_fen(self) -> int:
        """Inpatient + outpatient assistance + deductible subsidy."""
        return sum(result.total_fen for result in self.claims)

    @property
    def provisional(self) -> tuple[str, ...]:
        """The provisional policy keys any claim used, each once, in first-use order."""
        return tuple(dict.fromkeys(key for result in self.claims for key in result.provisional))

    @property
    def provisional_marks(self) -> dict[str, str]:
        """Each provisional key used, with the decision (D1–D10) it rests on."""
        return dict(mark for result in self.claims for mark in result.provisional_marks)

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every step of every claim, in order."""
        return tuple(step for result in self.claims for step in result.steps)
