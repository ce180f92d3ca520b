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
    chinese = "\r\n".join(["区,清算数,预分配数,审计发现多支付资金", *(line.replace("minhang", "闵行") for line in lines[1:])]) + "\r\n"
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
    outputs = {run("transfer", path, "--format", "csv").output for path in (ROOT / "examples" / "transfer-2023.csv", gbk, tmp_path / "transfer.xlsx")}
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
    assert by_csv == by_xlsx and [(u.unit, u.type, u.count) for u in by_csv] == [("莘庄镇", "town", 1200), ("江川路街道", "street", 800)]
    ok = run("mutual-aid", "--year", "2023", "--district", "闵行", "--participants", gbk, "--format", "json")
    assert ok.exit_code == 0 and '"total": 2000' in ok.output.replace(" ", "").replace('"total":2000', '"total": 2000')
    wrong = run("mutual-aid", "--year", "2023", "--district", "闵行", "--participants", gbk, "--encoding", "utf-8")
    assert wrong.exit_code == 2 and "not valid utf-8 text" in wrong.output and "Traceback" not in wrong.output
