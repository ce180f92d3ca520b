"""Small input tables (transfer table, mutual-aid participants): read by their declared contract
(:mod:`medaid.contract.tables`) through the claims' file reader, so GBK/GB18030 CSV and ``.xlsx`` work alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from medaid.contract.claims import header_map
from medaid.contract.files import is_blank, rows
from medaid.contract.tables import TableContract
from medaid.contract.values import text_of
from medaid.errors import N_, InputError


def read_rows(
    path: Path | str,
    contract: TableContract | tuple[str, ...],
    *,
    encoding: str | None = None,
    sheet: str | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a table as ``(line number, {column: text})``; ``contract`` names the required columns (English,
    or the Chinese headers it declares). Values are trimmed text (a spreadsheet's numbers as typed).

    Lines starting with ``#`` before the header are comments (e.g. the source document's title); blank lines
    are skipped. A missing required column is an error naming the file and the columns found.
    """
    if not isinstance(contract, TableContract):
        contract = TableContract("table", tuple(contract), {})
    header_line, header, body = text_table(path, contract.columns, encoding=encoding, sheet=sheet)
    at = header_map(header, contract.columns, contract.headers_zh, f"{path}: line {header_line}")
    names = list(header)
    for column, index in at.items():
        names[index] = column
    for number, values in body:
        yield number, dict(zip(names, values))


def text_table(
    path: Path | str, expected: tuple[str, ...], *, encoding: str | None = None, sheet: str | None = None
) -> tuple[int, list[str], Iterator[tuple[int, list[str]]]]:
    """A table file as trimmed text: (the header's line, the header, the rows as ``(line, values)``).

    The header is the first line that is neither blank nor a ``#`` comment, without its trailing empty cells;
    each row is padded to the header's width, and blank rows are skipped. Raises :class:`InputError` for a
    file with no header (naming the ``expected`` columns) and, as the rows are read, for a row with more
    values than the header has columns.
    """
    reader = rows(path, encoding=encoding, sheet=sheet)
    lines = ((number, [text_of(cell) for cell in cells]) for number, cells in reader)
    found = next(((n, texts) for n, texts in lines if not is_blank(texts) and not texts[0].startswith("#")), None)
    if found is None:
        raise InputError(N_("the file is empty; expected columns {names}"), file=path, names=", ".join(expected))
    header_line, header = found
    while header and header[-1] == "":
        header.pop()
    return header_line, header, _padded(path, reader, len(header))


def _padded(path: Path | str, reader: Iterator[tuple[int, list]], width: int) -> Iterator[tuple[int, list[str]]]:
    for number, cells in reader:
        values = [text_of(cell) for cell in cells]
        if is_blank(values):
            continue
        if len(values) > width and any(values[width:]):
            raise InputError(
                N_("{n_values} values but {n_names} columns"),
                file=path,
                line=number,
                n_values=len(values),
                n_names=width,
            )
        values += [""] * (width - len(values))
        yield number, values
