"""What every handler shares: the service state, the language, reading and decoding a body, answering JSON."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from typing import Any, TypeVar

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from medaid._version import __version__
from medaid.i18n import LANGS
from medaid.service.config import ServiceConfig, read_token
from medaid.service.problems import ProblemError, from_validation

__all__ = ["State", "lang_of", "read_body", "decode", "respond", "require_token", "state_of"]

T = TypeVar("T")
_encoder = msgspec.json.Encoder()


class State:
    """One worker's state: the policies, their combined hash, the config, the token and the ledger (opened
    on first use, in the worker process; one per process, used from the event-loop thread only)."""

    def __init__(self, config: ServiceConfig) -> None:
        from medaid.policy.registry import default_registry

        self.config = config
        self.registry = default_registry()
        self.policy_hash = registry_hash(self.registry)
        self.stamp = {"engine_version": __version__, "policy_hash": self.policy_hash}
        self.headers = {"medaid-engine-version": __version__, "medaid-policy-hash": self.policy_hash}
        self.token = read_token(config.token_file) if config.token_file else None
        self._ledger = None
        self._executor = None

    async def in_ledger(self, work):
        """``work(ledger)`` on the worker's ledger thread. The ledger (its database connection) lives in that one
        thread, opened there on first use, so a wait for the store's write lock (another worker is writing)
        never holds up the event loop and the other requests."""
        if self.config.db is None:
            raise ProblemError("ledger-off", "the ledger endpoints are off: start medaid serve with --db LEDGER")
        if self._executor is None:
            from concurrent.futures import ThreadPoolExecutor

            self._executor = ThreadPoolExecutor(1, thread_name_prefix="medaid-ledger")
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._run, work)

    def _run(self, work):
        if self._ledger is None:
            from medaid.ledger import Ledger

            self._ledger = Ledger(self.config.db)
        return work(self._ledger)


def registry_hash(registry) -> str:
    """One hash for every policy version the service holds (sha256 of their sorted content hashes)."""
    hashes = sorted(policy.content_hash for policy in registry)
    return "sha256:" + hashlib.sha256("\n".join(hashes).encode()).hexdigest()


def state_of(request: Request) -> State:
    return request.app.state.medaid


def lang_of(request: Request) -> str:
    """zh or en from ``Accept-Language`` (highest q wins; ``zh-CN``, ``zh-Hans`` count as zh); default en."""
    header = request.headers.get("accept-language")
    if not header:
        return "en"
    best, best_q = "en", -1.0
    for item in header.split(","):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGS and q > best_q and q > 0:
            best, best_q = primary, q
    return best


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 above ``limit`` bytes (before reading it, if its length is declared)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProblemError("too-large", f"the body has {declared} bytes; this endpoint takes at most {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProblemError("too-large", f"the body exceeds {limit} bytes, the most this endpoint takes")
        chunks.append(chunk)
    return b"".join(chunks)


def decode(body: bytes, decoder: msgspec.json.Decoder, prefix: str = "") -> Any:
    """Decode ``body`` strictly; a syntax error is 400, a wrong type or value 422 naming the field."""
    if not body.strip():
        raise ProblemError("invalid-json", "the body is empty; send a JSON object")
    try:
        return decoder.decode(body)
    except msgspec.ValidationError as exc:
        raise from_validation(exc, body, prefix) from None
    except msgspec.DecodeError as exc:
        raise ProblemError("invalid-json", f"the body is not valid JSON: {exc}") from None


def respond(data: Any, status: int = 200) -> Response:
    return Response(_encoder.encode(data), status_code=status, media_type="application/json")


def require_token(request: Request) -> None:
    """With a token configured, the request must carry ``Authorization: Bearer <token>`` (compared in constant time)."""
    token = state_of(request).token
    if token is None:
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token):
        raise ProblemError(
            "unauthorized",
            "this endpoint needs Authorization: Bearer <token> (the token in the server's --token-file)",
            headers={"www-authenticate": 'Bearer realm="medaid"'},
        )


def check_media(request: Request, allowed: tuple[str, ...]) -> str:
    """The request's media type if it is one of ``allowed`` (415 otherwise); none given counts as JSON."""
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if media not in allowed:
        raise ProblemError("unsupported-media-type", f"Content-Type must be one of {', '.join(allowed)}, got {media!r}")
    return media
