"""Reading and checking claims: every bad row is rejected with its row number and reason, none vanishes."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from medaid.batch import RESULT_COLUMNS, settle_batch
from medaid.errors import InputError

HEADER = "claim_id,person_id,district,date,category,kind,self_pay,resident_insurance\n"
GOOD = "c1,p1,minhang,2023-03-01,dibao,outpatient,5500,true\n"
BAD_ROWS = {
    "c2,p1,minhang,2023-03-02,wizard,outpatient,100,true\n": "unknown category 'wizard'",
    "c3,p1,minhang,2023-03-02,dibao,outpatient,-5,true\n": "self_pay must not be negative, got '-5'",
    "c4,p1,minhang,2023-03-02,dibao,outpatient,12abc,true\n": "self_pay must be yuan with at most two decimals",
    "c5,p1,minhang,2023-3-32,dibao,outpatient,100,true\n": "date must be a date like 2023-05-01 (or 2023/5/1, 2023年5月1日), got '2023-3-32'",
    "c6,p1,minhang,2017-03-02,dibao,outpatient,100,true\n": "no medical-assistance policy in force on 2017-03-02",
    "c1,p1,minhang,2023-03-02,dibao,outpatient,100,true\n": "duplicate claim_id 'c1' (first at line 2)",
    "c8,p1,minhang,2023-03-02,dibao,dental,100,true\n": "kind must be inpatient or outpatient (住院, 门急诊), got 'dental'",
    "c9,p1,atlantis,2023-03-02,dibao,outpatient,100,true\n": "district is not one of the 16 districts",
    "c10,p1,minhang,2023-03-02,dibao,outpatient,100,maybe\n": "resident_insurance must be true or false",
    "c11,p1,minhang,2023-03-02,dibao,outpatient,1.234,true\n": "self_pay must be yuan with at most two decimals",
    "c12,p1,minhang,2022-03-02,dibao|wizard,outpatient,100,true\n": "unknown category 'wizard'",
    "c13,,minhang,2023-03-02,dibao,outpatient,100,true\n": "person_id is empty",
    "c14,p1,minhang,2023-03-02,dibao,outpatient\n": "self_pay is empty",
    "c15,p1,minhang,2023-03-02,dibao,outpatient,1000000000.01,true\n": "must be below 1000000000 yuan",
}


def test_bad_rows_rejected_with_row_and_reason(tmp_path: Path) -> None:
    """Each bad row lands in the rejects with its line (header = line 1) and the reason; good rows still settle."""
    source = tmp_path / "claims.csv"
    source.write_text(HEADER + GOOD + "".join(BAD_ROWS) + GOOD.replace("c1,", "c99,"), encoding="utf-8")
    result = settle_batch(source, rejects=tmp_path / "rejects.csv")
    assert result.table["claim_id"].to_list() == ["c1", "c99"]
    rejects = pl.read_csv(tmp_path / "rejects.csv", infer_schema=False)
    assert rejects["line"].to_list() == [str(n) for n in range(3, 3 + len(BAD_ROWS))]
    for reason, expected in zip(rejects["reason"], BAD_ROWS.values()):
        assert expected in reason
    summary = result.summary
    assert (summary.rows_in, summary.settled, summary.rejected) == (len(BAD_ROWS) + 2, 2, len(BAD_ROWS))


def test_strict_stops_at_first_bad_row(tmp_path: Path) -> None:
    """With strict, the first bad row raises an InputError naming the file and row."""
    source = tmp_path / "claims.csv"
    source.write_text(HEADER + GOOD + "".join(list(BAD_ROWS)[1:3]), encoding="utf-8")
    with pytest.raises(InputError, match=r"claims.csv: line 3: self_pay must not be negative"):
        settle_batch(source, strict=True)


def test_missing_column_is_one_error(tmp_path: Path) -> None:
    """A header without a required column is one InputError naming the column."""
    source = tmp_path / "claims.csv"
    source.write_text(HEADER.replace(",kind", "") + "c1,p1,minhang,2023-03-01,dibao,5500,true\n", encoding="utf-8")
    with pytest.raises(InputError, match="lacks required column kind"):
        settle_batch(source)


def test_parquet_round_trip_and_extra_columns(tmp_path: Path) -> None:
    """Parquet in and out gives the same settlement as CSV; extra input columns are carried through."""
    rows = [
        {
            "claim_id": f"c{i}",
            "person_id": "p1",
            "district": "闵行区",
            "date": f"2023-0{1 + i % 9}-01",
            "category": "dibao|low_income",
            "kind": "outpatient",
            "self_pay": "1000.50",
            "resident_insurance": "yes",
            "note": f"n{i}",
        }
        for i in range(8)
    ]
    pl.DataFrame(rows).write_parquet(tmp_path / "in.parquet")
    by_parquet = settle_batch(tmp_path / "in.parquet", output=tmp_path / "out.parquet")
    by_list = settle_batch(rows)
    assert pl.read_parquet(tmp_path / "out.parquet").equals(by_list.table)
    assert by_parquet.table.columns == [*rows[0], *RESULT_COLUMNS]
    assert by_parquet.table["note"].to_list() == [f"n{i}" for i in range(8)]
    assert by_parquet.table["district_id"].unique().to_list() == ["minhang"]
    # Cap 2800 yuan outpatient at 60 % after the 300 offset: the year pays exactly the cap.
    assert sum(by_parquet.table["assistance"]) == 2800
    assert by_parquet.summary.cap_bound_persons["outpatient"] == 1


def test_lenient_spellings_and_arrow_input() -> None:
    """Insurance as TRUE/Yes/1, kind in any case, spaces around names; a pyarrow table settles like its rows."""
    import pyarrow as pa

    rows = [
        {
            "claim_id": "a",
            "person_id": "p",
            "district": " Minhang ",
            "date": "2023-02-01",
            "category": " dibao | low_income ",
            "kind": "Outpatient",
            "self_pay": "1000",
            "resident_insurance": "TRUE",
        },
        {
            "claim_id": "b",
            "person_id": "p",
            "district": "闵行",
            "date": "2023-03-01",
            "category": "dibao",
            "kind": "OUTPATIENT",
            "self_pay": "+200.5",
            "resident_insurance": "Yes",
        },
        {
            "claim_id": "c",
            "person_id": "q",
            "district": "minhang",
            "date": "2023-03-01",
            "category": "dibao",
            "kind": "outpatient",
            "self_pay": "200.50",
            "resident_insurance": "0",
        },
    ]
    result = settle_batch(pa.Table.from_pylist(rows))
    assert result.summary.rejected == 0
    table = result.table
    assert table["district_id"].to_list() == ["minhang"] * 3
    assert [str(v) for v in table["offset"]] == ["300.00", "0.00", "0.00"]
    assert [str(v) for v in table["eligible"]] == ["700.00", "200.50", "200.50"]
    assert table.equals(settle_batch(rows).table)


def test_typed_columns_settle_like_text_and_bad_typed_values_are_rejected(tmp_path: Path) -> None:
    """A typed Parquet file (Date, Decimal, Boolean, Enum, integer yuan) settles as its text does; a negative
    decimal, a missing date, a missing insurance flag and a null kind are each rejected with a reason."""
    import datetime as dt
    from decimal import Decimal

    good = {
        "claim_id": ["a", "b", "c"],
        "person_id": ["p", "p", "q"],
        "district": ["minhang"] * 3,
        "date": [dt.date(2023, 2, 1), dt.date(2023, 3, 1), dt.date(2023, 3, 1)],
        "category": ["dibao"] * 3,
        "kind": ["outpatient", "inpatient", "outpatient"],
        "self_pay": [Decimal("1000.50"), Decimal("20000"), Decimal("0.05")],
        "resident_insurance": [True, True, False],
    }
    typed = pl.DataFrame(good).with_columns(
        pl.col("self_pay").cast(pl.Decimal(18, 2)),
        pl.col("kind").cast(pl.Enum(["inpatient", "outpatient"])),
        pl.col("district").cast(pl.Categorical),
    )
    typed.write_parquet(tmp_path / "typed.parquet")
    text = typed.with_columns(pl.all().cast(pl.String))
    by_type = settle_batch(tmp_path / "typed.parquet").table
    assert by_type.select(RESULT_COLUMNS).equals(settle_batch(text).table.select(RESULT_COLUMNS))
    whole_yuan = settle_batch(typed.with_columns(pl.Series("self_pay", [1000, 20000, 0]))).table
    assert [str(v) for v in whole_yuan["eligible"]] == ["700.00", "20000.00", "0.00"]

    bad = pl.DataFrame(
        {
            "claim_id": ["n", "d", "r", "k"],
            "person_id": ["p"] * 4,
            "district": ["minhang"] * 4,
            "date": [dt.date(2023, 2, 1), None, dt.date(2023, 2, 1), dt.date(2023, 2, 1)],
            "category": ["dibao"] * 4,
            "kind": ["outpatient", "outpatient", "outpatient", None],
            "self_pay": [Decimal("-5.00"), Decimal("1"), Decimal("1"), Decimal("1")],
            "resident_insurance": [True, True, None, True],
        }
    ).with_columns(pl.col("self_pay").cast(pl.Decimal(18, 2)))
    rejects = settle_batch(bad).rejects
    assert rejects["line"].to_list() == [2, 3, 4, 5]
    assert [reason.split(",")[0] for reason in rejects["reason"]] == [
        "self_pay must not be negative",
        "date is empty",
        "resident_insurance is empty",
        "kind is empty",
    ]


def test_csv_output_quotes_only_when_needed(tmp_path: Path) -> None:
    """Plain ids are written without quotes; an id with a comma, a quote or a line break is quoted and
    reads back as given."""
    base = {
        "person_id": "p1",
        "district": "minhang",
        "date": "2023-03-01",
        "category": "dibao",
        "kind": "outpatient",
        "self_pay": "100",
        "resident_insurance": "true",
    }
    plain = [dict(base, claim_id="c1"), dict(base, claim_id="c2")]
    settle_batch(plain, output=tmp_path / "plain.csv")
    assert '"' not in (tmp_path / "plain.csv").read_text(encoding="utf-8")
    odd = [dict(base, claim_id="c,1"), dict(base, claim_id='say "2"'), dict(base, claim_id="line\nbreak")]
    settle_batch(odd, output=tmp_path / "odd.csv")
    back = pl.read_csv(tmp_path / "odd.csv", infer_schema=False)
    assert back["claim_id"].to_list() == ["c,1", 'say "2"', "line\nbreak"]
    assert back["assistance"].to_list() == ["0.00", "0.00", "0.00"]


def test_plain_csv_looks_at_names_and_dictionary_values() -> None:
    """A comma in a column name or in a Categorical value needs quoting; numbers, dates and booleans never do."""
    import datetime as dt

    from medaid.batch.io import plain_csv

    assert plain_csv(pl.DataFrame({"a": ["x"], "n": [1.5], "d": [dt.date(2023, 1, 1)], "b": [True]}))
    assert not plain_csv(pl.DataFrame({"a,b": ["x"]}))
    assert not plain_csv(pl.DataFrame({"a": ["x", "y,z"]}).with_columns(pl.col("a").cast(pl.Categorical)))
