"""Testing tools for policy teams: case files (and, later, hypothesis strategies and invariant checks)."""

from medaid.testing.cases import Case, CaseOutcome, Mismatch, claim_dict, load_case, run_case

__all__ = ["Case", "CaseOutcome", "Mismatch", "claim_dict", "load_case", "run_case"]
