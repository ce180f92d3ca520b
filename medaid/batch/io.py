"""Claims files in and out: read CSV or Parquet, validate every row exactly, write settled and rejected rows.

Input columns (DESIGN §6): ``claim_id, person_id, district, date, category, kind, self_pay,
resident_insurance``; any other column is carried through. Rows are numbered from 1 at the first data
row (the header is not counted; for a CSV file data row N is line N + 1). Amounts are parsed from their
text with integer operations only, never through a float.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import polars as pl

from medaid.districts import DISTRICTS
from medaid.errors import InputError

__all__ = [
    "REQUIRED",
    "MAX_SELF_PAY_YUAN",
    "ROW",
    "REASON",
    "read_claims",
    "parse_columns",
    "write_table",
    "write_batches",
    "table_format",
    "DISTRICT_IDS",
]

REQUIRED = ("claim_id", "person_id", "district", "date", "category", "kind", "self_pay", "resident_insurance")
#: Largest self-pay of one claim accepted, in yuan: keeps ``fen × ratio_ppm`` and yearly sums far inside int64.
MAX_SELF_PAY_YUAN = 1_000_000_000
_EPOCH = dt.date(1970, 1, 1)
#: Columns with few distinct values, read as Categorical from CSV.
LOW_CARDINALITY = ("district", "date", "category", "kind", "resident_insurance")
#: Name of the 1-based data-row number and of the reject reason in the rejects table.
ROW, REASON = "row", "reason"
TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")
_AMOUNT = r"^\+?[0-9]{1,10}(\.[0-9]{1,2})?$"
_DISTRICT_NAMES = {
    name: d.id
    for d in DISTRICTS
    for name in (d.id, d.name_zh, d.name_zh.rstrip("区").removesuffix("新"), d.name_en, d.name_en.lower(), d.name_en.lower().replace("'", ""))
}


def table_format(path: Path | str, given: str | None = None) -> str:
    """``csv`` or ``parquet``: ``given`` if set, else from the file extension."""
    if given is not None:
        if given not in ("csv", "parquet"):
            raise InputError(f"--format must be csv or parquet, got {given!r}")
        return given
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise InputError(f"cannot tell the format of {str(path)!r} from its extension; use .csv or .parquet (or --format)")


def read_claims(source: Any) -> tuple[pl.DataFrame, str]:
    """The claims table and a name for messages, from a path, a polars DataFrame, a pyarrow table or dicts.

    A CSV file is read with every column as text, so nothing is guessed or rounded on the way in.
    A header without a required column is an :class:`InputError` naming the missing columns.
    """
    if isinstance(source, pl.DataFrame):
        table, name = source, "<table>"
    elif isinstance(source, (str, Path)):
        path = Path(source)
        name = str(path)
        if not path.is_file():
            raise InputError(f"{name}: no such file")
        fmt = table_format(path)
        try:
            if fmt == "csv":
                # Low-cardinality columns as Categorical: a 4-byte code per row instead of a string, and
                # every later lookup runs once per distinct value.
                table = pl.read_csv(path, infer_schema=False, encoding="utf8", schema_overrides={c: pl.Categorical for c in LOW_CARDINALITY})
            else:
                table = pl.read_parquet(path)
        except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"{name}: cannot read as {fmt}: {first}") from None
    elif isinstance(source, list):
        table, name = pl.DataFrame(source, infer_schema_length=None), "<records>"
    elif type(source).__module__.startswith("pyarrow"):
        table, name = pl.from_arrow(source), "<arrow table>"
        assert isinstance(table, pl.DataFrame)
    else:
        raise InputError(f"cannot read claims from a {type(source).__name__}; give a path, a polars DataFrame or a list of dicts")
    missing = [column for column in REQUIRED if column not in table.columns]
    if missing:
        raise InputError(
            f"{name}: header lacks required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(expected {', '.join(REQUIRED)})"
        )
    return table, name


def _as_text(table: pl.DataFrame, column: str) -> pl.Series:
    series = table[column]
    return series if series.dtype == pl.String else series.cast(pl.String)


def _text_expr(table: pl.DataFrame, column: str) -> pl.Expr:
    return pl.col(column) if table.schema[column] == pl.String else pl.col(column).cast(pl.String)


def _text_or_codes_expr(table: pl.DataFrame, column: str) -> pl.Expr:
    return pl.col(column) if isinstance(table.schema[column], (pl.Categorical, pl.Enum)) else _text_expr(table, column)


def _physical_expr(table: pl.DataFrame, column: str) -> pl.Expr:
    """The column's Categorical codes (one hash pass; free when it was read as Categorical)."""
    expr = _text_or_codes_expr(table, column)
    if not isinstance(table.schema[column], (pl.Categorical, pl.Enum)):
        expr = expr.cast(pl.Categorical)
    return expr.to_physical()


def _dense(physical: pl.Series, distinct: pl.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Dense int32 codes (−1 for null) from Categorical codes and the (code, value) pairs present."""
    raw = physical.fill_null(0).to_numpy()
    known = distinct.filter(pl.col("code").is_not_null())
    dense = np.full(max(int(raw.max(initial=0)), int(known["code"].max() or 0)) + 1, -1, np.int32)
    dense[known["code"].to_numpy()] = np.arange(known.height, dtype=np.int32)
    codes = dense[raw]
    codes[physical.is_null().to_numpy()] = -1
    return codes, [str(value) for value in known["value"].to_list()]


def _day(text: str) -> int | None:
    """Days since 1970-01-01 of a ``YYYY-MM-DD`` date, or None."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        return (dt.date.fromisoformat(text) - _EPOCH).days
    except ValueError:
        return None


def parse_columns(table: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """Parse and check each row of ``table``; the parsed columns and the distinct category strings.

    Parsed columns: ``fen`` (Int64), ``day`` (Int32, days since 1970-01-01), ``kind`` (0 inpatient, 1
    outpatient), ``resident`` (bool), ``district`` (district id), ``category`` (code into the returned
    list), ``person`` (int32 code) and ``reason``, the first reason a row cannot be settled (null if none).

    Checked in column order: claim_id, person_id, district, date, category, kind, self_pay,
    resident_insurance, then duplicates (a repeated ``claim_id`` rejects the later occurrences).
    Amounts must match ``[+]digits[.d[d]]`` (at most 10 digits before the point, no spaces) and dates
    ``YYYY-MM-DD``; only then are they converted, so nothing is rounded or guessed. Date, district,
    category, kind and insurance are looked up once per distinct value (spaces around are ignored).
    Identifiers are compared exactly as given.
    """
    # The column passes are independent: collect them together so polars runs them on all cores.
    lazy = table.lazy()
    amount = _text_expr(table, "self_pay")
    claim = _text_expr(table, "claim_id")
    queries = {
        "amount": lazy.select(
            fen=pl.when(amount.str.contains(_AMOUNT)).then((amount.cast(pl.Decimal(20, 2), strict=False) * 100).cast(pl.Int64, strict=False)),
        ),
        "claim": lazy.select(blank=claim.is_null() | claim.str.contains(r"^\s*$"), hash=claim.hash()),
        "person": lazy.select(code=_physical_expr(table, "person_id"), blank=_text_expr(table, "person_id").str.contains(r"^\s*$")),
    }
    low = ["category", "kind", "resident_insurance", "district"] + ([] if table.schema["date"] == pl.Date else ["date"])
    for column in low:
        queries[column] = lazy.select(code=_physical_expr(table, column))
        queries[column + "/values"] = lazy.select(code=_physical_expr(table, column), value=_text_or_codes_expr(table, column)).unique("code")
    done = dict(zip(queries, pl.collect_all(list(queries.values()))))
    fen = done["amount"]["fen"]
    claim_id = _as_text(table, "claim_id")

    def coded(column: str) -> tuple[np.ndarray, list[str]]:
        return _dense(done[column]["code"], done[column + "/values"])

    def by_value(column: str, mapping) -> np.ndarray:
        codes, values = coded(column)
        mapped = [mapping(value.strip()) for value in values]
        return np.array([-1 if m is None else int(m) for m in mapped] + [-1], dtype=np.int64)[codes]

    if table.schema["date"] == pl.Date:
        day = table["date"].cast(pl.Int32)
    else:
        day = pl.Series(by_value("date", _day).astype(np.int32)).replace(-1, None)
    category, categories = coded("category")
    person = done["person"]["code"].fill_null(0).cast(pl.Int64).to_numpy()
    kind = by_value("kind", lambda v: _KINDS.get(v.lower())).astype(np.int8)
    resident = by_value("resident_insurance", lambda v: _BOOLEANS.get(v.lower())).astype(np.int8)
    district = by_value("district", _district_index).astype(np.int8)
    blank_person = (done["person"]["blank"] | done["person"]["code"].is_null()).to_numpy()
    parsed = pl.DataFrame({
        "fen": fen,
        "day": day,
        "kind": kind,
        "resident": resident == 1,
        "district": np.maximum(district, 0),  # index into DISTRICT_IDS; rejected where < 0
        "category": category,
        "person": person,
    })
    empty_category = np.array([not text.replace("|", "").strip() for text in categories] + [True])
    checks = {
        "claim_id": done["claim"]["blank"],
        "person_id": pl.Series(blank_person),
        "district": pl.Series(district < 0),
        "date": day.is_null(),
        "category": pl.Series(empty_category[category]),
        "kind": pl.Series(kind < 0),
        "self_pay": fen.is_null() | (fen > MAX_SELF_PAY_YUAN * 100),
        "resident_insurance": pl.Series(resident < 0),
    }
    bad = pl.select(pl.any_horizontal(*checks.values())).to_series()
    duplicate = _duplicates(claim_id, done["claim"]["hash"])
    if not bad.any() and duplicate is None:
        return parsed.with_columns(reason=pl.lit(None, pl.String)), categories
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
    full = pl.Series("reason", [None] * table.height, pl.String).scatter(index, reasons)
    return parsed.with_columns(reason=full), categories


def _district_index(name: str) -> int | None:
    found = _DISTRICT_NAMES.get(name) or _DISTRICT_NAMES.get(name.lower())
    return None if found is None else DISTRICT_IDS.index(found)


_KINDS = {"inpatient": 0, "outpatient": 1}
_BOOLEANS = {word: value for words, value in ((TRUE_WORDS, True), (FALSE_WORDS, False)) for word in words}
#: District ids as an Enum: one byte per row instead of a string.
DISTRICT_IDS = tuple(d.id for d in DISTRICTS)
DISTRICT_ENUM = pl.Enum(DISTRICT_IDS)


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


def _duplicates(claim_ids: pl.Series, hashed: pl.Series) -> pl.Series | None:
    """True at every later occurrence of a claim_id, or None if there is none.

    Compares 64-bit hashes first (one vectorised sort) and the text only where hashes repeat, so a
    collision can never reject a row.
    """
    ordered = np.sort(hashed.to_numpy())
    if not np.any(ordered[1:] == ordered[:-1]):
        return None
    candidates = hashed.is_duplicated()
    index = candidates.arg_true()
    later = ~claim_ids.gather(index).is_first_distinct() & claim_ids.gather(index).is_not_null()
    if not later.any():
        return None
    return pl.Series([False] * len(claim_ids)).scatter(index.filter(later), True)


def write_batches(batches: Iterable[pl.DataFrame], path: Path | str, fmt: str | None = None, *, schema: pl.Schema | None = None) -> None:
    """Write an iterable of same-schema tables as one CSV or Parquet file, one slice at a time.

    Parquet goes through polars' streaming writer (the slices become row groups) when ``schema`` is
    given, else the slices are concatenated and written at once.
    """
    fmt = table_format(path, fmt)
    try:
        if fmt == "csv":
            with open(path, "wb") as handle:
                for i, batch in enumerate(batches):
                    batch.write_csv(handle, include_header=i == 0)
        elif schema is None:
            pl.concat(list(batches)).write_parquet(path, compression="lz4")
        else:
            _lazy(batches, schema).sink_parquet(path, compression="lz4")
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _lazy(batches: Iterable[pl.DataFrame], schema: pl.Schema) -> pl.LazyFrame:
    """The slices as a LazyFrame that polars pulls one at a time (an IO source), so they are never all in memory."""
    from polars.io.plugins import register_io_source

    def source(with_columns, predicate, n_rows, batch_size):
        for batch in batches:
            if with_columns is not None:
                batch = batch.select(with_columns)
            yield batch if predicate is None else batch.filter(predicate)

    return register_io_source(source, schema=schema)


def write_table(table: pl.DataFrame, path: Path | str, fmt: str | None = None) -> None:
    """Write ``table`` as CSV (UTF-8, header, ``true``/``false``) or Parquet, by ``fmt`` or extension."""
    fmt = table_format(path, fmt)
    try:
        if fmt == "csv":
            table.write_csv(path)
        else:
            table.write_parquet(path, compression="lz4")
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
