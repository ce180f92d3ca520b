"""A district report as plain data: the columns of ``medaid district`` CSV, JSON and xlsx (yuan strings)."""

from __future__ import annotations

from typing import Any

from medaid.district.aggregate import DistrictReport, GroupTotals
from medaid.money import fen_to_yuan_str, ppm_to_str

__all__ = ["COUNT_COLUMNS", "AMOUNT_COLUMNS", "columns", "group_record", "report_records", "report_dict"]

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
    amounts = (
        group.self_pay_fen,
        group.assistance_fen["inpatient"],
        group.assistance_fen["outpatient"],
        group.deductible_subsidy_fen,
        group.total_fen,
        group.city_fen,
        group.district_share_fen,
    )
    record.update({name: fen_to_yuan_str(fen) for name, fen in zip(AMOUNT_COLUMNS, amounts)})
    return record


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
