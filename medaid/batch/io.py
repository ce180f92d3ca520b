"""Claims files in and out: read CSV or Parquet (checking the header), write settled and rejected rows.

Input columns (DESIGN §6): ``claim_id, person_id, district, date, category, kind, self_pay,
resident_insurance``; any other column is carried through. Rows are numbered from 1 at the first data
row (the header is not counted; for a CSV file data row N is line N + 1). Checking and parsing each row
is :mod:`medaid.batch.parse`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from medaid.errors import InputError

__all__ = ["REQUIRED", "ROW", "REASON", "read_claims", "write_table", "write_lazy", "plain_csv", "table_format"]

_NEEDS_QUOTES = re.compile(r'[,"\r\n]')
REQUIRED = ("claim_id", "person_id", "district", "date", "category", "kind", "self_pay", "resident_insurance")
#: Columns with few distinct values, read as Categorical from CSV.
LOW_CARDINALITY = ("district", "date", "category", "kind", "resident_insurance")
#: Name of the 1-based data-row number and of the reject reason in the rejects table.
ROW, REASON = "row", "reason"


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


def write_lazy(frame: pl.LazyFrame, path: Path | str, fmt: str | None = None, *, plain: bool = False, excel: str | None = None) -> None:
    """Write a LazyFrame as CSV (UTF-8, header, ``true``/``false``) or Parquet (lz4) with polars' streaming
    writer (computed slice by slice), by ``fmt`` or the extension.

    ``plain``: the caller knows no name or value needs CSV quoting (:func:`plain_csv`), so the writer
    need not look (a third of its time for a settled year).
    ``excel``: CSV for people (``medaid.outputs.EXCEL_ENCODINGS``: UTF-8 with BOM, or GB18030), with
    formula-like text cells neutralised (:func:`medaid.outputs.excel_cell`).
    """
    from medaid.outputs import atomic_path, is_stdio

    fmt = table_format(path, fmt)
    if excel is not None:
        if fmt != "csv":
            raise InputError("--excel applies to CSV output; give a .csv file (or --format csv)")
        from medaid.outputs import excel_frame

        frame, plain = excel_frame(frame), False  # a neutralised cell starts with a quote: let the writer look
    if is_stdio(path):
        _write_stdout(frame, fmt, plain, excel)
        return
    # Sunk into a temporary file beside the target and renamed when whole (medaid.outputs): an
    # interrupted run never leaves a cut file under the final name. Same speed: same folder, one rename.
    with atomic_path(path) as temp:
        _sink(frame, temp, fmt, plain, excel)


def _sink(frame: pl.LazyFrame, path: Path, fmt: str, plain: bool, excel: str | None) -> None:
    try:
        if fmt == "parquet":
            frame.sink_parquet(path, compression="lz4")
        elif excel in (None, "utf-8-sig"):
            frame.sink_csv(path, quote_style="never" if plain else "necessary", include_bom=excel is not None)
        else:  # another encoding: polars writes UTF-8, re-encoded in streamed chunks
            utf8 = path.with_name(path.name + ".utf8")
            try:
                frame.sink_csv(utf8, quote_style="necessary")
                with open(utf8, encoding="utf-8", newline="") as source, open(path, "w", encoding=excel, newline="") as target:
                    while chunk := source.read(1 << 20):
                        target.write(chunk)
            finally:
                utf8.unlink(missing_ok=True)
    except pl.exceptions.ComputeError as exc:
        raise InputError(f"{path}: cannot write: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}") from None


def _write_stdout(frame: pl.LazyFrame, fmt: str, plain: bool, excel: str | None) -> None:
    """``-o -``: the table as CSV on standard output, streamed through a temporary file (slice by slice,
    as to a file). Parquet is a file format, not a stream: refused."""
    import shutil
    import sys
    import tempfile

    if fmt != "csv":
        raise InputError("-o - writes CSV to standard output; give --format csv (Parquet needs a file)")
    with tempfile.TemporaryDirectory(prefix="medaid-") as folder:
        temp = Path(folder) / "out.csv"
        _sink(frame, temp, fmt, plain, excel)
        sys.stdout.flush()
        with open(temp, "rb") as handle:
            shutil.copyfileobj(handle, sys.stdout.buffer, 1 << 20)
        sys.stdout.buffer.flush()


def plain_csv(table: pl.DataFrame) -> bool:
    """True when no column name or text value of ``table`` holds a comma, a double quote or a line break,
    so its CSV needs no quoting. Text columns are scanned; dictionary-encoded ones by their distinct values."""
    if any(_NEEDS_QUOTES.search(name) for name in table.columns):
        return False
    checks = []
    for name, dtype in table.schema.items():
        if dtype == pl.String:
            checks.append(pl.col(name).str.contains(_NEEDS_QUOTES.pattern).any())
        elif isinstance(dtype, (pl.Categorical, pl.Enum)):
            checks.append(pl.col(name).unique().cast(pl.String).str.contains(_NEEDS_QUOTES.pattern).any())
        elif not (dtype.is_numeric() or dtype in (pl.Boolean, pl.Date, pl.Null)):
            return False  # anything else: let the writer decide
    return not checks or not any(table.select(checks).row(0))


def write_table(table: pl.DataFrame, path: Path | str, fmt: str | None = None, *, excel: str | None = None) -> None:
    """Write ``table`` as CSV (UTF-8, header, ``true``/``false``) or Parquet, by ``fmt`` or extension (atomically)."""
    write_lazy(table.lazy(), path, fmt, excel=excel)
