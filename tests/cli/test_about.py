"""Small things people expect: --version with the policy hash, shell completion, policy list/diff as JSON."""

from __future__ import annotations

import hashlib
import json
import re

from typer.testing import CliRunner

from medaid._version import __version__
from medaid.cli import app
from medaid.cli._about import shipped_policy_hash
from medaid.policy import default_registry
from medaid.policy.registry import default_policy_dir

RUNNER = CliRunner()


def test_version_shows_engine_and_policy_hash() -> None:
    """--version prints the engine version and one hash over the shipped policy files."""
    result = RUNNER.invoke(app, ["--version"])
    assert result.exit_code == 0
    engine, policies = result.stdout.splitlines()
    assert engine == f"medaid {__version__}"
    files = sorted(default_policy_dir().rglob("*.toml"))
    assert re.fullmatch(rf"policies sha256:[0-9a-f]{{64}} \({len(files)} files\)", policies)
    assert policies.split()[1] == shipped_policy_hash()[0]


def test_policy_hash_changes_with_a_file(tmp_path, monkeypatch) -> None:
    """The shipped hash covers every file's bytes and name: changing one byte or a name changes it."""
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "a.toml").write_bytes(b"id = 'a'\n")
    monkeypatch.setattr("medaid.policy.registry.default_policy_dir", lambda: folder)
    first, count = shipped_policy_hash()
    assert count == 1
    (folder / "a.toml").write_bytes(b"id = 'b'\n")
    second, _ = shipped_policy_hash()
    (folder / "a.toml").rename(folder / "c.toml")
    third, _ = shipped_policy_hash()
    assert len({first, second, third}) == 3
    expected = hashlib.sha256(b"c.toml\0" + hashlib.sha256(b"id = 'b'\n").digest()).hexdigest()
    assert third == f"sha256:{expected}"


def test_shell_completion_is_on() -> None:
    """typer's completion: the script for bash, and command names completed."""
    shown = RUNNER.invoke(app, ["--show-completion", "bash"], prog_name="medaid")
    assert shown.exit_code == 0 and "_medaid_completion" in shown.stdout
    completed = RUNNER.invoke(
        app,
        [],
        prog_name="medaid",
        env={"_MEDAID_COMPLETE": "complete_bash", "COMP_WORDS": "medaid expl", "COMP_CWORD": "1"},
    )
    assert completed.stdout.split() == ["explain"]


def test_policy_list_json() -> None:
    """policy list --format json: each version with dates, titles and hash."""
    result = RUNNER.invoke(app, ["policy", "list", "--format", "json"])
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    registry = default_registry()
    assert [item["id"] for item in listed] == [policy.id for policy in registry]
    item = next(item for item in listed if item["id"] == "medical-assistance-2023")
    assert item["effective_from"] == "2023-01-01" and item["effective_to"] == "2023-12-31"
    assert item["policy_hash"] == registry.get("medical-assistance-2023").content_hash


def test_policy_diff_json() -> None:
    """policy diff --format json: the changed keys with old and new value, source and provisional mark."""
    result = RUNNER.invoke(
        app, ["policy", "diff", "medical-assistance-2018-07", "medical-assistance-2023", "--format", "json"]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["old"], data["new"]) == ("medical-assistance-2018-07", "medical-assistance-2023")
    low = next(c for c in data["changes"] if c["key"] == "categories.low_income.outpatient.cap")
    assert low == {
        "key": "categories.low_income.outpatient.cap",
        "old": "2500.00",
        "new": "2800.00",
        "source": "沪医保规〔2022〕12号",
        "provisional": "D2",
    }


def test_policy_json_bad_format() -> None:
    """An unknown --format is one line and exit 2."""
    result = RUNNER.invoke(
        app, ["policy", "diff", "medical-assistance-2018-07", "medical-assistance-2023", "--format", "yaml"]
    )
    assert result.exit_code == 2 and "--format must be one of text, json, got 'yaml'" in result.stderr
