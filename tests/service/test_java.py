"""The Java example (examples/java/MedaidClient.java, java.net.http only) compiled and run against a live server."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.service.live import LiveServer

SOURCE = Path(__file__).resolve().parents[2] / "examples" / "java" / "MedaidClient.java"


def test_java_client_settles_reads_usage_and_reverses(tmp_path: Path, server: LiveServer) -> None:
    """javac compiles the client; it settles, reads usage, reverses and checks every amount (exit 0)."""
    javac, java = shutil.which("javac"), shutil.which("java")
    assert javac and java, "a JDK (11 or later) is needed: CI installs one"
    compiled = subprocess.run([javac, "-d", str(tmp_path), str(SOURCE)], capture_output=True, text=True, timeout=120)
    assert compiled.returncode == 0, compiled.stderr
    ran = subprocess.run(
        [java, "-cp", str(tmp_path), "MedaidClient", server.url, "test"], capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "ok   inpatient remaining after the reversal: 130000.00" in ran.stdout and "FAIL" not in ran.stdout
    assert ran.stdout.strip().endswith("every amount as expected")
    assert "Unsupported upgrade" not in server.log.read_text()  # Java's h2c offer is normal, not a warning
    # Run again with the same ids: the claims are duplicates now, so the settle step must notice.
    again = subprocess.run(
        [java, "-cp", str(tmp_path), "MedaidClient", server.url, "test"], capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 1 and "FAIL outpatient status: duplicate" in again.stdout
