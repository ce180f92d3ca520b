"""Claims files in and out: read CSV or Parquet, validate every row exactly, write settled and rejected rows.

Input columns (DESIGN §6): ``claim_id, person_id, district, date, category, kind, self_pay,
resident_insurance``; any other column is carried through. Rows are numbered from 1 at the first data
row (the header is not counted; for a CSV file data row N is line N + 1). Amounts are parsed from their
text with integer operations only, never through a float.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    "table_format",
]

REQUIRED = ("claim_id", "person_id", "district", "date", "category", "kind", "self_pay", "resident_insurance")
#: Largest self-pay of one claim accepted, in yuan: keeps ``fen × ratio_ppm`` and yearly sums far inside int64.
MAX_SELF_PAY_YUAN = 1_000_000_000
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
                table = pl.read_csv(path, infer_schema=False, encoding="utf8")
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


def _text(column: str, table: pl.DataFrame) -> pl.Expr:
    expr = pl.col(column)
    if table.schema[column] != pl.String:
        expr = expr.cast(pl.String)
    return expr.str.strip_chars()


def parse_columns(table: pl.DataFrame) -> pl.DataFrame:
    """Parse and check each row: the parsed columns (``__fen``, ``__date``, ``__kind``, ``__resident``,
    ``__district``, ``__category``, ``__person``) and the first reason a row cannot be settled (``reason``,
    null if none).

    Checked in column order: claim_id, person_id, district, date, category, kind, self_pay,
    resident_insurance, then duplicates (a repeated ``claim_id`` rejects the later occurrences).
    Amounts must match ``[+]digits[.d[d]]`` (at most 10 digits before the point); only then are they
    converted, so nothing is rounded or read in exponent form.
    """
    amount = _text("self_pay", table)
    amount_ok = amount.str.contains(_AMOUNT)
    fen = pl.when(amount_ok).then((amount.cast(pl.Decimal(20, 2), strict=False) * 100).cast(pl.Int64, strict=False))
    date = pl.col("date") if table.schema["date"] == pl.Date else _text("date", table).str.to_date("%Y-%m-%d", strict=False)
    kind = _text("kind", table)
    resident = _text("resident_insurance", table)
    district = _text("district", table)
    districts = district.replace_strict(_DISTRICT_NAMES, default=None, return_dtype=pl.String)
    parsed = table.with_columns(
        __fen=fen,
        __date=date,
        __kind=kind.replace_strict(_KINDS, default=None, return_dtype=pl.Int8),
        __resident=resident.replace_strict(_BOOLEANS, default=None, return_dtype=pl.Boolean),
        __district=districts,
        __category=_text("category", table),
        __claim=_text("claim_id", table),
        __person=_text("person_id", table),
    )
    checks = {
        "claim_id": pl.col("__claim").is_null() | (pl.col("__claim") == ""),
        "person_id": pl.col("__person").is_null() | (pl.col("__person") == ""),
        "district": pl.col("__district").is_null(),
        "date": pl.col("__date").is_null(),
        "category": pl.col("__category").is_null() | (pl.col("__category").str.replace_all("|", "", literal=True).str.strip_chars() == ""),
        "kind": pl.col("__kind").is_null(),
        "self_pay": pl.col("__fen").is_null() | (pl.col("__fen") > MAX_SELF_PAY_YUAN * 100),
        "resident_insurance": pl.col("__resident").is_null(),
    }
    bad = parsed.select(pl.any_horizontal(*checks.values())).to_series()
    duplicate = _duplicates(parsed["__claim"])
    if not bad.any() and duplicate is None:
        return parsed.with_columns(reason=pl.lit(None, pl.String))
    index = bad.arg_true() if duplicate is None else (bad | duplicate).arg_true()
    subset = parsed[index]
    reason = pl.lit(None, pl.String)
    for column, failed in reversed(checks.items()):
        reason = pl.when(failed).then(_reason(column)).otherwise(reason)
    reasons = subset.select(reason).to_series()
    if duplicate is not None:
        first = parsed.select("__claim").with_row_index("__first", offset=1).filter(pl.col("__claim").is_in(subset["__claim"].implode()))
        first = first.group_by("__claim").agg(pl.col("__first").min())
        named = subset.select("__claim").join(first, on="__claim", how="left", maintain_order="left")
        text = named.select(pl.format("duplicate claim_id '{}' (first at row {})", pl.col("__claim"), pl.col("__first"))).to_series()
        reasons = reasons.fill_null(text)  # a selected row without a failed check is a later duplicate
    full = pl.Series("reason", [None] * parsed.height, pl.String).scatter(index, reasons)
    return parsed.with_columns(reason=full)


_KINDS = {"inpatient": 0, "outpatient": 1, "Inpatient": 0, "Outpatient": 1, "INPATIENT": 0, "OUTPATIENT": 1}
_BOOLEANS = {word: value for words, value in ((TRUE_WORDS, True), (FALSE_WORDS, False)) for word in words}
_BOOLEANS.update({word.upper(): value for word, value in list(_BOOLEANS.items())})
_BOOLEANS.update({word.capitalize(): value for word, value in list(_BOOLEANS.items())})


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
            pl.when(given.str.strip_chars().str.starts_with("-")).then(pl.format("self_pay must not be negative, got '{}'", given))
            .when(pl.col("__fen").is_null()).then(pl.format("self_pay must be yuan with at most two decimals (e.g. 5500 or 5500.50), got '{}'", given))
            .otherwise(pl.format(f"self_pay is above the maximum of {MAX_SELF_PAY_YUAN} yuan per claim, got '{{}}'", given))
        )
    text = what[column]
    return pl.format(text, given) if "{}" in text else pl.lit(text)


def _duplicates(claim_ids: pl.Series) -> pl.Series | None:
    """True at every later occurrence of a claim_id, or None if there is none.

    Compares 64-bit hashes first (cheap) and the text only where hashes repeat, so a collision can
    never reject a row.
    """
    hashed = claim_ids.hash()
    candidates = hashed.is_duplicated()
    if not candidates.any():
        return None
    index = candidates.arg_true()
    later = ~claim_ids.gather(index).is_first_distinct() & claim_ids.gather(index).is_not_null()
    if not later.any():
        return None
    return pl.Series([False] * len(claim_ids)).scatter(index.filter(later), True)


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
