"""Records to CSV and JSON text, the way every report command writes them.

CSV is written with ``\\n`` line ends; for ``--excel`` every text cell that Excel would run as a formula is
neutralised first (:func:`medaid.outputs.excel_cell`). JSON keeps Chinese as it is and is indented by two.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["excel_rows", "records_csv", "rows_csv", "json_text"]


def excel_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records with every text cell neutralised for Excel (:func:`medaid.outputs.excel_cell`)."""
    from medaid.outputs import excel_cell

    return [{key: excel_cell(value) for key, value in record.items()} for record in records]


def records_csv(records: list[dict[str, Any]], columns: Sequence[str], excel: str | None = None) -> str:
    """``records`` as CSV under a header of ``columns``; ``excel``: the ``--excel`` encoding, if any.

    >>> print(records_csv([{"a": "=1", "b": 2}], ["a", "b"], excel="utf-8-sig"), end="")
    a,b
    '=1,2
    """
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(excel_rows(records) if excel else records)
    return buffer.getvalue()


def rows_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A header and rows (already neutralised where they need to be) as CSV."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def json_text(data: object) -> str:
    """``data`` as the report commands print it: UTF-8 text, indented by two, one final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
