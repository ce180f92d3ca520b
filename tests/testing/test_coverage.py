"""Which clauses the case files exercise (medaid.testing.coverage), counted from the clause metadata."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs

from medaid.policy import default_registry
from medaid.rules import Claim, assess_person
from medaid.rules.clauses import CLAUSES, clause
from medaid.testing import load_case, run_case
from medaid.testing.coverage import Branch, branches, coverage, exercised

REGISTRY = default_registry()
VERSIONS = [p for p in REGISTRY if p.scheme == "medical_assistance"]
POLICY = REGISTRY.get("medical-assistance-2023")
CASES = sorted((Path(__file__).resolve().parents[1] / "cases").glob("*.toml"))


def test_every_clause_of_the_rulebook_is_exercised_by_a_case_file() -> None:
    """Each clause in the metadata acts on at least one claim of tests/cases (a new clause needs a case)."""
    results = [r for path in CASES for r in run_case(load_case(path), REGISTRY).assessment.claims]
    report = coverage(VERSIONS, results)
    assert [c.id for c in CLAUSES] == [use.clause.id for use in report.clauses]
    assert [] == [use.clause.id for use in report.clauses if use.claims == 0]
    assert len(report.covered) + len(report.missed) == report.total


def test_branches_come_from_the_metadata() -> None:
    """A clause counts where its `applies` holds: the subsidy for the dibao group's outpatient claims only."""
    subsidy = {(b.category, b.kind) for b in branches(POLICY, [clause("subsidy")])}
    assert subsidy == {(c, "outpatient") for c in ("dibao", "scattered_orphan", "child_in_difficulty")}
    assert set() == branches(POLICY, [clause("cap_scope")])  # per_kind: the scope clause cannot act
    only = attrs.evolve(clause("cap"), id="cap")
    assert branches(POLICY, [only]) == {b for b in branches(POLICY) if b.clause == "cap"}


def test_a_claim_exercises_the_clauses_that_acted_on_it() -> None:
    """Low income, resident, outpatient 4 000 in 2023: 就高 not needed, offset, ratio, cap left; no subsidy."""
    [result] = assess_person(
        [Claim(dt.date(2023, 5, 1), "outpatient", 4_000_00, ("low_income",), True, "c")], lambda day: POLICY
    ).claims
    assert {b.clause for b in exercised(result)} == {"offset", "ratio", "cap_left"}
    assert Branch(POLICY.id, "low_income", "outpatient", "offset") in exercised(result)
    assert "outpatient offset (outpatient_offset.amount) for low_income in medical-assistance-2023" == (
        Branch(POLICY.id, "low_income", "outpatient", "offset").describe()
    )


def test_a_reform_a_case_ran_under_is_counted_too() -> None:
    """Results under a reform bring the reform's branches (e.g. the shared cap's scope) into the report."""
    reform = REGISTRY.reform(Path(__file__).resolve().parents[2] / "policies" / "reforms" / "shared-annual-cap.toml")
    [result] = assess_person(
        [Claim(dt.date(2023, 5, 1), "inpatient", 1_000_00, ("dibao",), False, "c")], lambda day: reform
    ).claims
    report = coverage(VERSIONS, [result])
    assert Branch(reform.id, "dibao", "inpatient", "cap_scope") in report.covered
    assert report.total == sum(len(branches(p)) for p in (*VERSIONS, reform))
