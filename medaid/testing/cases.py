"""Case files: declarative worked examples (TOML) with expected outputs, runnable by pytest or a user.

A case gives the inputs of a person-year (``[input]``: categories, date, inpatient, outpatient,
resident_insurance) or a list of claims (``[[claims]]``), optionally a ``reform`` file, and the
expected outputs: ``[expect]`` holds any subset of the JSON fields of ``medaid calc`` (nested tables
for ``inpatient``/``outpatient``), ``[[expect_claims]]`` per-claim amounts in claim order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from medaid.errors import N_, InputError
from medaid.money import fen_to_yuan_str, parse_yuan, ppm_to_str
from medaid.policy.load import read_toml
from medaid.policy.model import KINDS
from medaid.policy.registry import PolicyRegistry, default_registry
from medaid.present.assessment import assessment_dict
from medaid.rules import Assessment, Claim, ClaimResult, assess_person

__all__ = ["Case", "Mismatch", "CaseOutcome", "load_case", "run_case", "claim_dict"]


@attrs.frozen
class Mismatch:
    """One expected field that came out different."""

    field: str
    expected: Any
    got: Any


@attrs.frozen
class Case:
    """A parsed case file."""

    path: str
    name: str
    claims: tuple[Claim, ...]
    expect: Mapping[str, Any]
    expect_claims: tuple[Mapping[str, Any], ...]
    reform: str | None = None


@attrs.frozen
class CaseOutcome:
    """The result of running a case: the assessment and every mismatch (none means it passed)."""

    case: Case
    assessment: Assessment
    mismatches: tuple[Mismatch, ...]

    @property
    def passed(self) -> bool:
        return not self.mismatches


def load_case(path: Path | str) -> Case:
    """Parse a case file; a malformed one raises :class:`InputError` naming the file and key."""
    path = Path(path)
    data, _ = read_toml(path)
    where = str(path)
    if "claims" in data:
        claims = tuple(_claim(row, f"{where}: claims[{i}]", i) for i, row in enumerate(data["claims"]))
    elif "input" in data:
        claims = _person_year(data["input"], f"{where}: input")
    else:
        raise InputError(N_("a case needs [input] or [[claims]]"), where=where)
    reform = data.get("reform")
    if reform is not None:
        reform = str((path.parent / reform).resolve())
    return Case(
        path=where,
        name=str(data.get("name", path.stem)),
        claims=claims,
        expect=data.get("expect", {}),
        expect_claims=tuple(data.get("expect_claims", [])),
        reform=reform,
    )


def run_case(case: Case, registry: PolicyRegistry | None = None) -> CaseOutcome:
    """Assess the case's claims and compare every expected field."""
    registry = registry or default_registry()
    policy_for = registry.medical_assistance
    if case.reform:
        reform = registry.reform(case.reform)
        policy_for = lambda day: reform if reform.in_force(day) else registry.medical_assistance(day)  # noqa: E731
    assessment = assess_person(case.claims, policy_for)
    mismatches = _compare(case.expect, assessment_dict(assessment), "")
    for index, expected in enumerate(case.expect_claims):
        got = claim_dict(assessment.claims[index]) if index < len(assessment.claims) else {}
        mismatches += _compare(expected, got, f"claims[{index}].")
    return CaseOutcome(case, assessment, tuple(mismatches))


def claim_dict(result: ClaimResult) -> dict[str, Any]:
    """A claim's amounts as yuan strings, the per-claim fields a case can expect."""
    return {
        "claim_id": result.claim.claim_id,
        "policy_id": result.policy_id,
        "category": result.category,
        "ratio": ppm_to_str(result.ratio_ppm),
        "offset": fen_to_yuan_str(result.offset_fen),
        "eligible": fen_to_yuan_str(result.eligible_fen),
        "before_cap": fen_to_yuan_str(result.before_cap_fen),
        "assistance": fen_to_yuan_str(result.assistance_fen),
        "deductible_subsidy": fen_to_yuan_str(result.deductible_subsidy_fen),
        "cap_bound": result.cap_bound,
    }


def _compare(expected: Mapping[str, Any], got: Mapping[str, Any], prefix: str) -> list[Mismatch]:
    out = []
    for key, want in expected.items():
        have = got.get(key)
        if isinstance(want, Mapping) and isinstance(have, Mapping):
            out += _compare(want, have, f"{prefix}{key}.")
        elif _normal(want) != _normal(have):
            out.append(Mismatch(prefix + key, want, have))
    return out


def _normal(value: Any) -> Any:
    """Compare amounts by value: 45000, "45000" and "45000.00" are the same expectation."""
    if isinstance(value, (list, tuple)):
        return [_normal(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    text = str(value)
    try:
        return ("yuan", parse_yuan(text))
    except InputError:
        return text


def _person_year(row: Mapping[str, Any], where: str) -> tuple[Claim, ...]:
    categories, day, resident = _common(row, where)
    return tuple(
        Claim(day, kind, _yuan(row.get(kind, 0), f"{where}.{kind}"), categories, resident, kind) for kind in KINDS
    )


def _claim(row: Mapping[str, Any], where: str, index: int) -> Claim:
    categories, day, resident = _common(row, where)
    kind = row.get("kind")
    if kind not in KINDS:
        raise InputError(N_("kind must be inpatient or outpatient, got {kind!r}"), kind=kind, where=where)
    return Claim(
        day,
        kind,
        _yuan(row.get("self_pay"), f"{where}.self_pay"),
        categories,
        resident,
        str(row.get("claim_id", index + 1)),
    )


def _common(row: Mapping[str, Any], where: str) -> tuple[tuple[str, ...], dt.date, bool]:
    categories = row.get("categories")
    if isinstance(categories, str):
        categories = categories.split("|")
    if not categories or not all(isinstance(c, str) for c in categories):
        raise InputError(
            N_("categories must be a list of category ids, got {categories!r}"),
            categories=categories,
            where=f"{where}.categories",
        )
    day = row.get("date")
    if not isinstance(day, dt.date):
        raise InputError(N_("date must be a TOML date like 2023-05-01, got {day!r}"), day=day, where=f"{where}.date")
    return tuple(categories), day, bool(row.get("resident_insurance", False))


def _yuan(value: Any, where: str) -> int:
    if value is None:
        raise InputError(N_("is missing"), where=where)
    return parse_yuan(str(value), what=where)
