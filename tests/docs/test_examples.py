"""The examples the docs show run as written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from medaid.testing import load_case, run_case

ROOT = Path(__file__).resolve().parents[2]


def test_example_case_file_passes() -> None:
    """examples/case-low-income.toml (shown in docs/testing.md) passes."""
    assert run_case(load_case(ROOT / "examples" / "case-low-income.toml")).passed


def test_example_property_test_runs() -> None:
    """examples/test_my_policy.py (shown in docs/testing.md) passes under pytest."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "examples" / "test_my_policy.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert 0 == done.returncode, done.stdout + done.stderr


def test_docs_show_the_example_files_verbatim() -> None:
    """docs/testing.md quotes the example files exactly."""
    docs = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    case = (ROOT / "examples" / "case-low-income.toml").read_text(encoding="utf-8").split("\n", 1)[1]
    assert case.strip() in docs
    test = (ROOT / "examples" / "test_my_policy.py").read_text(encoding="utf-8").split("\n", 1)[1]
    assert test.strip() in docs
