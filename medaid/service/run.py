"""Start the service with uvicorn: safe defaults checked first (loopback unless a token file is given)."""

from __future__ import annotations

import os

from medaid.errors import N_, InputError
from medaid.service.config import ServiceConfig, is_loopback, read_token

__all__ = ["serve", "check"]

MAX_WORKERS = 64


def check(host: str, port: int, config: ServiceConfig, workers: int) -> None:
    """Refuse an unsafe or impossible start before anything listens."""
    if not is_loopback(host) and config.token_file is None:
        raise InputError(
            N_(
                "--host {host} is reachable from other machines: give --token-file FILE (a bearer token) to bind it; without one only 127.0.0.1 is allowed"
            ),
            host=host,
        )
    if config.token_file is not None:
        read_token(config.token_file)
    if not 0 < port < 65536:
        raise InputError(N_("--port must be from 1 to 65535, got {port}"), port=port)
    if not 1 <= workers <= MAX_WORKERS:
        raise InputError(
            N_("--workers must be from 1 to {maximum}, got {workers}"), maximum=MAX_WORKERS, workers=workers
        )
    if config.db is not None:
        from medaid.ledger import Ledger

        Ledger(config.db).close()  # creates it if missing; a path that cannot hold a ledger fails here, not per request


def _http_protocol():
    """httptools (about a third of h11's CPU per request) with the upgrade fix of :mod:`medaid.service._protocol`;
    h11 where httptools is not installed."""
    import importlib.util

    if importlib.util.find_spec("httptools") is None:
        return "h11"
    from medaid.service._protocol import UpgradeTolerantProtocol

    return UpgradeTolerantProtocol


def serve(host: str, port: int, config: ServiceConfig, workers: int = 1, log_level: str = "info") -> None:
    """Run until interrupted; ``workers`` processes share the port (and the ledger)."""
    import importlib.util

    import uvicorn

    check(host, port, config, workers)
    os.environ.update(config.to_env())
    uvicorn.run(
        "medaid.service.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # uvicorn's access log holds the path (person and claim ids): ours holds the route template only
        server_header=False,
        log_level=log_level,
        proxy_headers=False,
        http=_http_protocol(),
        loop="uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
    )
