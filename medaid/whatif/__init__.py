"""What-if: run a reform beside the policy it changes, for one person (and, later, a caseload)."""

from medaid.whatif.caseload import (
    CaseloadComparison,
    GroupComparison,
    Sweep,
    SweepPoint,
    compare_caseload,
    substitute,
    sweep_parameter,
)
from medaid.whatif.caseload import sweep as sweep  # the old name, deprecated, for one release
from medaid.whatif.person import PersonComparison, compare_person_year, reform_policy_for

__all__ = [
    "CaseloadComparison",
    "GroupComparison",
    "PersonComparison",
    "Sweep",
    "SweepPoint",
    "compare_caseload",
    "compare_person_year",
    "reform_policy_for",
    "substitute",
    "sweep_parameter",
]
