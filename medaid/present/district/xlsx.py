"""A district report as an Excel workbook (presentation only; openpyxl is imported when used).

Amounts are written as exact decimals in 元 with the format ``#,##0.00``; the unit and the funding rule
are stated above the table, as in a bureau's budget sheet.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from medaid.district.aggregate import DistrictReport
from medaid.policy.model import KINDS
from medaid.present.district.report import AMOUNT_COLUMNS, COUNT_COLUMNS, report_records

__all__ = ["write_xlsx"]

_HEAD = {
    "en": {
        "district": "District",
        "category": "Category",
        "kind": "Kind",
        "persons": "Persons",
        "person_times_inpatient": "Inpatient times",
        "person_times_outpatient": "Outpatient times",
        "claims": "Claims",
        "self_pay": "Self-pay",
        "assistance_inpatient": "Inpatient aid",
        "assistance_outpatient": "Outpatient aid",
        "deductible_subsidy": "Deductible subsidy",
        "total": "Total",
        "city_share": "City share",
        "district_share": "District share",
    },
    "zh": {
        "district": "区",
        "category": "救助类别",
        "kind": "类型",
        "persons": "救助人数",
        "person_times_inpatient": "住院人次",
        "person_times_outpatient": "门急诊人次",
        "claims": "结算记录数",
        "self_pay": "自负费用",
        "assistance_inpatient": "住院救助",
        "assistance_outpatient": "门急诊救助",
        "deductible_subsidy": "起付线补助",
        "total": "救助合计",
        "city_share": "市级承担",
        "district_share": "区级承担",
    },
}
_TITLE = {"en": "Medical assistance by district (yuan)", "zh": "分区医疗救助情况（单位：元）"}
_FUNDING = {
    "en": "Funding {policy}: city {city}, district {district} ({source})",
    "zh": "{policy}：市级 {city}，区级 {district}（{source}）",
}
_TOTAL = {"en": "Total", "zh": "合计"}
_KINDS: dict[str, dict[str, str]] = {"zh": dict(zip(KINDS, ("住院", "门急诊"), strict=True)), "en": {}}


def write_xlsx(report: DistrictReport, path: Path | str, lang: str) -> None:
    """Write ``report`` to ``path`` as one sheet: title, funding rule, header, one row per group, the total."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from medaid.districts import district
    from medaid.i18n import format_ratio

    book = Workbook()
    sheet = book.active
    sheet.title = "district" if lang == "en" else "分区汇总"
    sheet.append([_TITLE[lang]])
    sheet["A1"].font = Font(bold=True, size=13)
    for policy in report.policies:
        sheet.append(
            [
                _FUNDING[lang].format(
                    policy=policy.id,
                    city=format_ratio(policy.funding.city_share_ppm, lang),
                    district=format_ratio(policy.funding.district_share_ppm, lang),
                    source=policy.funding.citation.source.label,
                )
            ]
        )
    detail = report.by.split(",")[1:]
    keys = ["district", *detail, *COUNT_COLUMNS, *AMOUNT_COLUMNS]
    sheet.append([_HEAD[lang][key] for key in keys])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for record in report_records(report):
        name = _TOTAL[lang] if record["district"] == "total" else district(record["district"]).name(lang)
        values = [
            name,
            *(_KINDS[lang].get(record[d], record[d]) for d in detail),
            *(record[c] for c in COUNT_COLUMNS),
            *(Decimal(record[a]) for a in AMOUNT_COLUMNS),
        ]
        sheet.append(values)
        for cell in sheet[sheet.max_row][1 + len(detail) + len(COUNT_COLUMNS) :]:
            cell.number_format = "#,##0.00"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2 + len(detail))
    for index, key in enumerate(keys, start=1):
        sheet.column_dimensions[sheet.cell(row=header_row, column=index).column_letter].width = (
            16 if key in AMOUNT_COLUMNS else 12
        )
    from medaid.outputs import atomic_path

    with atomic_path(path) as temp:  # whole or not at all (medaid.outputs)
        book.save(temp)
