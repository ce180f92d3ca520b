"""``medaid compare``: a reform against its baseline over a caseload, as a table (zh/en), CSV, JSON or a workbook.

The figures are :class:`medaid.whatif.caseload.CaseloadComparison`'s; the CSV and JSON keep exact yuan, the
table shows 万元 or 元 as asked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from medaid.policy.model import KINDS
from medaid.whatif.caseload import CaseloadComparison

__all__ = ["group_names", "comparison_records", "render_comparison", "write_comparison_xlsx"]

_TEXT = {
    "en": {
        "head": (
            "Group",
            "Claims",
            "Persons",
            "Baseline",
            "Reform",
            "Difference",
            "Better off",
            "Worse off",
            "Unchanged",
        ),
        "title": "Reform {reform} vs {base} ({unit}); {rows} claims read, {rejected} rejected",
        "total": "Total",
    },
    "zh": {
        "head": ("分组", "结算数", "人数", "现行", "改革", "差额", "受益人数", "受损人数", "不变人数"),
        "title": "改革方案 {reform} 与 {base} 对比（单位：{unit}）；读入 {rows} 条结算记录，拒收 {rejected} 条",
        "total": "合计",
    },
}
_KINDS = {"zh": dict(zip(KINDS, ("住院", "门急诊"), strict=True)), "en": {kind: kind for kind in KINDS}}


def group_name(key: tuple[str, ...], by: str, lang: str) -> str:
    """A group's name: district names in ``lang``, kinds translated, categories as they are, joined by `` / ``."""
    from medaid.districts import district

    parts = []
    for field, value in zip(by.split(","), key):
        if field == "district":
            parts.append(district(value).name(lang))
        elif field == "kind":
            parts.append(_KINDS[lang].get(value, value))
        else:
            parts.append(value)
    return " / ".join(parts)


def group_names(result: CaseloadComparison, lang: str) -> list[str]:
    """The name of each group of ``result``, in order."""
    return [group_name(g.key, result.by, lang) for g in result.groups]


def comparison_records(result: CaseloadComparison, names: list[str]) -> list[dict[str, Any]]:
    """One record per group, then ``total``: counts, and amounts as yuan strings."""
    from medaid.money import fen_to_yuan_str

    rows = []
    for name, g in [*zip(names, result.groups), ("total", result.total)]:
        rows.append(
            {
                "group": name,
                "claims": g.claims,
                "persons": g.persons,
                "baseline": fen_to_yuan_str(g.baseline_fen),
                "reform": fen_to_yuan_str(g.reform_fen),
                "difference": fen_to_yuan_str(g.difference_fen),
                "better_off": g.better_off,
                "worse_off": g.worse_off,
                "unchanged": g.unchanged,
            }
        )
    return rows


def render_comparison(
    result: CaseloadComparison, output_format: str, lang: str, unit: str, excel: str | None = None
) -> str:
    """The comparison as ``table``, ``csv`` or ``json`` text; ``excel``: the ``--excel`` encoding, if any."""
    names = group_names(result, lang)
    return {"table": _table, "csv": _csv, "json": _json}[output_format](result, names, lang, unit, excel)


def _table(result: CaseloadComparison, names: list[str], lang: str, unit: str, excel: str | None = None) -> str:
    from medaid.i18n import format_count
    from medaid.i18n.amounts import format_amount, unit_label
    from medaid.present.table import render_table

    text = _TEXT[lang]
    rows = [list(text["head"])]
    for name, g in [*zip(names, result.groups), (text["total"], result.total)]:
        sign = "+" if g.difference_fen > 0 else ""
        rows.append(
            [
                name,
                format_count(g.claims, lang),
                format_count(g.persons, lang),
                format_amount(g.baseline_fen, lang, unit),
                format_amount(g.reform_fen, lang, unit),
                sign + format_amount(g.difference_fen, lang, unit),
                format_count(g.better_off, lang),
                format_count(g.worse_off, lang),
                format_count(g.unchanged, lang),
            ]
        )
    title = text["title"].format(
        reform=result.reform_id,
        base=result.baseline_id,
        unit=unit_label(unit, lang),
        rows=format_count(result.rows_in, lang),
        rejected=format_count(result.rejected, lang),
    )
    note = [f"medaid: note: {result.note}"] if result.note else []
    return "\n".join([title, *render_table(rows), *note]) + "\n"


def _csv(result: CaseloadComparison, names: list[str], lang: str, unit: str, excel: str | None = None) -> str:
    from medaid.present.tabular import records_csv

    records = comparison_records(result, names)
    return records_csv(records, list(records[0]), excel)


def _json(result: CaseloadComparison, names: list[str], lang: str, unit: str, excel: str | None = None) -> str:
    from medaid.present.tabular import json_text

    records = comparison_records(result, names)
    data = {
        "baseline_id": result.baseline_id,
        "reform_id": result.reform_id,
        "by": result.by,
        "rows_in": result.rows_in,
        "settled": result.settled,
        "rejected": result.rejected,
        "groups": records[:-1],
        "total": records[-1],
    }
    return json_text(data)


def write_comparison_xlsx(result: CaseloadComparison, path: Path, lang: str) -> None:
    """The comparison as a workbook: a title line, the head in bold, amounts as exact decimals in 元."""
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            _TEXT[lang]["title"].format(
                reform=result.reform_id,
                base=result.baseline_id,
                unit="元" if lang == "zh" else "yuan",
                rows=result.rows_in,
                rejected=result.rejected,
            )
        ]
    )
    sheet.append(list(_TEXT[lang]["head"]))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for record in comparison_records(result, group_names(result, lang)):
        if record["group"] == "total":
            record["group"] = _TEXT[lang]["total"]
        sheet.append(
            [
                record["group"],
                record["claims"],
                record["persons"],
                Decimal(record["baseline"]),
                Decimal(record["reform"]),
                Decimal(record["difference"]),
                record["better_off"],
                record["worse_off"],
                record["unchanged"],
            ]
        )
        for cell in sheet[sheet.max_row][3:6]:
            cell.number_format = "#,##0.00"
    from medaid.outputs import atomic_path

    with atomic_path(path) as temp:  # whole or not at all (medaid.outputs)
        book.save(temp)
