"""The columnar reader of the claims contract (:mod:`medaid.contract.claims`): check and parse every row of a
claims table into numpy columns, with the reason each refused row gets.

Derived from the declaration, not a second grammar:

- low-cardinality columns (district, text dates, category, kind, insurance) are parsed by the contract's
  own scalar rule once per *distinct* value (the Chinese labels cost nothing per row);
- identifiers and amounts are checked as polars expressions over the whole column, with the trim set
  and the amount patterns declared in :mod:`medaid.money`; typed Parquet columns (``Date``, ``Decimal``,
  integers, ``Boolean``) skip the text;
- the reason of each refused row is asked of the scalar rule, on that row's value.

Amounts are never multiplied before they are known to be below the maximum, and never go through a float.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import attrs
import numpy as np
import polars as pl

from medaid import districts
from medaid.batch.persons import person_codes, person_groups
from medaid.contract import values as v
from medaid.contract.claims import CLAIMS, REFUSED, ClaimsContract, duplicate_reason
from medaid.errors import N_, InputError, Message
from medaid.money import MAX_YUAN, SPACES, WITHIN_MAX_PATTERN

__all__ = ["Parsed", "parse_columns", "DISTRICT_IDS", "MAX_SELF_PAY_YUAN"]

#: Largest self-pay of one claim, exclusive, in yuan (:data:`medaid.money.MAX_YUAN`).
MAX_SELF_PAY_YUAN = MAX_YUAN
#: District ids, in the order of :data:`medaid.districts.DISTRICTS`; ``Parsed.district`` indexes it.
DISTRICT_IDS = districts.DISTRICT_IDS
_EPOCH = dt.date(1970, 1, 1)
_ORDER = tuple(c.name for c in CLAIMS)


@attrs.frozen
class Parsed:
    """Each row's parsed values, in input order, and the rows refused with their reasons.

    ``fen`` self-pay (int64), ``day`` days since 1970-01-01 (int32), ``kind`` 0 inpatient / 1
    outpatient, ``resident`` 1 for resident insurance, ``district`` index into :data:`DISTRICT_IDS`,
    ``category`` index into ``categories`` (the distinct category ids, normalised: ``dibao|low_income``),
    ``person`` a code per distinct (trimmed) person_id. ``bad`` holds the 0-based indices of refused rows,
    ascending, and ``reasons`` the reason of each (a :class:`~medaid.errors.Message`: English as text,
    ``render(lang)`` in another language); their values above are placeholders (0).
    """

    fen: np.ndarray
    day: np.ndarray
    kind: np.ndarray
    resident: np.ndarray
    district: np.ndarray
    category: np.ndarray
    categories: list[str]
    person: np.ndarray
    bad: np.ndarray
    reasons: list[Message]


def parse_columns(
    table: pl.DataFrame,
    contract: ClaimsContract | None = None,
    *,
    lines: np.ndarray | None = None,
    refused: dict[int, Message] | None = None,
) -> Parsed:
    """Parse and check each row of ``table`` (the columns of the claims contract) by ``contract``.

    Checks in column order, first failure wins (``refused``: rows already refused by the file reader,
    e.g. a wrong number of fields, by index); then a later copy of a claim_id that a valid row has is a
    duplicate. ``lines``: each row's line in its file (default: index + 2, the header being line 1).
    """
    contract = contract or ClaimsContract()
    schema = table.schema
    _check_types(schema)
    lazy = table.lazy()
    claim = _trimmed_text(schema, "claim_id")
    # Person codes of the ids as given (numpy sorts, a few polars slices) on a thread of their own while
    # polars runs the column passes; blank and spaced ids are then checked once per distinct id.
    # One chunk: the per-id rows are then gathered at random without a search through the read's chunks.
    person_ids = _as_text(table, "person_id").rechunk()
    person_hash = lazy.select(_text(schema, "person_id").hash()).collect().to_series().to_numpy()
    pool = ThreadPoolExecutor(1)
    groups = pool.submit(person_groups, person_ids, person_hash)
    pool.shutdown(wait=False)
    text_date = not _is_date(schema["date"])
    typed_resident = schema["resident_insurance"] == pl.Boolean
    labels = [
        c.name
        for c in CLAIMS
        if c.per_distinct
        and not (c.name == "date" and not text_date)
        and not (c.name == "resident_insurance" and typed_resident)
    ]
    fen_ok = _fen(schema)
    queries = [
        lazy.select(fen=fen_ok),
        _blank_and_spaced(lazy, _text(schema, "claim_id"), claim, hash=_text(schema, "claim_id").hash()),
        *(lazy.select(_categorical(schema, column)) for column in labels),
    ]
    fen_frame, claim_frame, *coded = pl.collect_all(queries)
    by_column = dict(zip(labels, (frame.to_series() for frame in coded)))
    del coded

    per_row: dict[str, tuple[np.ndarray, list]] = {}  # column -> (code per row, (value, reason) per code)
    for column in labels:
        codes_, distinct = _codes(by_column[column])
        per_row[column] = (codes_, [contract.value(column, text) for text in distinct])
    del by_column
    district = _values(per_row["district"], np.int8, lambda d: DISTRICT_IDS.index(d))
    kind = _values(per_row["kind"], np.int8, lambda k: 0 if k == "inpatient" else 1)
    category, categories = _category_codes(per_row["category"])
    if typed_resident:
        resident = table["resident_insurance"].cast(pl.Int8).fill_null(-1).to_numpy().copy()
    else:
        resident = _values(per_row["resident_insurance"], np.int8, int)
    if text_date:
        day = _values(per_row["date"], np.int32, lambda d: (d - _EPOCH).days)
    else:
        day = _typed_days(table["date"], contract)
    fen = fen_frame.to_series()
    fen = fen.fill_null(-1).to_numpy().copy() if fen.null_count() else fen.to_numpy()
    if fen.dtype != np.int64 or (fen < 0).any():
        fen = _repaired(table, np.asarray(fen, np.int64).copy(), contract)
    person, one_row = groups.result()
    person_blank, person_spaced = _blank_and_spaced_per_code(person_ids, person, one_row)
    if person_spaced:  # "P1" and "P1 " are one person: codes of the trimmed ids
        trimmed = person_ids.str.strip_chars(SPACES)
        person = person_codes(trimmed, trimmed.hash().to_numpy())
    checks = {
        "claim_id": claim_frame["blank"],
        "person_id": pl.Series(person_blank),
        "district": pl.Series(district < 0),
        "date": pl.Series(day < 0) if text_date else pl.Series(day == _REFUSED_DAY),
        "category": pl.Series(category < 0),
        "kind": pl.Series(kind < 0),
        "self_pay": pl.Series(fen < 0),
        "resident_insurance": pl.Series(resident < 0),
    }
    failed = pl.select(pl.any_horizontal(*checks.values())).to_series().to_numpy().copy()
    if refused:
        failed[list(refused)] = True
    claim_ids = _as_text(table, "claim_id")
    if claim_frame["spaced"].any():
        claim_ids = claim_ids.str.strip_chars(SPACES)
    # numpy's vectorised sort: a third of the CPU of polars' sort of the same hashes.
    sorted_hash = None if claim_frame["spaced"].any() or failed.any() else np.sort(claim_frame["hash"].to_numpy())
    duplicate, first_of = _duplicates(claim_ids, failed, sorted_hash)
    bad = np.flatnonzero(failed | duplicate)
    reasons = _reasons(table, bad, checks, per_row, contract, refused or {}, duplicate, first_of, claim_ids, lines)
    for values in (day, kind, resident, district, category):
        np.maximum(values, 0, out=values)  # refused rows get placeholders
    return Parsed(
        fen=np.maximum(fen, 0),
        day=day,
        kind=kind,
        resident=resident,
        district=district,
        category=category,
        categories=categories,
        person=person,
        bad=bad.astype(np.int64),
        reasons=reasons,
    )


_REFUSED_DAY = np.iinfo(np.int32).min


def _check_types(schema: pl.Schema) -> None:
    """Refuse a column no reader could take (nested values, floating-point money) with one clear error."""
    for column in _ORDER:
        dtype = schema[column]
        if isinstance(dtype, (pl.List, pl.Array, pl.Struct, pl.Object)) or dtype == pl.Binary:
            raise InputError(
                N_("column {column} holds {dtype} values; expected text, numbers or dates"), column=column, dtype=dtype
            )
    if schema["self_pay"].is_float():
        raise InputError(
            N_("column self_pay holds floating-point numbers; give yuan as text or decimals (e.g. 5500.50)")
        )


def _is_date(dtype) -> bool:
    return dtype == pl.Date or isinstance(dtype, pl.Datetime)


def _as_text(table: pl.DataFrame, column: str) -> pl.Series:
    return table[column] if table.schema[column] == pl.String else table[column].cast(pl.String)


def _text(schema: pl.Schema, column: str) -> pl.Expr:
    return (pl.col(column) if schema[column] == pl.String else pl.col(column).cast(pl.String)).fill_null("")


def _trimmed_text(schema: pl.Schema, column: str) -> pl.Expr:
    return _text(schema, column).str.strip_chars(SPACES)


def _blank_and_spaced(lazy: pl.LazyFrame, raw: pl.Expr, trimmed: pl.Expr, **more: pl.Expr) -> pl.LazyFrame:
    """``blank`` per row (nothing left once trimmed) and ``spaced`` (any value with spaces around it), plus
    ``more``. The lengths are taken in a first select so the trimmed text is built once, not per use
    (polars does not share it between the two outputs: half the cost of the check)."""
    lengths = lazy.select(__trimmed=trimmed.str.len_bytes(), __raw=raw.str.len_bytes(), **more)
    return lengths.select(
        *more,
        blank=pl.col("__trimmed") == 0,
        spaced=(pl.col("__trimmed") != pl.col("__raw")).any(),
    )


def _blank_and_spaced_per_code(ids: pl.Series, codes: np.ndarray, one_row: np.ndarray) -> tuple[np.ndarray, bool]:
    """Per row, whether the id is blank (nothing left once trimmed), and whether any id has spaces around it,
    both decided on one row of each distinct id (``codes``, ``one_row``: :func:`~medaid.batch.persons.person_groups`
    of ``ids``): a Shanghai year has 20 claims per person, so the text is trimmed 20 times less often."""
    text = ids.gather(one_row).fill_null("")
    trimmed = text.str.strip_chars(SPACES).str.len_bytes().to_numpy()
    blank = trimmed == 0
    return np.take(blank, codes), bool(np.any(trimmed != text.str.len_bytes().to_numpy()))


def _fen(schema: pl.Schema) -> pl.Expr:
    """Self-pay in fen, null where the contract refuses it. Typed numbers are compared with the maximum
    before they are multiplied; text must match the declared patterns first."""
    given = schema["self_pay"]
    column = pl.col("self_pay")
    in_range = (column >= 0) & (column < MAX_YUAN)
    if isinstance(given, pl.Decimal) and (given.scale or 0) <= 2:
        # Below the maximum, × 100 fits any decimal of 14 digits or more; a narrower one is widened first.
        wide = column if (given.precision or 38) >= 14 else column.cast(pl.Decimal(38, 2))
        return pl.when(in_range).then((wide * 100).cast(pl.Int64, strict=False))
    if given.is_integer():
        return pl.when(in_range).then(column.cast(pl.Int64) * 100)
    text = _amount_text(schema)
    return pl.when(text.str.contains(WITHIN_MAX_PATTERN)).then(
        (text.cast(pl.Decimal(20, 2), strict=False) * 100).cast(pl.Int64, strict=False)
    )


def _amount_text(schema: pl.Schema) -> pl.Expr:
    """self_pay as trimmed text; a decimal of more than two places without its trailing zeros (12.3400 → 12.34)."""
    text = _trimmed_text(schema, "self_pay")
    if isinstance(schema["self_pay"], pl.Decimal):
        text = text.str.replace(r"(\.[0-9]*?)0+$", "${1}").str.replace(r"\.$", "")
    return text


def _categorical(schema: pl.Schema, column: str) -> pl.Expr:
    """The column as Categorical (as read, or one hashing pass), so each distinct value is parsed once."""
    if isinstance(schema[column], (pl.Categorical, pl.Enum)):
        return pl.col(column)
    return pl.col(column).cast(pl.String).cast(pl.Categorical)


def _codes(series: pl.Series) -> tuple[np.ndarray, list[str]]:
    """Dense codes of a Categorical or Enum series (null: the last code, the empty text) and the distinct
    values they index, trimmed."""
    physical = series.to_physical()
    distinct = series.drop_nulls().unique()
    distinct = distinct.gather(distinct.cast(pl.String).arg_sort())  # the same order every run
    values = [v.trim(value) for value in distinct.cast(pl.String).to_list()] + [""]
    known = distinct.to_physical().to_numpy().astype(np.int64)
    table = np.full(max(int(known.max(initial=0)), int(physical.max() or 0)) + 2, len(values) - 1, np.int32)
    table[known] = np.arange(len(known), dtype=np.int32)
    return np.take(table, physical.fill_null(len(table) - 1).to_numpy()), values


def _values(coded: tuple[np.ndarray, list], dtype, convert) -> np.ndarray:
    """Each row's converted value (−1 where the rule refused it), by its distinct value's result."""
    codes, results = coded
    return np.take(np.array([-1 if value is None else convert(value) for value, _reason in results], dtype), codes)


def _category_codes(coded: tuple[np.ndarray, list]) -> tuple[np.ndarray, list[str]]:
    """Codes into the distinct *normalised* category strings (低保 and dibao are one), −1 where refused."""
    codes, results = coded
    names: dict[str, int] = {}
    mapping = np.array(
        [-1 if value is None else names.setdefault(value, len(names)) for value, _reason in results], np.int32
    )
    return np.take(mapping, codes), list(names)


def _typed_days(dates: pl.Series, contract: ClaimsContract) -> np.ndarray:
    """Days of a Date (or Datetime) column, :data:`_REFUSED_DAY` where null or outside the contract's window."""
    days = dates.cast(pl.Date).cast(pl.Int32)
    window = contract.window
    low = (window.first - _EPOCH).days
    high = min(
        (window.last - _EPOCH).days if window.last else 10**8,
        10**8 if window.allow_future else (window.today - _EPOCH).days,
    )
    ok = days.is_not_null() & (days >= low) & (days <= high)
    return (
        days.fill_null(0).to_numpy().copy()
        if ok.all()
        else np.where(ok.fill_null(False).to_numpy(), days.fill_null(0).to_numpy(), _REFUSED_DAY).astype(np.int32)
    )


def _duplicates(
    claim_ids: pl.Series, failed: np.ndarray, sorted_hash: np.ndarray | None = None
) -> tuple[np.ndarray, dict[int, int]]:
    """Later copies of a claim_id that a valid row has (True), and for each the index of that first valid row.

    Only rows that passed every other check take part, so a bad first copy does not block a later good one.
    Repeated 64-bit hashes are looked for first; the text is compared only where hashes repeat.
    """
    n = len(claim_ids)
    duplicate = np.zeros(n, bool)
    if sorted_hash is not None and not np.any(sorted_hash[1:] == sorted_hash[:-1]):
        return duplicate, {}  # the usual case: every row valid so far and no hash repeats
    valid = np.flatnonzero(~failed)
    ids = claim_ids if len(valid) == n else claim_ids.gather(valid)
    hashes = ids.hash().to_numpy()
    ordered = np.sort(hashes)
    if not np.any(ordered[1:] == ordered[:-1]):
        return duplicate, {}
    candidates = np.flatnonzero(np.isin(hashes, ordered[1:][ordered[1:] == ordered[:-1]]))
    frame = pl.DataFrame({"id": ids.gather(candidates), "at": valid[candidates]})
    firsts = frame.group_by("id", maintain_order=True).agg(pl.col("at").first().alias("first"))
    joined = frame.join(firsts, on="id", how="left", maintain_order="left")
    later = joined.filter(pl.col("at") != pl.col("first"))
    duplicate[later["at"].to_numpy()] = True
    return duplicate, dict(zip(later["at"].to_list(), later["first"].to_list()))


def _reasons(
    table: pl.DataFrame,
    bad: np.ndarray,
    checks: dict[str, pl.Series],
    per_row: dict,
    contract: ClaimsContract,
    refused: dict[int, Message],
    duplicate: np.ndarray,
    first_of: dict[int, int],
    claim_ids: pl.Series,
    lines: np.ndarray | None,
) -> list[Message]:
    """The reason of each refused row: the file reader's, else the first failed check in column order
    (asked of the contract's scalar rule on the row's value), else a duplicate."""
    if not len(bad):
        return []
    reasons: list[Message | None] = [refused.get(int(i)) for i in bad]
    failed = {column: mask.gather(bad).to_numpy() for column, mask in checks.items()}
    for column in _ORDER:
        todo = [k for k, reason in enumerate(reasons) if reason is None and failed[column][k]]
        if not todo:
            continue
        if column in per_row:
            codes, results = per_row[column]
            for k in todo:
                reasons[k] = results[codes[bad[k]]][1]
        else:
            cells = table[column].gather(bad[todo]).to_list()
            for k, cell in zip(todo, cells):
                reasons[k] = contract.value(column, _cell(cell))[1] or Message(
                    N_("{what} is refused"), what=v.column_word(column)
                )
    line = (lambda i: int(lines[i])) if lines is not None else (lambda i: int(i) + 2)
    for k, reason in enumerate(reasons):
        if reason is None and duplicate[bad[k]]:
            reasons[k] = duplicate_reason(claim_ids[int(bad[k])], line(first_of[int(bad[k])]))
    return [reason or REFUSED for reason in reasons]


def _repaired(table: pl.DataFrame, fen: np.ndarray, contract: ClaimsContract) -> np.ndarray:
    """``fen`` with each refused amount (−1) asked of the scalar rule: the expression refuses what it cannot
    convert (e.g. 40 leading zeros), and the scalar rule, the reference, takes what it accepts."""
    refused = np.flatnonzero(fen < 0)
    cells = table["self_pay"].gather(refused).to_list()
    for i, cell in zip(refused, cells):
        value, _reason = contract.value("self_pay", _cell(cell))
        if value is not None:
            fen[i] = value
    return fen


def _cell(cell: object) -> object:
    """A typed value as the scalar reader sees it (a decimal without trailing zeros: 12.3400 is 12.34)."""
    if isinstance(cell, Decimal):
        return format(cell.normalize() if cell.as_tuple().exponent < -2 else cell, "f")
    return cell
