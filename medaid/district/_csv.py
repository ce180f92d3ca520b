"""Small CSV inputs (transfer table, mutual-aid participants): header check, comment lines, row numbers."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator

from medaid.errors import InputError


def read_rows(path: Path | str, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a UTF-8 CSV (BOM allowed) as ``(line number, {column: text})``.

    Lines starting with ``#`` before the header are comments (e.g. the source document's title).
    A missing required column is an error naming the file and the columns found.
    """
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        lines = enumerate(handle, start=1)
        header_line = 0
        for header_line, text in lines:
            if text.strip() and not text.lstrip().startswith("#"):
                break
        else:
            raise InputError(f"{path}: the file is empty; expected columns {', '.join(required)}")
        try:
            header = [name.strip() for name in next(csv.reader([text]))]
        except csv.Error as exc:
            raise InputError(f"{path}:{header_line}: unreadable header ({exc})") from None
        missing = [name for name in required if name not in header]
        if missing:
            raise InputError(f"{path}: missing column {', '.join(missing)}; found {', '.join(header)}")
        for number, text in lines:
            if not text.strip():
                continue
            try:
                values = next(csv.reader([text]))
            except csv.Error as exc:
                raise InputError(f"{path}:{number}: unreadable row ({exc})") from None
            if len(values) > len(header):
                raise InputError(f"{path}:{number}: {len(values)} values but {len(header)} columns")
            values += [""] * (len(header) - len(values))
            yield number, {name: value.strip() for name, value in zip(header, values)}
