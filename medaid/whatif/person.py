"""One person-year under the baseline and under a reform, side by side."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs

from medaid.errors import N_, NoPolicyError
from medaid.policy.model import Policy
from medaid.policy.registry import PolicyRegistry
from medaid.rules import Assessment, assess_person_year

__all__ = ["PersonComparison", "compare_person_year", "reform_policy_for", "LINES"]

#: The lines compared, each (name, how to read it off an assessment).
LINES: tuple[tuple[str, Callable[[Assessment], int]], ...] = (
    ("inpatient", lambda a: a.assistance_fen("inpatient")),
    ("outpatient", lambda a: a.assistance_fen("outpatient")),
    ("deductible_subsidy", lambda a: a.deductible_subsidy_fen),
    ("total", lambda a: a.total_fen),
)


def reform_policy_for(registry: PolicyRegistry, reform: Policy) -> Callable[[dt.date], Policy]:
    """Dates in the reform's range get the reform; other dates are refused, naming the range.

    A reform replaces the version it extends and inherits its dates, so a date outside them would
    silently compare a version with itself.
    """

    def policy_for(day: dt.date) -> Policy:
        if reform.in_force(day):
            return reform
        end = reform.effective_to.isoformat() if reform.effective_to else "now"
        raise NoPolicyError(
            N_(
                "{day} is outside reform {reform_id} (it changes {reform_extends}, in force {reform_effective_from} to {end})"
            ),
            day=day.isoformat(),
            reform_id=reform.id,
            reform_extends=reform.extends,
            reform_effective_from=reform.effective_from.isoformat(),
            end=end,
        )

    return policy_for


@attrs.frozen
class PersonComparison:
    """Baseline and reform assessments of the same person-year, and the difference per line (fen)."""

    baseline: Assessment
    reform: Assessment

    def difference(self, line: str) -> int:
        """Reform minus baseline for ``line`` (inpatient, outpatient, deductible_subsidy, total)."""
        read = dict(LINES)[line]
        return read(self.reform) - read(self.baseline)


def compare_person_year(
    registry: PolicyRegistry, reform: Policy, categories: tuple[str, ...], day: dt.date, **amounts: int | bool
) -> PersonComparison:
    """Assess a person-year under the version in force and under ``reform`` (same inputs)."""
    baseline = assess_person_year(categories, day, registry.medical_assistance, **amounts)  # type: ignore[arg-type]
    reformed = assess_person_year(categories, day, reform_policy_for(registry, reform), **amounts)  # type: ignore[arg-type]
    return PersonComparison(baseline, reformed)
