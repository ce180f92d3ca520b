"""The shared options (medaid/cli/_options.py) are the same on every command that has them."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from medaid.cli import app
from medaid.cli._options import ClaimsFile, InputFile, with_groups

SHARED = ("--excel", "--excel-gbk", "--encoding", "--sheet", "--allow-future", "--lang", "--unit")


def commands() -> dict[str, Any]:
    """Every leaf command of ``medaid``, by its full name (``ledger settle``)."""
    found: dict[str, Any] = {}

    def walk(command: Any, name: str) -> None:
        if hasattr(command, "commands"):  # a group (typer's own click types in typer >= 0.24)
            for child_name, child in command.commands.items():
                walk(child, f"{name} {child_name}".strip())
        else:
            found[name] = command

    walk(typer.main.get_command(app), "")
    return found


@pytest.mark.parametrize("flag", SHARED)
def test_shared_option_is_declared_once(flag: str) -> None:
    """Each shared option has one help text and one default wherever it appears."""
    seen = {
        name: (param.help, param.default)
        for name, command in commands().items()
        for param in command.params
        if param.param_type_name == "option" and flag in param.opts
    }
    assert len(seen) >= 2, f"{flag} is on {sorted(seen)}"
    assert 1 == len(set(seen.values())), seen


def test_every_command_reading_claims_takes_the_input_options() -> None:
    """claims, ledger settle, compare and sweep read claims with --encoding, --sheet and --allow-future."""
    for name in ("claims", "ledger settle", "compare", "sweep"):
        flags = {opt for param in commands()[name].params for opt in param.opts}
        assert {"--encoding", "--sheet", "--allow-future"} <= flags, name


def test_with_groups_passes_a_group_as_one_object() -> None:
    """A command sees its group's options as one frozen object, with the values given on the command line."""
    got: list[object] = []
    probe = typer.Typer()

    @probe.command()
    @with_groups
    def read(path: str, source: ClaimsFile = ClaimsFile(), strict: bool = typer.Option(False, "--strict")) -> None:
        got.extend([path, source, strict])

    result = CliRunner().invoke(probe, ["a.csv", "--encoding", "gbk", "--allow-future", "--sheet", "2"])
    assert 0 == result.exit_code, result.output
    assert ["a.csv", ClaimsFile(encoding="gbk", sheet="2", allow_future=True), False] == got


def test_with_groups_refuses_two_groups_sharing_an_option() -> None:
    """Two groups that both hold --encoding cannot be on one command."""

    def both(first: InputFile = InputFile(), second: ClaimsFile = ClaimsFile()) -> None:
        pass

    with pytest.raises(ValueError, match="encoding"):
        with_groups(both)
