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
TRUE_WORDS = ("true", "1", "yes", "y", "t")
FALSE_WORDS = ("false", "0", "no", "n", "f")
_AMOUNT = r"^\+?(\d{1,10})(?:\.(\d{1,2}))?$"
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
    ``__district``, ``__category``) and the first reason a row cannot be settled (``reason``, null if none).

    Checked in column order: claim_id, person_id, district, date, category, kind, self_pay,
    resident_insurance, then duplicates (a repeated ``claim_id`` rejects the later occurrences).
    """
    amount = _text("self_pay", table).str.extract_groups(_AMOUNT)
    whole = amount.struct.field("1").cast(pl.Int64)
    cents = amount.struct.field("2").fill_null("0").str.pad_end(2, "0").cast(pl.Int64)
    fen = whole * 100 + cents
    date_text = _text("date", table)
    date = pl.col("date") if table.schema["date"] == pl.Date else date_text.str.to_date("%Y-%m-%d", strict=False)
    kind = _text("kind", table).str.to_lowercase()
    resident = _text("resident_insurance", table).str.to_lowercase()
    category = _text("category", table)
    district = _text("district", table)
    districts = district.replace_strict(_DISTRICT_NAMES, default=None, return_dtype=pl.String)
    districts = pl.coalesce(districts, district.str.to_lowercase().replace_strict(_DISTRICT_NAMES, default=None, return_dtype=pl.String))
    claim_id = _text("claim_id", table)
    person_id = _text("person_id", table)

    def bad(column: str, what: str) -> pl.Expr:
        return pl.format(f"{column} {what}, got '{{}}'", pl.col(column).cast(pl.String).fill_null(""))

    raw_amount = pl.col("self_pay").cast(pl.String).fill_null("").str.strip_chars()
    reason = (
        pl.when(claim_id.is_null() | (claim_id == "")).then(pl.lit("claim_id is empty"))
        .when(person_id.is_null() | (person_id == "")).then(pl.lit("person_id is empty"))
        .when(districts.is_null()).then(bad("district", "is not one of the 16 districts (id, 闵行区, 闵行 or Minhang)"))
        .when(date.is_null()).then(bad("date", "must be a date like 2023-05-01"))
        .when(category.is_null() | (category.str.replace_all("|", "", literal=True).str.strip_chars() == "")).then(pl.lit("category is empty"))
        .when(~kind.is_in(["inpatient", "outpatient"]) | kind.is_null()).then(bad("kind", "must be inpatient or outpatient"))
        .when(raw_amount.str.starts_with("-")).then(bad("self_pay", "must not be negative"))
        .when(fen.is_null()).then(bad("self_pay", "must be yuan with at most two decimals (e.g. 5500 or 5500.50)"))
        .when(fen > MAX_SELF_PAY_YUAN * 100).then(bad("self_pay", f"is above the maximum of {MAX_SELF_PAY_YUAN} yuan per claim"))
        .when(~resident.is_in(TRUE_WORDS + FALSE_WORDS) | resident.is_null()).then(bad("resident_insurance", "must be true or false"))
    )
    parsed = table.with_columns(
        __fen=fen,
        __date=date,
        __kind=(kind == "outpatient").cast(pl.Int8),
        __resident=resident.is_in(TRUE_WORDS),
        __district=districts,
        __category=category,
        __claim=claim_id,
        __person=person_id,
        reason=reason,
    )
    duplicate = ~parsed["__claim"].is_first_distinct() & parsed["__claim"].is_not_null()
    if duplicate.any():
        first = (
            parsed.with_row_index("__first", offset=1).group_by("__claim").agg(pl.col("__first").min())
        )
        parsed = (
            parsed.with_columns(__dup=duplicate)
            .join(first, on="__claim", how="left", maintain_order="left")
            .with_columns(
                reason=pl.when(pl.col("reason").is_null() & pl.col("__dup"))
                .then(pl.format("duplicate claim_id '{}' (first at row {})", pl.col("__claim"), pl.col("__first")))
                .otherwise(pl.col("reason"))
            )
            .drop("__dup", "__first")
        )
    return parsed


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
