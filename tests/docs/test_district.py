"""docs/district.md: every ``$ medaid ...`` block shows what medaid prints today."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medaid.cli import app

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "district.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```text\n\$ medaid (.*?)\n(.*?)```", DOC, flags=re.S)


def test_the_walkthrough_has_its_blocks() -> None:
    """The walkthrough shows mutual aid, the transfer and the district report."""
    assert {"mutual-aid", "transfer", "district"} <= {command.split()[0] for command, _ in BLOCKS}


@pytest.mark.parametrize(("command", "expected"), BLOCKS, ids=[c for c, _ in BLOCKS])
def test_block_output_is_current(command, expected, monkeypatch) -> None:
    """The block's output (stderr for an error) is the command's output, line for line."""
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, shlex.split(command))
    shown = result.output if result.exit_code == 0 else result.stderr
    assert expected.splitlines() == shown.splitlines()


def test_chart_image_is_small() -> None:
    """The chart shown in the docs is a PNG under 200 KB."""
    data = (ROOT / "docs" / "district-chart.png").read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) < 200_000
