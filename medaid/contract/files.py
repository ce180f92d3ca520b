"""Reading what bureaus export: CSV in UTF-8 (with or without BOM), GBK/GB18030 or UTF-16, CRLF or LF; and
``.xlsx`` workbooks (the first sheet, or the one named), with native dates and numbers.

Every reader of an input file (claims, settled claims, transfer table, mutual-aid participants) goes
through here, so each accepts the same files. Rows come numbered by the file's line (a record's first
line; the header is line 1) or the sheet's row number.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from medaid.contract.values import text_of
from medaid.errors import N_, InputError

__all__ = ["SPREADSHEET", "is_spreadsheet", "detect_encoding", "check_encoding", "decoded_text", "rows", "is_blank"]

SPREADSHEET = (".xlsx", ".xlsm")
_CHUNK = 1 << 20


def is_spreadsheet(path: Path | str) -> bool:
    """Whether ``path`` names an Excel workbook (by its extension)."""
    return Path(path).suffix.lower() in SPREADSHEET


def check_encoding(encoding: str | None) -> str | None:
    """The codec name of ``--encoding`` (``utf-8``, ``gbk``, ``gb18030``, ``utf-16`` …), or an error."""
    if encoding is None:
        return None
    try:
        return codecs.lookup(encoding.strip()).name
    except LookupError:
        raise InputError(
            N_("--encoding must be an encoding such as utf-8, gbk or gb18030, got {encoding!r}"), encoding=encoding
        ) from None


def detect_encoding(path: Path | str, forced: str | None = None) -> str:
    """The text encoding of the file: ``forced`` if given, else UTF-16 by its byte-order mark, UTF-8 (a
    BOM allowed) if the whole file decodes as UTF-8, else GB18030 (which reads GBK and GB2312).

    The file is scanned in 1 MiB chunks with an incremental decoder, so memory stays flat.
    """
    forced = check_encoding(forced)
    if forced is not None:
        return "utf-8-sig" if forced == "utf-8" else forced
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                return "utf-16"
            handle.seek(0)
            decoder = codecs.getincrementaldecoder("utf-8")()
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    except OSError as exc:
        raise InputError(N_("cannot read {path}: {reason}"), path=path, reason=exc.strerror or exc) from None
    return "utf-8-sig"


def decoded_text(path: Path | str, encoding: str) -> str:
    """The whole file as text in ``encoding`` (an error names the line of the first undecodable byte)."""
    data = Path(path).read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _decode_error(path, encoding, data[: exc.start].count(b"\n") + 1) from None


def _decode_error(path: Path | str, encoding: str, line: int | None) -> InputError:
    where = f"{path}: line {line}" if line else str(path)
    name = encoding.removesuffix("-sig")
    return InputError(
        N_("not valid {name} text; give the file's encoding with --encoding (utf-8, gbk, gb18030)"),
        name=name,
        where=where,
    )


def _first_bad_line(path: Path | str, encoding: str) -> int | None:
    """The line holding the first byte that ``encoding`` cannot decode (scanned in chunks)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines, offset = 1, 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                start = max(0, exc.start - len(exc.object) + len(chunk))
                return lines + chunk[:start].count(b"\n")
            lines += chunk.count(b"\n")
            offset += len(chunk)
    return None


def is_blank(cells: Iterable[object]) -> bool:
    """A row with no value in any cell (a blank line, or only separators): skipped and counted, never rejected."""
    return all(text_of(cell) == "" for cell in cells)


def rows(
    path: Path | str, *, encoding: str | None = None, sheet: str | None = None
) -> Iterator[tuple[int, list[object]]]:
    """Every row of a CSV file or a workbook's sheet, header first, as ``(line, cells)``.

    CSV cells are text; spreadsheet cells native values (str, int, float, datetime, bool, None). Lines are
    read one at a time (a CSV file is never held whole).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(N_("cannot read {path}: no such file"), path=path)
    if is_spreadsheet(path):
        yield from _sheet_rows(path, sheet)
        return
    if sheet is not None:
        raise InputError(N_("--sheet applies to .xlsx workbooks, not to {path_name}"), path_name=path.name)
    chosen = detect_encoding(path, encoding)
    csv.field_size_limit(2**31 - 1)  # a huge value is a bad value (refused, quoted short), not an unreadable file
    line = 0
    try:
        with open(path, encoding=chosen, newline="") as handle:
            reader = csv.reader(handle)
            for fields in reader:
                cells: list[object] = [*fields]
                yield line + 1, cells
                line = reader.line_num
    except UnicodeDecodeError:
        raise _decode_error(path, chosen, _first_bad_line(path, chosen)) from None
    except csv.Error as exc:
        raise InputError(N_("malformed CSV: {exc}"), exc=exc, file=path, line=line + 1) from None
    except OSError as exc:
        raise InputError(N_("cannot read {path}: {reason}"), path=path, reason=exc.strerror or exc) from None


def _sheet_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, list[object]]]:
    """Rows of the first sheet (or the sheet named, or numbered from 1) of a workbook, with their row numbers."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(N_("cannot read {path} as an .xlsx workbook: {exc}"), path=path, exc=exc) from None
    try:
        names = book.sheetnames
        if sheet is None:
            chosen = names[0]
        elif sheet in names:
            chosen = sheet
        elif sheet.strip().isdigit() and 1 <= int(sheet) <= len(names):
            chosen = names[int(sheet) - 1]
        else:
            raise InputError(N_("no sheet {sheet!r}; sheets: {names}"), file=path, sheet=sheet, names=", ".join(names))
        for number, cells in enumerate(book[chosen].iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        book.close()


def text_csv(rows_: list[list[str]]) -> bytes:
    """Rows as UTF-8 CSV bytes (for handing decoded text to a fast CSV reader)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows_)
    return buffer.getvalue().encode()
