"""The options several commands share, declared once as ``Annotated`` types (typer reads the metadata).

A command takes ``encoding: Encoding = None`` instead of repeating the ``typer.Option(...)`` block, so the
flag, its help and its type are the same on every command that has it. Defaults stay in the signature
(typer refuses a default inside ``Annotated``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = [
    "AllowFuture",
    "Cluster",
    "CaseloadInput",
    "Encoding",
    "Excel",
    "ExcelGbk",
    "Lang",
    "Output",
    "Rejects",
    "Sheet",
    "Unit",
]

EXCEL_HELP = (
    "CSV for Chinese Excel: UTF-8 with BOM, cells that Excel would run as formulas (=, +, -, @) prefixed with ' "
    "(plain numbers such as -12.00 stay numbers)."
)
EXCEL_GBK_HELP = "As --excel, but encoded GBK (GB18030) for older Excel versions."

#: ``--excel`` / ``--excel-gbk``: CSV output for Excel (medaid.outputs.excel_encoding).
Excel = Annotated[bool, typer.Option("--excel", help=EXCEL_HELP)]
ExcelGbk = Annotated[bool, typer.Option("--excel-gbk", help=EXCEL_GBK_HELP)]

#: The input options of every command that reads a claims, settled, transfer or participants file.
Encoding = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Text encoding of a CSV input (utf-8, gbk, gb18030 …); default: detected (UTF-8 with or without BOM, else GB18030).",
    ),
]
Sheet = Annotated[
    str | None, typer.Option("--sheet", help="Sheet of an .xlsx input, by name or number from 1 (default: the first).")
]
AllowFuture = Annotated[
    bool, typer.Option("--allow-future", help="Settle claims dated after today (refused by default as a likely typo).")
]

#: ``--lang``: the language of what a command prints (medaid.cli._common.lang_option reads it).
Lang = Annotated[str | None, typer.Option("--lang", help="zh or en (default: zh on a Chinese system locale).")]

#: The outputs of the report commands (district, compare, sweep).
Output = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of standard output.")]
Rejects = Annotated[
    Path | None, typer.Option("--rejects", help="Write the rejected rows here (CSV: line, reason, the fields).")
]
Unit = Annotated[str, typer.Option("--unit", help="Table amounts in wan (万元) or yuan (元).")]

#: The caseload of ``compare`` and ``sweep``, and their Dask runner.
CaseloadInput = Annotated[
    str,
    typer.Argument(
        help="Claims file (CSV, .xlsx or Parquet) or the dataset folder of `medaid claims --cluster`; - reads standard input.",
    ),
]
Cluster = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        help="Run on Dask: local:N or tcp://host:8786 (docs/scale-out.md); a dataset folder is also read as input.",
    ),
]
