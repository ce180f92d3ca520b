"""``POST /v1/assess`` (one person-year, as ``medaid calc``) and the inline reform it may carry."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from medaid.errors import InputError, MedaidError, PolicyError
from medaid.money import fen_to_yuan_str, parse_yuan
from medaid.service._http import decode, lang_of, read_body, require_token, respond, state_of
from medaid.service.problems import ProblemError, from_medaid, from_reform
from medaid.service.schemas import AssessRequest

__all__ = ["assess", "inline_reform"]

# Numbers in a reform are read as exact decimals, as tomllib reads a reform file (never through float).
_decoder = msgspec.json.Decoder(AssessRequest, float_hook=Decimal)
_canonical = msgspec.json.Encoder(order="sorted", decimal_format="number")
_DATE_KEYS = ("effective_from", "effective_to")


async def assess(request: Request) -> Response:
    require_token(request)
    state = state_of(request)
    body = await read_body(request, state.config.max_body)
    req: AssessRequest = decode(body, _decoder)
    lang = lang_of(request)
    text = _explain_flag(request)
    from medaid.present.assessment import assessment_dict
    from medaid.rules import assess_person_year

    amounts = {
        "inpatient_fen": _yuan(req.inpatient, "inpatient"),
        "outpatient_fen": _yuan(req.outpatient, "outpatient"),
        "resident_insurance": req.resident_insurance,
    }
    categories = tuple(req.categories)
    registry = state.registry
    if req.reform is None:
        try:
            assessment = assess_person_year(categories, req.date, registry.medical_assistance, **amounts)
        except MedaidError as exc:
            raise from_medaid(exc, value=_value_for(exc, req)) from None
        return respond(_with_text(assessment_dict(assessment), assessment, registry.get, lang, text))
    reform = inline_reform(registry, req.reform)
    from medaid.policy.params import diff
    from medaid.whatif.person import LINES, compare_person_year

    try:
        comparison = compare_person_year(registry, reform, categories, req.date, **amounts)
    except MedaidError as exc:
        raise from_medaid(exc, value=_value_for(exc, req)) from None
    changes = diff(registry.get(reform.extends), reform)
    lookup = lambda policy_id: reform if policy_id == reform.id else registry.get(policy_id)  # noqa: E731
    from medaid.present.compare import side_by_side

    return respond(
        {
            "baseline": _with_text(assessment_dict(comparison.baseline), comparison.baseline, registry.get, lang, text),
            "reform": _with_text(assessment_dict(comparison.reform), comparison.reform, lookup, lang, text),
            "difference": {name: fen_to_yuan_str(comparison.difference(name)) for name, _ in LINES},
            "changed_parameters": [
                {"key": c.key, "baseline": c.old.value if c.old else None, "reform": c.new.value if c.new else None}
                for c in changes
            ],
            "explanation": side_by_side(comparison, changes, lang) if text else [],
            **state.stamp,
            "policy_hash": comparison.reform.policy_hash,
        }
    )


def _explain_flag(request: Request) -> bool:
    """``?explain=false`` leaves out the explanation text (the steps stay): it costs about 1 ms of CPU."""
    value = request.query_params.get("explain", "true")
    if value not in ("true", "false"):
        message = f"explain must be true or false, got {value!r}"
        raise ProblemError(
            "invalid-field", f"explain: {message}", [{"parameter": "explain", "detail": message, "value": value}]
        )
    return value == "true"


def _with_text(data: dict[str, Any], assessment, policy_for, lang: str, text: bool = True) -> dict[str, Any]:
    from medaid.present.explain import explain

    data["explanation"] = explain(assessment, policy_for, lang) if text else []
    data["lang"] = lang
    return data


def _yuan(text: str, field: str) -> int:
    try:
        return parse_yuan(text, what=field)
    except InputError as exc:  # the schema's pattern already refuses most; this is the library's word
        raise from_medaid(exc, field=field, value=text) from None


def _value_for(exc: MedaidError, req: AssessRequest) -> Any:
    if "categor" in exc.message:
        return list(req.categories)
    if "date" in exc.message or "in force" in exc.message:
        return req.date.isoformat()
    return None


def inline_reform(registry, data: dict[str, Any]):
    """The reform given inline (a reform file's content as JSON) over the version it ``extends``, validated
    by the same code as a reform file (:func:`medaid.policy.load.apply_changes`); never evaluated.

    JSON has no dates and TOML has no null: ``effective_from``/``effective_to`` may be ISO date strings, and
    a null anywhere is refused (in a file it cannot be written either).
    """
    from medaid.policy.load import apply_changes
    from medaid.policy.model import Policy

    base_id = data.get("extends")
    if not isinstance(base_id, str):
        raise ProblemError(
            "invalid-reform",
            '/reform/extends: a reform needs extends = "<policy id>"',
            [
                {
                    "pointer": "/reform/extends",
                    "detail": 'a reform needs extends = "<policy id>"',
                    **({"value": base_id} if base_id is not None and not isinstance(base_id, (dict, list)) else {}),
                }
            ],
        )
    try:
        base = registry.get(base_id)
    except PolicyError as exc:
        raise ProblemError(
            "invalid-reform",
            f"/reform/extends: {exc.message}",
            [{"pointer": "/reform/extends", "detail": exc.message, "value": base_id}],
        ) from None
    if not isinstance(base, Policy):
        message = f"extends must name a medical-assistance version, got {base_id!r} (a {base.scheme} policy)"
        raise ProblemError(
            "invalid-reform",
            f"/reform/extends: {message}",
            [{"pointer": "/reform/extends", "detail": message, "value": base_id}],
        )
    nulls = list(_nulls(data, "/reform"))
    if nulls:
        raise ProblemError(
            "invalid-reform",
            f"{nulls[0]}: null is not a value a reform can hold",
            [{"pointer": p, "detail": "null is not a value a reform can hold"} for p in nulls],
        )
    changes = {key: _date(key, value) for key, value in data.items() if key != "extends"}
    changes.setdefault("id", f"{base_id}+inline-reform")
    try:
        return apply_changes(
            base,
            changes,
            where="reform",
            title="inline reform of a POST /v1/assess request (what-if, not law)",
            raw=_canonical.encode(data),
        )
    except PolicyError as exc:
        raise from_reform(exc) from None


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(key: str, value: Any) -> Any:
    if key in _DATE_KEYS and isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value  # the validator names it
    return value


def _nulls(node: Any, pointer: str):
    if node is None:
        yield pointer
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _nulls(value, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _nulls(value, f"{pointer}/{index}")
