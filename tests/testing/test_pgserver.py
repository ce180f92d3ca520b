"""The throwaway PostgreSQL server of the tests and benchmarks (medaid.testing.pgserver)."""

from __future__ import annotations

import os

import pytest

from medaid.testing import pgserver


def test_no_server_binaries_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without initdb anywhere, PgServer says what to install (the suite then fails, it does not skip)."""
    monkeypatch.setattr(pgserver.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(pgserver.shutil, "which", lambda name: None)
    with pytest.raises(
        pgserver.PgServerError, match=r"no PostgreSQL server binaries .* \(apt-get install postgresql\)"
    ):
        pgserver.PgServer()


def test_the_server_runs_unprivileged_on_loopback(pg_server) -> None:
    """The session's server answers on 127.0.0.1 at its port, from a data directory owned by an unprivileged user."""
    assert "1" == pg_server.psql("SELECT 1").strip()
    assert f"127.0.0.1 {pg_server.port}" == pg_server.psql(
        "SELECT inet_server_addr(), inet_server_port()"
    ).strip().replace("|", " ")
    owner = os.stat(pg_server.data).st_uid
    assert owner != 0 and (os.geteuid() == 0 or owner == os.geteuid())
