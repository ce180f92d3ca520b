"""What-if: run a reform beside the policy it changes, for one person (and, later, a caseload)."""

from medaid.whatif.person import PersonComparison, compare_person_year, reform_policy_for

__all__ = ["PersonComparison", "compare_person_year", "reform_policy_for"]
