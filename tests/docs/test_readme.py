"""The README's example output is what medaid prints today."""

from __future__ import annotations

import shlex
from pathlib import Path

from typer.testing import CliRunner

from medaid.cli import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_readme_example_output_is_current() -> None:
    """The `$ medaid calc ...` block in the README matches the real output line for line."""
    block = README.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    command, expected = block[0].removeprefix("$ "), block[1:]
    result = CliRunner().invoke(app, shlex.split(command)[1:])
    assert 0 == result.exit_code
    assert expected == result.output.splitlines()


def test_readme_quick_start_commands_are_the_ci_commands() -> None:
    """.ci/run runs exactly the README's test command."""
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text(encoding="utf-8")
    test_command = (
        "python3 -m venv .venv && . .venv/bin/activate && python -m pip install '.[test]' && python -m pytest"
    )
    assert test_command in README and test_command in ci
