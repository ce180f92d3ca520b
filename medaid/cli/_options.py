"""The options several commands share, declared once.

One option is an ``Annotated`` type (typer reads the metadata): a command takes ``lang: Lang = None``
instead of repeating the ``typer.Option(...)`` call, so the flag, its help and its type are the same on every
command that has it (typer refuses a default inside ``Annotated``, so the default stays in the signature).

Options that always come together are a group, an attrs class of such fields (:class:`InputFile`,
:class:`ClaimsFile`, :class:`Caseload`, :class:`ExcelOutput`, :class:`Report`). A command decorated with
:func:`with_groups` takes one parameter of the group's type; typer sees the group's options in its place, and
the command receives them as one frozen object:

>>> @with_groups
... def command(path: str, read: InputFile) -> InputFile:
...     return read
>>> list(inspect.signature(command).parameters)
['path', 'encoding', 'sheet']
>>> command(path="a.csv", encoding="gbk", sheet=None)
InputFile(encoding='gbk', sheet=None)
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import attrs
import typer

__all__ = [
    "with_groups",
    "InputFile",
    "ClaimsFile",
    "Caseload",
    "ExcelOutput",
    "Report",
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
    "TextFormat",
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

#: ``--format text|json`` of the commands that print for people or for a program.
TextFormat = Annotated[str, typer.Option("--format", help="text or json.")]

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


@attrs.frozen
class InputFile:
    """How to read an input file: ``--encoding`` (CSV) and ``--sheet`` (xlsx)."""

    encoding: Encoding = None
    sheet: Sheet = None


@attrs.frozen
class ClaimsFile(InputFile):
    """A claims file: read as :class:`InputFile`, and ``--allow-future``."""

    allow_future: AllowFuture = False

    def read(self) -> dict[str, Any]:
        """The reader's keyword arguments (``encoding``, ``sheet``, ``allow_future``)."""
        return {"encoding": self.encoding, "sheet": self.sheet, "allow_future": self.allow_future}


@attrs.frozen
class Caseload(ClaimsFile):
    """The caseload of ``compare`` and ``sweep``: a claims file, its ``--rejects`` and the ``--cluster`` to run on."""

    rejects: Rejects = None
    cluster: Cluster = None


@attrs.frozen
class ExcelOutput:
    """``--excel`` / ``--excel-gbk``: CSV written for Excel."""

    excel: Excel = False
    excel_gbk: ExcelGbk = False


@attrs.frozen
class Report:
    """The outputs of a report (district, compare, sweep): ``--output``, ``--lang``, ``--unit``."""

    output: Output = None
    lang: Lang = None
    unit: Unit = "wan"


_GROUPS = (InputFile, ClaimsFile, Caseload, ExcelOutput, Report)


def with_groups(command: Callable[..., Any]) -> Callable[..., Any]:
    """``command`` with each parameter typed as an option group replaced, for typer, by the group's options."""
    hints = typing.get_type_hints(command, include_extras=True)
    parameters: list[inspect.Parameter] = []
    groups: dict[str, tuple[type, list[str]]] = {}
    for parameter in inspect.signature(command).parameters.values():
        annotation = hints.get(parameter.name, parameter.annotation)
        if annotation not in _GROUPS:
            parameters.append(parameter.replace(annotation=annotation))
            continue
        fields = typing.get_type_hints(annotation, include_extras=True)
        names = [field.name for field in attrs.fields(annotation)]
        groups[parameter.name] = (annotation, names)
        parameters += [
            inspect.Parameter(field.name, parameter.kind, default=field.default, annotation=fields[field.name])
            for field in attrs.fields(annotation)
        ]

    @functools.wraps(command)
    def run(**options: Any) -> Any:
        for name, (group, names) in groups.items():
            options[name] = group(**{field: options.pop(field) for field in names})
        return command(**options)

    signature = inspect.signature(command).replace(parameters=parameters, return_annotation=hints.get("return"))
    run.__signature__ = signature  # type: ignore[attr-defined]  # typer reads the signature, not the wrapped one
    run.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": hints.get("return")}
    return run
