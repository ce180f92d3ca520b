"""The OpenAPI 3.1 document of the v1 service, built from the same msgspec types that decode the requests.

Served at ``/v1/openapi.json`` and committed as ``docs/openapi.json`` (a test fails when they drift;
``python -m medaid.service.openapi docs/openapi.json`` rewrites it).
"""

from __future__ import annotations

import functools
import sys
from typing import Any

import msgspec

from medaid._version import __version__
from medaid.service import schemas as s

__all__ = ["document"]

_REF = "#/components/schemas/{name}"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF.format(name=name)}


_STAMP_HEADERS = {
    "Medaid-Engine-Version": {
        "description": "The engine version that computed the answer.",
        "schema": {"type": "string"},
        "required": True,
    },
    "Medaid-Policy-Hash": {
        "description": "Hash of the policy versions the server holds.",
        "schema": {"type": "string"},
        "required": True,
    },
}
_PROBLEM = {"application/problem+json": {"schema": _ref("Problem")}}
_PROBLEMS = {
    "400": "The body is not JSON.",
    "401": "A bearer token is required (the server was started with --token-file).",
    "404": "No such resource (or no ledger on this server).",
    "405": "Method not allowed.",
    "409": "Conflict with the ledger's state.",
    "413": "The body is too large.",
    "415": "Unsupported media type.",
    "422": "A field is invalid; `errors` names it with a JSON pointer and gives the value.",
}
_AUTH = [{"bearer": []}, {}]
_PATH_TEXT = {"type": "string", "minLength": 1}


def _param(name: str, description: str, schema: dict | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema or _PATH_TEXT}


def _op(
    summary: str,
    ok: dict[str, Any],
    *,
    body: dict[str, Any] | None = None,
    params: list | None = None,
    codes: tuple[str, ...] = ("404", "405", "422"),
    auth: bool = False,
    description: str = "",
    tag: str,
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": "OK", "headers": _STAMP_HEADERS, "content": {"application/json": {"schema": ok}}}
    }
    wanted = set(codes) | {"405"}
    if body is not None:
        wanted |= {"400", "413", "415", "422"}
    if auth:
        wanted.add("401")
    for code in sorted(wanted):
        responses[code] = {"description": _PROBLEMS[code], "headers": _STAMP_HEADERS, "content": _PROBLEM}
    op: dict[str, Any] = {
        "summary": summary,
        "tags": [tag],
        "operationId": summary.lower().replace(" ", "_").replace("(", "").replace(")", ""),
        "responses": responses,
    }
    if description:
        op["description"] = description
    if params:
        op["parameters"] = params
    if body is not None:
        op["requestBody"] = {"required": True, "content": body}
    if auth:
        op["security"] = _AUTH
    return op


@functools.lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document (a plain dict, the same on every call)."""
    types = [
        s.Health,
        s.PolicyList,
        s.PolicyDetail,
        s.PolicyDiff,
        s.AssessRequest,
        s.Assessment,
        s.Comparison,
        s.SettleRequest,
        s.SettleResponse,
        s.LedgerClaim,
        s.Settlements,
        s.StoredSettlement,
        s.ReversalRequest,
        s.Reversal,
        s.ClearingRequest,
        s.Clearing,
        s.Usage,
        s.Problem,
    ]
    _refs, components = msgspec.json.schema_components(types, ref_template=_REF)
    (claims_schema,), more = msgspec.json.schema_components([s.LedgerClaims], ref_template=_REF)
    components.update(more)
    json = lambda name: {"application/json": {"schema": _ref(name)}}  # noqa: E731
    year = {"type": "string", "pattern": "^(19|[2-9][0-9])[0-9]{2}$", "description": "A year like 2023 (1900 to 9999)."}
    person = [_param("person_id", "The person."), _param("year", "The calendar year.", year)]
    claim = [_param("claim_id", "The claim.")]
    paths = {
        "/v1/health": {
            "get": _op(
                "Health",
                _ref("Health"),
                codes=(),
                tag="service",
                description="Engine version, policy hash and ledger status.",
            )
        },
        "/v1/openapi.json": {"get": _op("OpenAPI document", {"type": "object"}, codes=(), tag="service")},
        "/v1/policies": {"get": _op("List policies", _ref("PolicyList"), codes=(), tag="policies")},
        "/v1/policies/{policy_id}": {
            "get": _op(
                "Show policy",
                _ref("PolicyDetail"),
                params=[_param("policy_id", "A policy id.")],
                codes=("404",),
                tag="policies",
                description="Every value with its source and provisional mark.",
            )
        },
        "/v1/policies/{old}/diff/{new}": {
            "get": _op(
                "Diff policies",
                _ref("PolicyDiff"),
                params=[_param("old", "A policy id."), _param("new", "A policy id.")],
                codes=("404",),
                tag="policies",
            )
        },
        "/v1/assess": {
            "post": _op(
                "Assess",
                {"anyOf": [_ref("Assessment"), _ref("Comparison")]},
                body=json("AssessRequest"),
                auth=True,
                codes=("422",),
                tag="assess",
                params=[
                    {
                        "name": "explain",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["true", "false"], "default": "true"},
                        "description": "false leaves out the explanation text (the steps stay), saving about 1 ms of CPU per request.",
                    }
                ],
                description="One person-year, as `medaid calc --format json`; with `reform`, baseline and reform side by side. "
                "`Accept-Language: zh` or `en` picks the language of `explanation`.",
            )
        },
        "/v1/settle": {
            "post": _op(
                "Settle batch",
                _ref("SettleResponse"),
                auth=True,
                codes=("422",),
                tag="settle",
                body={
                    **json("SettleRequest"),
                    "text/csv": {"schema": {"type": "string"}},
                    _XLSX: {"schema": {"type": "string", "contentMediaType": _XLSX}},
                },
                description="A batch of claims, stateless: the same rows, rejects and summary as `medaid claims`. "
                "`Accept-Language: zh` or `en` picks the language of each reject's `reason`.",
            )
        },
        "/v1/ledger/claims": {
            "post": _op(
                "Settle claims",
                _ref("Settlements"),
                body={"application/json": {"schema": claims_schema}},
                auth=True,
                codes=("404", "409", "422"),
                tag="ledger",
                description="One claim or a list, settled against the persons' year-to-date usage in one transaction. "
                "Idempotent by claim_id: a repeat with the same content returns the stored settlement marked `duplicate`; different content is 409.",
            )
        },
        "/v1/ledger/claims/{claim_id}": {
            "get": _op(
                "Stored claim",
                _ref("StoredSettlement"),
                params=claim,
                auth=True,
                codes=("404",),
                tag="ledger",
                description="The stored settlement with its explanation steps.",
            )
        },
        "/v1/ledger/claims/{claim_id}/reversal": {
            "post": _op(
                "Reverse claim",
                _ref("Reversal"),
                params=claim,
                body=json("ReversalRequest"),
                auth=True,
                codes=("404", "409", "422"),
                tag="ledger",
                description="Reversal (冲正): what the claim paid goes back to the person's remaining cap.",
            )
        },
        "/v1/ledger/persons/{person_id}/years/{year}": {
            "get": _op(
                "Usage",
                _ref("Usage"),
                params=person,
                auth=True,
                codes=("404", "422"),
                tag="ledger",
                description="Year-to-date usage: paid and what is left of each cap, and the settlements.",
            )
        },
        "/v1/ledger/persons/{person_id}/years/{year}/clearing": {
            "post": _op(
                "Clear person year",
                _ref("Clearing"),
                params=person,
                body=json("ClearingRequest"),
                auth=True,
                codes=("404", "422"),
                tag="ledger",
                description="Individual clearing (个人清算): the person-year recomputed in date order; `apply` records the adjustment once.",
            )
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "medaid",
            "version": __version__,
            "license": {"name": "MIT", "identifier": "MIT"},
            "description": "Shanghai medical assistance (医疗救助) as a service: exact to the fen, explained, with a casework ledger. "
            "Money is a string of yuan with at most two decimals; errors are RFC 9457 problems.",
        },
        "paths": paths,
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Required when the server was started with --token-file.",
                }
            },
        },
    }


def main(argv: list[str]) -> None:
    """Write the document to ``argv[0]`` (or stdout)."""
    import json

    text = json.dumps(document(), ensure_ascii=False, indent=2) + "\n"
    if argv:
        with open(argv[0], "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
