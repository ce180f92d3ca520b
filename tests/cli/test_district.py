"""``medaid transfer``, ``medaid mutual-aid`` and ``medaid district`` as a bureau analyst runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medaid.cli import app

ROOT = Path(__file__).resolve().parents[2]
TRANSFER = str(ROOT / "examples" / "transfer-2023.csv")
MINHANG = [
    "mutual-aid",
    "--year",
    "2022",
    "--district",
    "minhang",
    "--town-participants",
    "29111",
    "--street-participants",
    "7212",
]
RUNNER = CliRunner()


def run(*args: str):
    return RUNNER.invoke(app, list(args))


def test_transfer_json_reproduces_table_1() -> None:
    """JSON: the 16 published rows as whole 万元 strings and the total 25522, with the unrounded 25520.32."""
    result = run("transfer", TRANSFER, "--format", "json")
    assert 0 == result.exit_code
    data = json.loads(result.output)
    assert {"district": "huangpu", "transfer": "994"}.items() <= data["districts"][0].items()
    assert [
        "994",
        "696",
        "240",
        "1170",
        "1157",
        "465",
        "572",
        "1505",
        "928",
        "686",
        "6352",
        "2535",
        "1504",
        "637",
        "719",
        "5362",
    ] == [row["transfer"] for row in data["districts"]]
    assert ("25522", "25520.32", "0.5") == (data["total"], data["total_unrounded"], data["audit_city_share"])


def test_transfer_table_explains_the_total() -> None:
    """The table ends with the total row and the line saying why 25 522 is not 25 520.32."""
    lines = run("transfer", TRANSFER, "--lang", "en").output.splitlines()
    assert (
        "Total      -5,451.09       31,124.00            -305.18             -152.59  25,520.32    25,522" == lines[-2]
    )
    assert lines[-1].startswith(
        "Total 25,522 is the sum of the rounded rows; the unrounded total is 25,520.32 (25,520 if rounded once)"
    )


def test_transfer_table_in_chinese() -> None:
    """In Chinese the rows are named 黄浦区 … and the heading says 单位：万元."""
    lines = run("transfer", TRANSFER, "--lang", "zh").output.splitlines()
    assert "单位：万元" in lines[0]
    assert "闵行区      -260.51   1,190.00       -2.11        -1.055    928.435         928" == lines[10]


def test_transfer_csv_has_a_total_row() -> None:
    """CSV: a header, 16 rows and the total row."""
    lines = run("transfer", TRANSFER, "--format", "csv").output.splitlines()
    assert 18 == len(lines)
    assert "jiading,嘉定区,79.50,606.00,0.00,0.00,685.50,686" == lines[10]
    assert "total,合计,-5451.09,31124.00,-305.18,-152.59,25520.32,25522" == lines[-1]


def test_mutual_aid_json_has_the_published_figures() -> None:
    """2022 Minhang: the five published aggregates and the per-person shares, as yuan strings."""
    result = run(*MINHANG, "--format", "json")
    assert 0 == result.exit_code
    data = json.loads(result.output)
    assert ("4721990.00", "56482265.00", "33848462.50", "22633802.50", "117686520.00") == tuple(
        data[k] for k in ("individual", "city", "district", "town", "total")
    )
    assert ("1555.00", "777.50", "777.50") == tuple(data["per_person"]["town"][k] for k in ("city", "district", "town"))
    assert ("1555.00", "1555.00", "0.00") == tuple(
        data["per_person"]["street"][k] for k in ("city", "district", "town")
    )


def test_mutual_aid_table() -> None:
    """The table shows per-person shares and the total line."""
    lines = run(*MINHANG, "--lang", "en").output.splitlines()
    assert "town (镇) participant          130.00  1,555.00    777.50  777.50  3,240.00" == lines[3]
    assert (
        "Total                36,323  4,721,990.00  56,482,265.00  33,848,462.50  22,633,802.50  117,686,520.00"
        == lines[8]
    )


def test_mutual_aid_from_participants_csv(tmp_path) -> None:
    """--participants FILE gives the same totals as the counts."""
    path = tmp_path / "p.csv"
    path.write_text("unit,type,participants\n莘庄镇,town,29111\n江川路街道,street,7212\n", encoding="utf-8")
    data = json.loads(
        run(
            "mutual-aid", "--year", "2022", "--district", "闵行区", "--participants", str(path), "--format", "json"
        ).output
    )
    assert ("33848462.50", 2) == (data["district"], len(data["units"]))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["mutual-aid", "--year", "2021", "--district", "minhang", "--town-participants", "1"],
            "no mutual-aid policy in force on 2021-01-01",
        ),
        (
            ["mutual-aid", "--year", "2022", "--district", "atlantis", "--town-participants", "1"],
            "unknown district 'atlantis'",
        ),
        (
            ["mutual-aid", "--year", "2022", "--district", "minhang", "--town-participants", "-3"],
            "--town-participants must not be negative, got '-3'",
        ),
        (
            ["mutual-aid", "--year", "22x", "--district", "minhang", "--town-participants", "1"],
            "--year must be a year like 2022, got '22x'",
        ),
        (
            ["mutual-aid", "--year", "2022", "--district", "minhang"],
            "give --town-participants N and --street-participants M, or --participants FILE",
        ),
        (["transfer", "missing.csv"], "cannot read missing.csv"),
        (["transfer", TRANSFER, "--format", "xml"], "--format must be one of table, csv, json, got 'xml'"),
        (["transfer", TRANSFER, "--policy", "mutual-aid-2022"], "--policy must be a medical-assistance policy"),
    ],
)
def test_bad_input_is_one_line_exit_2(args, message) -> None:
    """Bad input: exit 2 and one line on stderr naming the value."""
    result = run(*args)
    assert 2 == result.exit_code
    assert 1 == len(result.stderr.splitlines()) and message in result.stderr


SMALL = str(ROOT / "examples" / "settled-small.csv")


def test_district_table_in_chinese() -> None:
    """The zh table in 万元 ends with the 合计 row."""
    result = run("district", SMALL, "--lang", "zh")
    assert 0 == result.exit_code
    lines = result.output.splitlines()
    assert lines[0].startswith("分区医疗救助情况（单位：万元；市、区分担 50% : 50%")
    assert (
        "合计             8         7           6     83.83     58.67        0.60        0.06     59.33     29.66     29.66"
        == lines[-2]
    )


def test_district_table_in_yuan_english() -> None:
    """--unit yuan --lang en: the Minhang row to the fen."""
    lines = run("district", SMALL, "--lang", "en", "--unit", "yuan").output.splitlines()
    assert (
        "Minhang         4                4                 3  508,250.00     435,200.00        3,550.00              300.00  439,050.00  219,525.00      219,525.00"
        == lines[3]
    )


def test_district_csv_and_json_agree() -> None:
    """CSV and JSON carry the same exact yuan strings; the total row adds up."""
    csv_lines = run("district", SMALL, "--format", "csv").output.splitlines()
    assert "total,合计,8,7,6,14,838320.49,586699.99,6022.30,550.00,593272.29,296636.15,296636.14" == csv_lines[-1]
    data = json.loads(run("district", SMALL, "--format", "json", "--by", "district,kind").output)
    assert ("593272.29", "296636.15", "296636.14") == (
        data["total"]["total"],
        data["total"]["city_share"],
        data["total"]["district_share"],
    )
    assert {"city_share": "0.5", "district_share": "0.5"}.items() <= data["funding"]["medical-assistance-2023"].items()
    assert 6 == len(data["rows"]) and {"inpatient", "outpatient"} == {row["kind"] for row in data["rows"]}


def test_district_writes_output_file(tmp_path) -> None:
    """-o writes the report to a file and nothing to stdout."""
    target = tmp_path / "out.csv"
    result = run("district", SMALL, "--format", "csv", "-o", str(target))
    assert ("", 5) == (result.output, len(target.read_text(encoding="utf-8").splitlines()))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["district", "nope.csv"], "cannot read nope.csv: no such file"),
        (
            ["district", SMALL, "--by", "town"],
            "--by must be one of district, district,category, district,kind, got 'town'",
        ),
        (["district", SMALL, "--format", "xlsx"], "--format xlsx needs --output FILE.xlsx"),
        (["district", SMALL, "--chart", "chart.jpg"], "--chart must name a .png file"),
    ],
)
def test_district_bad_input(args, message) -> None:
    """Bad options or files: one line, exit 2."""
    result = run(*args)
    assert 2 == result.exit_code
    assert 1 == len(result.stderr.splitlines()) and message in result.stderr


def test_district_missing_column(tmp_path) -> None:
    """A file without the assistance column: one line naming it."""
    path = tmp_path / "claims.csv"
    path.write_text(
        "claim_id,person_id,district,date,category,kind,self_pay,resident_insurance\n1,a,minhang,2023-01-01,dibao,inpatient,1,false\n"
    )
    result = run("district", str(path))
    assert 2 == result.exit_code and "missing column assistance, deductible_subsidy; found claim_id" in result.stderr


def test_district_xlsx(tmp_path) -> None:
    """--format xlsx writes the table with exact amounts in 元 and the total row."""
    from openpyxl import load_workbook

    target = tmp_path / "report.xlsx"
    result = run("district", SMALL, "--format", "xlsx", "-o", str(target), "--lang", "zh", "--by", "district,kind")
    assert 0 == result.exit_code
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert "分区医疗救助情况（单位：元）" == rows[0][0]
    assert ("闵行区", "门急诊", 2, 0, 3) == rows[6][:5]
    assert ("合计", 593272.29, 296636.15, 296636.14) == (rows[-1][0], *rows[-1][-3:])


def test_district_chart_in_english(tmp_path) -> None:
    """--chart writes a PNG (checked by its signature and size)."""
    target = tmp_path / "chart.png"
    result = run("district", SMALL, "--chart", str(target), "--lang", "en")
    assert 0 == result.exit_code
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000


def test_mutual_aid_other_district_says_the_split_is_the_default() -> None:
    """Pudong has no split of its own: the table says Minhang's default applies (D9)."""
    result = run(
        "mutual-aid",
        "--year",
        "2023",
        "--district",
        "浦东",
        "--town-participants",
        "1,000",
        "--street-participants",
        "0",
        "--lang",
        "en",
    )
    assert 0 == result.exit_code
    assert (
        "Pudong has no district/town split of its own in mutual-aid-2023: the default (Minhang's) applies (D9)."
        in result.output.splitlines()
    )


def test_transfer_total_row_is_refused(tmp_path) -> None:
    """A pasted 合计 row is named as such, not as an unknown district."""
    path = tmp_path / "t.csv"
    path.write_text(
        "district,clearing,pre_allocation,audit_overpayment\n合计,-5451.09,31124,-305.18\n", encoding="utf-8"
    )
    result = run("transfer", str(path))
    assert 2 == result.exit_code and "a total row (合计) is not an input" in result.stderr


def test_transfer_under_a_reform_file(tmp_path) -> None:
    """--policy takes a reform file: the city bearing the whole audit gives 993 for Huangpu and 25 367 in total."""
    reform = tmp_path / "audit.toml"
    reform.write_text(
        'extends = "medical-assistance-2023"\nid = "reform-audit-full"\ntitle_zh = "假设"\ntitle_en = "What-if"\n\n'
        "[funding]\naudit_city_share = 1.0\n",
        encoding="utf-8",
    )
    data = json.loads(run("transfer", TRANSFER, "--policy", str(reform), "--format", "json").output)
    assert ("reform-audit-full", "1", "993", "25367", "25367.73") == (
        data["policy_id"],
        data["audit_city_share"],
        data["districts"][0]["transfer"],
        data["total"],
        data["total_unrounded"],
    )
