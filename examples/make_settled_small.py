"""Write examples/settled-small.csv: a handful of claims settled by the reference rules (medaid.rules).

The file has the columns of ``medaid claims`` output, so ``medaid district`` can be tried without a
batch run:  python examples/make_settled_small.py > examples/settled-small.csv
"""

from __future__ import annotations

import csv
import datetime as dt
import sys

from medaid.money import fen_to_yuan_str, parse_yuan, ppm_to_str
from medaid.policy.registry import default_registry
from medaid.rules import Claim, assess_person

# person, district (as a bureau file might spell it), categories, resident insurance, [(date, kind, self-pay yuan)]
PEOPLE = [
    (
        "P001",
        "minhang",
        ("dibao",),
        True,
        [
            ("2023-02-03", "inpatient", "160000"),
            ("2023-03-10", "outpatient", "3100"),
            ("2023-09-01", "outpatient", "2400"),
        ],
    ),
    (
        "P002",
        "闵行区",
        ("low_income",),
        True,
        [("2023-04-12", "outpatient", "1800"), ("2023-06-20", "inpatient", "42000")],
    ),
    (
        "P003",
        "Minhang",
        ("medical_poverty_1",),
        False,
        [("2023-05-05", "inpatient", "88000"), ("2023-05-30", "outpatient", "950")],
    ),
    ("P004", "minhang", ("special_relief",), False, [("2023-07-07", "inpatient", "210000")]),
    (
        "P005",
        "pudong",
        ("dibao", "low_income"),
        False,
        [("2023-01-15", "outpatient", "620.50"), ("2023-11-02", "inpatient", "15000")],
    ),
    ("P006", "浦东新区", ("medical_poverty_2",), False, [("2023-08-18", "inpatient", "300000")]),
    (
        "P007",
        "baoshan",
        ("low_income",),
        False,
        [("2023-03-03", "inpatient", "9999.99"), ("2023-10-10", "outpatient", "4200")],
    ),
    ("P008", "baoshan", ("dibao",), True, [("2023-12-01", "outpatient", "250")]),
]
COLUMNS = [
    "claim_id",
    "person_id",
    "district",
    "date",
    "category",
    "kind",
    "self_pay",
    "resident_insurance",
    "eligible",
    "ratio",
    "offset",
    "before_cap",
    "assistance",
    "deductible_subsidy",
    "cap_left",
    "cap_bound",
    "category_applied",
    "policy_id",
    "provisional",
]


def rows():
    """The settled rows, person by person, claims in date order."""
    registry = default_registry()
    number = 0
    for person, district, categories, resident, claims in PEOPLE:
        batch = []
        for day, kind, amount in claims:
            number += 1
            batch.append(
                Claim(
                    dt.date.fromisoformat(day), kind, parse_yuan(amount), categories, resident, f"C{number:03d}", person
                )
            )
        for result in assess_person(batch, registry.medical_assistance).claims:
            claim = result.claim
            yield [
                claim.claim_id,
                person,
                district,
                claim.date.isoformat(),
                "|".join(categories),
                claim.kind,
                fen_to_yuan_str(claim.self_pay_fen),
                str(resident).lower(),
                fen_to_yuan_str(result.eligible_fen),
                ppm_to_str(result.ratio_ppm),
                fen_to_yuan_str(result.offset_fen),
                fen_to_yuan_str(result.before_cap_fen),
                fen_to_yuan_str(result.assistance_fen),
                fen_to_yuan_str(result.deductible_subsidy_fen),
                "" if result.cap_left_fen is None else fen_to_yuan_str(result.cap_left_fen),
                str(result.cap_bound).lower(),
                result.category,
                result.policy_id,
                "|".join(result.provisional),
            ]


def main() -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows())


if __name__ == "__main__":
    main()
