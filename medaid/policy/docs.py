"""Render the policy reference (docs/policy.md) from the policy files, so the docs cannot drift."""

from __future__ import annotations

from collections.abc import Sequence

from medaid.policy.decisions import decisions
from medaid.policy.load import AnyPolicy
from medaid.policy.model import Source
from medaid.policy.params import parameters
from medaid.policy.registry import PolicyRegistry

__all__ = ["render"]

_SCHEMES = {"medical_assistance": "Medical assistance (医疗救助)", "mutual_aid": "Mutual aid (市民社区医疗互助帮困)"}


def render(registry: PolicyRegistry, sections: Sequence[str] = ()) -> str:
    """The whole reference as Markdown; ``sections`` (lines, e.g. the rules layer's clause table,
    :func:`medaid.rules.clauses.markdown`) go before the decisions."""
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
    lines += list(sections)
    lines += [
        "## Default readings (decisions)",
        "",
        "From `policies/decisions.toml`; a `provisional` mark naming no entry there is refused when a policy loads.",
        "",
        "| id | question | medaid's default | weighs |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {d.id} | {d.question_en}<br>{d.question_zh} | {d.default_en}<br>{d.default_zh} | {'; '.join(d.sources)} |"
        for d in decisions().values()
    ]
    lines += ["", "## Sources", "", "| key | number | title | note |", "|---|---|---|---|"]
    sources: dict[str, Source] = {}
    for policy in registry:
        for source in policy.sources.values():
            sources.setdefault(source.key, source)
    for source in sources.values():
        lines.append(f"| `{source.key}` | {source.number or ''} | {source.title} | {source.note or ''} |")
    return "\n".join(lines) + "\n"


def _scheme(heading: str, versions: list[AnyPolicy]) -> list[str]:
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
