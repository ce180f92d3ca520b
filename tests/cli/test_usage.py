"""Usage errors (a missing or unknown option, a bad number) in the user's language, from the console script."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _run(*args: str, lang: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": lang, "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
    return subprocess.run([sys.executable, "-m", "medaid", *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("calc", "--date", "2023-05-01"), "缺少选项 '--category' / '-c'。"),
        (("ledger", "show"), "缺少参数 'PERSON'。"),
        (("synth", "claims", "--persons", "3", "-o", "x.csv"), "没有这个选项：--persons"),
        (("synth", "claims", "-n", "abc", "-o", "x.csv"), "'--claims' / '-n' 的值无效：'abc' 不是有效的整数。"),
        (("synth", "claims", "-n", "0", "-o", "x.csv"), "'--claims' / '-n' 的值无效：0 不在取值范围 x>=1 内。"),
        (("serve", "--port", "abc"), "'--port' 的值无效：'abc' 不是有效的整数。"),
        (("nosuch",), "没有这个命令：nosuch"),
    ],
)
def test_a_chinese_locale_gets_usage_errors_in_chinese(args: tuple[str, ...], expected: str) -> None:
    done = _run(*args, lang="zh_CN.UTF-8")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == f"medaid: {expected}"
    assert done.stderr.startswith("用法：") and "查看帮助" in done.stderr


def test_lang_zh_on_the_command_line_wins_over_an_english_locale() -> None:
    done = _run("calc", "--lang", "zh", "--date", "2023-05-01")
    assert done.returncode == 2 and done.stderr.splitlines()[-1] == "medaid: 缺少选项 '--category' / '-c'。"


def test_english_keeps_typers_own_message() -> None:
    done = _run("calc", "--date", "2023-05-01")
    assert done.returncode == 2 and "Missing option '--category' / '-c'." in done.stderr and "缺少" not in done.stderr
