"""What the ledger returns: frozen records of settlements, reversals, clearings and year-to-date usage.

Every amount is integer fen. A record is a copy of what the database holds when it was read; it does
not change when the ledger does.
"""

from __future__ import annotations

import datetime as dt

import attrs

from medaid.errors import AlreadyReversedError as AlreadyReversedError
from medaid.errors import ConflictError as ConflictError
from medaid.errors import UnknownClaimError as UnknownClaimError

__all__ = [
    "ConflictError",
    "UnknownClaimError",
    "AlreadyReversedError",
    "Settlement",
    "Reversal",
    "ClearingLine",
    "Clearing",
    "KindUsage",
    "YearUsage",
]


@attrs.frozen
class Settlement:
    """One settled claim (结算), as recorded: the claim, what the reference rules paid and why.

    ``status`` is ``settled``, ``duplicate`` (this call found the claim already settled with the same
    content and paid nothing more; the amounts are the stored ones) or ``reversed`` (冲正 since).
    ``assistance_fen`` and ``deductible_subsidy_fen`` are what the claim paid when settled; a later
    clearing (个人清算) may add an adjustment, see :class:`Clearing`.
    """

    claim_id: str
    person_id: str
    date: dt.date
    kind: str
    self_pay_fen: int
    categories: tuple[str, ...]
    resident_insurance: bool
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
    policy_id: str
    policy_hash: str
    engine_version: str
    provisional: tuple[str, ...]
    seq: int
    status: str
    settled_at: str

    @property
    def total_fen(self) -> int:
        """Assistance plus deductible subsidy of this claim."""
        return self.assistance_fen + self.deductible_subsidy_fen

    @property
    def content(self) -> tuple:
        """The claim as settled: (person_id, date, kind, self_pay_fen, categories, resident_insurance)."""
        return (self.person_id, self.date, self.kind, self.self_pay_fen, self.categories, self.resident_insurance)

    def _with_status(self, status: str) -> Settlement:
        return self._with("status", status)

    def _with_seq(self, seq: int) -> Settlement:
        return self._with("seq", seq)

    def _with(self, field: str, value: object) -> Settlement:
        # attrs.evolve costs ~5 µs by introspection; a re-settled file returns one copy per claim.
        copy = object.__new__(Settlement)
        for name in _SETTLEMENT_FIELDS:
            object.__setattr__(copy, name, getattr(self, name))
        object.__setattr__(copy, field, value)
        return copy

    @property
    def duplicate(self) -> bool:
        """Whether this call paid nothing because the claim was already settled."""
        return self.status == "duplicate"


_SETTLEMENT_FIELDS = tuple(field.name for field in attrs.fields(Settlement))


@attrs.frozen
class Reversal:
    """A reversal (冲正) of one settled claim: what went back to the person's remaining cap.

    The amounts are what the claim had paid in total (its settlement plus any clearing adjustment).
    """

    claim_id: str
    person_id: str
    year: int
    kind: str
    reason: str
    assistance_fen: int
    deductible_subsidy_fen: int
    offset_fen: int
    reversed_at: str


@attrs.frozen
class ClearingLine:
    """One claim in a clearing: what it has been paid so far and what the reference rules say is due."""

    claim_id: str
    date: dt.date
    kind: str
    paid_assistance_fen: int
    paid_subsidy_fen: int
    due_assistance_fen: int
    due_subsidy_fen: int

    @property
    def adjustment_fen(self) -> int:
        """Due minus paid (assistance and subsidy): positive is 补发 (pay more), negative is 追回 (recover)."""
        return self.due_assistance_fen + self.due_subsidy_fen - self.paid_assistance_fen - self.paid_subsidy_fen


@attrs.frozen
class Clearing:
    """Individual clearing (个人清算) of one person-year: every non-reversed claim recomputed in date order.

    ``applied`` says whether this call recorded an adjustment; it is false without ``apply=True`` and when
    nothing was left to adjust (the ledger already pays what is due, e.g. on a second apply).
    """

    person_id: str
    year: int
    lines: tuple[ClearingLine, ...]
    applied: bool
    policy_ids: tuple[str, ...]
    engine_version: str

    @property
    def paid_fen(self) -> int:
        """What the person-year has been paid (assistance + subsidy, adjustments included)."""
        return sum(line.paid_assistance_fen + line.paid_subsidy_fen for line in self.lines)

    @property
    def due_fen(self) -> int:
        """What the reference rules say is due for the person-year."""
        return sum(line.due_assistance_fen + line.due_subsidy_fen for line in self.lines)

    @property
    def adjustment_fen(self) -> int:
        """Net adjustment: positive is 补发 (pay the person more), negative is 追回 (recover), zero is none."""
        return self.due_fen - self.paid_fen


@attrs.frozen
class KindUsage:
    """One kind of care in one person-year: paid so far, and what is left of the cap.

    ``cap_fen``, ``remaining_fen`` and ``category`` come from the most recent settled (non-reversed) claim of
    this kind (latest date, then latest settled; if every one is reversed, the most recent reversed one): the
    person's current category for that kind. ``None``
    cap and remaining mean no cap (special relief) or no claim of this kind yet.
    """

    paid_fen: int
    category: str | None
    cap_fen: int | None
    remaining_fen: int | None


@attrs.frozen
class YearUsage:
    """A person's year-to-date usage (本年度累计): per kind paid and remaining, the offset and subsidy used."""

    person_id: str
    year: int
    inpatient: KindUsage
    outpatient: KindUsage
    offset_used_fen: int
    subsidy_paid_fen: int
    claims: int
    reversed: int

    def kind(self, kind: str) -> KindUsage:
        """The usage of ``inpatient`` or ``outpatient``."""
        return self.inpatient if kind == "inpatient" else self.outpatient
