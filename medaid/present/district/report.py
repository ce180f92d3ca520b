"""``medaid district``: a district report as plain data (the columns of its CSV, JSON and xlsx, yuan strings)
and as a table (zh/en) in 万元 or 元."""

from __future__ import annotations

from typing import Any

from medaid.district.aggregate import DistrictReport, GroupTotals
from medaid.money import fen_to_yuan_str, ppm_to_str

__all__ = [
    "COUNT_COLUMNS",
    "AMOUNT_COLUMNS",
    "columns",
    "group_record",
    "report_records",
    "report_dict",
    "render_report",
]

COUNT_COLUMNS = ("persons", "person_times_inpatient", "person_times_outpatient", "claims")
AMOUNT_COLUMNS = (
    "self_pay",
    "assistance_inpatient",
    "assistance_outpatient",
    "deductible_subsidy",
    "total",
    "city_share",
    "district_share",
)


def columns(by: str) -> list[str]:
    """The columns of a report grouped ``by`` (``district``, ``district,category`` or ``district,kind``)."""
    detail = by.split(",")[1:]
    return ["district", "name_zh", *detail, *COUNT_COLUMNS, *AMOUNT_COLUMNS]


def group_record(group: GroupTotals, by: str) -> dict[str, Any]:
    """One row: district id and Chinese name (``total``/合计 for the grand total), counts as ints, amounts as yuan strings."""
    record: dict[str, Any] = {
        "district": group.district.id if group.district else "total",
        "name_zh": group.district.name_zh if group.district else "合计",
    }
    for detail in by.split(",")[1:]:
        record[detail] = group.detail if group.district else ""
    record.update(
        persons=group.persons,
        person_times_inpatient=group.person_times["inpatient"],
        person_times_outpatient=group.person_times["outpatient"],
        claims=group.claims,
    )
    record.update({name: fen_to_yuan_str(fen) for name, fen in zip(AMOUNT_COLUMNS, _amounts(group))})
    return record


def _amounts(group: GroupTotals) -> tuple[int, ...]:
    """The fen of each of AMOUNT_COLUMNS, in that order."""
    return (
        group.self_pay_fen,
        group.assistance_fen["inpatient"],
        group.assistance_fen["outpatient"],
        group.deductible_subsidy_fen,
        group.total_fen,
        group.city_fen,
        group.district_share_fen,
    )


def report_records(report: DistrictReport) -> list[dict[str, Any]]:
    """Every group, then the grand total."""
    return [group_record(group, report.by) for group in (*report.rows, report.total)]


def report_dict(report: DistrictReport) -> dict[str, Any]:
    """The JSON object: grouping, policy versions and their funding shares, rows, the total."""
    return {
        "by": report.by,
        "rows_read": report.rows_read,
        "funding": {
            p.id: {
                "city_share": ppm_to_str(p.funding.city_share_ppm),
                "district_share": ppm_to_str(p.funding.district_share_ppm),
                "source": p.funding.citation.source.label,
            }
            for p in report.policies
        },
        "rows": [group_record(group, report.by) for group in report.rows],
        "total": group_record(report.total, report.by),
    }


def render_report(report: DistrictReport, output_format: str, lang: str, unit: str, excel: str | None = None) -> str:
    """The report as ``table``, ``csv`` or ``json`` text; ``excel``: the ``--excel`` encoding, if any."""
    if output_format == "csv":
        from medaid.present.tabular import records_csv

        return records_csv(report_records(report), columns(report.by), excel)
    if output_format == "json":
        from medaid.present.tabular import json_text

        return json_text(report_dict(report))
    return _table(report, lang, unit)


def _table(report: DistrictReport, lang: str, unit: str) -> str:
    from medaid.i18n import format_count, format_ratio
    from medaid.i18n.amounts import format_amount, unit_label
    from medaid.policy.model import KINDS
    from medaid.present.district.text import text
    from medaid.present.table import render_table

    shares = sorted(
        {
            f"{format_ratio(p.funding.city_share_ppm, lang)} : {format_ratio(p.funding.district_share_ppm, lang)}"
            for p in report.policies
        }
    )
    lines = [
        text(
            "district_title",
            lang,
            unit=unit_label(unit, lang),
            shares=", ".join(shares),
            policies=", ".join(p.id for p in report.policies),
            rows=format_count(report.rows_read, lang),
        )
    ]
    detail = report.by.split(",")[1:]
    head = list(text("district_head", lang))
    if detail:
        head.insert(1, text(detail[0], lang))
    body = [head]
    for group in (*report.rows, report.total):
        name = group.district.name(lang) if group.district else text("total", lang)
        cells = [name]
        if detail:
            value = group.detail or ""
            cells.append(text(value, lang) if value in KINDS else value)
        cells += [
            format_count(v, lang)
            for v in (group.persons, group.person_times["inpatient"], group.person_times["outpatient"])
        ]
        cells += [format_amount(v, lang, unit) for v in _amounts(group)]
        body.append(cells)
    lines += render_table(body, left=1 + len(detail))
    lines.append(text("district_note", lang))
    return "\n".join(lines) + "\n"
