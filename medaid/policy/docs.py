"""Render the policy reference (docs/policy.md) from the policy files, so the docs cannot drift."""

from __future__ import annotations

from medaid.policy.params import parameters
from medaid.policy.registry import PolicyRegistry

__all__ = ["render", "DECISIONS"]

#: medaid's default readings where the sources are silent or disagree; values resting on one are provisional.
DECISIONS = {
    "D1": "Versions: pre-2018-07 (history, start provisional), 2018-07 (2018-07-01 to 2022-12-31), 2023, 2024 (from 2024-01-01, start inferred).",
    "D2": "Low-income outpatient cap in 2023 is 2 800 (the city's ex-post report names both groups), not the 2 500 of the Minhang budget.",
    "D3": "The 300-yuan outpatient offset applies to resident-insurance members of the dibao group and low_income (literal reading); the narrower reading (dibao only) is a reform.",
    "D4": "Deductible subsidy (起付线补助): dibao members of the resident insurance, min(300, outpatient self-pay) a year, outside the outpatient cap.",
    "D5": "Illness-expenditure poverty classes 1 and 2 get inpatient assistance only.",
    "D6": "Extreme poverty (特困人员) from 2024: 100 %, no cap, both kinds (placeholder; the values are not sourced).",
    "D7": "A person in several categories gets the highest ratio for each kind of care (就高).",
    "D8": "Caps are per person, per calendar year of the date of service, inpatient and outpatient apart; no carry-over.",
    "D9": "Mutual aid 2023 onward: the 2022 standard carried forward; the district/town split is Minhang's (25/25 town, 50/0 street) by default.",
    "D10": "City-to-district transfer: per district round half up to whole 万元 of clearing + pre-allocation + 50 % of the audit overpayment; total = sum of rounded rows.",
}

_SCHEMES = {"medical_assistance": "Medical assistance (医疗救助)", "mutual_aid": "Mutual aid (市民社区医疗互助帮困)"}


def render(registry: PolicyRegistry) -> str:
    """The whole reference as Markdown."""
    lines = [
        "# Policy reference",
        "",
        "Generated from the files in `policies/` by `medaid policy docs -o docs/policy.md`. Do not edit by hand:",
        "a test fails when this page and the policy files disagree.",
        "",
        "A value marked **(Dn)** is provisional: it rests on medaid's default reading Dn (below), not on a",
        "document that states it. Every result that used a provisional value lists it.",
        "",
    ]
    for scheme, heading in _SCHEMES.items():
        versions = [p for p in registry if p.scheme == scheme]
        if versions:
            lines += _scheme(heading, versions)
    lines += ["## Default readings (decisions)", "", "| id | reading |", "|---|---|"]
    lines += [f"| {key} | {text} |" for key, text in DECISIONS.items()]
    lines += ["", "## Sources", "", "| key | number | title | note |", "|---|---|---|---|"]
    sources = {}
    for policy in registry:
        for source in policy.sources.values():
            sources.setdefault(source.key, source)
    for source in sources.values():
        lines.append(f"| `{source.key}` | {source.number or ''} | {source.title} | {source.note or ''} |")
    return "\n".join(lines) + "\n"


def _scheme(heading: str, versions: list) -> list[str]:
    lines = [f"## {heading}", "", "| version | in force | title |", "|---|---|---|"]
    for p in versions:
        end = p.effective_to.isoformat() if p.effective_to else "open"
        lines.append(f"| `{p.id}` | {p.effective_from.isoformat()} – {end} | {p.title_zh} / {p.title_en} |")
    table: dict[str, dict[str, str]] = {}
    for p in versions:
        for param in parameters(p):
            mark = f" **({param.provisional})**" if param.provisional else ""
            source = "" if param.source == p.id else f"<br><sub>{param.source}</sub>"
            table.setdefault(param.key, {})[p.id] = f"{param.value}{mark}{source}"
    lines += ["", "| parameter | " + " | ".join(p.id for p in versions) + " |", "|---" * (len(versions) + 1) + "|"]
    for key, cells in table.items():
        lines.append(f"| `{key}` | " + " | ".join(cells.get(p.id, "—") for p in versions) + " |")
    return lines + [""]
