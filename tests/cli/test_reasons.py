"""A rejected row's reason in the caseworker's language (issue 16): ``medaid claims``, ``medaid ledger settle``
and ``medaid explain --claims`` say why a row is refused in Chinese with ``--lang zh``, and in English exactly
as before with ``--lang en``."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from medaid.cli import app
from medaid.contract.claims import COLUMNS
from medaid.ledger.claims_file import ClaimsFileReader
from medaid.money import quoted

HEADER_ZH = "结算单号,人员编号,区,结算日期,救助类别,就诊类型,自负金额,城乡居民医保"
GOOD = ["c0", "P1", "闵行", "2023-05-01", "低保", "住院", "5000", "是"]
#: One row of each refusal kind, by the value it gets wrong, and the English reason ``medaid claims`` has
#: always written for it (main's own templates, filled with the row's value).
ROWS: list[tuple[dict[int, str], str]] = [
    ({6: "-5"}, f"self_pay must not be negative, got {quoted('-5')}"),
    ({6: "1.005"}, f"self_pay must be yuan with at most two decimals (e.g. 5500 or 5500.50), got {quoted('1.005')}"),
    ({6: "1000000000"}, f"self_pay must be below 1000000000 yuan, got {quoted('1000000000')}"),
    ({6: ""}, "self_pay is empty"),
    ({0: ""}, "claim_id is empty"),
    ({1: ""}, "person_id is empty"),
    ({2: ""}, "district is empty"),
    (
        {2: "atlantis"},
        f"district is not one of the 16 districts (id, 闵行区, 闵行 or Minhang), got {quoted('atlantis')}",
    ),
    ({3: ""}, "date is empty"),
    ({3: "2023-02-30"}, f"date must be a date like 2023-05-01 (or 2023/5/1, 2023年5月1日), got {quoted('2023-02-30')}"),
    ({3: "2017-03-01"}, "no medical-assistance policy in force on 2017-03-01; versions cover 2018-01-01 to now"),
    ({3: "2099-03-01"}, "date 2099-03-01 is after the run date {today}; pass --allow-future to settle it"),
    ({4: ""}, "category is empty"),
    ({4: "低保|"}, f"category {quoted('低保|')} has an empty part between |"),
    (
        {4: "wizard"},
        f"unknown category {quoted('wizard')}; give an id (dibao), a Chinese name (低保) or one of the aliases in docs/claims.md",
    ),
    ({5: ""}, "kind is empty"),
    ({5: "dental"}, f"kind must be inpatient or outpatient (住院, 门急诊), got {quoted('dental')}"),
    ({7: ""}, "resident_insurance is empty"),
    ({7: "maybe"}, f"resident_insurance must be true or false (also 1/0, yes/no, 是/否), got {quoted('maybe')}"),
    ({0: "c0"}, f"duplicate claim_id {quoted('c0')} (first at line 2)"),
    ({8: "extra"}, "expected 8 fields, got 9"),
]
#: The Chinese reasons of a few rows, word for word (the rest are checked to be Chinese).
ZH = {
    3: "自负金额不能为负数，实际为 '-5'",
    6: "自负金额为空",
    7: "结算单号为空",
    22: "结算单号 'c0' 重复（首次出现在第 2 行）",
    23: "应有 8 个字段，实际有 9 个",
}


def _rows() -> list[list[str]]:
    rows = [GOOD]
    for n, (changes, _reason) in enumerate(ROWS, start=1):
        row = list(GOOD) + ([""] if 8 in changes else [])
        row[0] = f"c{n}"
        for column, value in changes.items():
            row[column] = value
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def gbk_file(tmp_path_factory) -> Path:
    """A GBK CSV with the Chinese headers: one good row, then one row of each refusal kind."""
    path = tmp_path_factory.mktemp("reasons") / "bad.csv"
    lines = [HEADER_ZH, *(",".join(row) for row in _rows())]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


def _rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _claims(gbk_file: Path, tmp_path: Path, *args: str):
    rejects = tmp_path / "r.csv"
    result = CliRunner().invoke(
        app, ["claims", str(gbk_file), "-o", str(tmp_path / "o.csv"), "--rejects", str(rejects), *args]
    )
    return result, rejects


def test_every_refusal_kind_is_in_the_file(gbk_file: Path) -> None:
    """The file holds one row per reason the contract and the file reader give (so the tests below see them all)."""
    msgids = [row.reason.msgid for row in ClaimsFileReader(gbk_file) if hasattr(row, "reason")]
    assert len(msgids) == len(ROWS)
    assert set(msgids) == {
        "{what} is empty",  # one message for the eight columns
        "{what} must not be negative, got {value}",
        "{what} must be yuan with at most two decimals (e.g. 5500 or 5500.50), got {value}",
        "{what} must be below {max} yuan, got {value}",
        "district is not one of the 16 districts (id, 闵行区, 闵行 or Minhang), got {value}",
        "date must be a date like 2023-05-01 (or 2023/5/1, 2023年5月1日), got {value}",
        "no medical-assistance policy in force on {day}; versions cover {first} to now",
        "date {day} is after the run date {today}; pass --allow-future to settle it",
        "category {value} has an empty part between |",
        "unknown category {value}; give an id (dibao), a Chinese name (低保) or one of the aliases in docs/claims.md",
        "kind must be inpatient or outpatient (住院, 门急诊), got {value}",
        "{what} must be true or false (also 1/0, yes/no, 是/否), got {value}",
        "duplicate claim_id {value} (first at line {line})",
        "expected {width} fields, got {given}",
    }


def test_claims_reasons_in_chinese(gbk_file: Path, tmp_path: Path) -> None:
    """``--lang zh``: every reason in the rejects file is Chinese, the summary line quotes the first in Chinese."""
    result, rejects = _claims(gbk_file, tmp_path, "--lang", "zh")
    assert result.exit_code == 2, result.output
    rows = _rejects(rejects)
    assert [int(row["line"]) for row in rows] == list(range(3, 3 + len(ROWS)))
    for row in rows:
        assert re.search(r"[\u4e00-\u9fff]", row["reason"]), row  # no reason left in English only
        assert not row["reason"].isascii()
    by_line = {int(row["line"]): row["reason"] for row in rows}
    assert {line: by_line[line] for line in ZH} == ZH
    assert f"（第一条：第 3 行：{ZH[3]}）" in result.stdout


def test_claims_reasons_in_english_unchanged(gbk_file: Path, tmp_path: Path) -> None:
    """``--lang en``: the rejects file is byte for byte what ``medaid claims`` has always written."""
    result, rejects = _claims(gbk_file, tmp_path, "--lang", "en")
    assert result.exit_code == 2, result.output
    today = re.search(r"after the run date (\S+);", rejects.read_text(encoding="utf-8"))
    assert today is not None
    expected_reasons = [reason.replace("{today}", today[1]) for _changes, reason in ROWS]
    rows = _rows()[1:]
    expected = pl.DataFrame(
        {
            "line": pl.Series(range(3, 3 + len(ROWS)), dtype=pl.UInt32),
            "reason": expected_reasons,
            **{column: [row[k] for row in rows] for k, column in enumerate(COLUMNS)},
        }
    )
    buffer = io.BytesIO()
    expected.write_csv(buffer)
    assert rejects.read_bytes() == buffer.getvalue()
    assert f"(first: line 3: {expected_reasons[0]})" in result.stdout


def test_strict_error_in_chinese(gbk_file: Path, tmp_path: Path) -> None:
    """``--strict --lang zh``: the first bad row stops the run with its reason in Chinese; English as before."""
    zh = CliRunner().invoke(app, ["claims", str(gbk_file), "-o", str(tmp_path / "o.csv"), "--strict", "--lang", "zh"])
    assert zh.exit_code == 2
    assert zh.stderr.strip() == f"medaid: {gbk_file}：第 3 行：{ZH[3]}"
    en = CliRunner().invoke(app, ["claims", str(gbk_file), "-o", str(tmp_path / "o.csv"), "--strict", "--lang", "en"])
    assert en.stderr.strip() == f"medaid: {gbk_file}: line 3: {ROWS[0][1]}"


def test_ledger_settle_reasons_in_chinese(gbk_file: Path, tmp_path: Path) -> None:
    """``medaid ledger settle --lang zh``: the same Chinese reasons in its rejects file and on stderr."""
    rejects = tmp_path / "lr.csv"
    args = ["ledger", "settle", str(gbk_file), "--db", str(tmp_path / "l.db"), "-o", str(tmp_path / "lo.csv")]
    result = CliRunner().invoke(app, [*args, "--rejects", str(rejects), "--lang", "zh"])
    assert result.exit_code == 2, result.output
    by_line = {int(row["line"]): row["reason"] for row in _rejects(rejects)}
    assert len(by_line) == len(ROWS) and all(not reason.isascii() for reason in by_line.values())
    assert {line: by_line[line] for line in ZH} == ZH
    assert f"{gbk_file}：第 3 行：{ZH[3]}" in result.stderr
    en = CliRunner().invoke(app, [*args, "--rejects", str(tmp_path / "le.csv"), "--lang", "en"])
    assert [row["reason"] for row in _rejects(tmp_path / "le.csv")][:2] == [ROWS[0][1], ROWS[1][1]]
    assert en.exit_code == 2


def test_explain_a_refused_row_in_chinese(gbk_file: Path) -> None:
    """``medaid explain --claims --lang zh`` of a claim on a refused row says why, in Chinese."""
    result = CliRunner().invoke(app, ["explain", "c1", "--claims", str(gbk_file), "--lang", "zh"])
    assert result.exit_code == 2
    assert ZH[3] in result.stderr and "negative" not in result.stderr


def test_sweep_and_compare_reasons_in_chinese(gbk_file: Path, tmp_path: Path) -> None:
    """``medaid sweep`` and ``medaid compare`` (which read the file into a table first, the file reader's own
    refusals riding along) list and write the same Chinese reasons."""
    reform = Path(__file__).parents[2] / "policies" / "reforms" / "low-income-outpatient-cap-3000.toml"
    runs = {
        "sweep": ["sweep", str(gbk_file), "--param", "categories.low_income.outpatient.cap", "--values", "2500,3000"],
        "compare": ["compare", str(gbk_file), "--reform", str(reform)],
    }
    for name, args in runs.items():
        rejects = tmp_path / f"{name}.csv"
        result = CliRunner().invoke(app, [*args, "--rejects", str(rejects), "--lang", "zh"])
        assert result.exit_code == 2, result.output
        by_line = {int(row["line"]): row["reason"] for row in _rejects(rejects)}
        assert len(by_line) == len(ROWS) and all(not reason.isascii() for reason in by_line.values())
        assert {line: by_line[line] for line in ZH} == ZH, name
        assert f"{gbk_file}：第 3 行：{ZH[3]}" in result.stderr
