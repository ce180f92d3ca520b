"""Read a claims CSV for the ledger (DESIGN §6): every row parsed exactly, or rejected with its line and reason.

Columns: ``claim_id, person_id, district, date, category, kind, self_pay, resident_insurance`` (the
``medaid claims`` file; other columns are ignored). ``category`` may join several with ``|`` (就高);
``self_pay`` is yuan with at most two decimals; ``resident_insurance`` is true/false, 1/0 or yes/no. No row
is dropped silently: ``rows in = rows read + rows rejected``.
"""

from __future__ import annotations

import csv
import datetime as dt
import operator
import zlib
from pathlib import Path

import attrs

from medaid.districts import district
from medaid.errors import InputError
from medaid.money import parse_yuan
from medaid.policy.model import CATEGORIES, KINDS
from medaid.rules import Claim

__all__ = ["COLUMNS", "ClaimRow", "RejectedRow", "part_of", "read_claims"]

COLUMNS = ("claim_id", "person_id", "district", "date", "category", "kind", "self_pay", "resident_insurance")
_BOOLS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
_KNOWN = frozenset(CATEGORIES)


@attrs.frozen
class ClaimRow:
    """One readable row: its position among the readable rows, its line in the file, its values as written
    (in :data:`COLUMNS` order, stripped), the claim and the district's id."""

    index: int
    line: int
    values: tuple[str, ...]
    claim: Claim
    district_id: str


@attrs.frozen
class RejectedRow:
    """One row that cannot be used: its line in the file (the header is line 1), why, and the raw fields."""

    line: int
    reason: str
    fields: tuple[str, ...]


def read_claims(path: Path | str, part: tuple[int, int] = (0, 1)) -> tuple[list[ClaimRow], list[RejectedRow]]:
    """Every row of the claims file at ``path``, read or rejected, in file order.

    ``part=(k, n)`` keeps only part k of n: the rows whose person_id falls in part k by a hash of it (so
    a person's rows are all in one part), and, in part 0, the rows too short or long to have a person_id.
    The n parts together hold every row exactly once.

    Raises:
        InputError: the file cannot be read, is not UTF-8, or its header lacks a column.
    """
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return _read(csv.reader(handle), str(path), part)
    except OSError as exc:
        raise InputError(f"cannot read the claims file: {exc.strerror or exc}", where=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("the claims file is not UTF-8 text", where=str(path)) from None
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", where=str(path)) from None


def part_of(person_id: str, parts: int) -> int:
    """The part (of ``parts``) a person's rows fall in: a hash of the person_id as written, stripped."""
    return zlib.crc32(person_id.strip().encode()) % parts


def _read(reader, where: str, part: tuple[int, int]) -> tuple[list[ClaimRow], list[RejectedRow]]:
    header = next(reader, None)
    if header is None:
        raise InputError(f"empty file; expected a header with {', '.join(COLUMNS)}", where=where)
    names = [name.strip() for name in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise InputError(f"header lacks column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; got {', '.join(names)}", where=f"{where}: line 1")
    pick = operator.itemgetter(*(names.index(column) for column in COLUMNS))
    width = len(names)
    rows: list[ClaimRow] = []
    rejected: list[RejectedRow] = []
    parse = _Parser()
    mine, parts = part
    if not 0 <= mine < parts:
        raise ValueError(f"part must be (k, n) with 0 <= k < n, got {part!r}")
    person_at = names.index("person_id")
    for fields in reader:
        line = reader.line_num
        if len(fields) != width:
            if mine == 0:
                reason = "empty row" if not fields else f"expected {width} fields, got {len(fields)}"
                rejected.append(RejectedRow(line, reason, tuple(fields)))
            continue
        if parts > 1 and part_of(fields[person_at], parts) != mine:
            continue
        values = tuple([value.strip() for value in pick(fields)])
        try:
            claim, district_id = parse(values)
            rows.append(ClaimRow(len(rows), line, values, claim, district_id))
        except InputError as exc:
            rejected.append(RejectedRow(line, str(exc), tuple(fields)))
    return rows, rejected


class _Parser:
    """Parse one row's values into a claim; dates, categories and districts repeat, so each is parsed once."""

    def __init__(self) -> None:
        self.dates: dict[str, dt.date] = {}
        self.categories: dict[str, tuple[str, ...]] = {}
        self.districts: dict[str, str] = {}

    def __call__(self, values: tuple[str, ...]) -> tuple[Claim, str]:
        claim_id, person_id, district_name, date, category, kind, self_pay, resident = values
        if not claim_id:
            raise InputError("claim_id is empty")
        if not person_id:
            raise InputError("person_id is empty")
        district_id = self.districts.get(district_name)
        if district_id is None:
            district_id = self.districts[district_name] = district(district_name).id
        day = self.dates.get(date)
        if day is None:
            try:
                day = self.dates[date] = dt.date.fromisoformat(date)
            except ValueError:
                raise InputError(f"date must be a date like 2023-05-01, got {date!r}") from None
        categories = self.categories.get(category)
        if categories is None:
            categories = tuple(part.strip() for part in category.split("|"))
            for name in categories:
                if name not in _KNOWN:
                    raise InputError(f"unknown category {name!r}; valid: {', '.join(CATEGORIES)}")
            self.categories[category] = categories
        if kind not in KINDS:
            raise InputError(f"kind must be inpatient or outpatient, got {kind!r}")
        fen = parse_yuan(self_pay, what="self_pay")
        flag = _BOOLS.get(resident.lower())
        if flag is None:
            raise InputError(f"resident_insurance must be true or false (or 1/0, yes/no), got {resident!r}")
        return Claim(day, kind, fen, categories, flag, claim_id, person_id), district_id
