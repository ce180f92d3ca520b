"""The small input tables declared: the city's transfer table and the mutual-aid participants (their columns
and the Chinese headers bureaus use), read by :func:`medaid.district._csv.read_rows` through the same file
reader as the claims (UTF-8, GBK/GB18030, UTF-16 or ``.xlsx``; blank lines skipped; lines numbered from the
header as line 1)."""

from __future__ import annotations

import attrs

__all__ = ["TableContract", "TRANSFER", "PARTICIPANTS"]


@attrs.frozen
class TableContract:
    """A table's required columns and the Chinese header names accepted for them (Chinese → English)."""

    what: str
    columns: tuple[str, ...]
    headers_zh: dict[str, str]


#: 市对区专项转移支付 table 1, amounts in 万元 (FACTS §4, D10).
TRANSFER = TableContract(
    "transfer table",
    ("district", "clearing", "pre_allocation", "audit_overpayment"),
    {
        "区": "district",
        "区县": "district",
        "清算数": "clearing",
        "预分配数": "pre_allocation",
        "审计发现多支付资金": "audit_overpayment",
    },
)
#: 互助帮困 participants per town (镇) or street (街道).
PARTICIPANTS = TableContract(
    "participants table",
    ("unit", "type", "participants"),
    {
        "单位": "unit",
        "街镇": "unit",
        "类型": "type",
        "参加人数": "participants",
        "人数": "participants",
    },
)
