"""``medaid serve``: the HTTP service (JSON, OpenAPI 3.1) for casework systems; see docs/service.md."""

from __future__ import annotations

import typer

from medaid.cli._common import user_errors


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; anything but loopback needs --token-file."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    db: str | None = typer.Option(
        None, "--db", help="The ledger (as for `medaid ledger --db`); without it the ledger endpoints are off."
    ),
    token_file: str | None = typer.Option(
        None, "--token-file", help="File holding the bearer token that requests must carry (Authorization: Bearer)."
    ),
    workers: int = typer.Option(1, "--workers", help="Worker processes (each with its own connection to the ledger)."),
) -> None:
    """Serve medaid over HTTP: assess, settle, policies and the casework ledger (RFC 9457 errors, money as yuan strings)."""
    with user_errors():
        from medaid.service.config import ServiceConfig
        from medaid.service.run import check

        config = ServiceConfig(db=db, token_file=token_file)
        check(host, port, config, workers)
    from medaid.service.run import serve as run

    run(host, port, config, workers)
