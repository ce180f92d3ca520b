"""The ASGI application of ``medaid serve``: routes, problem responses, stamps and the access log.

Starlette routes the requests; msgspec decodes them strictly and encodes the answers (see
``docs/service.md`` for why not Litestar or FastAPI). Every response, problems included, carries the
engine version and the policy hash in its body and in the ``Medaid-Engine-Version`` and
``Medaid-Policy-Hash`` headers.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from medaid.errors import N_, InternalError
from medaid.service import _assess, _ledger, _policies, _settle
from medaid.service._http import State, lang_of, respond
from medaid.service.config import ServiceConfig
from medaid.service.problems import ProblemError

__all__ = ["create_app", "ROUTES"]

access_log = logging.getLogger("medaid.service.access")
error_log = logging.getLogger("medaid.service")


async def openapi(request: Request) -> Response:
    from medaid.service.openapi import document

    return respond(document())


#: (method, path, handler): every v1 endpoint.
ROUTES: tuple[tuple[str, str, Any], ...] = (
    ("GET", "/v1/health", _policies.health),
    ("GET", "/v1/openapi.json", openapi),
    ("GET", "/v1/policies", _policies.policies),
    ("GET", "/v1/policies/{policy_id}", _policies.policy),
    ("GET", "/v1/policies/{old}/diff/{new}", _policies.policy_diff),
    ("POST", "/v1/assess", _assess.assess),
    ("POST", "/v1/settle", _settle.settle),
    ("POST", "/v1/ledger/claims", _ledger.settle_claims),
    ("GET", "/v1/ledger/claims/{claim_id}", _ledger.stored_claim),
    ("POST", "/v1/ledger/claims/{claim_id}/reversal", _ledger.reverse),
    ("GET", "/v1/ledger/persons/{person_id}/years/{year}", _ledger.usage),
    ("POST", "/v1/ledger/persons/{person_id}/years/{year}/clearing", _ledger.clear),
)


def _problem(request: Request, problem: ProblemError) -> Response:
    state: State = request.app.state.medaid
    body = problem.body(
        lang_of(request),
        request.url.path if problem.status != 404 or problem.slug != "not-found" else None,
        state.stamp,
    )
    response = respond(body, problem.status)
    response.headers["content-type"] = "application/problem+json"
    for name, value in problem.headers.items():
        response.headers[name] = value
    if problem.status >= 500:  # answered outside the stamping middleware (by Starlette's error middleware)
        response.headers.update(state.headers)
    return response


async def _on_problem(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, ProblemError):
        raise InternalError(
            N_("expected {expected}, got {type_name}"), expected="ProblemError", type_name=type(exc).__name__
        )
    return _problem(request, exc)


async def _on_http(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):
        raise InternalError(
            N_("expected {expected}, got {type_name}"), expected="HTTPException", type_name=type(exc).__name__
        )
    slug = {404: "not-found", 405: "method-not-allowed", 413: "too-large", 415: "unsupported-media-type"}.get(
        exc.status_code, "invalid-input"
    )
    detail = {
        404: f"no endpoint at {request.url.path}; see /v1/openapi.json",
        405: f"{request.method} is not allowed here",
    }.get(exc.status_code, str(exc.detail))
    response = _problem(request, ProblemError(slug, detail))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _on_bug(request: Request, exc: Exception) -> Response:
    error_log.error("bug while answering %s %s", request.method, _template(request), exc_info=exc)
    return _problem(request, ProblemError("internal", "medaid failed on this request; the server log has the details"))


def _template(request: Request) -> str:
    """The route's path template (``/v1/ledger/claims/{claim_id}``): the log never holds ids or amounts."""
    route = request.scope.get("route")
    return getattr(route, "path", None) or "(no route)"


class _Stamped:
    """ASGI middleware: stamp headers on every response, and an access log line without personal data
    (method, route template, status, milliseconds; never the path, the body or the query)."""

    def __init__(self, app, headers: dict[str, str]) -> None:
        self.app = app
        self.raw = [(k.encode(), v.encode()) for k, v in headers.items()]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [0]

        async def stamped(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", []), *self.raw]
            await send(message)

        try:
            await self.app(scope, receive, stamped)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                route = scope.get("route")
                access_log.info(
                    "%s %s %d %.1fms",
                    scope["method"],
                    getattr(route, "path", "(no route)"),
                    status[0],
                    (time.perf_counter() - start) * 1000,
                )


def _quiet_upgrades(record: logging.LogRecord) -> bool:
    """Drop uvicorn's warnings about an upgrade offer it ignores: every JDK HttpClient offers h2c on http://,
    and the request is answered over HTTP/1.1 as it should be (RFC 9110 §7.8)."""
    message = record.getMessage()
    return not (message == "Unsupported upgrade request." or message.startswith("No supported WebSocket library"))


def _log_to_stderr() -> None:
    """Each worker process logs the service's lines itself (uvicorn's workers do not inherit the parent's setup)."""
    uvicorn_log = logging.getLogger("uvicorn.error")
    if _quiet_upgrades not in uvicorn_log.filters:
        uvicorn_log.addFilter(_quiet_upgrades)
    logger = logging.getLogger("medaid.service")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def create_app(config: ServiceConfig | None = None) -> Starlette:
    """The service as an ASGI app; ``config`` defaults to the environment ``medaid serve`` sets for its workers."""
    config = config or ServiceConfig.from_env()
    _log_to_stderr()
    state = State(config)
    app = Starlette(
        routes=[Route(path, handler, methods=[method]) for method, path, handler in ROUTES],
        exception_handlers={ProblemError: _on_problem, HTTPException: _on_http, Exception: _on_bug},
    )
    app.state.medaid = state
    app.add_middleware(_Stamped, headers=state.headers)
    return app
