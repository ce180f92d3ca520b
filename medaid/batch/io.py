"""Claims files in and out: read CSV (UTF-8, GBK/GB18030, UTF-16), ``.xlsx`` or Parquet by the claims contract's
header (English or Chinese column names), write settled and rejected rows.

Input columns (:mod:`medaid.contract.claims`): ``claim_id, person_id, district, date, category, kind, self_pay,
resident_insurance`` (or 结算单号, 人员编号, 区, 结算日期, 救助类别, 就诊类型, 自负金额, 城乡居民医保); any other
column is carried through. Rows are numbered by the file's line, the header being line 1 (a sheet's row
number; for Parquet and tables, data row N is number N + 1). Blank rows are skipped and counted. Checking and
parsing each row is :mod:`medaid.batch.parse`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import polars as pl

from medaid.contract.claims import COLUMNS, HEADERS_ZH, header_map, width_reason
from medaid.errors import N_, InputError, InternalError

__all__ = [
    "REQUIRED",
    "ROW",
    "REASON",
    "ClaimsInput",
    "read_claims",
    "read_claims_input",
    "write_table",
    "write_lazy",
    "plain_csv",
    "table_format",
]

_NEEDS_QUOTES = re.compile(r'[,"\r\n]')
REQUIRED = COLUMNS
#: Columns with few distinct values, read as Categorical from CSV.
LOW_CARDINALITY = ("district", "date", "category", "kind", "resident_insurance")
#: Name of the line number (the header is line 1) and of the reject reason in the rejects table.
ROW, REASON = "line", "reason"
#: Hidden columns that carry a table's line numbers and the file reader's refusals through a plain
#: DataFrame (``read_claims`` → ``settle_batch(table)``); never written out.
LINE_COLUMN, REFUSED_COLUMN = "__medaid_line", "__medaid_refused"


def table_format(path: Path | str, given: str | None = None) -> str:
    """``csv``, ``parquet`` or ``xlsx``: ``given`` if set, else from the file extension."""
    if given is not None:
        if given not in ("csv", "parquet", "xlsx"):
            raise InputError(N_("--format must be csv or parquet, got {given!r}"), given=given)
        return given
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    raise InputError(
        N_("cannot tell the format of {path!r} from its extension; use .csv, .xlsx or .parquet (or --format)"),
        path=str(path),
    )


@attrs.frozen
class ClaimsInput:
    """A claims table as read: the columns (canonical names), a name for messages, each row's line (None:
    row index + 2), rows the file reader refused already (index → reason, e.g. a wrong number of fields)
    and how many blank rows were skipped."""

    table: pl.DataFrame
    name: str
    lines: np.ndarray | None = None
    refused: dict = attrs.field(factory=dict)
    blank_rows: int = 0

    def line(self, index: int) -> int:
        """The line (or row number) of the row at ``index``."""
        return int(self.lines[index]) if self.lines is not None else index + 2

    def with_hidden(self) -> pl.DataFrame:
        """The table with its line numbers and refusals as hidden columns (only where they are not trivial)."""
        table = self.table
        if self.lines is not None:
            table = table.with_columns(pl.Series(LINE_COLUMN, self.lines, pl.UInt32))
        if self.refused:
            reasons: list[str | None] = [None] * table.height
            for index, reason in self.refused.items():
                reasons[index] = _packed(reason)
            table = table.with_columns(pl.Series(REFUSED_COLUMN, reasons, pl.String))
        return table


def read_claims(source: Any, *, encoding: str | None = None, sheet: str | None = None) -> tuple[pl.DataFrame, str]:
    """The claims table and a name for messages, from a path, a polars DataFrame, a pyarrow table or dicts.

    Kept for callers that pass the table on (``settle_batch(table)``): line numbers and refusals that are
    not trivial ride along as hidden columns. See :func:`read_claims_input`.
    """
    read = read_claims_input(source, encoding=encoding, sheet=sheet)
    return read.with_hidden(), read.name


def read_claims_input(source: Any, *, encoding: str | None = None, sheet: str | None = None) -> ClaimsInput:
    """Read claims by the contract's header (:func:`medaid.contract.claims.header_map`) from a CSV, ``.xlsx``
    or Parquet path, a polars DataFrame, a pyarrow table or a list of dicts.

    A CSV file is read with every column as text, so nothing is guessed or rounded on the way in; its
    encoding is detected (UTF-8 with or without BOM, else GB18030) unless ``encoding`` is given. A row with
    a wrong number of fields is refused with its line, not the file.

    Raises:
        InputError: the file cannot be read, or its header lacks a required column.
    """
    if isinstance(source, pl.DataFrame):
        return _from_table(source, "<table>")
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = str(path)
        if not path.is_file():
            raise InputError(N_("no such file"), file=name)
        fmt = table_format(path)
        if fmt == "xlsx":
            return _from_rows(path, name, encoding=None, sheet=sheet)
        if sheet is not None:
            raise InputError(N_("--sheet applies to .xlsx workbooks, not to {path_name}"), path_name=path.name)
        if fmt == "parquet":
            try:
                table = pl.read_parquet(path)
            except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
                raise InputError(N_("cannot read as parquet: {reason}"), file=name, reason=_first_line(exc)) from None
            return _from_table(table, name)
        return _read_csv(path, name, encoding)
    if isinstance(source, list):
        return _from_table(pl.DataFrame(source, infer_schema_length=None), "<records>")
    if type(source).__module__.startswith("pyarrow"):
        table = pl.from_arrow(source)
        if not isinstance(table, pl.DataFrame):
            raise InternalError(
                N_("expected {expected}, got {type_name}"), expected="pl.DataFrame", type_name=type(table).__name__
            )
        return _from_table(table, "<arrow table>")
    raise InputError(
        N_("cannot read claims from a {type_name}; give a path, a polars DataFrame or a list of dicts"),
        type_name=type(source).__name__,
    )


def _packed(reason: str) -> str:
    """A refusal as the text of the hidden column: a message as JSON ``[id, fields]`` (its fields are
    numbers), so it is still translatable when the table comes back (``_unpacked``); other text as it is."""
    import json

    from medaid.errors import Message

    if isinstance(reason, Message):
        try:
            return json.dumps([reason.msgid, reason.fields])
        except TypeError:
            pass  # a field JSON cannot hold: the English text
    return str(reason)


def _unpacked(text: str) -> str:
    """A refusal read back from the hidden column (see :func:`_packed`)."""
    import json

    from medaid.errors import Message

    if text.startswith("["):
        try:
            msgid, fields = json.loads(text)
            return Message(msgid, **fields)
        except (ValueError, TypeError):
            pass
    return text


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _renamed(table: pl.DataFrame, name: str) -> pl.DataFrame:
    """The table with the contract's columns under their English names (from English in any case, or Chinese)."""
    found = header_map(table.columns, COLUMNS, HEADERS_ZH, name)
    renames = {table.columns[index]: column for column, index in found.items() if table.columns[index] != column}
    clash = [new for new in renames.values() if new in table.columns and new not in renames]
    if clash:
        raise InputError(N_("column {clash} is given twice (under two names)"), clash=clash[0], where=name)
    return table.rename(renames) if renames else table


def _from_table(table: pl.DataFrame, name: str) -> ClaimsInput:
    lines = refused = None
    if LINE_COLUMN in table.columns:
        lines = table[LINE_COLUMN].to_numpy().astype(np.int64)
        table = table.drop(LINE_COLUMN)
    if REFUSED_COLUMN in table.columns:
        refused = {
            int(i): _unpacked(r)
            for i, r in zip(table[REFUSED_COLUMN].is_not_null().arg_true(), table[REFUSED_COLUMN].drop_nulls())
        }
        table = table.drop(REFUSED_COLUMN)
    return ClaimsInput(_renamed(table, name), name, lines, refused or {})


def _read_csv(path: Path, name: str, encoding: str | None) -> ClaimsInput:
    """The fast path (polars, multi-threaded) for well-formed UTF-8; anything else (another encoding, a row
    with a wrong number of fields, a bad quote, a line break inside a value) is read row by row instead, so
    each problem is refused with its line."""
    from medaid.contract.files import check_encoding

    forced = check_encoding(encoding)
    if forced in (None, "utf-8"):
        try:
            # Low-cardinality columns as Categorical: a 4-byte code per row instead of a string, and
            # every later lookup runs once per distinct value.
            header = pl.read_csv(path, infer_schema=False, n_rows=0, encoding="utf8").columns
            renames = _csv_renames(header)
            overrides = {original: pl.Categorical for original, column in renames.items() if column in LOW_CARDINALITY}
            table = pl.read_csv(path, infer_schema=False, encoding="utf8", schema_overrides=overrides)
            for column in overrides:
                # polars may build a broken Categorical from a badly quoted field (`""黄浦`: the value cut
                # inside a character) that panics when read as text: check the distinct values' bytes here
                # (ValueError on a cut character), so the row-by-row reader takes over.
                for value in table[column].unique().cast(pl.String).cast(pl.Binary).drop_nulls().to_list():
                    value.decode("utf-8")
        except (pl.exceptions.PolarsError, OSError, ValueError):
            return _from_rows(path, name, encoding=encoding, sheet=None)
        except BaseException as exc:
            if type(exc).__name__ != "PanicException":  # polars' Rust panic; anything else is not ours to hide
                raise
            return _from_rows(path, name, encoding=encoding, sheet=None)
        if table.height == 0 or not _breaks_inside_values(table):
            read = _from_table(table, name)
            return _without_blank_rows(read)
    return _from_rows(path, name, encoding=encoding, sheet=None)


def _csv_renames(header: list[str]) -> dict[str, str]:
    from medaid.contract.values import trim

    renames = {}
    for original in header:
        text = trim(original)
        column = HEADERS_ZH.get(text) or (text.lower() if text.lower() in COLUMNS else None)
        if column is not None:
            renames[original] = column
    return renames


def _breaks_inside_values(table: pl.DataFrame) -> bool:
    """Whether a value holds a line break (a quoted multi-line field): then row index + 2 is not the line."""
    checks = []
    for column, dtype in table.schema.items():
        if dtype == pl.String:  # literal searches (memchr), faster than a character class
            checks.append(
                (
                    pl.col(column).str.contains("\n", literal=True) | pl.col(column).str.contains("\r", literal=True)
                ).any()
            )
        elif isinstance(dtype, pl.Categorical):
            checks.append(pl.col(column).unique().cast(pl.String).str.contains(r"[\r\n]").any())
    return bool(checks) and any(table.select(checks).row(0))


def _without_blank_rows(read: ClaimsInput) -> ClaimsInput:
    """Drop the rows with no value in any column (blank lines, or only separators), counting them."""
    table = read.table
    claim = pl.col("claim_id").cast(pl.String).fill_null("")
    from medaid.money import SPACES

    maybe = table.select((claim.str.strip_chars(SPACES) == "").any()).item()
    if not maybe:
        return read
    blank = table.select(
        pl.all_horizontal(pl.all().cast(pl.String).fill_null("").str.strip_chars(SPACES) == "")
    ).to_series()
    count = int(blank.sum())
    if not count:
        return read
    keep = ~blank.to_numpy()
    lines = (read.lines if read.lines is not None else np.arange(table.height, dtype=np.int64) + 2)[keep]
    index = np.flatnonzero(keep)
    position = {int(old): new for new, old in enumerate(index)}
    refused = {position[i]: r for i, r in read.refused.items() if i in position}
    return ClaimsInput(table.filter(pl.Series(keep)), read.name, lines, refused, read.blank_rows + count)


def _from_rows(path: Path, name: str, *, encoding: str | None, sheet: str | None) -> ClaimsInput:
    """Read row by row (:func:`medaid.contract.files.rows`): CSV in any encoding, or a workbook's sheet.
    Cells become text the contract's way (a spreadsheet date is ISO, a number as typed)."""
    from medaid.contract.files import is_blank, rows
    from medaid.contract.values import text_of

    it = rows(path, encoding=encoding, sheet=sheet)
    header_line, header = None, None
    blank = 0
    for line, cells in it:
        if not is_blank(cells):
            header_line, header = line, [text_of(c) for c in cells]
            break
    if header is None:
        raise InputError(N_("empty file; expected a header with {names}"), names=", ".join(COLUMNS), where=name)
    while header and header[-1] == "" and len(header) > len(COLUMNS):
        header.pop()  # a sheet's trailing empty header cells
    width = len(header)
    found = header_map(header, COLUMNS, HEADERS_ZH, f"{name}: line {header_line}")
    names = [f"column_{i + 1}" if not h else h for i, h in enumerate(header)]
    for column, index in found.items():
        names[index] = column
    columns: list[list] = [[] for _ in range(width)]
    lines: list[int] = []
    refused: dict[int, str] = {}
    for line, cells in it:
        if is_blank(cells):
            blank += 1
            continue
        texts = [text_of(c) if not isinstance(c, str) else c for c in cells]
        if len(texts) != width:
            # Missing trailing fields are empty values (the checks name them); extra fields that hold
            # anything refuse the row: the columns would be shifted.
            if any(text_of(c) for c in texts[width:]):
                refused[len(lines)] = width_reason(width, len(texts))
            texts = (texts + [""] * width)[:width]
        for column, text in zip(columns, texts):
            column.append(text)
        lines.append(line)
    table = pl.DataFrame({n: pl.Series(n, c, pl.String) for n, c in zip(names, columns)})
    return ClaimsInput(table, name, np.array(lines, np.int64), refused, blank)


def write_lazy(
    frame: pl.LazyFrame, path: Path | str, fmt: str | None = None, *, plain: bool = False, excel: str | None = None
) -> None:
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
            raise InputError(N_("--excel applies to CSV output; give a .csv file (or --format csv)"))
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
                with (
                    open(utf8, encoding="utf-8", newline="") as source,
                    open(path, "w", encoding=excel, newline="") as target,
                ):
                    while chunk := source.read(1 << 20):
                        target.write(chunk)
            finally:
                utf8.unlink(missing_ok=True)
    except pl.exceptions.ComputeError as exc:
        raise InputError(
            N_("cannot write: {reason}"),
            file=path,
            reason=str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
        ) from None


def _write_stdout(frame: pl.LazyFrame, fmt: str, plain: bool, excel: str | None) -> None:
    """``-o -``: the table as CSV on standard output, streamed through a temporary file (slice by slice,
    as to a file). Parquet is a file format, not a stream: refused."""
    import shutil
    import sys
    import tempfile

    if fmt != "csv":
        raise InputError(N_("-o - writes CSV to standard output; give --format csv (Parquet needs a file)"))
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
