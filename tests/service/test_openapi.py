"""The OpenAPI document: served, committed as docs/openapi.json, and the two never drift."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from medaid.service.app import ROUTES
from tests.service.live import LiveServer

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_document_is_the_served_one(server: LiveServer) -> None:
    """docs/openapi.json equals /v1/openapi.json (rewrite it: python -m medaid.service.openapi docs/openapi.json)."""
    served = httpx.get(server.url + "/v1/openapi.json").json()
    assert served == json.loads(DOC.read_text(encoding="utf-8")), (
        "docs/openapi.json is stale: python -m medaid.service.openapi docs/openapi.json"
    )
    assert served["openapi"] == "3.1.0"


def test_every_route_is_documented() -> None:
    """Each endpoint the app routes has an operation in the document, and nothing else is documented."""
    doc = json.loads(DOC.read_text(encoding="utf-8"))
    routed = {(path, method.lower()) for method, path, _handler in ROUTES}
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert routed == documented
