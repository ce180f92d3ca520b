"""Inputs and results of the reference calculation: claims, year-to-date usage, steps, assessments."""

from __future__ import annotations

import datetime as dt
from typing import Mapping

import attrs

__all__ = ["Claim", "Usage", "Step", "ClaimResult", "Assessment"]


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
    """What a person has used of one calendar year's caps and offsets so far (fen)."""

    year: int
    paid_inpatient_fen: int = 0
    paid_outpatient_fen: int = 0
    offset_used_fen: int = 0
    subsidy_paid_fen: int = 0

    def paid(self, kind: str) -> int:
        """Assistance paid so far this year for ``kind``, whatever category it was paid under."""
        return self.paid_inpatient_fen if kind == "inpatient" else self.paid_outpatient_fen


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


@attrs.frozen
class ClaimResult:
    """The assessment of one claim: every amount in fen, and the steps that produced them."""

    claim: Claim
    policy_id: str
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
    steps: tuple[Step, ...]
    provisional: tuple[str, ...]
    usage: Usage

    @property
    def total_fen(self) -> int:
        """Assistance plus the deductible subsidy of this claim."""
        return self.assistance_fen + self.deductible_subsidy_fen


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
    def steps(self) -> tuple[Step, ...]:
        """Every step of every claim, in order."""
        return tuple(step for result in self.claims for step in result.steps)
