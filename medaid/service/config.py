"""What a ``medaid serve`` worker needs to know, passed from the command to each worker process by environment.

uvicorn starts each worker as a fresh process that builds the app with :func:`medaid.service.app.create_app`,
so the settings travel as environment variables; the token itself never does (each worker reads the file).
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import attrs

from medaid.errors import N_, InputError

__all__ = ["ServiceConfig", "MAX_BODY", "MAX_SETTLE_BODY", "MIN_TOKEN_LENGTH", "is_loopback", "read_token"]

#: Request bodies above this size are refused with 413 (ledger claims, assess, reversal, clearing).
MAX_BODY = 4 * 1024 * 1024
#: ``POST /v1/settle`` takes a claims file: 256 MiB is about 2 million claims as JSON.
MAX_SETTLE_BODY = 256 * 1024 * 1024
MIN_TOKEN_LENGTH = 16
_ENV = {
    "db": "MEDAID_SERVE_DB",
    "token_file": "MEDAID_SERVE_TOKEN_FILE",
    "max_body": "MEDAID_SERVE_MAX_BODY",
    "max_settle_body": "MEDAID_SERVE_MAX_SETTLE_BODY",
}


@attrs.frozen
class ServiceConfig:
    """The ledger (``db``: a path, or whatever :class:`medaid.Ledger` accepts; ``None``: no ledger endpoints),
    the bearer token file (``None``: no token; only allowed on a loopback address) and the body limits."""

    db: str | None = None
    token_file: str | None = None
    max_body: int = MAX_BODY
    max_settle_body: int = MAX_SETTLE_BODY

    @classmethod
    def from_env(cls) -> ServiceConfig:
        env = os.environ
        return cls(
            db=env.get(_ENV["db"]) or None,
            token_file=env.get(_ENV["token_file"]) or None,
            max_body=int(env.get(_ENV["max_body"]) or MAX_BODY),
            max_settle_body=int(env.get(_ENV["max_settle_body"]) or MAX_SETTLE_BODY),
        )

    def to_env(self) -> dict[str, str]:
        """The environment that makes :meth:`from_env` give this config in a worker process."""
        return {_ENV[name]: str(value) for name, value in attrs.asdict(self).items() if value is not None}


def is_loopback(host: str) -> bool:
    """Whether ``host`` only reaches this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def read_token(path: str) -> bytes:
    """The bearer token in the file at ``path`` (surrounding whitespace removed), at least 16 characters."""
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise InputError(
            N_("--token-file: cannot read {path!r} ({reason})"), path=path, reason=exc.strerror or exc
        ) from None
    except UnicodeDecodeError:
        raise InputError(N_("--token-file: {path!r} is not UTF-8 text"), path=path) from None
    if len(token) < MIN_TOKEN_LENGTH or any(c.isspace() for c in token):
        raise InputError(
            N_(
                "--token-file: {path!r} must hold one token of at least {minimum} characters without spaces (e.g. from `openssl rand -hex 32`)"
            ),
            path=path,
            minimum=MIN_TOKEN_LENGTH,
        )
    return token.encode()
