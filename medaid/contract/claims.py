"""The claims file (理赔/结算明细), declared once: its columns, their Chinese headers, each value's rule, the
order of the checks and the reasons. Both readers are derived from this declaration:

- the scalar reader, :meth:`ClaimsContract.row` (the ledger's file reader, spreadsheet rows, library calls);
- the columnar reader, :func:`medaid.batch.parse.parse_columns` (``medaid claims``, ``compare``, ``sweep``,
  ``district --reform``), which applies the same rules once per distinct value of a low-cardinality column,
  checks identifiers and amounts as polars expressions from the patterns in :mod:`medaid.money`, and asks
  this module for the reason of each refused row.

Rows are numbered by the file's line (the header is line 1; a spreadsheet's row number; a Parquet file or a
table counts as if its header were line 1). The first failed check, in column order, is the row's reason;
then a later copy of a claim_id already taken by a valid row is a duplicate. Rules: docs/claims.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from medaid.contract import values as v
from medaid.errors import N_, InputError, Message

if TYPE_CHECKING:
    from medaid.policy.model import Policy
    from medaid.policy.registry import PolicyRegistry
    from medaid.rules import Claim

#: A cell's check: its normalised value and no reason, or no value and the reason.
Checked = tuple[Any, Message | None]
#: A column's scalar rule: trimmed text → :data:`Checked`.
Rule = Callable[[str], Checked]

__all__ = [
    "Column",
    "CLAIMS",
    "COLUMNS",
    "HEADERS_ZH",
    "ResultColumn",
    "RESULTS",
    "RESULT_COLUMNS",
    "ClaimValues",
    "ClaimsContract",
    "header_map",
    "duplicate_reason",
    "width_reason",
    "REFUSED",
]


@attrs.frozen
class Column:
    """One column of the claims file: its name, its Chinese header (as bureau exports name it), the rule
    of its values (a function of :mod:`medaid.contract.values`) and whether the columnar reader parses it
    once per distinct value (few distinct values) or as a whole column."""

    name: str
    header_zh: str
    rule: str
    per_distinct: bool
    meaning: str


CLAIMS: tuple[Column, ...] = (
    Column(
        "claim_id", "结算单号", "identifier", False, "the claim's id; a later copy of a valid claim's id is a duplicate"
    ),
    Column("person_id", "人员编号", "identifier", False, "the person; caps, offset and subsidy run per person"),
    Column("district", "区", "district", True, "district id, Chinese or English name (minhang, 闵行区, 闵行, Minhang)"),
    Column(
        "date", "结算日期", "date", True, "date of service: 2023-05-01, 2023/5/1, 2023年5月1日 or a spreadsheet date"
    ),
    Column("category", "救助类别", "category", True, "recipient category: id, name_zh or alias; several joined with |"),
    Column("kind", "就诊类型", "kind", True, "inpatient (住院) or outpatient (门急诊, 门诊)"),
    Column(
        "self_pay", "自负金额", "amount", False, "eligible self-pay in yuan, at most two decimals, below 1 000 000 000"
    ),
    Column(
        "resident_insurance",
        "城乡居民医保",
        "boolean",
        True,
        "resident insurance member: true/false, yes/no, 1/0, 是/否",
    ),
)
COLUMNS: tuple[str, ...] = tuple(c.name for c in CLAIMS)
HEADERS_ZH: dict[str, str] = {c.header_zh: c.name for c in CLAIMS}


@attrs.frozen
class ResultColumn:
    """One column a settlement adds after the input columns (``medaid claims``, ``medaid ledger settle``, the
    service's settled rows): its name, its type (``text``, ``yuan``: exact yuan with two decimals, ``ratio``:
    an exact decimal, ``bool``), whether it may be empty, and what it holds. Each output derives its types here."""

    name: str
    type: str
    nullable: bool
    meaning: str


RESULTS: tuple[ResultColumn, ...] = (
    ResultColumn("district_id", "text", False, "the district's id (minhang), whatever name the input used"),
    ResultColumn("category_applied", "text", False, "the category whose rule applied (就高 among several)"),
    ResultColumn("policy_id", "text", False, "the policy version in force on the date"),
    ResultColumn("offset", "yuan", False, "the part of the self-pay the 300 outpatient offset made ineligible"),
    ResultColumn("eligible", "yuan", False, "self-pay the ratio applies to"),
    ResultColumn("ratio", "ratio", False, "the category's ratio for this kind of care"),
    ResultColumn("before_cap", "yuan", False, "eligible × ratio, rounded half up to the fen"),
    ResultColumn("assistance", "yuan", False, "what is paid after the annual cap"),
    ResultColumn("deductible_subsidy", "yuan", False, "the deductible subsidy (起付线补助), outside the cap"),
    ResultColumn("cap", "yuan", True, "the annual cap of the category for this kind (empty: none)"),
    ResultColumn("cap_left", "yuan", True, "what is left of the cap after this claim (empty: no cap)"),
    ResultColumn("cap_bound", "bool", False, "whether the cap reduced this claim's assistance"),
    ResultColumn("provisional", "text", True, "the provisional policy keys used, ;-separated"),
)
#: The result columns' names, in output order.
RESULT_COLUMNS: tuple[str, ...] = tuple(c.name for c in RESULTS)


def header_map(names: Sequence[str], required: Sequence[str], chinese: dict[str, str], where: str) -> dict[str, int]:
    """Where each column is in a header row: English names in any case, or the Chinese header names
    (``chinese``: Chinese → English); spaces around names ignored. Extra columns are allowed.

    Raises:
        InputError: a required column missing or given twice, naming the file (``where``).
    """
    found: dict[str, int] = {}
    for index, raw in enumerate(names):
        name = v.trim(raw or "")
        canonical = chinese.get(name) or (name.lower() if name.lower() in required else None)
        if canonical is None:
            continue
        if canonical in found:
            raise InputError(
                N_("column {canonical} is given twice (columns {first} and {second})"),
                canonical=canonical,
                first=found[canonical] + 1,
                second=index + 1,
                where=where,
            )
        found[canonical] = index
    missing = [name for name in required if name not in found]
    if missing:
        zh: dict[str, str] = {}
        for chinese_name, english in chinese.items():
            zh.setdefault(english, chinese_name)  # the first Chinese name declared
        wanted = ", ".join(f"{name} ({zh[name]})" if name in zh else name for name in missing)
        raise InputError(
            N_("header lacks required columns {wanted}; found {names}")
            if len(missing) > 1
            else N_("header lacks required column {wanted}; found {names}"),
            wanted=wanted,
            names=", ".join(v.trim(n or "") for n in names),
            where=where,
        )
    return found


#: The reason of a refused row when no check says why (never expected: a check that fails gives its reason).
REFUSED = Message(N_("refused"))


def duplicate_reason(claim_id: str, first_line: int) -> Message:
    """The reason of a later copy of a claim_id that a valid row (on ``first_line``) already has."""
    from medaid.money import quoted

    return Message(N_("duplicate claim_id {value} (first at line {line})"), value=quoted(claim_id), line=first_line)


def width_reason(width: int, given: int) -> Message:
    """The reason of a row with more fields than the header (``width``) holding anything past it: the file
    readers' own refusal, before any value is checked."""
    return Message(N_("expected {width} fields, got {given}"), width=width, given=given)


@attrs.frozen
class ClaimValues:
    """One row's values, normalised: ids trimmed, the district's id, the date, category ids (就高 order as
    given), kind, self-pay in fen and resident-insurance membership."""

    claim_id: str
    person_id: str
    district: str
    date: dt.date
    categories: tuple[str, ...]
    kind: str
    self_pay_fen: int
    resident_insurance: bool

    def claim(self) -> Claim:
        """The :class:`medaid.rules.Claim` of these values."""
        from medaid.rules import Claim

        return Claim(
            self.date,
            self.kind,
            self.self_pay_fen,
            self.categories,
            self.resident_insurance,
            self.claim_id,
            self.person_id,
        )


class ClaimsContract:
    """The claims file's rules bound to a policy registry (its category names and the dates it covers)
    and a run date. One instance checks a whole file; the values of the few-valued columns are parsed
    once each (cached).

    Args:
        registry: the :class:`~medaid.policy.registry.PolicyRegistry` (default: the bundled policies).
        today: the run date (default: today); dates after it are refused unless ``allow_future``.
    """

    def __init__(
        self, registry: PolicyRegistry | None = None, *, today: dt.date | None = None, allow_future: bool = False
    ) -> None:
        if registry is None:
            from medaid.policy.registry import default_registry

            registry = default_registry()
        versions = self.versions = medical_assistance_versions(registry)
        if not versions:
            raise InputError(N_("the policy registry has no Shanghai medical-assistance version"))
        self.window = v.DateWindow(
            versions[0].effective_from, versions[-1].effective_to, today or dt.date.today(), allow_future
        )
        self.categories = v.CategoryNames.from_policies(versions)
        self._cache: dict[str, dict[str, Checked]] = {c.name: {} for c in CLAIMS if c.per_distinct}
        self._rules: dict[str, Rule] = {
            "claim_id": lambda text: v.identifier(text, "claim_id"),
            "person_id": lambda text: v.identifier(text, "person_id"),
            "district": v.district,
            "date": lambda text: v.date_value(text, self.window),
            "category": self.categories.parse,
            "kind": v.kind,
            "self_pay": v.amount,
            "resident_insurance": v.boolean,
        }
        # Per column, in order: its rule and its cache of results by text (None: parsed every time).
        self._plan = [(self._rules[c.name], self._cache.get(c.name)) for c in CLAIMS]

    def rule(self, column: str) -> Rule:
        """The scalar rule of ``column``: trimmed text → (normalised value, None) or (None, reason)."""
        return self._rules[column]

    def value(self, column: str, cell: object) -> tuple[object, Message | None]:
        """One cell (text, or a native value: date, number, bool, None) checked by its column's rule."""
        text = v.text_of(cell)
        cache = self._cache.get(column)
        if cache is None:
            return self._rules[column](text)
        found = cache.get(text)
        if found is None:
            found = cache[text] = self._rules[column](text)
        return found

    def row(self, cells: Sequence[object]) -> tuple[ClaimValues | None, Message | None]:
        """The values of one row (``cells`` in :data:`COLUMNS` order), or the first failed check's reason."""
        parsed = []
        text_of, spaces = v.text_of, v.SPACES
        for (rule, cache), cell in zip(self._plan, cells):
            text = cell.strip(spaces) if type(cell) is str else text_of(cell)
            if cache is None:
                value, reason = rule(text)
            else:
                found = cache.get(text)
                if found is None:
                    found = cache[text] = rule(text)
                value, reason = found
            if reason is not None:
                return None, reason
            parsed.append(value)
        claim_id, person_id, district, date, category, kind, fen, resident = parsed
        return ClaimValues(claim_id, person_id, district, date, tuple(category.split("|")), kind, fen, resident), None

    def rows(
        self, rows: Iterable[tuple[int, Sequence[object]]]
    ) -> Iterator[tuple[int, ClaimValues | None, Message | None]]:
        """Check numbered rows in file order: ``(line, ClaimValues, None)`` or ``(line, None, reason)``,
        with a later copy of a valid row's claim_id refused as a duplicate (one rule with the columnar reader)."""
        first: dict[str, int] = {}
        for line, cells in rows:
            values, reason = self.row(cells)
            if values is not None:
                seen = first.setdefault(values.claim_id, line)
                if seen != line:
                    reason = duplicate_reason(values.claim_id, seen)
                    values = None
            yield line, values, reason


def medical_assistance_versions(registry: Iterable[Any]) -> list[Policy]:
    """The registry's Shanghai medical-assistance versions, by start date (what a claim's date picks from)."""
    from medaid.policy.model import Policy

    return sorted(
        (p for p in registry if isinstance(p, Policy) and p.region == "shanghai"), key=lambda p: p.effective_from
    )
