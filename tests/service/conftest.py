"""One live server (with a ledger) shared by the service tests that do not need their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.service.live import LiveServer


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> LiveServer:
    tmp: Path = tmp_path_factory.mktemp("serve")
    with LiveServer(tmp, "--db", str(tmp / "ledger.db")) as live:
        yield live
