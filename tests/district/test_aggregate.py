"""District totals over settled claims: equal to the sum of their claims, split exactly between city and district."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.district.aggregate import district_totals, frame_from_results, read_settled
from medaid.districts import DISTRICTS
from medaid.errors import InputError
from medaid.policy.registry import default_registry
from medaid.rules import Claim, assess_person
from tests.strategies import category_sets, fen, kinds

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "examples" / "settled-small.csv"
REGISTRY = default_registry()
HEADER = "person_id,district,kind,self_pay,assistance,deductible_subsidy,date\n"


def settle(people):
    """(district, ClaimResult) pairs from the reference rules."""
    pairs = []
    for index, (where, claims) in enumerate(people):
        person = f"P{index}"
        batch = [
            Claim(day, kind, amount, cats, resident, f"{person}-{i}", person)
            for i, (day, kind, amount, cats, resident) in enumerate(claims)
        ]
        pairs += [(where.id, result) for result in assess_person(batch, REGISTRY.medical_assistance).claims]
    return pairs


claim_specs = st.tuples(st.dates(dt.date(2022, 1, 1), dt.date(2024, 12, 31)), kinds, fen, category_sets, st.booleans())
people = st.lists(
    st.tuples(st.sampled_from(DISTRICTS[:5]), st.lists(claim_specs, min_size=1, max_size=4)), min_size=1, max_size=8
)


@settings(max_examples=40, deadline=None)
@given(people, st.sampled_from(["district", "district,kind", "district,category"]))
def test_district_totals_equal_the_sum_of_their_claims(persons, by) -> None:
    """Every group's amounts are the sums of its claims; city + district == total; the total row adds the rows."""
    pairs = settle(persons)
    report = district_totals(frame_from_results(pairs), by=by, registry=REGISTRY)
    for group in report.rows:
        mine = [
            r
            for d, r in pairs
            if d == group.district.id and (group.detail is None or group.detail in (r.category, r.claim.kind))
        ]
        assert sum(r.claim.self_pay_fen for r in mine) == group.self_pay_fen
        assert sum(r.total_fen for r in mine) == group.total_fen
        assert sum(r.deductible_subsidy_fen for r in mine) == group.deductible_subsidy_fen
        assert len(mine) == group.claims
        assert group.total_fen == group.city_fen + group.district_share_fen
    assert (
        sum(r.total_fen for _d, r in pairs)
        == report.total.total_fen
        == report.total.city_fen + report.total.district_share_fen
    )
    assert len({r.claim.person_id for _d, r in pairs if r.total_fen}) == report.total.persons


def test_small_example_is_what_the_generator_writes() -> None:
    """examples/settled-small.csv is exactly the output of examples/make_settled_small.py."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "make_settled_small.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert SMALL.read_text(encoding="utf-8") == done.stdout


def test_small_example_totals() -> None:
    """The small example: three districts (names normalised), eight persons, 593 272.29 yuan split 1:1."""
    report = district_totals(read_settled(SMALL), registry=REGISTRY)
    assert ["baoshan", "minhang", "pudong"] == [g.district.id for g in report.rows]
    assert (8, 14, 59327229) == (report.total.persons, report.total.claims, report.total.total_fen)
    assert (29663615, 29663614) == (report.total.city_fen, report.total.district_share_fen)
    minhang = report.rows[1]
    assert ({"inpatient": 4, "outpatient": 3}, 43905000) == (dict(minhang.person_times), minhang.total_fen)


def test_csv_reading_is_exact(tmp_path) -> None:
    """Yuan strings are parsed to the fen: 0.1 + 0.2 is 0.30 here."""
    path = tmp_path / "s.csv"
    path.write_text(
        HEADER
        + "a,minhang,outpatient,1,0.1,0,2023-01-01\nb,minhang,outpatient,1,0.2,0,2023-01-01\nc,闵行,inpatient,5.5,0.05,0.00,2023-01-01\n"
    )
    group = district_totals(read_settled(path), registry=REGISTRY).rows[0]
    assert (35, 750, 3) == (group.total_fen, group.self_pay_fen, group.persons)


def test_policy_by_date_and_default(tmp_path) -> None:
    """Without policy_id the date picks the version; without a date the --policy default is needed."""
    path = tmp_path / "s.csv"
    path.write_text(HEADER + "a,minhang,outpatient,1,1,0,2022-06-01\nb,minhang,outpatient,1,1,0,2024-06-01\n")
    assert ["medical-assistance-2018-07", "medical-assistance-2024"] == [
        p.id for p in district_totals(read_settled(path), registry=REGISTRY).policies
    ]
    bare = tmp_path / "bare.csv"
    bare.write_text("person_id,district,kind,self_pay,assistance,deductible_subsidy\na,minhang,outpatient,1,1,0\n")
    with pytest.raises(InputError, match="no policy_id or date column"):
        district_totals(read_settled(bare), registry=REGISTRY)
    policy = REGISTRY.get("medical-assistance-2023")
    assert 100 == district_totals(read_settled(bare), registry=REGISTRY, default_policy=policy).total.total_fen


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("a,minhang,dental,1,1,0,2023-01-01", "line 2: column kind must be inpatient or outpatient, got 'dental'"),
        (
            "a,minhang,inpatient,1,-1,0,2023-01-01",
            "line 2: column assistance must be yuan with at most two decimals (e.g. 1234.50), got '-1'",
        ),
        (
            "a,minhang,inpatient,1,1.234,0,2023-01-01",
            "column assistance must be yuan with at most two decimals (e.g. 1234.50), got '1.234'",
        ),
        (
            "a,atlantis,inpatient,1,1,0,2023-01-01",
            "line 2: column district is not a Shanghai district (an id like minhang or a name like 闵行区), got 'atlantis'",
        ),
        (",minhang,inpatient,1,1,0,2023-01-01", "line 2: column person_id is empty"),
        ("a,minhang,inpatient,1,1,0,2017-01-01", "line 2: column date is outside every policy version"),
        (
            "a,minhang,inpatient,1,1,0,01/02/2023",
            "line 2: column date must be a date like 2023-05-01, got '01/02/2023'",
        ),
    ],
)
def test_bad_rows_name_row_column_and_value(tmp_path, row, message) -> None:
    """A bad row is an error naming its line, column and value — never a silent drop."""
    path = tmp_path / "s.csv"
    path.write_text(HEADER + row + "\n")
    with pytest.raises(InputError) as info:
        district_totals(read_settled(path), registry=REGISTRY)
    assert message in str(info.value)


def test_missing_column(tmp_path) -> None:
    """A missing required column is named, with the columns found."""
    path = tmp_path / "s.csv"
    path.write_text("person_id,district,kind,self_pay,assistance\na,minhang,inpatient,1,1\n")
    with pytest.raises(InputError, match="missing column deductible_subsidy; found person_id, district"):
        read_settled(path)


def test_parquet_with_decimal_amounts_and_dates(tmp_path) -> None:
    """Parquet with Decimal(scale 2) amounts and Date dates reads exactly; float amounts are refused."""
    import polars as pl

    amounts = pl.Series([123450, 5], dtype=pl.Int64).cast(pl.Decimal(20, 2)) / 100
    frame = pl.DataFrame(
        {
            "person_id": ["a", "b"],
            "district": ["minhang", "Pudong"],
            "kind": ["inpatient", "outpatient"],
            "self_pay": amounts,
            "assistance": amounts,
            "deductible_subsidy": amounts,
            "date": [dt.date(2023, 1, 1), dt.date(2022, 1, 1)],
        }
    )
    path = tmp_path / "s.parquet"
    frame.write_parquet(path)
    report = district_totals(read_settled(path), registry=REGISTRY)
    assert [246900, 10] == [g.total_fen for g in report.rows]
    frame.with_columns(pl.col("assistance").cast(pl.Float64)).write_parquet(path)
    with pytest.raises(InputError, match="column assistance holds floating-point numbers"):
        read_settled(path)
    frame.with_columns(pl.col("assistance") * -1).write_parquet(path)
    with pytest.raises(
        InputError, match=r"s.parquet: line 2: column assistance must be yuan ≥ 0, got Decimal\('-1234.50'\)"
    ):
        read_settled(path)


@settings(max_examples=25, deadline=None)
@given(people)
def test_csv_round_trip_gives_the_same_report(tmp_path_factory, persons) -> None:
    """Written as yuan strings and read back, the settled claims give the report of the in-memory results."""
    from medaid.money import fen_to_yuan_str

    pairs = settle(persons)
    path = tmp_path_factory.mktemp("rt") / "settled.csv"
    lines = [HEADER.strip() + ",policy_id"]
    for name, r in pairs:
        lines.append(
            ",".join(
                [
                    r.claim.person_id,
                    name,
                    r.claim.kind,
                    fen_to_yuan_str(r.claim.self_pay_fen),
                    fen_to_yuan_str(r.assistance_fen),
                    fen_to_yuan_str(r.deductible_subsidy_fen),
                    r.claim.date.isoformat(),
                    r.policy_id,
                ]
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from_file = district_totals(read_settled(path), registry=REGISTRY)
    in_memory = district_totals(frame_from_results(pairs), registry=REGISTRY)
    assert in_memory.rows == from_file.rows and in_memory.total == from_file.total
