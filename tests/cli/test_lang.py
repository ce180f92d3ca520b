"""Every command that prints for people speaks Chinese: with ``--lang zh`` and on a ``zh_CN`` locale alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medaid.cli import app

#: Both ways of asking for Chinese: the option, and the locale (the option wins over it).
WAYS = {
    "option": (["--lang", "zh"], {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}),
    "locale": ([], {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}),
}
#: A zh_CN-grouped amount of yuan (babel: 1,234.56) or count (2,000).
GROUPED = re.compile(r"\b\d{1,3}(,\d{3})+(\.\d{2})?\b")


def run(args: list[str], way: str):
    extra, env = WAYS[way]
    result = CliRunner().invoke(app, [*args, *extra], env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def claims_file(tmp_path_factory) -> Path:
    """A synthetic year of 3 000 claims (amounts and counts above 1 000, so grouping shows)."""
    path = tmp_path_factory.mktemp("lang") / "claims.csv"
    code, _out, err = run(["synth", "claims", "-n", "3000", "-o", str(path)], "option")
    assert code == 0, err
    return path


@pytest.mark.parametrize("way", WAYS)
def test_synth(tmp_path: Path, way: str) -> None:
    """``synth claims`` says what it wrote in Chinese, the count grouped."""
    code, out, _err = run(["synth", "claims", "-n", "1500", "-o", str(tmp_path / "s.csv")], way)
    assert code == 0
    assert f"已生成 2023 年合成结算数据 1,500 笔（随机种子 0），写入 {tmp_path / 's.csv'}" in out


@pytest.mark.parametrize("way", WAYS)
def test_claims_summary(claims_file: Path, tmp_path: Path, way: str) -> None:
    """``claims``: the counts line and the summary table in Chinese, amounts grouped."""
    code, out, err = run(["claims", str(claims_file), "-o", str(tmp_path / "out.csv")], way)
    assert code == 0, err
    assert "读入 3,000 行 / 已结算 3,000 行 / 拒收 0 行" in out
    assert "救助金额（元）" in out and "起付线补助" in out and "合计        3,000" in out
    assert "政策版本：medical-assistance-2023" in out
    total = next(line for line in out.splitlines() if line.startswith("合计"))
    assert GROUPED.search(total.split()[-1]), total
    assert "rows in" not in out and "claims" not in out.replace("claims.csv", "")


@pytest.mark.parametrize("way", WAYS)
def test_claims_rejects(tmp_path: Path, way: str) -> None:
    """A rejected row is reported in Chinese (the rejects file named, the line numbered)."""
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "claim_id,person_id,district,date,category,kind,self_pay,resident_insurance\n"
        "C1,P1,minhang,2023-03-01,低保,住院,12345.60,是\nC2,P1,minhang,2023-03-02,低保,住院,-1,是\n",
        encoding="utf-8",
    )
    code, out, _err = run(["claims", str(bad), "-o", str(tmp_path / "out.csv")], way)
    assert code == 2
    assert "读入 2 行 / 已结算 1 行 / 拒收 1 行" in out
    assert f"拒收行已写入 {tmp_path / 'out.rejects.csv'}（第一条：第 3 行：" in out
    assert "11,111.04" in out  # 12 345.60 × 90 %, grouped


@pytest.mark.parametrize("way", WAYS)
def test_ledger_commands(claims_file: Path, tmp_path: Path, way: str) -> None:
    """``ledger init/settle/show/reverse/clear/migrate`` answer in Chinese, amounts grouped."""
    db = str(tmp_path / "ledger.db")
    code, out, _err = run(["ledger", "init", "--db", db], way)
    assert code == 0 and out.startswith(f"已在 {db} 建立台账（数据结构版本 ")
    code, _out, err = run(["ledger", "settle", str(claims_file), "--db", db, "-o", str(tmp_path / "s.csv")], way)
    assert code == 0
    assert "读入 3,000 行 / 已结算 3,000 行 / 重复 0 行 / 拒收 0 行" in err
    paid = re.search(r"本次支付：(\S+) 元（救助金和起付线补助）", err)
    assert paid and GROUPED.fullmatch(paid.group(1)), err
    first = claims_file.read_text(encoding="utf-8").splitlines()[1].split(",")
    claim_id, person = first[0], first[1]
    code, out, _err = run(["ledger", "show", person, "--db", db], way)
    assert code == 0
    assert f"{person} 2023 年：已结算 " in out and "年度限额" in out and "已结算" in out
    assert "住院" in out and "门急诊" in out and "paid" not in out
    code, out, _err = run(["ledger", "reverse", claim_id, "--db", db, "--reason", "重复录入"], way)
    assert code == 0 and out.startswith(f"已冲正 {claim_id}（{person}，2023 年，") and "原因：重复录入" in out
    code, out, _err = run(["ledger", "clear", person, "--year", "2023", "--db", db], way)
    assert code == 0
    assert "按日期顺序重算" in out and "结算单号" in out and "净调整" in out
    code, out, _err = run(["ledger", "migrate", "--db", db], way)
    assert code == 0 and "无需升级" in out


def test_ledger_show_groups_a_large_amount(tmp_path: Path) -> None:
    """An inpatient claim of 45 000 yuan shows as 45,000.00 自负 and 40,500.00 救助 in Chinese, plain in English."""
    claims = tmp_path / "c.csv"
    claims.write_text(
        "结算单号,人员编号,区,结算日期,救助类别,就诊类型,自负金额,城乡居民医保\nZ1,P9,闵行,2023-04-01,低保,住院,45000,是\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "l.db")
    assert run(["ledger", "settle", str(claims), "--db", db, "-o", str(tmp_path / "o.csv")], "option")[0] == 0
    _code, zh, _err = run(["ledger", "show", "P9", "--db", db], "option")
    assert "自负    45,000.00 救助    40,500.00" in zh and "城乡低保家庭成员" in zh
    en = CliRunner().invoke(app, ["ledger", "show", "P9", "--db", db, "--lang", "en"]).stdout
    assert "self-pay     45000.00 assistance     40500.00" in en


@pytest.mark.parametrize("way", WAYS)
def test_serve_start_lines(way: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve`` says where it listens, the ledger and how to stop, in Chinese (uvicorn's own lines are off)."""
    from medaid.cli._common import lang_option
    from medaid.cli._serve import _start_lines

    extra, env = WAYS[way]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    lines = _start_lines("127.0.0.1", 8000, None, 2, lang_option(extra[1] if extra else None))
    assert lines[0].endswith("已在 http://127.0.0.1:8000 提供服务（2 个工作进程）")
    assert lines[1] == "未指定台账（--db）：台账相关接口不可用"
    assert lines[2] == "接口说明：http://127.0.0.1:8000/v1/openapi.json；按 Ctrl+C 停止服务"


def test_lang_option_beats_the_locale(claims_file: Path, tmp_path: Path) -> None:
    """``--lang en`` on a Chinese locale prints English, unchanged from before."""
    result = CliRunner().invoke(
        app, ["claims", str(claims_file), "-o", str(tmp_path / "o.csv"), "--lang", "en"], env={"LANG": "zh_CN.UTF-8"}
    )
    assert result.exit_code == 0
    assert "rows in 3000 / settled 3000 / rejected 0" in result.stdout and "policy versions:" in result.stdout
