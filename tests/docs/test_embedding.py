"""The ledger example in docs/embedding.md runs as written and prints what the docs show."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ledger_example.py"


def test_ledger_example_runs_and_docs_show_it_verbatim(tmp_path: Path) -> None:
    """examples/ledger_example.py settles, retries, reverses and clears; docs quote the file and its output."""
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), str(tmp_path / "ledger.db")], capture_output=True, text=True, cwd=ROOT
    )
    assert 0 == done.returncode, done.stderr
    assert "c2 again: duplicate, assistance 1120.00" in done.stdout
    assert "applied: True, again: False" in done.stdout
    docs = (ROOT / "docs" / "embedding.md").read_text(encoding="utf-8")
    assert EXAMPLE.read_text(encoding="utf-8") in docs
    assert done.stdout in docs
