"""What the ledger returns: frozen records of settlements, reversals, clearings and year-to-date usage.

Every amount is integer fen. A record is a copy of what the database holds when it was read; it does
not change when the ledger does.
"""

from __future__ import annotations

import datetime as dt
import operator

import attrs

from medaid.errors import AlreadyReversedError as AlreadyReversedError
from medaid.errors import ConflictError as ConflictError
from medaid.errors import UnknownClaimError as UnknownClaimError
from medaid.rules.model import Claim, ClaimOutcome, ClaimResult, all_keyword_only

__all__ = [
    "ConflictError",
    "UnknownClaimError",
    "AlreadyReversedError",
    "Settlement",
    "CONTENT_FIELDS",
    "content",
    "Reversal",
    "ClearingLine",
    "Clearing",
    "KindUsage",
    "YearUsage",
]


@attrs.frozen(kw_only=True, field_transformer=all_keyword_only)
class Settlement(ClaimOutcome, Claim):
    """One settled claim (结算), as recorded: the claim, what the reference rules paid and why.

    The fields are the :class:`~medaid.rules.Claim`'s, then the :class:`~medaid.rules.ClaimOutcome`'s
    (what :class:`~medaid.rules.ClaimResult` holds), then the stamp below: none is declared twice, and
    the stores build their columns from :func:`attrs.fields` (:mod:`medaid.ledger.columns`). Built by
    keyword only (:meth:`of_result` from an assessment).

    ``status`` is ``settled``, ``duplicate`` (this call found the claim already settled with the same
    content and paid nothing more; the amounts are the stored ones) or ``reversed`` (冲正 since).
    ``assistance_fen`` and ``deductible_subsidy_fen`` are what the claim paid when settled; a later
    clearing (个人清算) may add an adjustment, see :class:`Clearing`.
    """

    policy_id: str
    policy_hash: str
    engine_version: str
    provisional: tuple[str, ...]
    seq: int
    status: str
    settled_at: str

    @classmethod
    def of_result(
        cls, result: ClaimResult, *, engine_version: str, provisional: tuple[str, ...], seq: int, settled_at: str
    ) -> Settlement:
        """The settlement recording ``result``: its claim and outcome fields, stamped, status ``settled``."""
        values = {name: getattr(result.claim, name) for name in _CLAIM_FIELDS}
        values.update((name, getattr(result, name)) for name in _OUTCOME_FIELDS)
        return cls(
            **values,
            policy_id=result.policy.id,
            policy_hash=result.policy.content_hash,
            engine_version=engine_version,
            provisional=provisional,
            seq=seq,
            status="settled",
            settled_at=settled_at,
        )

    @property
    def content(self) -> tuple:
        """The claim as settled, as :func:`content` gives it."""
        return content(self)

    @property
    def claim(self) -> Claim:
        """The claim as it was settled (a plain :class:`~medaid.rules.Claim`, e.g. to assess it again)."""
        return Claim(**{name: getattr(self, name) for name in _CLAIM_FIELDS})

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
_CLAIM_FIELDS = tuple(field.name for field in attrs.fields(Claim))
#: What must match for a claim_id seen again to be the same claim: every field of the claim but its id.
CONTENT_FIELDS = ("person_id", *(name for name in _CLAIM_FIELDS if name not in ("claim_id", "person_id")))
#: ``content(claim)``: the values of :data:`CONTENT_FIELDS` of a claim (or a settlement), as a tuple.
content = operator.attrgetter(*CONTENT_FIELDS)
_OUTCOME_FIELDS = tuple(field.name for field in attrs.fields(ClaimOutcome))


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
