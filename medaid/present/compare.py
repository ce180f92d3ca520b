"""Baseline and reform side by side, for a caseworker or a policy analyst (zh or en)."""

from __future__ import annotations

from medaid.i18n import format_money
from medaid.policy.params import Change
from medaid.present.table import render_table
from medaid.whatif.person import LINES, PersonComparison

__all__ = ["side_by_side"]

_TEXT = {
    "en": {
        "lines": {
            "inpatient": "Inpatient assistance",
            "outpatient": "Outpatient assistance",
            "deductible_subsidy": "Deductible subsidy",
            "total": "Total",
        },
        "head": ("", "baseline", "reform", "difference"),
        "changed": "Reform {reform} changes {base}:",
    },
    "zh": {
        "lines": {
            "inpatient": "住院救助",
            "outpatient": "门急诊救助",
            "deductible_subsidy": "起付线补助",
            "total": "合计",
        },
        "head": ("", "现行", "改革", "差额"),
        "changed": "改革方案 {reform} 相对 {base} 的调整：",
    },
}


def side_by_side(comparison: PersonComparison, changes: list[Change], lang: str) -> list[str]:
    """A small table: one row per line, baseline, reform and the signed difference; then what changed."""
    text = _TEXT[lang]
    base_id, reform_id = comparison.baseline.claims[0].policy_id, comparison.reform.claims[0].policy_id
    head = list(text["head"])
    head[1] += f" ({base_id})"
    head[2] += f" ({reform_id})"
    rows = [head]
    for name, read in LINES:
        difference = comparison.difference(name)
        sign = "+" if difference > 0 else ""
        rows.append(
            [
                text["lines"][name],
                format_money(read(comparison.baseline), lang),
                format_money(read(comparison.reform), lang),
                sign + format_money(difference, lang),
            ]
        )
    lines = render_table(rows)
    lines.append(text["changed"].format(reform=reform_id, base=base_id))
    for change in changes:
        lines.append(
            f"  {change.key}: {change.old.value if change.old else '—'} → {change.new.value if change.new else '—'}"
        )
    return lines
