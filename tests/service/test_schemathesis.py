"""schemathesis over every endpoint of a live server: no 5xx, and every response as the document says."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.service.live import LiveServer

#: A bounded run (about 35 s on the 2-core CI machine): every phase, every operation. One schemathesis
#: worker: with two threads, hypothesis' lambda descriptions hit CPython 3.11's thread-unsafe ast.parse
#: ("AST constructor recursion depth mismatch"), a runtime error of the tool, not of the service.
MAX_TIME_S = 25
MAX_EXAMPLES = 25
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,response_headers_conformance"


def test_schemathesis_finds_no_5xx_and_no_schema_break(tmp_path: Path) -> None:
    """Generated valid and invalid requests to all endpoints: zero server errors, zero responses off the schema."""
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st")
    assert st, "schemathesis is a test dependency: pip install '.[test]'"
    with LiveServer(tmp_path, "--db", str(tmp_path / "ledger.db")) as live:
        result = subprocess.run(
            [
                st,
                "run",
                live.url + "/v1/openapi.json",
                "--checks",
                CHECKS,
                "--max-examples",
                str(MAX_EXAMPLES),
                "--max-time",
                str(MAX_TIME_S),
                "--workers",
                "1",
                "--no-color",
                "--generation-database",
                "none",
                "--request-timeout",
                "20",
            ],
            capture_output=True,
            text=True,
            timeout=MAX_TIME_S + 120,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
        assert "Selected: 11/11" in result.stdout or "Tested: 11" in result.stdout, result.stdout[-3000:]
        log = live.log.read_text()
        assert not re.search(r"medaid\.service\.access: \S+ \S+ 5\d\d ", log) and "medaid.service: bug" not in log
