"""The JSON contract of ``medaid serve`` (v1): request and response bodies as strict msgspec types.

Requests are decoded with msgspec's strict decoder: ``false`` is never ``0``, ``"1"`` is never ``true``,
an unknown key is refused. Money is a string of yuan with at most two decimals, in and out; a JSON number
where money belongs is refused, never rounded. The same types give the JSON Schema of the OpenAPI
document (:mod:`medaid.service.openapi`), so the document and the decoder cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from medaid.contract.claims import COLUMNS, RESULTS
from medaid.i18n import LANGS
from medaid.policy.model import CATEGORIES, KINDS

__all__ = [
    "YUAN_IN",
    "MONEY_FIELDS",
    "AssessRequest",
    "Assessment",
    "Comparison",
    "SettleRequest",
    "SettleResponse",
    "LedgerClaim",
    "LedgerClaims",
    "Settlements",
    "ReversalRequest",
    "ClearingRequest",
    "Problem",
]

#: Yuan as a client sends it: digits, optionally a point and one or two decimals ("5500", "5500.5").
YUAN_IN = r"^[0-9]{1,13}(\.[0-9]{1,2})?$"
Yuan = Annotated[
    str,
    Meta(
        pattern=YUAN_IN,
        description="Yuan with at most two decimals, as a string (a JSON number is refused).",
        examples=["5500.00"],
    ),
]
#: Yuan as the service writes it: exactly two decimals (negative for a clearing that recovers money).
YuanOut = Annotated[
    str, Meta(pattern=r"^-?[0-9]+\.[0-9]{2}$", description="Yuan with two decimals.", examples=["2800.00"])
]
Ratio = Annotated[
    str, Meta(pattern=r"^[0-9]+(\.[0-9]+)?$", description="A ratio as an exact decimal.", examples=["0.9"])
]
Text = Annotated[str, Meta(min_length=1, max_length=200)]
# Literal of a tuple defined elsewhere: the values are declared once, which a type checker cannot follow.
CategoryId = Literal[CATEGORIES]  # type: ignore[valid-type]
Kind = Literal[KINDS]  # type: ignore[valid-type]
Lang = Literal[LANGS]  # type: ignore[valid-type]

#: Request fields that hold money; a JSON number there gets its own message (refused, never rounded).
MONEY_FIELDS = frozenset({"inpatient", "outpatient", "self_pay"})


class Stamp(Struct, kw_only=True):
    """On every response body: what computed it, so a decision can be reproduced (复核)."""

    engine_version: str
    policy_hash: str


# -- assess ------------------------------------------------------------------------------------------


class AssessRequest(Struct, forbid_unknown_fields=True):
    """One person-year, in ``medaid calc``'s names; ``reform`` is a reform file's content as JSON."""

    categories: Annotated[
        list[CategoryId],
        Meta(
            min_length=1,
            max_length=len(CATEGORIES),
            description="Every category the person is in; the highest ratio applies (就高).",
        ),
    ]
    date: Annotated[dt.date, Meta(description="Date of service: picks the policy version.")]
    inpatient: Yuan = "0"
    outpatient: Yuan = "0"
    resident_insurance: bool = False
    reform: dict[str, Any] | None = msgspec.field(default=None)


class KindResult(Struct):
    category: str | None
    ratio: Ratio
    self_pay: YuanOut
    offset: YuanOut
    eligible: YuanOut
    before_cap: YuanOut
    assistance: YuanOut
    cap: YuanOut | None
    cap_left: YuanOut | None
    cap_bound: bool


class Assessment(Stamp, kw_only=True):
    """The content of ``medaid calc --format json``, plus the explanation text in the asked language."""

    policy_id: str
    policy_ids: list[str]
    date: dt.date
    categories: list[str]
    resident_insurance: bool
    total: YuanOut
    inpatient: KindResult
    outpatient: KindResult
    deductible_subsidy: YuanOut
    provisional: list[str]
    steps: list[dict[str, Any]]
    explanation: list[str]
    lang: Lang


class ChangedParameter(Struct):
    key: str
    baseline: str | None
    reform: str | None


class Difference(Struct):
    inpatient: YuanOut
    outpatient: YuanOut
    deductible_subsidy: YuanOut
    total: YuanOut


class Comparison(Stamp, kw_only=True):
    """Baseline and reform side by side (``medaid calc --reform``), with the explanation of both."""

    baseline: Assessment
    reform: Assessment
    difference: Difference
    changed_parameters: list[ChangedParameter]
    explanation: list[str]


# -- policies ----------------------------------------------------------------------------------------


class PolicySummary(Struct):
    id: str
    scheme: str
    region: str
    effective_from: dt.date
    effective_to: dt.date | None
    title_zh: str
    title_en: str
    policy_hash: str


class PolicyList(Stamp, kw_only=True):
    policies: list[PolicySummary]


class Parameter(Struct):
    key: str
    value: str
    source: str
    provisional: str | None


class SourceOut(Struct):
    key: str
    title: str
    number: str | None
    url: str | None
    note: str | None


class PolicyDetail(Stamp, kw_only=True):
    policy: PolicySummary
    parameters: list[Parameter]
    sources: list[SourceOut]


class ParameterChange(Struct):
    key: str
    old: Parameter | None
    new: Parameter | None


class PolicyDiff(Stamp, kw_only=True):
    old: str
    new: str
    changes: list[ParameterChange]


class LedgerStatus(Struct):
    enabled: bool
    backend: str | None
    ok: bool


class Health(Stamp, kw_only=True):
    status: Literal["ok"]
    ledger: LedgerStatus
    policies: int


# -- settle (stateless) ------------------------------------------------------------------------------


class ClaimRow(Struct, forbid_unknown_fields=True):
    """One row of a claims file (``medaid claims``), as JSON. Values are checked by the same reader as a
    file: a bad value rejects the row (with its number and reason), it does not fail the request."""

    claim_id: str
    person_id: str
    district: str
    date: str
    category: str
    kind: str
    self_pay: Annotated[str, Meta(description="Yuan as text, as in a claims file; a JSON number is refused.")]
    resident_insurance: bool


class SettleRequest(Struct, forbid_unknown_fields=True):
    claims: Annotated[list[ClaimRow], Meta(max_length=2_000_000)]


#: msgspec type of each result column type of the claims contract (:class:`~medaid.contract.claims.ResultColumn`).
_RESULT_TYPES: dict[str, Any] = {"text": str, "yuan": YuanOut, "ratio": Ratio, "bool": bool}

# The settled and rejected rows are built from the claims contract's columns (COLUMNS, then RESULTS), so a
# column added there reaches the service and its OpenAPI document without an edit here.
SettledRow = msgspec.defstruct(
    "SettledRow",
    [(name, str | None) for name in COLUMNS]
    + [(c.name, _RESULT_TYPES[c.type] | None if c.nullable else _RESULT_TYPES[c.type]) for c in RESULTS],
    module=__name__,
)
SettledRow.__doc__ = """A row of ``medaid claims``' output: the input columns as given, then the result columns."""

RejectedRow = msgspec.defstruct(
    "RejectedRow",
    [("line", int), ("reason", str)] + [(name, str | None, None) for name in COLUMNS],
    module=__name__,
)
RejectedRow.__doc__ = """A row that could not be settled: its line, why, and the input columns as given.

    ``line`` follows the claims contract: in a CSV or xlsx body, the file's line (the header is line 1); in
    JSON rows, claim ``i`` of the list (0-based, as in the JSON pointer ``/claims/i``) is line ``i + 2``.
    """


class PerKind(Struct):
    inpatient: int
    outpatient: int


class PerKindMoney(Struct):
    inpatient: YuanOut
    outpatient: YuanOut


class Summary(Struct):
    rows_in: int
    settled: int
    rejected: int
    persons: int
    claims: PerKind
    assistance: PerKindMoney
    deductible_subsidy: YuanOut
    total: YuanOut
    cap_bound_claims: PerKind
    cap_bound_persons: PerKind
    policy_ids: list[str]


class SettleResponse(Stamp, kw_only=True):
    rows: list[SettledRow]
    rejects: list[RejectedRow]
    summary: Summary


# -- ledger ------------------------------------------------------------------------------------------


class LedgerClaim(Struct, forbid_unknown_fields=True):
    """A claim for the ledger: the claims file's eight columns, ``resident_insurance`` a JSON boolean."""

    claim_id: Text
    person_id: Text
    district: Text
    date: Annotated[dt.date, Meta(description="Date of service.")]
    category: Annotated[
        str,
        Meta(
            min_length=1, max_length=200, description="A category id; several joined with | (就高).", examples=["dibao"]
        ),
    ]
    kind: Kind
    self_pay: Yuan
    resident_insurance: bool


#: One claim, or a list of up to 10 000 claims (one transaction: all settle, or none on an error).
LedgerClaims = LedgerClaim | Annotated[list[LedgerClaim], Meta(min_length=1, max_length=10_000)]


class Settlement(Struct, kw_only=True):
    """One claim as the ledger settled it (``medaid ledger settle``'s output columns, as JSON)."""

    claim_id: str
    person_id: str
    date: dt.date
    kind: Kind
    self_pay: YuanOut
    categories: list[str]
    resident_insurance: bool
    district: str | None
    district_id: str | None
    category_applied: str
    policy_id: str
    policy_hash: str
    offset: YuanOut
    eligible: YuanOut
    ratio: Ratio
    before_cap: YuanOut
    assistance: YuanOut
    deductible_subsidy: YuanOut
    total: YuanOut
    cap: YuanOut | None
    cap_left: YuanOut | None
    cap_bound: bool
    provisional: list[str]
    status: Literal["settled", "duplicate", "reversed"]
    settled_at: str
    engine_version: str


class Settlements(Stamp, kw_only=True):
    settlements: list[Settlement]


class StoredSettlement(Stamp, kw_only=True):
    settlement: Settlement
    steps: list[dict[str, Any]]
    explanation: list[str]
    lang: Lang


class ReversalRequest(Struct, forbid_unknown_fields=True):
    reason: Annotated[
        str, Meta(min_length=1, max_length=500, pattern=r"\S", description="Why the claim is reversed (recorded).")
    ]


class Reversal(Stamp, kw_only=True):
    claim_id: str
    person_id: str
    year: int
    kind: Kind
    reason: str
    assistance: YuanOut
    deductible_subsidy: YuanOut
    offset: YuanOut
    reversed_at: str


class ClearingRequest(Struct, forbid_unknown_fields=True):
    apply: bool = False


class ClearingLine(Struct):
    claim_id: str
    date: dt.date
    kind: Kind
    paid_assistance: YuanOut
    paid_subsidy: YuanOut
    due_assistance: YuanOut
    due_subsidy: YuanOut
    adjustment: YuanOut


class Clearing(Stamp, kw_only=True):
    person_id: str
    year: int
    paid: YuanOut
    due: YuanOut
    adjustment: YuanOut
    applied: bool
    policy_ids: list[str]
    claims: list[ClearingLine]


class KindUsage(Struct):
    paid: YuanOut
    category: str | None
    cap: YuanOut | None
    remaining: YuanOut | None


class Usage(Stamp, kw_only=True):
    person_id: str
    year: int
    inpatient: KindUsage
    outpatient: KindUsage
    offset_used: YuanOut
    deductible_subsidy_paid: YuanOut
    claims: int
    reversed: int
    settlements: list[Settlement]


# -- problems ----------------------------------------------------------------------------------------


class FieldError(Struct, omit_defaults=True):
    """One bad field: where (a JSON pointer into the body, or a path/query parameter), what is wrong, the value."""

    detail: str
    pointer: str | None = None
    parameter: str | None = None
    value: Any = None


class Problem(Stamp, kw_only=True, omit_defaults=True):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str
    title: str
    status: Annotated[int, Meta(ge=400, le=599)]
    detail: str
    instance: str | None = None
    errors: list[FieldError] = msgspec.field(default_factory=list)
