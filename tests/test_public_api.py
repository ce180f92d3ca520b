"""`import medaid` is cheap and every advertised name resolves."""

from __future__ import annotations

import subprocess
import sys

import medaid


def test_every_exported_name_resolves() -> None:
    """Each name in medaid.__all__ is importable through the package."""
    for name in medaid.__all__:
        assert getattr(medaid, name) is not None, name


def test_import_medaid_loads_no_heavy_module() -> None:
    """`import medaid` alone loads neither polars, numpy, sqlite3 nor babel."""
    code = "import sys, medaid; print(sorted(m for m in ('polars', 'numpy', 'sqlite3', 'babel', 'typer') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert "[]" == out
