"""``medaid serve``: the HTTP service (JSON, OpenAPI 3.1) for casework systems; see docs/service.md."""

from __future__ import annotations

import typer

from medaid.cli._common import lang_option, user_errors
from medaid.cli._options import Lang


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
    lang: Lang = None,
) -> None:
    """Serve medaid over HTTP: assess, settle, policies and the casework ledger (RFC 9457 errors, money as yuan strings)."""
    with user_errors():
        from medaid.service.config import ServiceConfig
        from medaid.service.run import check

        language = lang_option(lang)
        config = ServiceConfig(db=db, token_file=token_file)
        check(host, port, config, workers)
    from medaid.service.run import serve as run

    for line in _start_lines(host, port, db, workers, language):
        typer.echo(line, err=True)
    # uvicorn's own start-up and shutdown lines are English only: ours above say the same in the user's
    # language, and uvicorn keeps its warnings and errors (the service's access log is its own logger).
    run(host, port, config, workers, log_level="warning")


def _start_lines(host: str, port: int, db: str | None, workers: int, lang: str) -> list[str]:
    """What ``medaid serve`` says as it starts: where it listens, the ledger, the API description, how to stop."""
    from medaid._version import __version__
    from medaid.i18n.catalog import _, ngettext

    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    lines = [
        ngettext(
            "medaid {version} serving on {url} ({workers} worker process)",
            "medaid {version} serving on {url} ({workers} worker processes)",
            workers,
            lang,
        ).format(version=__version__, url=url, workers=workers)
    ]
    if db is None:
        lines.append(_("no ledger (--db): the ledger endpoints are off", lang))
    else:
        from medaid.cli._ledger import _shown

        lines.append(_("ledger: {db}", lang).format(db=_shown(db)))
    lines.append(_("API description: {url}/v1/openapi.json; press Ctrl+C to stop", lang).format(url=url))
    return lines
