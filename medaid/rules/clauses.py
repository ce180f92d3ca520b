"""The rulebook: every clause of the medical-assistance calculation, once, with what it implements.

Each clause is one function (in :mod:`medaid.rules.ratio`, :mod:`medaid.rules.outpatient` or
:mod:`medaid.rules.caps`), element-wise over :mod:`medaid.rules.ops` where it computes an amount, so the
reference (ints), the batch engine (numpy), the settled table (polars) and the ledger (ints) call the same
code. This module holds their metadata: the step code an explanation records, the policy key the clause
reads, the source it rests on (a key of the policy files' ``[sources]``), the decisions
(``policies/decisions.toml``) it follows, a short paraphrase of the Chinese text it implements, and where
it can act and whether it acted on an assessed claim. The reference records its steps under these codes
and fields; ``docs/policy.md`` renders this table (:func:`markdown`, ``medaid policy docs``); ``medaid test
--coverage`` counts the clauses the case files exercise (:mod:`medaid.testing.coverage`); tests check each
clause's function exists, its source and decisions are known, and every step follows it.

What is left to each executor is the running state: per person-year, the offset used and the
assistance paid per cap group (:data:`ACCUMULATORS`). The reference carries it in
:class:`~medaid.rules.model.Usage`, the batch engine scans it per group, the ledger stores it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from medaid.rules import caps, outpatient, ratio

if TYPE_CHECKING:
    from medaid.policy.model import Policy
    from medaid.rules.model import ClaimResult

__all__ = ["Clause", "Accumulator", "CLAUSES", "ACCUMULATORS", "clause", "markdown"]


@attrs.frozen(kw_only=True)
class Clause:
    """One clause: its function and where it comes from.

    ``id`` names the clause; ``step`` is the explanation step it records (``Step.code``), None where its
    amounts are part of another clause's step; ``key`` the policy key it reads (``<category>`` and ``<kind>``
    stand for the claim's) and ``field`` the field a step cites; ``source`` the key of the document it rests
    on in the policy files' ``[sources]``; ``decisions`` the default readings it follows; ``text_zh``/``text_en``
    what the clause says, paraphrased. ``applies(policy, category, kind)`` says whether the clause can act on
    a claim of that category and kind under a policy, ``acted(result)`` whether it acted on an assessed claim
    (``medaid test --coverage``).
    """

    id: str
    step: str | None
    key: str
    field: str
    source: str
    decisions: tuple[str, ...]
    text_zh: str
    text_en: str
    function: Callable[..., object]
    applies: Callable[[Policy, str, str], bool]
    acted: Callable[[ClaimResult], bool]

    def policy_key(self, category: str, kind: str) -> str:
        """The key a claim of ``category`` and ``kind`` reads, e.g. ``categories.dibao.outpatient.cap``."""
        return f"{self.key}.{self.field}".replace("<category>", category).replace("<kind>", kind)

    @property
    def qualname(self) -> str:
        """Where the function lives, e.g. ``medaid.rules.caps.cap_payment``."""
        return f"{self.function.__module__}.{self.function.__name__}"


@attrs.frozen(kw_only=True)
class Accumulator:
    """A running total of a person-year that a clause reads as "used before" and advances with its result.

    ``usage`` names the :class:`~medaid.rules.model.Usage` field(s), ``group`` what one run of the total
    covers (``caps.scope`` decides for the paid total), ``advanced_by`` the clause whose amount it sums.
    """

    name: str
    usage: tuple[str, ...]
    group: str
    advanced_by: str


def _covered(policy: Policy, category: str, kind: str) -> bool:
    return policy.category(category).rule(kind).covered


def _capped(policy: Policy, category: str, kind: str) -> bool:
    rule = policy.category(category).rule(kind)
    return rule.covered and rule.cap_fen is not None


def _recorded(step: str) -> Callable[[ClaimResult], bool]:
    return lambda result: any(entry[0] == step for entry in result.trace)


CLAUSES: tuple[Clause, ...] = (
    Clause(
        id="category",
        key="selection",
        step="category",
        field="rule",
        source="xinmin-2018-07-15",
        decisions=("D7", "D12"),
        text_zh="同时符合多个救助条件的，按就高原则救助（比例高者优先；比例相同时限额高者优先）。",
        text_en="A person in several categories is assisted under the one with the highest ratio (就高); at equal ratios the higher cap.",
        function=ratio.select_category,
        applies=_covered,
        acted=lambda result: len(result.claim.categories) > 1,
    ),
    Clause(
        id="offset",
        step="offset",
        key="outpatient_offset",
        field="amount",
        source="minhang-2023-budget",
        decisions=("D3",),
        text_zh="参加城乡居民医保的，门急诊自负费用先扣除可享受的起付线减免部分（每人每年300元）后再计算救助。",
        text_en="For resident-insurance members, the first 300 yuan a year of outpatient self-pay (the deductible waiver) is not eligible.",
        function=outpatient.offset,
        applies=lambda policy, category, kind: (
            kind == "outpatient"
            and _covered(policy, category, kind)
            and category in policy.outpatient_offset.categories
        ),
        acted=lambda result: result.offset_fen > 0,
    ),
    Clause(
        id="eligible",
        key="categories.<category>.<kind>",
        step="not_covered",
        field="covered",
        source="hu-fu-ban-gui-2022-19",
        decisions=("D5",),
        text_zh="救助以符合规定的自负费用为基数；该类对象不享受该类救助的，基数为零。",
        text_en="Assistance is a ratio of the eligible self-pay; a kind of care a category is not covered for has none.",
        function=ratio.eligible,
        applies=lambda policy, category, kind: not _covered(policy, category, kind),
        acted=_recorded("not_covered"),
    ),
    Clause(
        id="ratio",
        key="categories.<category>.<kind>",
        step="ratio",
        field="ratio",
        source="hu-yibao-gui-2020-4",
        decisions=("D11",),
        text_zh="按对象类别的救助比例计算救助金额，四舍五入到分，每笔一次。",
        text_en="Eligible self-pay times the category's ratio, rounded half up to the fen once per claim.",
        function=ratio.before_cap,
        applies=_covered,
        acted=lambda result: result.eligible_fen > 0,
    ),
    Clause(
        id="subsidy",
        step="subsidy",
        key="deductible_subsidy",
        field="max",
        source="hu-min-jiu-fa-2016-61",
        decisions=("D4",),
        text_zh="参加城乡居民医保的低保对象，门急诊起付线部分另行补助（每年最多300元），不计入门急诊年度限额。",
        text_en="Dibao members of the resident insurance get the offset band paid as a deductible subsidy (at most 300 a year), outside the cap.",
        function=outpatient.subsidy,
        applies=lambda policy, category, kind: (
            kind == "outpatient"
            and _covered(policy, category, kind)
            and category in policy.deductible_subsidy.categories
        ),
        acted=lambda result: result.deductible_subsidy_fen > 0,
    ),
    Clause(
        id="cap",
        step="cap",
        key="categories.<category>.<kind>",
        field="cap",
        source="hu-yibao-gui-2022-12",
        decisions=("D2", "D8"),
        text_zh="救助金额累计不超过年度最高救助限额（门急诊2800元、住院13万元；特殊救济对象不设限额）。",
        text_en="Assistance paid in a year never exceeds the annual cap (outpatient 2 800, inpatient 130 000; none for special relief).",
        function=caps.cap_payment,
        applies=_capped,
        acted=lambda result: result.cap_bound or (result.cap_left_fen == 0 and result.assistance_fen > 0),
    ),
    Clause(
        id="cap_left",
        step=None,
        key="categories.<category>.<kind>",
        field="cap",
        source="hu-yibao-gui-2022-12",
        decisions=("D8",),
        text_zh="年度限额余额＝限额−本年已救助。",
        text_en="What is left of the annual cap after a claim.",
        function=caps.cap_left,
        applies=_capped,
        acted=lambda result: result.cap_left_fen is not None and result.assistance_fen > 0,
    ),
    Clause(
        id="cap_bound",
        step=None,
        key="categories.<category>.<kind>",
        field="cap",
        source="hu-yibao-gui-2022-12",
        decisions=("D8",),
        text_zh="年度限额使本笔救助少于按比例计算的金额。",
        text_en="Whether the annual cap reduced the claim's assistance.",
        function=caps.cap_bound,
        applies=_capped,
        acted=lambda result: result.cap_bound,
    ),
    Clause(
        id="cap_scope",
        step="cap_scope",
        key="caps",
        field="scope",
        source="city-2023-self-evaluation",
        decisions=("D8",),
        text_zh="住院、门急诊年度限额分别计算（per_kind）；假设情形下可合并为一个年度限额（shared）。",
        text_en="Inpatient and outpatient caps count apart (per_kind); a what-if may count both kinds against one cap (shared).",
        function=caps.cap_group,
        applies=lambda policy, category, kind: policy.caps.scope == "shared" and _capped(policy, category, kind),
        acted=_recorded("cap_scope"),
    ),
)

ACCUMULATORS: tuple[Accumulator, ...] = (
    Accumulator(name="offset used", usage=("offset_used_fen",), group="person-year", advanced_by="offset"),
    Accumulator(name="subsidy paid", usage=("subsidy_paid_fen",), group="person-year", advanced_by="subsidy"),
    Accumulator(
        name="assistance paid",
        usage=("paid_inpatient_fen", "paid_outpatient_fen"),
        group="person-year-kind (caps.scope = per_kind) or person-year (shared)",
        advanced_by="cap",
    ),
)

_BY_ID = {c.id: c for c in CLAUSES}


def clause(clause_id: str) -> Clause:
    """The clause with this id (a :class:`KeyError` names the unknown id: a programming error)."""
    return _BY_ID[clause_id]


def markdown() -> list[str]:
    """The clause section of ``docs/policy.md``: one row per clause, from the metadata above."""
    lines = [
        "## Clauses",
        "",
        "Each clause is one function, called by the reference, the batch engine and the ledger alike",
        "(see `docs/architecture.md`). Generated from `medaid/rules/clauses.py`; the step is the code the",
        "explanation records (`—`: its amounts are part of another step), the source a key of the Sources below.",
        "",
        "| clause | step | policy key | function | source | decisions | what it says (paraphrased) |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in CLAUSES:
        step = f"`{c.step}`" if c.step else "—"
        lines.append(
            f"| `{c.id}` | {step} | `{c.key}.{c.field}` | `{c.qualname}` | `{c.source}` | {', '.join(c.decisions)} | {c.text_zh}<br>{c.text_en} |"
        )
    lines += [
        "",
        "Running state (per person-year, carried by the reference, scanned by the batch engine, stored by the ledger):",
        "",
    ]
    lines += [
        f"- **{a.name}** (`{'`, `'.join(a.usage)}`), per {a.group}, advanced by `{a.advanced_by}`" for a in ACCUMULATORS
    ]
    return lines + [""]
