"""medaid.errors: every error class in one tree, every message id translated with the same fields, the place
(file, line, key) translated, and the CLI's one-line errors in Chinese and English."""

from __future__ import annotations

import ast
import inspect
import os
import pickle
import string
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import medaid.errors as errors
from medaid.cli import app
from medaid.errors import InputError, InternalError, LocatedError, MedaidError, PolicyError
from medaid.i18n.catalog import gettext

PACKAGE = Path(errors.__file__).resolve().parent


def _fields(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _error_calls() -> list[tuple[str, int, ast.Call]]:
    """Every call of an error class of medaid.errors in the package: (file, line, call)."""
    names = {cls.__name__ for cls in [LocatedError, *_subclasses(LocatedError)]}
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names and node.args:
                calls.append((str(path.relative_to(PACKAGE)), node.lineno, node))
    return calls


def _message_ids(call: ast.Call) -> list[str]:
    """The N_("...") message ids a call may raise with (both arms of a conditional)."""
    arg = call.args[0]
    arms = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
    return [
        a.args[0].value
        for a in arms
        if isinstance(a, ast.Call)
        and isinstance(a.func, ast.Name)
        and a.func.id == "N_"
        and isinstance(a.args[0], ast.Constant)
    ]


def test_every_error_class_is_in_medaid_errors() -> None:
    """Each error class medaid defines lives in medaid.errors (the old modules re-export), is exported and
    documented; only the documented internal control-flow exceptions live elsewhere."""
    classes = _subclasses(LocatedError)
    assert {cls.__module__ for cls in classes} == {"medaid.errors"}
    assert {cls.__name__ for cls in classes} <= set(errors.__all__)
    assert all(cls.__doc__ for cls in classes)
    internal = {"RetryTransaction", "Stopped", "ProblemError", "InvariantBroken"}
    elsewhere = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name) and base.id.endswith(("Error", "Exception")) for base in node.bases
            ):
                elsewhere.add(node.name)
    assert elsewhere - {cls.__name__ for cls in classes} - {"LocatedError"} <= internal
    assert all(name in (errors.__doc__ or "") for name in internal)


def test_old_import_paths_still_work() -> None:
    from medaid.ledger import AlreadyReversedError, ConflictError, UnknownClaimError
    from medaid.ledger.schema import MigrationError
    from medaid.ledger.store import DatabaseError
    from medaid.testing.pgserver import PgServerError

    assert {AlreadyReversedError, ConflictError, UnknownClaimError, MigrationError, DatabaseError, PgServerError} <= {
        getattr(errors, name) for name in errors.__all__ if inspect.isclass(getattr(errors, name))
    }


def test_every_raise_site_has_a_message_id_with_its_fields() -> None:
    """Each error raised in the package takes an N_-marked template, and the call gives every field the
    template names (a missing one would be a KeyError in place of the error)."""
    wrong = []
    for file, line, call in _error_calls():
        ids = _message_ids(call)
        if not ids:
            wrong.append((file, line, "no N_ message id"))
            continue
        given = {k.arg for k in call.keywords}
        if None in given:  # **fields
            continue
        wrong += [(file, line, message) for message in ids if not _fields(message) <= given]
    assert not wrong


def test_every_message_id_is_translated_into_chinese_with_the_same_fields() -> None:
    """Each message id of an error (and of a place) has a Chinese text with exactly its fields."""
    messages = {m for _f, _l, call in _error_calls() for m in _message_ids(call)}
    messages |= {errors._WHERE_LINE, errors._WHERE_LINE_KEY, errors._LINE, errors._LINE_KEY}
    assert len(messages) > 150
    untranslated, changed = [], []
    for message in sorted(messages):
        zh = gettext(message, "zh")
        only_fields = not "".join(literal for literal, *_rest in string.Formatter().parse(message))
        if zh == message and not only_fields:
            untranslated.append(message)
        if _fields(zh) != _fields(message):
            changed.append((message, zh))
        assert gettext(message, "en") == message
    assert not untranslated
    assert not changed


def test_place_and_message_render_in_chinese_and_english() -> None:
    error = InputError(
        errors.N_("district {row!r} again (first on line {seen})"), file="t.csv", line=3, row="闵行区", seen=2
    )
    assert str(error) == "t.csv: line 3: district '闵行区' again (first on line 2)"
    assert error.render("en") == str(error)
    assert error.render("zh") == "t.csv：第 3 行：区 '闵行区' 重复出现（首次在第 2 行）"
    assert (error.file, error.line, error.key, error.row, error.seen) == ("t.csv", 3, None, "闵行区", 2)
    assert error.fields == {"row": "闵行区", "seen": 2}


def test_a_place_given_as_text_is_split_into_file_and_line() -> None:
    error = InputError(errors.N_("no such file"), where="data/claims.csv: line 12")
    assert (error.file, error.line) == ("data/claims.csv", 12)
    assert error.where_in("zh") == "data/claims.csv：第 12 行"
    keyed = PolicyError(errors.N_("is missing"), file="p.toml", key="caps.total")
    assert str(keyed) == "p.toml: caps.total: is missing"
    assert keyed.render("zh") == "p.toml: caps.total：缺失"


def test_a_nested_error_is_rendered_in_the_same_language() -> None:
    inner = InputError(errors.N_("no such file"), file="x.csv")
    outer = InputError(errors.N_("column district: {exc}"), file="t.csv", line=2, exc=inner)
    assert outer.render("zh") == "t.csv：第 2 行：district 列：x.csv：文件不存在"
    assert str(outer) == "t.csv: line 2: column district: x.csv: no such file"


def test_errors_survive_pickling_with_their_fields() -> None:
    """Workers send errors back pickled: the message id, fields and place arrive whole."""
    error = InputError(
        errors.N_("{option} must be a date like 2023-05-01, got {text!r}"), option="--date", text="x", file="f", line=1
    )
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is InputError
    assert (back.msgid, back.fields, back.file, back.line, str(back)) == (error.msgid, error.fields, "f", 1, str(error))
    assert back.render("zh") == error.render("zh")


def test_internal_error_is_a_bug_not_a_user_error() -> None:
    assert not issubclass(InternalError, MedaidError)
    assert InternalError.exit_code == 70 and MedaidError.exit_code == 2


# -- the CLI ---------------------------------------------------------------------------------------------

RUNNER = CliRunner()
TABLE = "district,clearing,pre_allocation,audit_overpayment\nminhang,1,2,3\n闵行区,1,2,3\n"
ZH_ENV = {"LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": "", "LANG": "zh_CN.UTF-8"}
EN_ENV = {"LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": "", "LANG": "en_US.UTF-8"}


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--lang", "zh"], EN_ENV, "：第 3 行：区 '闵行区' 重复出现（首次在第 2 行）"),
        ([], ZH_ENV, "：第 3 行：区 '闵行区' 重复出现（首次在第 2 行）"),
        (["--lang", "en"], ZH_ENV, ": line 3: district '闵行区' again (first on line 2)"),
        ([], EN_ENV, ": line 3: district '闵行区' again (first on line 2)"),
    ],
)
def test_bad_file_gives_one_line_in_the_users_language(tmp_path, args, env, expected) -> None:
    path = tmp_path / "t.csv"
    path.write_text(TABLE, encoding="utf-8")
    result = RUNNER.invoke(app, ["transfer", str(path), *args], env=env)
    assert result.exit_code == 2
    assert result.stderr == f"medaid: {path}{expected}\n"
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_bad_file_from_the_installed_command_has_no_traceback(tmp_path) -> None:
    """The real entry point (python -m medaid): Chinese under LANG=zh_CN.UTF-8, exit 2, one line."""
    path = tmp_path / "t.csv"
    path.write_text(TABLE, encoding="utf-8")
    env = {**os.environ, **ZH_ENV}
    done = subprocess.run(
        [sys.executable, "-m", "medaid", "transfer", str(path)], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr == f"medaid: {path}：第 3 行：区 '闵行区' 重复出现（首次在第 2 行）\n"


def _specs(text: str) -> dict[str, tuple[str, str]]:
    return {name: (spec or "", conv or "") for _l, name, spec, conv in string.Formatter().parse(text) if name}


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_message_renders_every_value_in_both_languages(data) -> None:
    """Whatever the bad values, an error renders in zh and en without failing, and shows each value (its repr
    where the template asks for it) in both; the place comes first, translated."""
    messages = sorted({m for _f, _l, call in _error_calls() for m in _message_ids(call)})
    message = data.draw(st.sampled_from(messages))
    specs = _specs(message)
    fields = {
        name: data.draw(st.integers(0, 10**9) if spec else st.text(max_size=12).filter(lambda t: "{" not in t))
        for name, (spec, _conv) in specs.items()
    }
    line = data.draw(st.none() | st.integers(1, 10**6))
    error = InputError(message, file="f.csv", line=line, **fields)
    for lang in ("en", "zh"):
        text = error.render(lang)
        assert text.startswith("f.csv")
        assert line is None or text.startswith(f"f.csv: line {line}: " if lang == "en" else f"f.csv：第 {line} 行：")
        for name, value in fields.items():
            spec, conv = specs[name]
            shown = format(repr(value) if conv == "r" else value, spec)
            assert shown in text
