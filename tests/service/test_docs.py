"""Every curl line of docs/service.md, run against a live server: each answers 200 with a stamped JSON body."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from tests.service.live import LiveServer

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "service.md"


def curl_lines() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [line for block in blocks for line in block.splitlines() if line.startswith("curl ")]


def test_every_curl_example_runs(server: LiveServer) -> None:
    """The documented requests work as written, in the order written."""
    lines = curl_lines()
    assert len(lines) >= 14
    paths = {re.search(r"http://127.0.0.1:8000(/v1/[^ ?']*)", line)[1] for line in lines}
    for line in lines:
        command = line.replace("http://127.0.0.1:8000", server.url) + " -w '\\n%{http_code}'"
        result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=ROOT, timeout=60)
        body, _, status = result.stdout.rpartition("\n")
        assert status == "200", f"{line}\n{result.stdout[-2000:]}"
        assert "engine_version" in json.loads(body) or line.endswith("openapi.json")
    assert len(paths) >= 12
