"""Library calls get an InputError naming the bad value (issue 11): bare-string categories, string dates, float
fen, amounts beyond the maximum, empty category lists; in the reference rules and in the ledger alike."""

from __future__ import annotations

import datetime as dt

import pytest

import medaid
from medaid.errors import InputError
from medaid.ledger import Ledger
from medaid.money import MAX_FEN
from medaid.rules import Claim, assess_claim, assess_person_year

REGISTRY = medaid.default_registry()
DAY = dt.date(2023, 5, 1)


@pytest.mark.parametrize(
    "categories, date, amounts, message",
    [
        ("dibao", DAY, {}, "got the string 'dibao'"),
        ([], DAY, {}, "non-empty list of category ids"),
        (["dibao"], "2023-05-01", {}, "date must be a datetime.date, got str '2023-05-01'"),
        (["dibao"], dt.datetime(2023, 5, 1), {}, "date must be a datetime.date, got datetime"),
        (
            ["dibao"],
            DAY,
            {"inpatient_fen": 100.0},
            "inpatient_fen must be a whole number of fen (int), got float 100.0",
        ),
        (["dibao"], DAY, {"outpatient_fen": MAX_FEN}, f"outpatient_fen must be below {MAX_FEN} fen"),
        (["dibao"], DAY, {"inpatient_fen": 10**30}, "inpatient_fen must be below"),
        (["dibao"], DAY, {"inpatient_fen": -1}, "inpatient_fen must not be negative"),
        (["dibao"], DAY, {"resident_insurance": "yes"}, "resident_insurance must be True or False, got 'yes'"),
    ],
)
def test_assess_person_year_names_the_bad_value(categories, date, amounts, message) -> None:
    """Each bad argument is one InputError naming it (no TypeError, OverflowError or a wrong category)."""
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        assess_person_year(categories, date, REGISTRY.medical_assistance, **amounts)


@pytest.mark.parametrize(
    "claim, message",
    [
        (Claim(DAY, "inpatient", 100.5, ("dibao",)), "self_pay_fen must be a whole number of fen"),
        (Claim(DAY, "inpatient", 2**63, ("dibao",)), "self_pay_fen must be below"),
        (Claim("2023-05-01", "inpatient", 1, ("dibao",)), "date must be a datetime.date"),
        (Claim(DAY, "inpatient", 1, "dibao"), "got the string 'dibao'"),
        (Claim(DAY, "inpatient", 1, ()), "non-empty list"),
    ],
)
def test_assess_claim_names_the_bad_value(claim, message) -> None:
    """The reference's one-claim entry point checks its Claim the same way."""
    with pytest.raises(InputError, match=message):
        assess_claim(REGISTRY.medical_assistance(DAY), claim, medaid.Usage(2023))


def test_ledger_refuses_an_amount_beyond_the_maximum(tmp_path) -> None:
    """The ledger refuses 2^63 fen with an InputError (it used to overflow and roll back the batch)."""
    with Ledger(tmp_path / "l.db") as ledger:
        with pytest.raises(InputError, match="self_pay_fen must be below"):
            ledger.settle(Claim(DAY, "inpatient", 2**63, ("dibao",), False, "c1", "p1"))
        refused = []
        done = ledger.settle_many(
            [
                Claim(DAY, "inpatient", 2**63, ("dibao",), False, "c1", "p1"),
                Claim(DAY, "inpatient", 100, ("dibao",), False, "c2", "p1"),
            ],
            on_invalid=lambda i, _c, e: refused.append(i),
        )
        assert refused == [0] and [s.assistance_fen for s in done] == [90]
