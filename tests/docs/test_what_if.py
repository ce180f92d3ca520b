"""docs/what-if.md: every `$ medaid ...` block prints what the docs show."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from medaid.synth import synth_claims

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "what-if.md").read_text(encoding="utf-8")


def _blocks() -> list[tuple[str, list[str]]]:
    blocks = []
    for chunk in DOC.split("```text\n")[1:]:
        lines = chunk.split("```", 1)[0].splitlines()
        blocks.append((lines[0].removeprefix("$ "), lines[1:]))
    return blocks


@pytest.fixture(scope="module")
def caseloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("whatif-docs")
    synth_claims(50_000, 2024, seed=3).write_csv(folder / "w.csv")
    synth_claims(50_000, 2023, seed=3).write_csv(folder / "w23.csv")
    return folder


@pytest.mark.parametrize(
    "command, expected", _blocks(), ids=[c.split()[1] + str(i) for i, (c, _e) in enumerate(_blocks())]
)
def test_docs_block_is_current(caseloads: Path, tmp_path: Path, command: str, expected: list[str]) -> None:
    """The command, run on the same synthetic caseload, prints the block exactly."""
    args = []
    for arg in shlex.split(command)[1:]:
        if arg in ("w.csv", "w23.csv"):
            arg = str(caseloads / arg)
        elif arg.startswith("policies/"):
            arg = str(ROOT / arg)
        elif arg.endswith(".png"):
            arg = str(tmp_path / arg)
        args.append(arg)
    # A fresh process, as a user runs it: `medaid check`'s search for a counterexample may take another
    # path in a process that has already run other work (hypothesis's exploration is not isolated).
    result = subprocess.run([sys.executable, "-m", "medaid", *args], capture_output=True, text=True, encoding="utf-8")
    assert expected == result.stdout.splitlines()
