"""The ledger tests run on both stores: each test taking ``new_db`` runs once on SQLite, once on PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

_SCHEMAS = itertools.count(1)


class _Admin:
    """An autocommit connection to the test server that reconnects after a test stopped the server."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.conn = None

    def execute(self, sql: str, params=None):
        import psycopg

        if self.conn is not None:
            try:
                return self.conn.execute(sql, params)
            except psycopg.OperationalError:  # the server was restarted since
                if not (self.conn.closed or self.conn.broken):
                    raise
        self.conn = psycopg.connect(self.dsn, autocommit=True)
        return self.conn.execute(sql, params)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


@pytest.fixture(scope="session")
def pg_admin(pg_server):
    """One autocommit connection to the test server (as its superuser), to create a schema per ledger."""
    admin = _Admin(pg_server.dsn())
    yield admin
    admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def new_db(backend: str, tmp_path: Path, request) -> Callable[..., str]:
    """``new_db(name)``: the ``--db`` of a new, empty ledger on each call: a file in ``tmp_path``, or a PostgreSQL URL whose
    ``search_path`` is a schema of its own on the test server."""
    if backend == "sqlite":
        return lambda name="ledger": str(tmp_path / f"{name}-{next(_SCHEMAS)}.db")
    server, admin = request.getfixturevalue("pg_server"), request.getfixturevalue("pg_admin")

    def make(name: str = "ledger") -> str:
        schema = f"t{next(_SCHEMAS)}_{name}".replace("-", "_")
        admin.execute(f"CREATE SCHEMA {schema}")
        return server.dsn() + f"?options=-csearch_path%3D{schema}"

    return make
