"""Testing tools for policy teams: case files (here), hypothesis strategies (:mod:`medaid.testing.strategies`),
the invariant suite of ``medaid check`` (:mod:`medaid.testing.invariants`) and clause coverage
(:mod:`medaid.testing.coverage`)."""

from medaid.testing.cases import Case, CaseOutcome, Mismatch, claim_dict, load_case, run_case

__all__ = ["Case", "CaseOutcome", "Mismatch", "claim_dict", "load_case", "run_case"]
