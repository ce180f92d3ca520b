"""The ledger's claims-file reader: exact parsing, every bad row rejected with its line and reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from medaid.errors import InputError
from medaid.ledger.claims_file import read_claims

HEADER = "claim_id,person_id,district,date,category,kind,self_pay,resident_insurance\n"


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "claims.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_good_rows_parse_exactly(tmp_path: Path) -> None:
    """Yuan to fen exactly, several categories in order, booleans in their spellings, districts by any name."""
    rows, rejected = read_claims(write(tmp_path, "c1,p1,闵行区,2023-03-01,low_income|dibao,outpatient,2000.05,YES\nc2,p1,Pudong,2023-03-02,dibao,inpatient,0.1,0\n"))
    assert [] == rejected
    first, second = (row.claim for row in rows)
    assert (dt.date(2023, 3, 1), "outpatient", 200005, ("low_income", "dibao"), True, "c1", "p1") == (
        first.date, first.kind, first.self_pay_fen, first.categories, first.resident_insurance, first.claim_id, first.person_id)
    assert (10, False) == (second.self_pay_fen, second.resident_insurance)
    assert ((0, 2), (1, 3)) == ((rows[0].index, rows[0].line), (rows[1].index, rows[1].line))
    assert ("minhang", "pudong") == (rows[0].district_id, rows[1].district_id)


@pytest.mark.parametrize("row, reason", [
    (",p1,minhang,2023-03-01,dibao,inpatient,1,true", "claim_id is empty"),
    ("c1,,minhang,2023-03-01,dibao,inpatient,1,true", "person_id is empty"),
    ("c1,p1,atlantis,2023-03-01,dibao,inpatient,1,true", "unknown district 'atlantis'"),
    ("c1,p1,minhang,2023-13-01,dibao,inpatient,1,true", "date must be a date like 2023-05-01, got '2023-13-01'"),
    ("c1,p1,minhang,2023-03-01,royalty,inpatient,1,true", "unknown category 'royalty'"),
    ("c1,p1,minhang,2023-03-01,dibao|,inpatient,1,true", "unknown category ''"),
    ("c1,p1,minhang,2023-03-01,dibao,dental,1,true", "kind must be inpatient or outpatient, got 'dental'"),
    ("c1,p1,minhang,2023-03-01,dibao,inpatient,-1,true", "self_pay must not be negative, got '-1'"),
    ("c1,p1,minhang,2023-03-01,dibao,inpatient,1.005,true", "self_pay must be yuan with at most two decimals"),
    ("c1,p1,minhang,2023-03-01,dibao,inpatient,1e3,true", "got '1e3'"),
    ("c1,p1,minhang,2023-03-01,dibao,inpatient,1,maybe", "resident_insurance must be true or false"),
    ("c1,p1,minhang,2023-03-01,dibao,inpatient,1", "expected 8 fields, got 7"),
    ("", "empty row"),
])
def test_bad_rows_are_rejected_with_line_and_reason(tmp_path: Path, row: str, reason: str) -> None:
    """A bad row between good ones is rejected (line 3) and counted, never dropped."""
    good = "g1,p1,minhang,2023-03-01,dibao,inpatient,1,true\n"
    rows, rejected = read_claims(write(tmp_path, good + row + "\n" + good.replace("g1", "g2")))
    assert ["g1", "g2"] == [r.claim.claim_id for r in rows]
    assert [3] == [r.line for r in rejected]
    assert reason in rejected[0].reason


@pytest.mark.parametrize("header, message", [
    ("claim_id,person_id,date,category,kind,self_pay,resident_insurance\n", "header lacks column district"),
    ("", "empty file"),
])
def test_bad_header_refuses_the_file(tmp_path: Path, header: str, message: str) -> None:
    """A missing column or an empty file is one InputError naming the file."""
    with pytest.raises(InputError, match=message):
        read_claims(write(tmp_path, "", header=header))


def test_unreadable_files(tmp_path: Path) -> None:
    """A missing file and a non-UTF-8 file are refused with the path."""
    with pytest.raises(InputError, match="cannot read the claims file"):
        read_claims(tmp_path / "missing.csv")
    path = tmp_path / "gbk.csv"
    path.write_bytes(HEADER.encode() + "c1,p1,闵行区,2023-03-01,dibao,inpatient,1,true\n".encode("gbk"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_claims(path)


def test_extra_columns_and_bom_are_accepted(tmp_path: Path) -> None:
    """Columns in another order, extra columns and an Excel BOM are read."""
    path = tmp_path / "claims.csv"
    path.write_text("\ufeffnote,resident_insurance,self_pay,kind,category,date,district,person_id,claim_id\nx,false,12.30,inpatient,dibao,2023-01-02,xuhui,p9,c9\n", encoding="utf-8")
    rows, rejected = read_claims(path)
    assert ([], 1230, ("c9", "p9", "xuhui", "2023-01-02", "dibao", "inpatient", "12.30", "false")) == (rejected, rows[0].claim.self_pay_fen, rows[0].values)
