"""Each input-side failure of issue 11 as a regression test: the claims readers refuse a row, never crash or wrap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from medaid.batch import settle_batch
from medaid.errors import InputError
from medaid.ledger.claims_file import read_claims

HEADER = "claim_id,person_id,district,date,category,kind,self_pay,resident_insurance\n"
GOOD = "g1,p1,minhang,2023-03-01,dibao,inpatient,100,true\n"


def typed(**columns) -> pl.DataFrame:
    base = {
        "claim_id": ["a", "b"],
        "person_id": ["p", "q"],
        "district": ["minhang"] * 2,
        "date": [dt.date(2023, 3, 1)] * 2,
        "category": ["dibao"] * 2,
        "kind": ["inpatient"] * 2,
        "self_pay": [100, 200],
        "resident_insurance": [True, False],
    }
    base.update(columns)
    return pl.DataFrame(base)


def test_int64_self_pay_is_checked_before_it_is_multiplied() -> None:
    """An Int64 yuan amount of 2^62 is refused (it used to wrap when multiplied by 100)."""
    result = settle_batch(typed(self_pay=pl.Series([2**62, 100], dtype=pl.Int64)))
    assert result.rejects.select("line", "reason").rows() == [
        (2, f"self_pay must be below 1000000000 yuan, got '{2**62}'")
    ]
    assert result.summary.settled == 1


def test_uint64_self_pay_and_list_columns() -> None:
    """A UInt64 amount above 2^63 is refused like any other; a list-typed column is one clear error."""
    result = settle_batch(typed(self_pay=pl.Series([2**64 - 1, 5], dtype=pl.UInt64)))
    assert [r.split(",")[0] for r in result.rejects["reason"]] == ["self_pay must be below 1000000000 yuan"]
    with pytest.raises(InputError, match="column category holds List"):
        settle_batch(typed(category=[["dibao"], ["dibao"]]))
    with pytest.raises(InputError, match="floating-point"):
        settle_batch(typed(self_pay=[1.5, 2.0]))


def test_decimal_of_four_places_takes_exact_values() -> None:
    """Decimal(18, 4): 12.3400 is 12.34 yuan exactly; 12.3450 is refused (a part of a fen)."""
    table = typed(self_pay=pl.Series([Decimal("12.3400"), Decimal("12.3450")], dtype=pl.Decimal(18, 4)))
    result = settle_batch(table)
    assert [str(v) for v in result.table["self_pay"]] == ["12.3400"] and [str(v) for v in result.table["eligible"]] == [
        "12.34"
    ]
    assert result.rejects["reason"].to_list() == [
        "self_pay must be yuan with at most two decimals (e.g. 5500 or 5500.50), got '12.345'"
    ]


def test_no_row_with_a_category_and_a_bad_quote(tmp_path: Path) -> None:
    """A file whose every category is empty rejects every row; a `""黄浦` cell is read row by row, not a panic."""
    source = tmp_path / "claims.csv"
    source.write_text(
        HEADER + "a,p,minhang,2023-03-01,,inpatient,1,true\nb,p,minhang,2023-03-02,,inpatient,1,true\n",
        encoding="utf-8",
    )
    assert settle_batch(source).summary.rejected == 2
    source.write_text(HEADER + GOOD + 'g2,p1,""黄浦,2023-03-01,dibao,inpatient,1,true\n', encoding="utf-8")
    result = settle_batch(source)
    assert (result.summary.rows_in, result.summary.settled + result.summary.rejected) == (2, 2)


def test_an_extra_field_rejects_its_row_with_its_line(tmp_path: Path) -> None:
    """One row with a ninth field is refused with its line; the others settle (it used to abort the file)."""
    source = tmp_path / "claims.csv"
    source.write_text(
        HEADER + GOOD + "g2,p1,minhang,2023-03-01,dibao,inpatient,1,true,extra\n" + GOOD.replace("g1", "g3"),
        encoding="utf-8",
    )
    result = settle_batch(source)
    assert result.rejects.select("line", "reason").rows() == [(3, "expected 8 fields, got 9")]
    assert result.table["claim_id"].to_list() == ["g1", "g3"]
    _rows, rejected = read_claims(source)
    assert [(r.line, r.reason) for r in rejected] == [(3, "expected 8 fields, got 9")]


def test_blank_lines_are_skipped_and_lines_keep_their_numbers(tmp_path: Path) -> None:
    """Blank lines are counted, not rejected; a later bad row is named by its line in the file."""
    source = tmp_path / "claims.csv"
    source.write_text(HEADER + GOOD + "\n\n" + "g2,p1,minhang,2023-03-01,dibao,dental,1,true\n\n", encoding="utf-8")
    result = settle_batch(source)
    assert (result.summary.blank_rows, result.summary.rejected) == (3, 1)
    assert result.rejects["line"].to_list() == [5]
    _rows, rejected = read_claims(source)
    assert [r.line for r in rejected] == [5]


def test_a_line_break_inside_a_value_keeps_line_numbers(tmp_path: Path) -> None:
    """A quoted value over two lines: the rows after it are still named by their own line."""
    source = tmp_path / "claims.csv"
    source.write_text(
        HEADER.rstrip("\n")
        + ",note\n"
        + GOOD.rstrip("\n")
        + ',"two\nlines"\n'
        + "g2,p1,minhang,2023-03-01,dibao,dental,1,true,x\n",
        encoding="utf-8",
    )
    assert settle_batch(source).rejects["line"].to_list() == [4]


def test_a_bad_first_copy_does_not_block_a_later_good_one(tmp_path: Path) -> None:
    """Duplicates: the first *valid* row with a claim_id is kept, in both readers."""
    source = tmp_path / "claims.csv"
    source.write_text(
        HEADER
        + "c1,p1,minhang,2023-03-01,dibao,inpatient,-1,true\n"
        + "c1,p1,minhang,2023-03-01,dibao,inpatient,5,true\n"
        + "c1 ,p1,minhang,2023-03-01,dibao,inpatient,6,true\n",
        encoding="utf-8",
    )
    result = settle_batch(source)
    assert result.table["self_pay"].to_list() == ["5"]
    assert result.rejects.select("line", "reason").rows()[1] == (4, "duplicate claim_id 'c1' (first at line 3)")
    rows, rejected = read_claims(source)
    assert [r.line for r in rows] == [3] and [r.reason for r in rejected][
        1
    ] == "duplicate claim_id 'c1' (first at line 3)"


def test_person_ids_are_trimmed_once(tmp_path: Path) -> None:
    """`P1` and `P1 ` are one person: one outpatient cap (2 800), not two."""
    rows = [
        {
            "claim_id": f"c{i}",
            "person_id": pid,
            "district": "minhang",
            "date": "2023-03-01",
            "category": "dibao",
            "kind": "outpatient",
            "self_pay": "10000",
            "resident_insurance": "false",
        }
        for i, pid in enumerate(["P1", "P1 ", "\u3000P1"])
    ]
    assert sum(settle_batch(rows).table["assistance"]) == 2800


def test_huge_amount_is_a_bad_row_in_the_ledger_and_its_neighbour_settles(tmp_path: Path) -> None:
    """ledger settle: 1e15 yuan and 2^63 fen are refused rows; the valid row beside them is settled."""
    from typer.testing import CliRunner

    from medaid.cli import app

    source = tmp_path / "claims.csv"
    source.write_text(
        HEADER
        + "h1,p1,minhang,2023-03-01,dibao,inpatient,1000000000000000,true\n"
        + f"h2,p1,minhang,2023-03-01,dibao,inpatient,{2**63},true\n"
        + GOOD,
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["ledger", "settle", str(source), "--db", str(tmp_path / "l.db"), "-o", str(tmp_path / "o.csv")]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "line 2: self_pay must be below 1000000000 yuan, got '1000000000000000'" in result.output
    assert "settled 1" in result.output and "paid by this run: 90.00 yuan" in result.output


def test_a_long_bad_value_is_quoted_short(tmp_path: Path) -> None:
    """A 1 MB value is quoted to 40 characters and … in the reason, in both readers."""
    source = tmp_path / "claims.csv"
    source.write_text(
        HEADER + "c1,p1,minhang,2023-03-01,dibao,inpatient," + "9" * 1_000_000 + "x,true\n", encoding="utf-8"
    )
    expected = "self_pay must be yuan with at most two decimals (e.g. 5500 or 5500.50), got '" + "9" * 40 + "…'"
    assert settle_batch(source).rejects["reason"].to_list() == [expected]
    assert [r.reason for r in read_claims(source)[1]] == [expected]


def test_future_dates_are_refused_unless_allowed(tmp_path: Path) -> None:
    """2203-05-01 is after the run date: refused in both readers, settled under --allow-future (2024 rules)."""
    source = tmp_path / "claims.csv"
    source.write_text(HEADER + "c1,p1,minhang,2203-05-01,dibao,inpatient,100,true\n", encoding="utf-8")
    today = dt.date(2025, 1, 1)
    expected = "date 2203-05-01 is after the run date 2025-01-01; pass --allow-future to settle it"
    assert settle_batch(source, today=today).rejects["reason"].to_list() == [expected]
    assert [r.reason for r in read_claims(source, today=today)[1]] == [expected]
    assert settle_batch(source, today=today, allow_future=True).table["policy_id"].to_list() == [
        "medical-assistance-2024"
    ]
    typed_date = typed(date=[dt.date(2203, 5, 1), dt.date(2017, 1, 1)])
    assert settle_batch(typed_date, today=today).rejects["reason"].to_list() == [
        expected,
        "no medical-assistance policy in force on 2017-01-01; versions cover 2018-01-01 to now",
    ]


def test_a_clean_utf8_csv_takes_the_fast_reader(tmp_path: Path, monkeypatch) -> None:
    """A well-formed UTF-8 CSV is read by polars in one go (the row-by-row reader is for messy files only)."""
    from medaid.batch import io

    source = tmp_path / "claims.csv"
    source.write_text(HEADER + GOOD + GOOD.replace("g1", "g2"), encoding="utf-8")

    def refuse(*_args, **_kwargs):
        raise AssertionError("the row-by-row reader was used")

    monkeypatch.setattr(io, "_from_rows", refuse)
    read = io.read_claims_input(source)
    assert read.lines is None and (read.table.height, read.table.schema["district"]) == (2, pl.Categorical)
