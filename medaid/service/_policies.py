"""``GET /v1/health`` and the policy versions: list, one with every value and its source, a diff of two."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from medaid.errors import PolicyError
from medaid.present.policy import policy_summary
from medaid.service._http import respond, state_of
from medaid.service.problems import ProblemError

__all__ = ["health", "policies", "policy", "policy_diff"]


async def health(request: Request) -> Response:
    state = state_of(request)
    db = state.config.db
    ledger = {"enabled": db is not None, "backend": None, "ok": False}
    if db is not None:
        ledger["backend"] = db.split("://", 1)[0] if "://" in db else "sqlite"
        try:
            await state.in_ledger(lambda ledger: None)  # opens it: a ledger that cannot open is reported, not raised
            ledger["ok"] = True
        except Exception:  # noqa: BLE001 - health reports the failure; the log has it
            import logging

            logging.getLogger("medaid.service").exception("the ledger does not open")
    return respond({"status": "ok", "ledger": ledger, "policies": len(state.registry), **state.stamp})


async def policies(request: Request) -> Response:
    state = state_of(request)
    return respond({"policies": [policy_summary(p) for p in state.registry], **state.stamp})


def _get(state, policy_id: str, parameter: str):
    try:
        return state.registry.get(policy_id)
    except PolicyError as exc:
        raise ProblemError(
            "unknown-policy", exc.message, [{"parameter": parameter, "detail": exc.message, "value": policy_id}]
        ) from None


def _parameter(p) -> dict:
    return {"key": p.key, "value": p.value, "source": p.source, "provisional": p.provisional}


async def policy(request: Request) -> Response:
    from medaid.policy.params import parameters

    state = state_of(request)
    found = _get(state, request.path_params["policy_id"], "policy_id")
    sources = [
        {"key": s.key, "title": s.title, "number": s.number, "url": s.url, "note": s.note}
        for s in found.sources.values()
    ]
    return respond(
        {
            "policy": policy_summary(found),
            "parameters": [_parameter(p) for p in parameters(found)],
            "sources": sources,
            **state.stamp,
        }
    )


async def policy_diff(request: Request) -> Response:
    from medaid.policy.params import diff

    state = state_of(request)
    old = _get(state, request.path_params["old"], "old")
    new = _get(state, request.path_params["new"], "new")
    changes = [
        {"key": c.key, "old": _parameter(c.old) if c.old else None, "new": _parameter(c.new) if c.new else None}
        for c in diff(old, new)
    ]
    return respond({"old": old.id, "new": new.id, "changes": changes, **state.stamp})
