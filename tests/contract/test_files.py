"""What a district bureau exports (issue 11, "Done when"): the same claims as UTF-8, UTF-8 with BOM, GBK CSV and
``.xlsx``, with Chinese headers and labels, settle byte-identically through ``medaid claims`` and pay the same
through ``medaid ledger settle``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from medaid.cli import app

HEADER = ["结算单号", "人员编号", "区", "结算日期", "救助类别", "就诊类型", "自负金额", "城乡居民医保", "备注"]
#: One table: (claim, person, district, date, category, kind, self-pay, insurance, note); the date and amount
#: as a spreadsheet holds them (a date, a number), written as text for the CSV files.
ROWS = [
    ("A001", "P1", "闵行区", dt.date(2023, 3, 1), "低保", "门急诊", 5500.5, "是", "门诊慢病"),
    ("A002", "P1", "闵行", dt.date(2023, 4, 2), "低保", "住院", 160000, "是", ""),
    ("A003", "P2", "浦东新区", dt.date(2023, 5, 3), "低收入", "门诊", 3100, "否", "急诊"),
    ("A004", "P2 ", "浦东", dt.date(2023, 6, 4), "低收入|低保", "住院", 20000.05, "否", ""),
    ("A005", "P3", "徐汇区", dt.date(2024, 2, 5), "特困", "门急诊", 999.99, "是", ""),
    ("A006", "P4", "Minhang", dt.date(2023, 7, 6), "城乡低保家庭成员", "INPATIENT", 45000, "1", ""),
    ("A007", "P5", "闵行区", dt.date(2023, 8, 7), "wizard", "住院", 100, "是", "bad category"),
    ("A001", "P9", "闵行区", dt.date(2023, 8, 8), "低保", "住院", 100, "是", "duplicate"),
]


def as_text(row: tuple) -> list[str]:
    """A row as the CSV export writes it (what a spreadsheet shows: ISO dates, numbers as typed)."""
    return [
        value.isoformat()
        if isinstance(value, dt.date)
        else (str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
        for value in row
    ]


def write_csv(path: Path, encoding: str) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(as_text(row) for row in ROWS[:3])
    buffer.write("\r\n")  # a blank line: skipped and counted
    writer.writerows(as_text(row) for row in ROWS[3:])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "结算明细"
    sheet.append(HEADER)
    for row in ROWS[:3]:
        sheet.append(list(row))
    sheet.append([None] * len(HEADER))
    for row in ROWS[3:]:
        sheet.append(list(row))
    for cell in sheet["D"][1:]:
        cell.number_format = "yyyy/m/d"
    book.save(path)
    return path


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bureau")
    return {
        "utf-8": write_csv(folder / "claims-utf8.csv", "utf-8"),
        "utf-8-bom": write_csv(folder / "claims-bom.csv", "utf-8-sig"),
        "gbk": write_csv(folder / "claims-gbk.csv", "gbk"),
        "xlsx": write_xlsx(folder / "claims.xlsx"),
    }


def run(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_claims_output_is_byte_identical_whatever_the_export(exports: dict[str, Path], tmp_path: Path) -> None:
    """``medaid claims`` settles the four exports to the same bytes, rejects and summary (exit 2: two rejects)."""
    outputs, rejects, summaries = {}, {}, {}
    for kind, source in exports.items():
        target = tmp_path / f"settled-{kind}.csv"
        result = run("claims", source, "-o", target, "--rejects", tmp_path / f"rejects-{kind}.csv")
        assert result.exit_code == 2, result.output
        outputs[kind] = target.read_bytes()
        rejects[kind] = (tmp_path / f"rejects-{kind}.csv").read_bytes()
        summaries[kind] = result.output.replace(f"rejects-{kind}.csv", "rejects.csv")
    assert len(set(outputs.values())) == 1 and len(set(rejects.values())) == 1 and len(set(summaries.values())) == 1
    assert summaries["gbk"].splitlines()[0] == "rows in 8 / settled 6 / rejected 2 (1 blank rows skipped)"
    settled = pl.read_csv(io.BytesIO(outputs["gbk"]), infer_schema=False)
    assert settled.columns[:9] == [
        "claim_id",
        "person_id",
        "district",
        "date",
        "category",
        "kind",
        "self_pay",
        "resident_insurance",
        "备注",
    ]
    assert settled["district_id"].to_list() == ["minhang", "minhang", "pudong", "pudong", "xuhui", "minhang"]
    assert settled["category_applied"].to_list() == [
        "dibao",
        "dibao",
        "low_income",
        "dibao",
        "extreme_poverty",
        "dibao",
    ]
    # P2 and "P2 " are one person: the second claim is paid at dibao's 90 % (就高).
    assert settled["assistance"].to_list()[3] == "18000.05"
    reasons = pl.read_csv(io.BytesIO(rejects["xlsx"]), infer_schema=False).select("line", "reason").rows()
    assert reasons[0][0] == "9" and "unknown category 'wizard'" in reasons[0][1]
    assert reasons[1] == ("10", "duplicate claim_id 'A001' (first at line 2)")


def test_ledger_pays_the_same_whatever_the_export(exports: dict[str, Path], tmp_path: Path) -> None:
    """``medaid ledger settle`` writes the same lines and pays the same for each export, and what ``claims`` pays."""
    paid = {}
    lines = {}
    for kind, source in exports.items():
        result = CliRunner().invoke(
            app,
            [
                "ledger",
                "settle",
                str(source),
                "--db",
                str(tmp_path / f"{kind}.db"),
                "-o",
                str(tmp_path / f"{kind}.csv"),
            ],
        )
        assert result.exit_code == 2, result.stderr
        paid[kind] = [line for line in result.stderr.splitlines() if line.startswith("paid by this run")]
        lines[kind] = (tmp_path / f"{kind}.csv").read_bytes()
    assert len(set(map(tuple, paid.values()))) == 1 and len(set(lines.values())) == 1
    claims_run = tmp_path / "by-claims.csv"
    run("claims", exports["utf-8"], "-o", claims_run)
    by_claims = pl.read_csv(claims_run, infer_schema=False)
    total = sum(
        float(a) * 100 + float(s) * 100 for a, s in zip(by_claims["assistance"], by_claims["deductible_subsidy"])
    )
    ledger = pl.read_csv(tmp_path / "gbk.csv", infer_schema=False)
    assert ledger["claim_id"].to_list() == by_claims["claim_id"].to_list()
    assert (
        ledger.select("assistance", "deductible_subsidy").rows()
        == by_claims.select("assistance", "deductible_subsidy").rows()
    )
    assert paid["gbk"] == [
        f"paid by this run: {round(total) // 100}.{round(total) % 100:02d} yuan (assistance and deductible subsidy)"
    ]


def test_forced_encoding_and_sheet(exports: dict[str, Path], tmp_path: Path) -> None:
    """``--encoding`` forces a decoding (a wrong one is a one-line error naming the line); ``--sheet`` picks a sheet."""
    wrong = run("claims", exports["gbk"], "-o", tmp_path / "x.csv", "--encoding", "utf-8")
    assert wrong.exit_code == 2 and "line 1: not valid utf-8 text" in wrong.output and "Traceback" not in wrong.output
    assert (
        run("claims", exports["gbk"], "-o", tmp_path / "y.csv", "--encoding", "gbk").exit_code == 2
    )  # the two bad rows
    assert run("claims", exports["xlsx"], "-o", tmp_path / "z.csv", "--sheet", "结算明细").exit_code == 2
    missing = run("claims", exports["xlsx"], "-o", tmp_path / "z.csv", "--sheet", "Sheet9")
    assert missing.exit_code == 2 and "no sheet 'Sheet9'; sheets: 结算明细" in missing.output
    bad = run("claims", exports["utf-8"], "-o", tmp_path / "z.csv", "--encoding", "klingon")
    assert bad.exit_code == 2 and "--encoding must be an encoding" in bad.output
