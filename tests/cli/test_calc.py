"""``medaid calc`` as a caseworker uses it: the exit code and the exact lines."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from medaid.cli import app

RUNNER = CliRunner()
E11 = [
    "calc",
    "--category",
    "dibao",
    "--inpatient",
    "160000",
    "--outpatient",
    "5500",
    "--resident-insurance",
    "--date",
    "2023-05-01",
]


def run(*args: str):
    return RUNNER.invoke(app, list(args))


def test_e11_text_in_english() -> None:
    """The E11 person gets 133 100.00, each line naming its rule and source."""
    result = run(*E11, "--lang", "en")
    assert 0 == result.exit_code
    lines = result.output.splitlines()
    assert "Total: CN¥133,100.00" in lines
    assert lines[2].startswith(
        "Inpatient: self-pay CN¥160,000.00 × 90% (dibao member) = CN¥144,000.00; annual cap CN¥130,000.00 binds"
    )
    assert "沪医保规〔2020〕4号" in lines[2]
    assert "cap left CN¥0.00" in lines[3] and "沪医保规〔2022〕12号" in lines[3]
    assert lines[4].startswith("Deductible subsidy (起付线补助): CN¥300.00")


def test_e11_text_in_chinese() -> None:
    """The same in Chinese, with babel's zh_CN money format."""
    result = run(*E11, "--lang", "zh")
    assert 0 == result.exit_code
    assert "合计：¥133,100.00" in result.output.splitlines()


def test_e11_json_contract() -> None:
    """JSON has the contract keys, amounts as yuan strings with two decimals, and the stamp."""
    result = run(*E11, "--format", "json")
    data = json.loads(result.output)
    assert {
        "policy_id",
        "total",
        "inpatient",
        "outpatient",
        "deductible_subsidy",
        "provisional",
        "steps",
        "engine_version",
        "policy_hash",
    } <= set(data)
    assert ("133100.00", "130000.00", "2800.00", "300.00") == (
        data["total"],
        data["inpatient"]["assistance"],
        data["outpatient"]["assistance"],
        data["deductible_subsidy"],
    )
    assert "medical-assistance-2023" == data["policy_id"] and data["policy_hash"].startswith("sha256:")
    assert ["deductible_subsidy", "outpatient_offset"] == sorted(data["provisional"])
    assert {"categories.dibao.inpatient.cap", "outpatient_offset.amount"} <= {step["key"] for step in data["steps"]}


def test_2022_shows_the_2500_cap() -> None:
    """The same person in 2022 is held to the 2 500 outpatient cap."""
    data = json.loads(run(*E11[:-1], "2022-05-01", "--format", "json").output)
    assert ("2500.00", "2500.00", "132800.00") == (
        data["outpatient"]["cap"],
        data["outpatient"]["assistance"],
        data["total"],
    )


def test_several_categories_are_joined_by_highest_ratio() -> None:
    """Repeating --category (or joining with |) applies 就高 and says so."""
    data = json.loads(
        run(
            "calc",
            "-c",
            "low_income|medical_poverty_1",
            "--inpatient",
            "100000",
            "--date",
            "2023-05-01",
            "--format",
            "json",
        ).output
    )
    assert ("80000.00", "low_income") == (data["total"], data["inpatient"]["category"])
    assert "selection" in data["provisional"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["-c", "dibaoo"], "unknown category 'dibaoo'; valid: special_relief, dibao, scattered_orphan"),
        (["-c", "dibao", "--inpatient", "-5"], "--inpatient must not be negative, got '-5'"),
        (
            ["-c", "dibao", "--outpatient", "5k"],
            "--outpatient must be yuan with at most two decimals (e.g. 5500 or 5500.50), got '5k'",
        ),
        (["-c", "dibao", "--outpatient", "1.005"], "got '1.005'"),
        (
            ["-c", "dibao", "--date", "2017-05-01"],
            "no medical-assistance policy in force on 2017-05-01; versions cover 2018-01-01 to now",
        ),
        (["-c", "dibao", "--date", "2023-13-01"], "--date must be a date like 2023-05-01, got '2023-13-01'"),
        (["-c", "dibao", "--format", "xml"], "--format must be one of text, json, got 'xml'"),
        (["-c", "dibao", "--lang", "fr"], "--lang must be one of zh, en, got 'fr'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    """Each bad input gets one line naming the value and what is allowed, exit 2, no traceback."""
    if "--date" not in args:
        args = [*args, "--date", "2023-05-01"]
    result = RUNNER.invoke(app, ["calc", *args])
    assert 2 == result.exit_code
    assert message in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("typed", "ids"),
    [("低保", "dibao"), ("DIBAO", "dibao"), ("低收入", "low_income"), ("低保|低收入", "dibao|low_income")],
)
def test_chinese_category_names_are_the_ids(typed: str, ids: str) -> None:
    """``--category 低保`` (a Chinese name, an alias, an id in any case) gives exactly ``--category dibao``."""
    by_name = run(*[typed if arg == "dibao" else arg for arg in E11], "--format", "json")
    by_id = run(*[ids if arg == "dibao" else arg for arg in E11], "--format", "json")
    assert by_name.exit_code == 0, by_name.output
    assert json.loads(by_name.stdout) == json.loads(by_id.stdout)
    assert json.loads(by_id.stdout)["categories"] == ids.split("|")


def test_chinese_category_with_a_reform() -> None:
    """``calc --reform`` reads a Chinese category name too."""
    reform = "policies/reforms/low-income-outpatient-cap-3000.toml"
    args = [{"dibao": "低收入", "2023-05-01": "2024-05-01"}.get(arg, arg) for arg in E11]
    by_name = run(*args, "--reform", reform, "--format", "json")
    by_id = run(*[("low_income" if arg == "低收入" else arg) for arg in args], "--reform", reform, "--format", "json")
    assert by_name.exit_code == 0, by_name.output
    assert json.loads(by_name.stdout) == json.loads(by_id.stdout)
