"""Fixtures shared across the suite: a throwaway PostgreSQL server for the tests that need one."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server of its own (initdb in a temporary directory, a free port), started on first use
    and stopped at the end of the session. No server binaries is a failure, not a skip: CI installs them."""
    from medaid.testing.pgserver import PgServer, PgServerError

    try:
        server = PgServer().start()
    except PgServerError as exc:
        pytest.fail(f"cannot start the test PostgreSQL server: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.destroy()
