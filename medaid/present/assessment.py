"""Assessments as plain data: the JSON contract of ``medaid calc`` (amounts as yuan strings, two decimals)."""

from __future__ import annotations

from typing import Any

from medaid.money import fen_to_yuan_str, ppm_to_str
from medaid.policy.model import KINDS
from medaid.rules.model import Assessment, ClaimResult, Step

__all__ = ["assessment_dict", "step_dict"]


def assessment_dict(assessment: Assessment) -> dict[str, Any]:
    """The JSON object of a person-year: totals, one object per kind, provisional keys, steps, stamp."""
    first = assessment.claims[0].claim
    return {
        "policy_id": assessment.claims[-1].policy_id,
        "policy_ids": list(assessment.policy_ids),
        "date": first.date.isoformat(),
        "categories": list(first.categories),
        "resident_insurance": first.resident_insurance,
        "total": fen_to_yuan_str(assessment.total_fen),
        **{kind: _kind_dict([r for r in assessment.claims if r.claim.kind == kind]) for kind in KINDS},
        "deductible_subsidy": fen_to_yuan_str(assessment.deductible_subsidy_fen),
        "provisional": list(assessment.provisional),
        "steps": [step_dict(step) for step in assessment.steps],
        "engine_version": assessment.engine_version,
        "policy_hash": assessment.policy_hash,
    }


def _kind_dict(results: list[ClaimResult]) -> dict[str, Any]:
    last = results[-1] if results else None
    total = lambda field: fen_to_yuan_str(sum(getattr(r, field) for r in results))  # noqa: E731
    return {
        "category": last.category if last else None,
        "ratio": ppm_to_str(last.ratio_ppm) if last else "0",
        "self_pay": fen_to_yuan_str(sum(r.claim.self_pay_fen for r in results)),
        "offset": total("offset_fen"),
        "eligible": total("eligible_fen"),
        "before_cap": total("before_cap_fen"),
        "assistance": total("assistance_fen"),
        "cap": None if last is None or last.cap_fen is None else fen_to_yuan_str(last.cap_fen),
        "cap_left": None if last is None or last.cap_left_fen is None else fen_to_yuan_str(last.cap_left_fen),
        "cap_bound": any(r.cap_bound for r in results),
    }


def step_dict(step: Step) -> dict[str, Any]:
    """One explanation step; fen values become yuan strings and ppm ratios decimal strings."""
    out: dict[str, Any] = {
        "code": step.code,
        "kind": step.kind,
        "key": step.key,
        "source": step.source,
        "provisional": step.provisional,
    }
    for name, value in step.values.items():
        if name.endswith("_ppm"):
            out[name[: -len("_ppm")]] = ppm_to_str(int(value))  # type: ignore[arg-type]
        elif isinstance(value, int) and not isinstance(value, bool):
            out[name] = fen_to_yuan_str(value)
        elif isinstance(value, tuple):
            out[name] = list(value)
        else:
            out[name] = value
    return out
