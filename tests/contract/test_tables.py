"""The transfer table and the mutual-aid participants read by their declared contract: a GBK CSV and an .xlsx sheet
with Chinese headers give what the UTF-8 file gives; no UnicodeDecodeError traceback (issue 11)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from typer.testing import CliRunner

from medaid.cli import app
from medaid.district.mutual_aid import read_participants_csv
from medaid.district.transfer import read_transfer_csv

ROOT = Path(__file__).resolve().parents[2]


def run(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_transfer_table_as_gbk_and_xlsx(tmp_path: Path) -> None:
    """The 2023 table re-headed in Chinese, saved as GBK and as .xlsx (numbers native): the same transfer output."""
    text = (ROOT / "examples" / "transfer-2023.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    chinese = (
        "\r\n".join(["区,清算数,预分配数,审计发现多支付资金", *(line.replace("minhang", "闵行") for line in lines[1:])])
        + "\r\n"
    )
    gbk = tmp_path / "transfer-gbk.csv"
    gbk.write_bytes(chinese.encode("gbk"))
    book = Workbook()
    sheet = book.active
    sheet.append(["区", "清算数", "预分配数", "审计发现多支付资金"])
    for line in lines[1:]:
        name, *numbers = line.split(",")
        sheet.append([name, *(float(n) if "." in n else int(n) for n in numbers)])
    book.save(tmp_path / "transfer.xlsx")
    expected = read_transfer_csv(ROOT / "examples" / "transfer-2023.csv")
    assert read_transfer_csv(gbk) == expected == read_transfer_csv(tmp_path / "transfer.xlsx")
    outputs = {
        run("transfer", path, "--format", "csv").output
        for path in (ROOT / "examples" / "transfer-2023.csv", gbk, tmp_path / "transfer.xlsx")
    }
    assert len(outputs) == 1 and "Traceback" not in outputs.pop()


def test_participants_as_gbk_and_xlsx(tmp_path: Path) -> None:
    """Participants with Chinese headers and labels (镇/街道) in GBK and .xlsx; a wrong --encoding is one line, exit 2."""
    rows = [("莘庄镇", "镇", "1,200"), ("江川路街道", "街道", "800")]
    gbk = tmp_path / "p.csv"
    gbk.write_bytes(("单位,类型,参加人数\n" + "".join(f'{u},{t},"{n}"\n' for u, t, n in rows)).encode("gbk"))
    book = Workbook()
    book.active.append(["单位", "类型", "参加人数"])
    for unit, kind, count in rows:
        book.active.append([unit, kind, int(count.replace(",", ""))])
    book.save(tmp_path / "p.xlsx")
    by_csv, by_xlsx = read_participants_csv(gbk), read_participants_csv(tmp_path / "p.xlsx")
    assert by_csv == by_xlsx and [(u.unit, u.type, u.count) for u in by_csv] == [
        ("莘庄镇", "town", 1200),
        ("江川路街道", "street", 800),
    ]
    ok = run("mutual-aid", "--year", "2023", "--district", "闵行", "--participants", gbk, "--format", "json")
    assert ok.exit_code == 0 and '"total": 2000' in ok.output.replace(" ", "").replace('"total":2000', '"total": 2000')
    wrong = run("mutual-aid", "--year", "2023", "--district", "闵行", "--participants", gbk, "--encoding", "utf-8")
    assert wrong.exit_code == 2 and "not valid utf-8 text" in wrong.output and "Traceback" not in wrong.output


def test_settled_file_as_gbk_and_xlsx_gives_the_same_district_report(tmp_path: Path) -> None:
    """`medaid district` on the settled example re-saved as GBK (Chinese labels 住院/闵行区) and as .xlsx: the same report."""
    import csv

    source = ROOT / "examples" / "settled-small.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    header, body = table[0], table[1:]
    kind, district = header.index("kind"), header.index("district")
    relabelled = [
        [*row[:kind], {"inpatient": "住院", "outpatient": "门急诊"}[row[kind]], *row[kind + 1 :]] for row in body
    ]
    relabelled = [
        [*row[:district], "闵行区" if row[district] == "minhang" else row[district], *row[district + 1 :]]
        for row in relabelled
    ]
    gbk = tmp_path / "settled-gbk.csv"
    gbk.write_bytes(("\r\n".join(",".join(row) for row in [header, *relabelled]) + "\r\n").encode("gbk"))
    book = Workbook()
    for row in [header, *body]:
        book.active.append(row)
    book.save(tmp_path / "settled.xlsx")
    reports = [run("district", path, "--format", "json") for path in (source, gbk, tmp_path / "settled.xlsx")]
    assert [r.exit_code for r in reports] == [0, 0, 0], reports[1].output
    assert reports[0].output == reports[1].output == reports[2].output
