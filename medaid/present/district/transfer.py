"""``medaid transfer``: the city's transfer to each district as a table (zh/en), CSV or JSON, in 万元.

The figures are :class:`medaid.district.transfer.Transfer`'s; the CSV and JSON give the exact 万元 of each
column, the table groups them for reading.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from medaid.district.transfer import Transfer
from medaid.present.district.text import text

__all__ = ["render_transfer", "transfer_dict"]

_KEYS = (
    "district",
    "name_zh",
    "clearing",
    "pre_allocation",
    "audit_overpayment",
    "audit_city_part",
    "exact",
    "transfer",
)


def render_transfer(result: Transfer, output_format: str, lang: str, excel: str | None = None) -> str:
    """The transfer as ``table``, ``csv`` or ``json`` text; ``excel``: the ``--excel`` encoding, if any."""
    if output_format == "csv":
        return _csv(result, excel)
    if output_format == "json":
        from medaid.present.tabular import json_text

        return json_text(transfer_dict(result))
    return _table(result, lang)


def _micro_wan(micro_fen: int) -> str:
    """Millionths of a fen as an exact 万元 string."""
    from medaid.district.transfer import FEN_PER_WAN, exact_wan_str
    from medaid.money import PPM

    return exact_wan_str(Decimal(micro_fen) / (PPM * FEN_PER_WAN))


def _cells(result: Transfer) -> list[tuple[str, ...]]:
    from medaid.district.transfer import exact_wan_str, wan_str

    return [
        (
            row.district.id,
            row.district.name_zh,
            wan_str(row.input.clearing_fen),
            wan_str(row.input.pre_allocation_fen),
            wan_str(row.input.audit_overpayment_fen),
            _micro_wan(row.audit_city_micro_fen),
            exact_wan_str(row.exact_wan),
            str(row.transfer_wan),
        )
        for row in result.rows
    ]


def _totals(result: Transfer) -> tuple[str, ...]:
    from medaid.district.transfer import exact_wan_str, wan_str

    return (
        wan_str(result.column_total_fen("clearing_fen")),
        wan_str(result.column_total_fen("pre_allocation_fen")),
        wan_str(result.column_total_fen("audit_overpayment_fen")),
        _micro_wan(sum(row.audit_city_micro_fen for row in result.rows)),
        exact_wan_str(result.exact_total_wan),
        str(result.total_wan),
    )


def _table(result: Transfer, lang: str) -> str:
    from medaid.districts import district
    from medaid.i18n import format_ratio
    from medaid.i18n.amounts import format_wan
    from medaid.present.table import render_table

    lines = [
        text("transfer_title", lang, share=format_ratio(result.audit_city_share_ppm, lang), policy=result.policy_id)
    ]
    body = [text("transfer_head", lang)]
    for cells in _cells(result):
        numbers = [format_wan(Decimal(c), lang, min_decimals=2) for c in cells[2:7]] + [format_wan(int(cells[7]), lang)]
        body.append([district(cells[0]).name(lang), *numbers])
    totals = _totals(result)
    body.append(
        [
            text("total", lang),
            *(format_wan(Decimal(c), lang, min_decimals=2) for c in totals[:5]),
            format_wan(int(totals[5]), lang),
        ]
    )
    lines += render_table(body)
    lines.append(
        text(
            "transfer_note",
            lang,
            total=format_wan(result.total_wan, lang),
            exact=format_wan(result.exact_total_wan, lang),
            once=format_wan(result.rounded_exact_total_wan, lang),
        )
    )
    return "\n".join(lines) + "\n"


def _csv(result: Transfer, excel: str | None = None) -> str:
    from medaid.outputs import excel_cell
    from medaid.present.tabular import rows_csv

    cell = excel_cell if excel else (lambda value: value)
    rows: list[list[Any]] = [[cell(value) for value in row] for row in _cells(result)]
    rows.append(["total", "合计", *_totals(result)])
    return rows_csv(_KEYS, rows)


def transfer_dict(result: Transfer) -> dict[str, Any]:
    """The JSON object: policy, the audit's city share, each district's columns, the totals and the rounding note."""
    from medaid.money import ppm_to_str

    totals = _totals(result)
    return {
        "policy_id": result.policy_id,
        "audit_city_share": ppm_to_str(result.audit_city_share_ppm),
        "unit": "万元",
        "districts": [dict(zip(_KEYS, cells)) for cells in _cells(result)],
        "total": str(result.total_wan),
        "total_unrounded": totals[4],
        "total_unrounded_rounded": str(result.rounded_exact_total_wan),
        "column_totals": dict(zip(_KEYS[2:6], totals[:4])),
        "note": text(
            "transfer_note", "en", total=result.total_wan, exact=totals[4], once=result.rounded_exact_total_wan
        ),
    }
