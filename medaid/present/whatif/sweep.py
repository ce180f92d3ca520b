"""``medaid sweep``: the total cost for each value of one parameter, as a table (zh/en), CSV or JSON.

The figures are :class:`medaid.whatif.caseload.Sweep`'s; the CSV and JSON keep exact yuan (and the CSV one
column per district), the table shows 万元 or 元 as asked.
"""

from __future__ import annotations

from typing import Any

from medaid.whatif.caseload import Sweep

__all__ = ["render_sweep", "sweep_records"]

_TEXT = {
    "en": {
        "head": ("Value", "Total", "Difference"),
        "title": "Sweep of {key} ({unit}); baseline (shipped policy) {baseline}",
    },
    "zh": {
        "head": ("取值", "救助总支出", "与现行相比"),
        "title": "参数 {key} 取值测算（单位：{unit}）；现行政策 {baseline}",
    },
}


def render_sweep(result: Sweep, output_format: str, lang: str, unit: str, excel: str | None = None) -> str:
    """The sweep as ``table``, ``csv`` or ``json`` text; ``excel``: the ``--excel`` encoding, if any."""
    return {"table": _table, "csv": _csv, "json": _json}[output_format](result, lang, unit, excel)


def sweep_records(result: Sweep) -> list[dict[str, Any]]:
    """One record per value: the total, the difference from the baseline, and the total per district (yuan)."""
    from medaid.money import fen_to_yuan_str

    return [
        {
            "value": p.value,
            "total": fen_to_yuan_str(p.total_fen),
            "difference": fen_to_yuan_str(p.total_fen - result.baseline.total_fen),
            "by_district": {d: fen_to_yuan_str(f) for d, f in p.by_district},
        }
        for p in result.points
    ]


def _table(result: Sweep, lang: str, unit: str, excel: str | None = None) -> str:
    from medaid.i18n.amounts import format_amount, unit_label
    from medaid.present.table import render_table

    text = _TEXT[lang]
    rows = [list(text["head"])]
    for point in result.points:
        difference = point.total_fen - result.baseline.total_fen
        rows.append(
            [
                point.value,
                format_amount(point.total_fen, lang, unit),
                ("+" if difference > 0 else "") + format_amount(difference, lang, unit),
            ]
        )
    title = text["title"].format(
        key=result.key, unit=unit_label(unit, lang), baseline=format_amount(result.baseline.total_fen, lang, unit)
    )
    return "\n".join([title, *render_table(rows)]) + "\n"


def _csv(result: Sweep, lang: str, unit: str, excel: str | None = None) -> str:
    from medaid.money import fen_to_yuan_str
    from medaid.outputs import excel_cell
    from medaid.present.tabular import rows_csv

    cell = excel_cell if excel else (lambda value: value)
    districts = [d for d, _ in result.baseline.by_district]
    rows = []
    for p in result.points:
        per = dict(p.by_district)
        rows.append(
            [
                cell(p.value),
                fen_to_yuan_str(p.total_fen),
                fen_to_yuan_str(p.total_fen - result.baseline.total_fen),
                *(fen_to_yuan_str(per.get(d, 0)) for d in districts),
            ]
        )
    return rows_csv(["value", "total", "difference", *districts], rows)


def _json(result: Sweep, lang: str, unit: str, excel: str | None = None) -> str:
    from medaid.money import fen_to_yuan_str
    from medaid.present.tabular import json_text

    data = {
        "param": result.key,
        "rows_in": result.rows_in,
        "settled": result.settled,
        "rejected": result.rejected,
        "baseline": {"total": fen_to_yuan_str(result.baseline.total_fen)},
        "points": sweep_records(result),
    }
    return json_text(data)
