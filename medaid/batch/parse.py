"""Check and parse every row of a claims table into numpy columns, with the reason each bad row is refused.

Amounts are parsed from their text with integer operations only, never through a float; typed inputs
(Parquet ``Decimal`` amounts, ``Date`` dates, ``Boolean`` insurance) skip the text. Columns with few
distinct values (district, category, kind, insurance, text dates) are looked up once per distinct value.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import attrs
import numpy as np
import polars as pl

from medaid.batch.persons import person_codes
from medaid.districts import DISTRICTS

__all__ = ["Parsed", "parse_columns", "DISTRICT_IDS", "MAX_SELF_PAY_YUAN", "TRUE_WORDS", "FALSE_WORDS"]

#: Largest self-pay of one claim accepted, in yuan: keeps ``fen × ratio_ppm`` and yearly sums far inside int64.
MAX_SELF_PAY_YUAN = 1_000_000_000
TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")
#: District ids, in the order of :data:`medaid.districts.DISTRICTS`; ``Parsed.district`` indexes it.
DISTRICT_IDS = tuple(d.id for d in DISTRICTS)
_EPOCH = dt.date(1970, 1, 1)
_AMOUNT = r"^\+?[0-9]{1,10}(\.[0-9]{1,2})?$"
_KINDS = {"inpatient": 0, "outpatient": 1}
_BOOLEANS = {word: value for words, value in ((TRUE_WORDS, 1), (FALSE_WORDS, 0)) for word in words}
_DISTRICT_NAMES = {
    name: d.id
    for d in DISTRICTS
    for name in (d.id, d.name_zh, d.name_zh.rstrip("区").removesuffix("新"), d.name_en, d.name_en.lower(), d.name_en.lower().replace("'", ""))
}
_LABELS = ("district", "category", "kind", "resident_insurance")


@attrs.frozen
class Parsed:
    """Each row's parsed values, in input order, and the rows refused with their reasons.

    ``fen`` self-pay (int64), ``day`` days since 1970-01-01 (int32), ``kind`` 0 inpatient / 1
    outpatient, ``resident`` 1 for resident insurance, ``district`` index into :data:`DISTRICT_IDS`,
    ``category`` index into ``categories`` (the distinct category strings), ``person`` a code per
    distinct person_id. ``bad`` holds the 0-based indices of refused rows, ascending, and ``reasons``
    the reason of each; their values above are placeholders (0).
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
    reasons: list[str]


def parse_columns(table: pl.DataFrame) -> Parsed:
    """Parse and check each row of ``table`` (the columns of DESIGN §6).

    Checked in column order: claim_id, person_id, district, date, category, kind, self_pay,
    resident_insurance, then duplicates (a repeated ``claim_id`` rejects the later occurrences).
    Amounts must match ``[+]digits[.d[d]]`` (at most 10 digits before the point, no spaces) and dates
    ``YYYY-MM-DD``; only then are they converted, so nothing is rounded or guessed. Date, district,
    category, kind and insurance are looked up once per distinct value (spaces around are ignored).
    Identifiers are compared exactly as given.
    """
    schema = table.schema
    text_date = schema["date"] != pl.Date
    labels = [c for c in _LABELS if not (c == "resident_insurance" and schema[c] == pl.Boolean)] + (["date"] if text_date else [])
    lazy = table.lazy()
    claim, person = _text(schema, "claim_id"), _text(schema, "person_id")
    person_frame = lazy.select(hash=person.hash(), blank=_blank(person)).collect()
    # Person codes (numpy sorts, a few polars slices) on a thread of their own while polars runs the
    # column passes, collected together on its threads, and the checks below.
    pool = ThreadPoolExecutor(1)
    codes = pool.submit(person_codes, _as_text(table, "person_id"), person_frame["hash"].to_numpy())
    pool.shutdown(wait=False)
    queries = [
        lazy.select(fen=_fen(schema)),
        lazy.select(blank=_blank(claim)),
        lazy.select(hash=claim.hash().sort()),
        *(lazy.select(_categorical(schema, column)) for column in labels),
    ]
    fen_frame, claim_blank, claim_hash, *coded = pl.collect_all(queries)
    claim_ids = _as_text(table, "claim_id")
    duplicate = _duplicates(claim_ids, claim_hash.to_series())
    del claim_hash
    by_column = dict(zip(labels, (frame.to_series() for frame in coded)))
    del coded

    category, categories = _codes(by_column["category"])
    kind = _mapped(by_column["kind"], lambda v: _KINDS.get(v.lower()), np.int8)
    district = _mapped(by_column["district"], _district_index, np.int8)
    resident = _resident(table, by_column)
    day = _mapped(by_column["date"], _day, np.int32) if text_date else table["date"].cast(pl.Int32).fill_null(-1).to_numpy().copy()
    del by_column
    fen = fen_frame.to_series()
    empty_category = np.array([not text.replace("|", "").strip() for text in categories] + [True])
    checks = {
        "claim_id": claim_blank.to_series(),
        "person_id": person_frame["blank"],
        "district": pl.Series(district < 0),
        "date": pl.Series(day < 0),
        "category": pl.Series(np.take(empty_category, category)),
        "kind": pl.Series(kind < 0),
        "self_pay": fen.is_null() | (fen > MAX_SELF_PAY_YUAN * 100),
        "resident_insurance": pl.Series(resident < 0),
    }
    bad, reasons = _refused(table, claim_ids, checks, duplicate, fen)
    for values in (day, kind, resident, district, category):
        np.maximum(values, 0, out=values)  # refused rows get placeholders
    return Parsed(
        fen=(fen.fill_null(0) if fen.null_count() else fen).to_numpy(), day=day, kind=kind, resident=resident, district=district, category=category, categories=categories,
        person=codes.result(), bad=bad, reasons=reasons,
    )


def _as_text(table: pl.DataFrame, column: str) -> pl.Series:
    return table[column] if table.schema[column] == pl.String else table[column].cast(pl.String)


def _text(schema: pl.Schema, column: str) -> pl.Expr:
    return pl.col(column) if schema[column] == pl.String else pl.col(column).cast(pl.String)


def _blank(text: pl.Expr) -> pl.Expr:
    return text.is_null() | (text.str.strip_chars().str.len_bytes() == 0)


def _fen(schema: pl.Schema) -> pl.Expr:
    """Self-pay in fen, null where it is not a non-negative amount of yuan with at most two decimals."""
    given = schema["self_pay"]
    column = pl.col("self_pay")
    if isinstance(given, pl.Decimal) and given.scale <= 2:
        return pl.when(column >= 0).then((column * 100).cast(pl.Int64, strict=False))
    if given.is_integer():
        return pl.when(column >= 0).then(column.cast(pl.Int64) * 100)
    text = _text(schema, "self_pay")
    return pl.when(text.str.contains(_AMOUNT)).then((text.cast(pl.Decimal(20, 2), strict=False) * 100).cast(pl.Int64, strict=False))


def _categorical(schema: pl.Schema, column: str) -> pl.Expr:
    """The column as Categorical (as read, or one hashing pass), so each distinct value is parsed once."""
    if isinstance(schema[column], (pl.Categorical, pl.Enum)):
        return pl.col(column)
    return _text(schema, column).cast(pl.Categorical)


def _codes(series: pl.Series) -> tuple[np.ndarray, list[str]]:
    """Dense codes (−1 for null) of a Categorical or Enum series, and the distinct values they index."""
    physical = series.to_physical()
    distinct = series.drop_nulls().unique()
    distinct = distinct.gather(distinct.cast(pl.String).arg_sort())  # the same order every run
    values = [str(value).strip() for value in distinct.cast(pl.String).to_list()]
    known = distinct.to_physical().to_numpy().astype(np.int64)
    table = np.full(max(int(known.max(initial=0)), int(physical.max() or 0)) + 2, -1, np.int32)
    table[known] = np.arange(len(known), dtype=np.int32)
    return np.take(table, physical.fill_null(len(table) - 1).to_numpy()), values


def _mapped(series: pl.Series, mapping, dtype) -> np.ndarray:
    """``mapping`` applied once per distinct value of a Categorical series; −1 where it gives None or for null."""
    codes, values = _codes(series)
    results = [mapping(value) for value in values]
    return np.take(np.array([-1 if r is None else int(r) for r in results] + [-1], dtype), codes)


def _resident(table: pl.DataFrame, by_column: dict[str, pl.Series]) -> np.ndarray:
    if table.schema["resident_insurance"] == pl.Boolean:
        return table["resident_insurance"].cast(pl.Int8).fill_null(-1).to_numpy().copy()  # writable
    return _mapped(by_column["resident_insurance"], lambda v: _BOOLEANS.get(v.lower()), np.int8)


def _day(text: str) -> int | None:
    """Days since 1970-01-01 of a ``YYYY-MM-DD`` date, or None."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        return (dt.date.fromisoformat(text) - _EPOCH).days
    except ValueError:
        return None


def _district_index(name: str) -> int | None:
    found = _DISTRICT_NAMES.get(name) or _DISTRICT_NAMES.get(name.lower())
    return None if found is None else DISTRICT_IDS.index(found)


def _refused(
    table: pl.DataFrame, claim_id: pl.Series, checks: dict[str, pl.Series], duplicate: pl.Series | None, fen: pl.Series,
) -> tuple[np.ndarray, list[str]]:
    """The rows refused (ascending indices) and for each the first failed check in column order, else
    a duplicate claim_id (``duplicate``: true at later occurrences, or None); ``claim_id`` as text."""
    bad = pl.select(pl.any_horizontal(*checks.values())).to_series()
    if not bad.any() and duplicate is None:
        return np.zeros(0, np.int64), []
    index = bad.arg_true() if duplicate is None else (bad | duplicate).arg_true()
    subset = table[index].with_columns(__fen=fen.gather(index))
    reason = pl.lit(None, pl.String)
    for column, failed in reversed(checks.items()):
        reason = pl.when(failed.gather(index)).then(_reason(column)).otherwise(reason)
    reasons = subset.select(reason).to_series()
    if duplicate is not None:
        ids = claim_id.gather(index)
        first = pl.DataFrame({"__claim": claim_id}).with_row_index("__first", offset=1).filter(pl.col("__claim").is_in(ids.implode()))
        first = first.group_by("__claim").agg(pl.col("__first").min())
        named = pl.DataFrame({"__claim": ids}).join(first, on="__claim", how="left", maintain_order="left")
        text = named.select(pl.format("duplicate claim_id '{}' (first at row {})", pl.col("__claim"), pl.col("__first"))).to_series()
        reasons = reasons.fill_null(text)  # a selected row without a failed check is a later duplicate
    return index.to_numpy().astype(np.int64), reasons.to_list()


def _reason(column: str) -> pl.Expr:
    """The sentence for a failed check of ``column``, with the value as given."""
    given = pl.col(column).cast(pl.String).fill_null("")
    what = {
        "claim_id": "claim_id is empty",
        "person_id": "person_id is empty",
        "district": "district is not one of the 16 districts (id, 闵行区, 闵行 or Minhang), got '{}'",
        "date": "date must be a date like 2023-05-01, got '{}'",
        "category": "category is empty",
        "kind": "kind must be inpatient or outpatient, got '{}'",
        "resident_insurance": "resident_insurance must be true or false (also 1/0, yes/no), got '{}'",
    }
    if column == "self_pay":
        return (
            pl.when(given.str.strip_chars() == "").then(pl.lit("self_pay is empty"))
            .when(given.str.strip_chars().str.starts_with("-")).then(pl.format("self_pay must not be negative, got '{}'", given))
            .when(pl.col("__fen").is_null()).then(pl.format("self_pay must be yuan with at most two decimals (e.g. 5500 or 5500.50), got '{}'", given))
            .otherwise(pl.format(f"self_pay is above the maximum of {MAX_SELF_PAY_YUAN} yuan per claim, got '{{}}'", given))
        )
    text = what[column]
    specific = pl.format(text, given) if "{}" in text else pl.lit(text)
    # A short row (a missing field) or an empty cell says so rather than quoting ''.
    return pl.when(given.str.strip_chars() == "").then(pl.lit(f"{column} is empty")).otherwise(specific)


def _duplicates(claim_ids: pl.Series, sorted_hashes: pl.Series) -> pl.Series | None:
    """True at every later occurrence of a claim_id, or None if there is none.

    Looks for a repeated 64-bit hash first (``sorted_hashes``: the ids' hashes, sorted) and compares the
    text only where hashes repeat, so a collision can never reject a row.
    """
    ordered = sorted_hashes.to_numpy()
    if not np.any(ordered[1:] == ordered[:-1]):
        return None
    candidates = claim_ids.hash().is_duplicated()
    index = candidates.arg_true()
    later = ~claim_ids.gather(index).is_first_distinct() & claim_ids.gather(index).is_not_null()
    if not later.any():
        return None
    return pl.Series([False] * len(claim_ids)).scatter(index.filter(later), True)
