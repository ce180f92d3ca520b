"""One person's claims from a big claims file, without reading the rest of it (``medaid explain --claims``).

A Parquet file, or a well-formed UTF-8 CSV, is scanned lazily by polars and filtered on the claim's
person: first the rows with the claim's ``claim_id`` (which give its person), then that person's rows,
then the other rows that share one of that person's claim ids (the duplicate rule needs them: a later
copy of a valid row's claim_id is refused). Those rows, in file order, go through the claims contract's
scalar reader (:meth:`medaid.contract.claims.ClaimsContract.rows`), so each is read or refused exactly as
the whole file would be. Anything else (an ``.xlsx`` sheet, another encoding, a malformed CSV) is read row
by row by :class:`medaid.ledger.claims_file.ClaimsFileReader`, keeping only what is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import polars as pl

from medaid.contract.claims import COLUMNS, HEADERS_ZH, ClaimsContract, ClaimValues, header_map
from medaid.contract.values import text_of
from medaid.errors import N_, InputError
from medaid.money import SPACES

__all__ = ["PersonClaims", "person_claims"]

_LINE = "__medaid_line"

if TYPE_CHECKING:
    from medaid.policy.registry import PolicyRegistry

#: The rows read (line, values) and refused (line, reason, the row's claim_id text) of a person's claims.
Found = tuple[list[tuple[int, ClaimValues]], list[tuple[int, str | None, str]]]


@attrs.frozen
class PersonClaims:
    """The claim asked for and every readable claim of its person, in file order (line numbers kept)."""

    target: ClaimValues
    claims: tuple[ClaimValues, ...]


def person_claims(
    path: Path | str,
    claim_id: str,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    registry: PolicyRegistry | None = None,
) -> PersonClaims:
    """The claim ``claim_id`` of the file at ``path`` and its person's readable claims.

    Raises:
        InputError: the file cannot be read, has no such claim, or the claim's row is refused (the
            reason and line as ``medaid claims`` gives them).
    """
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise InputError(N_("cannot read the claims file: no such file"), where=where)
    wanted = claim_id.strip(SPACES)
    contract = ClaimsContract(registry)
    frame = _lazy(path, encoding, sheet, where)
    if frame is not None:
        try:
            found = _scanned(frame, wanted, contract)
        except pl.exceptions.PolarsError:
            found = None  # a CSV polars cannot read as it is (a ragged row, a bad quote): row by row below
        parquet = path.suffix.lower() in (".parquet", ".pq")
        # Only a CSV's refused claim is re-read row by row, for the line number a multi-line value would shift.
        if found is not None and (parquet or not any(text == wanted for _line, _reason, text in found[1])):
            return _answer(found, wanted, where)
        if parquet:
            return _answer(found or ([], []), wanted, where)
    return _answer(_read_rows(path, wanted, encoding, sheet, registry), wanted, where)


def _lazy(path: Path, encoding: str | None, sheet: str | None, where: str) -> pl.LazyFrame | None:
    """The file as a lazy frame with the contract's column names and each row's line; None: read row by row."""
    from medaid.contract.files import check_encoding

    suffix = path.suffix.lower()  # the formats of medaid.batch.io.table_format (not imported: it loads numpy)
    if suffix in (".parquet", ".pq"):
        if sheet is not None:
            raise InputError(N_("--sheet applies to .xlsx workbooks, not to {path_name}"), path_name=path.name)
        try:
            frame = pl.scan_parquet(path, row_index_name=_LINE, row_index_offset=2)
            names = frame.collect_schema().names()
        except (pl.exceptions.PolarsError, OSError) as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise InputError(N_("cannot read as parquet: {reason}"), file=where, reason=first) from None
    elif suffix in (".csv", ".txt") and check_encoding(encoding) in (None, "utf-8"):
        # Tried as UTF-8 without reading the whole file to detect it first (2 s of 3.6 M claims): polars
        # refuses invalid UTF-8 as it reads, and then (GBK, UTF-16, a ragged row) the file is read row by row.
        try:
            frame = pl.scan_csv(path, infer_schema=False, encoding="utf8", row_index_name=_LINE, row_index_offset=2)
            names = frame.collect_schema().names()
            found = header_map(names, COLUMNS, HEADERS_ZH, f"{where}: line 1")
        except (pl.exceptions.PolarsError, InputError):
            return None
    else:
        return None
    if suffix in (".parquet", ".pq"):
        found = header_map(names, COLUMNS, HEADERS_ZH, f"{where}: line 1")
    # Line numbers: data row N is line N + 1, as the batch reader counts a Parquet file. In a CSV a
    # value may span lines; those lines are only shown for a refused claim, which is re-read row by row.
    # (A row index made by the scan keeps the filters pushed down into the reader.)
    return frame.select(_LINE, *(pl.col(names[found[column]]).alias(column) for column in COLUMNS))


def _key(column: str) -> pl.Expr:
    """A column as the trimmed text the contract compares (ids are trimmed text)."""
    return pl.col(column).cast(pl.String).str.strip_chars(SPACES)


def _rows_with(frame: pl.LazyFrame, column: str, texts: list[str]) -> pl.DataFrame:
    """The rows whose trimmed ``column`` is one of ``texts``: a literal substring search first (memchr or
    Aho-Corasick over the raw column, several times faster than trimming every value), then the exact test."""
    if not texts:
        return frame.head(0).collect()
    raw = pl.col(column).cast(pl.String)
    near = raw.str.contains(texts[0], literal=True) if len(texts) == 1 else raw.str.contains_any(texts)
    return frame.filter(near).collect().filter(_key(column).is_in(texts))


def _scanned(frame: pl.LazyFrame, claim_id: str, contract: ClaimsContract) -> Found:
    """(read rows, refused rows) of the claim's rows, its person's and every row sharing a claim id with them."""
    hits = _rows_with(frame, "claim_id", [claim_id])
    persons = [p for p in hits.select(_key("person_id")).to_series().drop_nulls().unique().to_list() if p]
    theirs = _rows_with(frame, "person_id", persons)
    ids = [i for i in theirs.select(_key("claim_id")).to_series().drop_nulls().unique().to_list() if i != claim_id]
    shared = _rows_with(frame, "claim_id", ids)
    rows = pl.concat([hits, theirs, shared]).unique(_LINE).sort(_LINE)
    read: list[tuple[int, ClaimValues]] = []
    refused: list[tuple[int, str | None, str]] = []
    numbered = ((row[0], row[1:]) for row in rows.iter_rows())
    for (line, values, reason), cells in zip(contract.rows(numbered), rows.iter_rows()):
        if values is not None:
            read.append((line, values))
        else:
            refused.append((line, reason, text_of(cells[1])))
    return read, refused


def _read_rows(
    path: Path, claim_id: str, encoding: str | None, sheet: str | None, registry: PolicyRegistry | None
) -> Found:
    """Row by row (a sheet, another encoding, a malformed CSV): the same (read, refused) as :func:`_scanned`,
    for the rows that mention ``claim_id`` and the rows of the persons they name."""
    from medaid.ledger.claims_file import ClaimRow, ClaimsFileReader

    read: list[tuple[int, ClaimValues]] = []
    refused: list[tuple[int, str | None, str]] = []
    for item in ClaimsFileReader(path, encoding=encoding, sheet=sheet, registry=registry):
        if isinstance(item, ClaimRow):
            claim = item.claim
            values = ClaimValues(
                claim.claim_id,
                claim.person_id,
                item.district_id,
                claim.date,
                claim.categories,
                claim.kind,
                claim.self_pay_fen,
                claim.resident_insurance,
            )
            read.append((item.line, values))
        elif claim_id in item.fields:
            refused.append((item.line, item.reason, claim_id))
    return read, refused


def _answer(found: Found, claim_id: str, where: str) -> PersonClaims:
    read, refused = found
    target = next((values for _line, values in read if values.claim_id == claim_id), None)
    if target is None:
        for line, reason, text in refused:
            if text == claim_id:
                raise InputError(
                    N_("claim_id {claim_id!r} is on a rejected row: {reason}"),
                    claim_id=claim_id,
                    reason=reason,
                    file=where,
                    line=line,
                )
        raise InputError(N_("no claim with claim_id {claim_id!r}"), claim_id=claim_id, where=where)
    claims = tuple(values for _line, values in read if values.person_id == target.person_id)
    return PersonClaims(target, claims)
