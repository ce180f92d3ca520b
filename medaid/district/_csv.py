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
    found = None
    reader = rows(path, encoding=encoding, sheet=sheet)
    for number, cells in reader:
        texts = [text_of(cell) for cell in cells]
        if is_blank(texts) or texts[0].startswith("#"):
            continue
        found = (number, texts)
        break
    if found is None:
        raise InputError(
            N_("the file is empty; expected columns {names}"), file=path, names=", ".join(contract.columns)
        )
    header_line, header = found
    while header and header[-1] == "":
        header.pop()
    at = header_map(header, contract.columns, contract.headers_zh, f"{path}: line {header_line}")
    names = list(header)
    for column, index in at.items():
        names[index] = column
    for number, cells in reader:
        values = [text_of(cell) for cell in cells]
        if is_blank(values):
            continue
        if len(values) > len(names) and any(values[len(names) :]):
            raise InputError(
                N_("{n_values} values but {n_names} columns"),
                file=path,
                line=number,
                n_values=len(values),
                n_names=len(names),
            )
        values += [""] * (len(names) - len(values))
        yield number, dict(zip(names, values))
