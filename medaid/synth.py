"""Synthetic claims (模拟理赔数据) for tests, demos and benchmarks: realistic in shape, deterministic for a seed.

Calibrated roughly to Shanghai 2023 (city self-evaluation: 331.79万 outpatient and 18.16万 inpatient
person-times of medical assistance, so about 95 % of claims are outpatient; the issue text says "about
92 %", but the cited person-times give 94.8 %), about 20 claims per person
a year. Outpatient claims are many and small (lognormal, median ~130 yuan), inpatient claims fewer and
large with a heavy (Pareto) tail, so some outpatient caps and a few inpatient caps bind. Nothing here is
real data; the shares of categories and districts are rough and documented only as "plausible".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import polars as pl

from medaid.districts import DISTRICTS
from medaid.policy.model import KINDS

__all__ = ["synth_claims", "CATEGORY_MIX"]

#: Category strings and their shares of persons (就高 cases joined with "|"); extreme_poverty only from 2024.
CATEGORY_MIX: tuple[tuple[str, float], ...] = (
    ("dibao", 0.46),
    ("low_income", 0.30),
    ("special_relief", 0.03),
    ("scattered_orphan", 0.005),
    ("child_in_difficulty", 0.015),
    ("medical_poverty_1", 0.05),
    ("medical_poverty_2", 0.06),
    ("dibao|medical_poverty_1", 0.02),
    ("low_income|medical_poverty_2", 0.02),
    ("extreme_poverty", 0.04),
)
#: Rough district weights (more recipients in the large suburban districts), in DISTRICTS order.
DISTRICT_WEIGHTS = (4, 4, 3, 5, 5, 4, 6, 8, 8, 5, 18, 5, 6, 4, 6, 5)
OUTPATIENT_SHARE = 3_317_900 / (3_317_900 + 181_600)
CLAIMS_PER_PERSON = 20.5


def synth_claims(claims: int, year: int = 2023, seed: int = 0) -> pl.DataFrame:
    """``claims`` synthetic claims of ``year`` in date order, the columns of ``docs/claims.md``, typed as a database
    export would give them: ids as text, district/category/kind as Enum or Categorical, ``date`` a Date,
    ``self_pay`` Decimal yuan, ``resident_insurance`` Boolean (a CSV of it reads as the usual text).

    About 2 % of persons change category mid-year (a second category string from a random date on),
    so running caps across a category change are exercised too.

    >>> table = synth_claims(1000, 2023, seed=1)
    >>> table.height, table.columns[:3]
    (1000, ['claim_id', 'person_id', 'district'])
    """
    rng = np.random.default_rng(seed)
    n = int(claims)
    persons = max(1, round(n / CLAIMS_PER_PERSON))
    mix = [(text, share) for text, share in CATEGORY_MIX if year >= 2024 or "extreme_poverty" not in text]
    texts = np.array([text for text, _ in mix])
    shares = np.array([share for _, share in mix])
    person_category = rng.choice(len(texts), persons, p=shares / shares.sum())
    later_category = rng.choice(len(texts), persons, p=shares / shares.sum())
    changes = rng.random(persons) < 0.02
    change_day = rng.integers(30, 330, persons)
    weights = np.array(DISTRICT_WEIGHTS, float)
    person_district = rng.choice(len(DISTRICTS), persons, p=weights / weights.sum())
    person_resident = rng.random(persons) < 0.62
    # How often each person claims: gamma-distributed activity, so a few persons claim very often.
    activity = rng.gamma(1.2, 1.0, persons)
    who = rng.choice(persons, n, p=activity / activity.sum())
    start = (dt.date(year, 1, 1) - dt.date(1970, 1, 1)).days
    days_in_year = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    day_of_year = rng.integers(0, days_in_year, n)
    outpatient = rng.random(n) < OUTPATIENT_SHARE
    out_fen = np.exp(rng.normal(np.log(130_00), 1.0, n))
    in_fen = np.exp(rng.normal(np.log(9_000_00), 1.1, n)) + np.where(
        rng.random(n) < 0.03, (rng.pareto(1.6, n) + 1) * 40_000_00, 0
    )
    fen = np.minimum(np.where(outpatient, out_fen, in_fen), 5_000_000_00).astype(np.int64)
    fen[rng.random(n) < 0.01] = 0  # a few zero self-pay claims
    category = np.where(changes[who] & (day_of_year >= change_day[who]), later_category[who], person_category[who])
    order = np.argsort(day_of_year, kind="stable")
    district_ids = np.array([d.id for d in DISTRICTS])
    table = pl.DataFrame(
        {
            "n": np.arange(1, n + 1),
            "person": who[order],
            "district": district_ids[person_district[who[order]]],
            "date": (start + day_of_year[order]).astype("datetime64[D]"),
            "category": texts[category[order]],
            "kind": np.where(outpatient[order], "outpatient", "inpatient"),
            "fen": fen[order],
            "resident": person_resident[who[order]],
        }
    )
    return table.select(
        claim_id=pl.format("C{}{}", pl.lit(year), pl.col("n").cast(pl.String).str.zfill(9)),
        person_id=pl.format("P{}", pl.col("person").cast(pl.String).str.zfill(7)),
        district=pl.col("district").cast(pl.Enum(district_ids)),
        date=pl.col("date").cast(pl.Date),
        category=pl.col("category").cast(pl.Categorical),
        kind=pl.col("kind").cast(pl.Enum(KINDS)),
        self_pay=pl.col("fen").cast(pl.Decimal(18, 0)) * pl.lit(Decimal("0.01"), pl.Decimal(18, 2)),
        resident_insurance=pl.col("resident"),
    ).with_columns(pl.col("self_pay").cast(pl.Decimal(18, 2)))
