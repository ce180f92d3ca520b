"""The city's transfer to each district for medical assistance (市对区专项转移支付，城乡医疗救助专项补助).

Source: 《2023年度市对区专项转移支付城乡医疗救助专项补助项目绩效自评报告》, table 1 (decision D10).
Per district, in 万元 (ten thousand yuan)::

    transfer = ROUND_HALF_UP(clearing + pre_allocation + audit_city_share × audit_overpayment, whole 万元)
    total    = Σ transfer   (the sum of the rounded rows, not the rounded sum)

Clearing (清算数) and pre-allocation (预分配数) are already the city's money; the audit overpayment
(审计发现多支付资金) is a figure of total funds, of which the city bears its share (policy key
``funding.audit_city_share``, 50 % under the 1:1 rule). Amounts are held in fen; the exact value of a
row is kept as an integer in millionths of a fen, so nothing is rounded before the final step.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import attrs

from medaid.district._csv import read_rows
from medaid.district.funding import round_signed
from medaid.districts import District, district
from medaid.errors import N_, InputError
from medaid.money import PPM
from medaid.policy.model import Policy

__all__ = [
    "FEN_PER_WAN",
    "TransferInput",
    "TransferRow",
    "Transfer",
    "parse_wan",
    "wan_str",
    "exact_wan_str",
    "read_transfer_csv",
    "compute_transfer",
]

#: One 万元 is 10 000 yuan, one million fen.
FEN_PER_WAN = 1_000_000
COLUMNS = ("district", "clearing", "pre_allocation", "audit_overpayment")
_WAN = re.compile(r"^([+-]?)(\d+)(?:\.(\d{1,6}))?$")


def parse_wan(text: str, *, what: str = "amount") -> int:
    """Parse a signed amount in 万元 (at most six decimals, i.e. to the fen) into fen, exactly.

    >>> parse_wan("-759.58"), parse_wan("1754"), parse_wan("0.000001")
    (-759580000, 1754000000, 1)
    """
    cleaned = text.strip().replace(",", "").replace("_", "")
    match = _WAN.match(cleaned)
    if match is None:
        raise InputError(
            N_("{what} must be 万元 with at most six decimals (e.g. -759.58 or 1754), got {text!r}"),
            what=what,
            text=text,
        )
    sign, whole, frac = match.groups()
    fen = int(whole) * FEN_PER_WAN + int((frac or "").ljust(6, "0"))
    return -fen if sign == "-" else fen


def wan_str(fen: int) -> str:
    """Fen as an exact 万元 string, without trailing zeros beyond two decimals.

    >>> wan_str(-759580000), wan_str(1754000000), wan_str(993795000)
    ('-759.58', '1754.00', '993.795')
    """
    return exact_wan_str(Decimal(fen) / FEN_PER_WAN)


def exact_wan_str(value: Decimal) -> str:
    """An exact decimal with at least two decimals and no trailing zeros beyond them.

    >>> exact_wan_str(Decimal("685.5")), exact_wan_str(Decimal("-0.625000"))
    ('685.50', '-0.625')
    """
    text = f"{value:f}"
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.rstrip('0').ljust(2, '0')}"


@attrs.frozen
class TransferInput:
    """One district's row of table 1, in fen: clearing, pre-allocation and the audit overpayment (total funds)."""

    district: District
    clearing_fen: int
    pre_allocation_fen: int
    audit_overpayment_fen: int


@attrs.frozen
class TransferRow:
    """One district's transfer: its inputs, the exact value and the transfer rounded to whole 万元."""

    input: TransferInput
    #: The exact value clearing + pre-allocation + share × audit, in millionths of a fen.
    exact_micro_fen: int
    transfer_wan: int

    @property
    def district(self) -> District:
        """The district the row is for."""
        return self.input.district

    @property
    def exact_wan(self) -> Decimal:
        """The unrounded transfer in 万元 (exact decimal, e.g. 993.795)."""
        return Decimal(self.exact_micro_fen) / (PPM * FEN_PER_WAN)

    @property
    def audit_city_micro_fen(self) -> int:
        """The city's part of the audit overpayment, in millionths of a fen."""
        return self.exact_micro_fen - (self.input.clearing_fen + self.input.pre_allocation_fen) * PPM


@attrs.frozen
class Transfer:
    """The transfer to every district under one policy's audit share, with the published total's two readings."""

    rows: tuple[TransferRow, ...]
    policy_id: str
    audit_city_share_ppm: int

    @property
    def total_wan(self) -> int:
        """The published total: the sum of the rounded rows (合计 = Σ 建议下达数)."""
        return sum(row.transfer_wan for row in self.rows)

    @property
    def exact_total_wan(self) -> Decimal:
        """The unrounded total (Σ exact values), e.g. 25 520.32 for 2023."""
        return Decimal(sum(row.exact_micro_fen for row in self.rows)) / (PPM * FEN_PER_WAN)

    @property
    def rounded_exact_total_wan(self) -> int:
        """The unrounded total rounded once (what a single rounding of the column totals would give)."""
        return round_signed(sum(row.exact_micro_fen for row in self.rows), PPM * FEN_PER_WAN)

    def column_total_fen(self, column: str) -> int:
        """The total of an input column (``clearing_fen``, ``pre_allocation_fen``, ``audit_overpayment_fen``)."""
        return sum(getattr(row.input, column) for row in self.rows)


def compute_transfer(inputs: Iterable[TransferInput], policy: Policy) -> Transfer:
    """The transfer of each district (D10), the city's share of the audit taken from ``policy.funding``."""
    share = policy.funding.audit_city_share_ppm
    rows = []
    for item in inputs:
        exact = (item.clearing_fen + item.pre_allocation_fen) * PPM + item.audit_overpayment_fen * share
        rows.append(TransferRow(item, exact, round_signed(exact, PPM * FEN_PER_WAN)))
    return Transfer(tuple(rows), policy.id, share)


def read_transfer_csv(
    path: Path | str, *, encoding: str | None = None, sheet: str | None = None
) -> list[TransferInput]:
    """Read table 1 (columns ``district, clearing, pre_allocation, audit_overpayment``, 万元, or their Chinese
    headers 区, 清算数, 预分配数, 审计发现多支付资金) from a CSV (UTF-8, GBK …) or an ``.xlsx`` sheet.

    Districts may be ids or Chinese or English names; each at most once. Errors name the file, line and column.
    """
    from medaid.contract.tables import TRANSFER

    inputs: list[TransferInput] = []
    seen: dict[str, int] = {}
    for number, row in read_rows(path, TRANSFER, encoding=encoding, sheet=sheet):
        where = f"{path}: line {number}"
        if row["district"].lower() in ("合计", "总计", "total"):
            raise InputError(
                N_("a total row ({row}) is not an input; medaid adds up the districts itself, remove the row"),
                file=path,
                line=number,
                row=row["district"],
            )
        try:
            found = district(row["district"])
        except InputError as exc:
            raise InputError(N_("column district: {exc}"), file=path, line=number, exc=exc) from None
        if found.id in seen:
            raise InputError(
                N_("district {row!r} again (first on line {seen})"),
                file=path,
                line=number,
                row=row["district"],
                seen=seen[found.id],
            )
        seen[found.id] = number
        amounts = [parse_wan(row.get(column) or "", what=f"{where}: column {column}") for column in COLUMNS[1:]]
        inputs.append(TransferInput(found, *amounts))
    if not inputs:
        raise InputError(N_("no district rows"), file=path)
    return inputs
