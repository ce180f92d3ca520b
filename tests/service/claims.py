"""Claims for the service tests: as JSON for the API, as a claims file for the CLI, and the batch's answer."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from medaid.money import fen_to_yuan_str, parse_yuan
from medaid.rules import Claim
from tests.ledger.helpers import DISTRICTS, make_claims, write_claims_csv


def dataset(n: int, persons: int, *, seed: int, prefix: str, order_free: bool = False) -> list[Claim]:
    """``n`` claims of ``persons`` persons in date order (ties in file order), ids prefixed.

    ``order_free``: one category per person and whole-yuan amounts, so that no ratio ever needs rounding and a
    person-year's totals do not depend on the order its claims arrive in (the concurrent tests' claims).
    """
    claims = make_claims(n, persons, seed=seed, years=(2023, 2024), whole_yuan=order_free, fixed_category=order_free)
    claims = [
        Claim(
            c.date,
            c.kind,
            c.self_pay_fen,
            c.categories,
            c.resident_insurance,
            f"{prefix}{c.claim_id}",
            f"{prefix}{c.person_id}",
        )
        for c in claims
    ]
    return sorted(claims, key=lambda c: c.date)


def as_json(claims: list[Claim]) -> list[dict]:
    """The API's claim objects, with the district the claims file would give each row."""
    return [
        {
            "claim_id": c.claim_id,
            "person_id": c.person_id,
            "district": DISTRICTS[i % 3],
            "date": c.date.isoformat(),
            "category": "|".join(c.categories),
            "kind": c.kind,
            "self_pay": fen_to_yuan_str(c.self_pay_fen),
            "resident_insurance": c.resident_insurance,
        }
        for i, c in enumerate(claims)
    ]


def write_file(path: Path, claims: list[Claim]) -> Path:
    return write_claims_csv(path, claims)


def batch(path: Path) -> dict[str, tuple[int, int]]:
    """claim_id -> (assistance, deductible subsidy) fen from `medaid claims`' engine on the file."""
    from medaid.batch import settle_batch

    table = settle_batch(path).table
    return {
        cid: (parse_yuan(str(a)), parse_yuan(str(s)))
        for cid, a, s in zip(
            table["claim_id"].to_list(), table["assistance"].to_list(), table["deductible_subsidy"].to_list()
        )
    }


def totals(claims: list[Claim], paid: dict[str, tuple[int, int]]) -> Counter:
    """Per (person, year, kind) the assistance, and per (person, year, "subsidy") the deductible subsidy."""
    out: Counter = Counter()
    for c in claims:
        assistance, subsidy = paid[c.claim_id]
        out[(c.person_id, c.date.year, c.kind)] += assistance
        out[(c.person_id, c.date.year, "subsidy")] += subsidy
    return out
