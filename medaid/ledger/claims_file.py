"""Read a claims file for the ledger: the scalar reader of the claims contract (:mod:`medaid.contract.claims`).

The file is a CSV (UTF-8 with or without BOM, GBK/GB18030, UTF-16; detected or ``encoding``) or an ``.xlsx``
sheet, with the English or Chinese header names; other columns are ignored. Each row is checked by the same
rules, reasons and duplicate rule as ``medaid claims`` (a parity test holds the two readers together), and
numbered by its line (the header is line 1). Blank rows are skipped and counted. The file is read one row at
a time. No row is dropped silently: ``rows in = rows read + rows rejected``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

import attrs

from medaid.contract.claims import (
    COLUMNS,
    HEADERS_ZH,
    REFUSED,
    ClaimsContract,
    duplicate_reason,
    header_map,
    width_reason,
)
from medaid.contract.files import is_blank
from medaid.contract.files import rows as file_rows
from medaid.contract.values import text_of
from medaid.errors import N_, InputError, InternalError
from medaid.rules import Claim

__all__ = ["COLUMNS", "ClaimRow", "RejectedRow", "ClaimsFileReader", "part_of", "read_claims"]


@attrs.frozen
class ClaimRow:
    """One readable row: its position among the readable rows, its line in the file, its values as written
    (in :data:`COLUMNS` order, trimmed), the claim and the district's id."""

    index: int
    line: int
    values: tuple[str, ...]
    claim: Claim
    district_id: str


@attrs.frozen
class RejectedRow:
    """One row that cannot be used: its line in the file (the header is line 1), why, and the raw fields."""

    line: int
    reason: str  # a medaid.errors.Message: English as text, reason.render(lang) in another language
    fields: tuple[str, ...]


class ClaimsFileReader:
    """The rows of a claims file, read or rejected, in file order (iterate it once).

    ``part=(k, n)`` keeps only part k of n: the rows (read or rejected) whose trimmed person_id falls in
    part k by a hash of it (so a person's rows are all in one part). The duplicate rule (a later copy of a
    valid row's claim_id is refused) is the whole file's in each part: the rows whose claim_id repeats are
    checked by every part. ``blank_rows`` counts the blank rows skipped (after iterating). The file is read
    twice, one row at a time; nothing per row is held but 16 bytes in the first pass.
    """

    def __init__(
        self,
        path: Path | str,
        part: tuple[int, int] = (0, 1),
        *,
        encoding: str | None = None,
        sheet: str | None = None,
        registry=None,
        allow_future: bool = False,
        today=None,
    ) -> None:
        mine, parts = part
        if not 0 <= mine < parts:
            raise InternalError(N_("part must be (k, n) with 0 <= k < n, got {part!r}"), part=part)
        self.path, self.part = Path(path), part
        self.encoding, self.sheet = encoding, sheet
        self.contract = ClaimsContract(registry, today=today, allow_future=allow_future)
        self.blank_rows = 0

    def __iter__(self) -> Iterator[ClaimRow | RejectedRow]:
        # Two passes, so memory stays flat: the first finds the lines whose claim_id hash repeats among
        # valid rows (16 bytes a row); the second reads again and keeps exact ids only for those lines.
        candidates = self._repeated_lines()
        self.blank_rows = 0
        yield from self._read(candidates)

    def _repeated_lines(self) -> set[int]:
        """Lines of valid rows whose claim_id's hash is shared with another valid row (the only possible duplicates)."""
        from array import array

        import numpy as np

        hashes, lines = array("q"), array("q")
        for line, claim_id in self._checked():
            hashes.append(hash(claim_id))
            lines.append(line)
        key = np.frombuffer(hashes, np.int64) if len(hashes) else np.zeros(0, np.int64)
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        same = np.zeros(len(key), bool)
        if len(key) > 1:
            repeat = ordered[1:] == ordered[:-1]
            same[order[1:][repeat]] = True
            same[order[:-1][repeat]] = True
        return set(np.frombuffer(lines, np.int64)[same].tolist()) if len(lines) else set()

    def _checked(self):
        """(line, trimmed claim_id text) for each non-blank row after the header (nothing else is parsed)."""
        for item in self._rows(None):
            if isinstance(item, tuple):
                yield item

    def _read(self, candidates: set[int]) -> Iterator[ClaimRow | RejectedRow]:
        for item in self._rows(candidates):
            if not isinstance(item, tuple):
                yield item

    def _rows(self, candidates: set[int] | None):
        """With ``candidates`` None (the first pass): ``(line, claim_id text)`` per row. Otherwise the rows of
        this part read or rejected (a row is in the part of its trimmed person_id text), a later copy of a
        valid row's claim_id a duplicate: only lines in ``candidates`` can be, and those are checked in every
        part, so each part knows which copy came first."""
        where = str(self.path)
        if not self.path.is_file():
            raise InputError(N_("cannot read the claims file: no such file"), where=where)
        rows = file_rows(self.path, encoding=self.encoding, sheet=self.sheet)
        header = None
        for line, cells in rows:
            if not is_blank(cells):
                header = (line, [text_of(c) for c in cells])
                break
            self.blank_rows += 1
        if header is None:
            raise InputError(N_("empty file; expected a header with {names}"), names=", ".join(COLUMNS), where=where)
        header_line, names = header
        while names and names[-1] == "":
            names.pop()  # a sheet's trailing empty header cells
        at = header_map(names, COLUMNS, HEADERS_ZH, f"{where}: line {header_line}")
        positions = [at[column] for column in COLUMNS]
        claim_at, person_at = at["claim_id"], at["person_id"]
        width = len(names)
        mine, parts = self.part
        contract = self.contract
        first: dict[str, int] = {}
        index = 0
        for line, cells in rows:
            if is_blank(cells):
                self.blank_rows += 1
                continue
            if candidates is None:
                yield line, text_of(cells[claim_at]) if claim_at < len(cells) else ""
                continue
            candidate = line in candidates
            ours = parts == 1 or part_of(text_of(cells[person_at]) if person_at < len(cells) else "", parts) == mine
            if not (ours or candidate):
                continue
            if len(cells) > width and any(text_of(c) for c in cells[width:]):
                if ours:
                    yield RejectedRow(line, width_reason(width, len(cells)), tuple(text_of(c) for c in cells))
                continue
            picked = [cells[p] if p < len(cells) else None for p in positions]
            values, reason = contract.row(picked)
            if values is not None and candidate:
                seen = first.setdefault(values.claim_id, line)
                if seen != line:
                    values, reason = None, duplicate_reason(values.claim_id, seen)
            if not ours:
                continue
            if values is None:
                yield RejectedRow(line, reason or REFUSED, tuple(text_of(c) for c in cells))
                continue
            yield ClaimRow(index, line, tuple(text_of(c) for c in picked), values.claim(), values.district)
            index += 1


def read_claims(
    path: Path | str, part: tuple[int, int] = (0, 1), **options
) -> tuple[list[ClaimRow], list[RejectedRow]]:
    """Every row of the claims file at ``path``, read or rejected, in file order (see :class:`ClaimsFileReader`;
    ``options``: ``encoding``, ``sheet``, ``registry``, ``allow_future``, ``today``).

    Raises:
        InputError: the file cannot be read or decoded, or its header lacks a column.
    """
    rows: list[ClaimRow] = []
    rejected: list[RejectedRow] = []
    for item in ClaimsFileReader(path, part, **options):
        (rows if isinstance(item, ClaimRow) else rejected).append(item)
    return rows, rejected


def part_of(person_id: str, parts: int) -> int:
    """The part (of ``parts``) a person's rows fall in: a hash of the (trimmed) person_id."""
    from medaid.contract.values import trim

    return zlib.crc32(trim(person_id).encode()) % parts
