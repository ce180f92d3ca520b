"""``--help`` in Chinese (medaid.cli._help), and one reading of ``--lang`` (medaid.i18n.lang_named)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from typer.main import get_command

from medaid.cli import app
from medaid.cli._common import lang_option
from medaid.cli._help import FIXED_WORDS, TYPE_NAMES, TYPER_HELP, help_texts
from medaid.cli._usage import language_of
from medaid.errors import InputError
from medaid.i18n import default_lang, lang_named
from medaid.i18n.catalog import gettext

CJK = range(0x4E00, 0xA000)


def _run(*args: str, lang: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": lang, "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": "", "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-m", "medaid", *args], capture_output=True, text=True, env=env, timeout=120)


def _chinese(text: str) -> bool:
    return any(ord(char) in CJK for char in text)


def test_every_help_text_has_a_chinese_translation() -> None:
    """Each command's help and short help and each option's and argument's help (walked in the click tree),
    and typer's own words, are translated."""
    texts = set(help_texts(get_command(app))) | set(FIXED_WORDS.values()) | set(TYPER_HELP) | set(TYPE_NAMES.values())
    assert len(texts) > 100
    missing = sorted(text for text in texts if not _chinese(gettext(text, "zh")))
    assert not missing, f"no Chinese --help text for {missing}"


def test_the_walk_sees_every_command_and_option() -> None:
    """The tree walk reaches a nested command's option and the --help option itself."""
    texts = set(help_texts(get_command(app)))
    assert "Why (recorded with the reversal)." in texts  # ledger reverse --reason
    assert "Show this message and exit." in texts


@pytest.mark.parametrize(
    ("args", "lang"),
    [
        (("claims", "--help", "--lang", "zh"), "C.UTF-8"),
        (("ledger", "settle", "--help"), "zh_CN.UTF-8"),
        (("--lang", "zh_CN", "policy", "diff", "--help"), "C.UTF-8"),
    ],
)
def test_help_is_chinese_and_fits_80_columns(args: tuple[str, ...], lang: str) -> None:
    """A Chinese help page: Chinese words of typer's too, every line within 80 cells, nothing cropped."""
    done = _run(*args, lang=lang)
    assert done.returncode == 0, done.stderr
    page = done.stdout
    assert "用法：" in page and "[选项]" in page and "╭─ 选项 ─" in page and "显示本帮助并退" in page
    assert "<文本>" in page
    for english in ("Usage:", "Options", "Arguments", "[required]", "[default:", "Show this message", "<str>"):
        assert english not in page
    assert re.search(r"^│ +│$", page, re.MULTILINE) is None  # no line of help lost
    assert re.search("[\u2e80-\u9fff\uff00-\uffef]…", page) is None  # (a long URL is cropped, as in English)
    assert max(cell_len(line) for line in page.splitlines()) <= 80


def test_root_help_lists_the_commands_in_chinese() -> None:
    """``medaid --help`` on a Chinese locale: the command list's short help and the completion options."""
    page = _run("--help", lang="zh_CN.UTF-8").stdout
    assert "╭─ 命令 ─" in page and "为当前 shell 安装命令补全。" in page and "--install-completion" in page
    assert "经办台账" in page


def test_english_help_stays_typers() -> None:
    """On an English locale the help page is typer's own words and the English texts."""
    page = _run("claims", "--help").stdout
    assert "Usage: python -m medaid claims [OPTIONS] {INPUT}" in page and "Show this message and exit." in page
    assert not _chinese(page.replace("医疗救助", "").replace("互助帮困", ""))


def test_version_and_completion_work_in_chinese() -> None:
    """``--version`` and ``--show-completion bash`` are unchanged under Chinese."""
    assert _run("--version", "--lang", "zh", lang="zh_CN.UTF-8").stdout.startswith("medaid ")
    done = _run("--show-completion", "bash", lang="zh_CN.UTF-8")
    assert done.returncode == 0 and "medaid_completion() {" in done.stdout


@pytest.mark.parametrize(
    ("name", "expected"),
    [("zh", "zh"), ("zh_CN", "zh"), ("zh-Hans", "zh"), ("ZH_tw.UTF-8", "zh"), ("en", "en"), ("en_US", "en")],
)
def test_lang_option_and_the_console_script_read_lang_alike(name: str, expected: str) -> None:
    """``--lang zh_CN`` / ``zh-Hans`` are zh for the command and for its help and usage errors alike."""
    assert lang_option(name) == expected
    assert language_of(["calc", "--lang", name]) == expected
    assert language_of([f"--lang={name}"]) == expected


@pytest.mark.parametrize("name", ["fr", "zhx", "chinese", "C"])
def test_an_unknown_lang_is_refused_naming_it(name: str) -> None:
    """A --lang that is neither zh* nor en* is an error naming the value; the help falls back to the locale."""
    with pytest.raises(InputError, match=repr(name)):
        lang_option(name)
    assert language_of(["--lang", name]) == default_lang()


@given(st.text(max_size=12))
def test_lang_named_is_zh_en_or_none(name: str) -> None:
    """Any text reads as zh, en or nothing, and a zh*/en* locale name keeps its language."""
    assert lang_named(name) in ("zh", "en", None)
    assert lang_named("zh_" + name) == "zh" and lang_named("en-" + name) == "en"


def test_lang_before_the_command_sets_the_commands_language() -> None:
    """``medaid --lang zh COMMAND`` prints and reports errors in Chinese, as ``COMMAND --lang zh`` does."""
    from typer.testing import CliRunner

    env = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
    listed = CliRunner().invoke(app, ["--lang", "zh-Hans", "policy", "list"], env=env)
    assert listed.exit_code == 0 and "本市医疗救助政策" in listed.stdout
    failed = CliRunner().invoke(app, ["--lang", "zh", "claims", "/no/such.csv", "-o", "out.csv"], env=env)
    assert failed.exit_code == 2 and "文件不存在" in failed.stderr


def test_chinese_commands_do_not_load_the_help_printer() -> None:
    """Under Chinese, a command that prints no help or usage error never imports typer.rich_utils (rich):
    the help and usage-error patches wait for typer to import it."""
    code = (
        "import sys\n"
        "from medaid.cli import main\n"
        "sys.argv = ['medaid', 'calc', '-c', 'dibao', '--date', '2023-05-01', '--outpatient', '3100']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('typer.rich_utils' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert "城乡低保家庭成员" in done.stdout
    assert done.stderr.strip() == "False"
