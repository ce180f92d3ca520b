"""The ledger's claims-file reader: exact parsing, every bad row rejected with its line and reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from medaid.errors import InputError, InternalError
from medaid.ledger.claims_file import part_of, read_claims

HEADER = "claim_id,person_id,district,date,category,kind,self_pay,resident_insurance\n"


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "claims.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_good_rows_parse_exactly(tmp_path: Path) -> None:
    """Yuan to fen exactly, several categories in order, booleans in their spellings, districts by any name."""
    rows, rejected = read_claims(
        write(
            tmp_path,
            "c1,p1,闵行区,2023-03-01,low_income|dibao,outpatient,2000.05,YES\nc2,p1,Pudong,2023-03-02,dibao,inpatient,0.1,0\n",
        )
    )
    assert [] == rejected
    first, second = (row.claim for row in rows)
    assert (dt.date(2023, 3, 1), "outpatient", 200005, ("low_income", "dibao"), True, "c1", "p1") == (
        first.date,
        first.kind,
        first.self_pay_fen,
        first.categories,
        first.resident_insurance,
        first.claim_id,
        first.person_id,
    )
    assert (10, False) == (second.self_pay_fen, second.resident_insurance)
    assert ((0, 2), (1, 3)) == ((rows[0].index, rows[0].line), (rows[1].index, rows[1].line))
    assert ("minhang", "pudong") == (rows[0].district_id, rows[1].district_id)


@pytest.mark.parametrize(
    "row, reason",
    [
        (",p1,minhang,2023-03-01,dibao,inpatient,1,true", "claim_id is empty"),
        ("c1,,minhang,2023-03-01,dibao,inpatient,1,true", "person_id is empty"),
        (
            "c1,p1,atlantis,2023-03-01,dibao,inpatient,1,true",
            "district is not one of the 16 districts (id, 闵行区, 闵行 or Minhang), got 'atlantis'",
        ),
        (
            "c1,p1,minhang,2023-13-01,dibao,inpatient,1,true",
            "date must be a date like 2023-05-01 (or 2023/5/1, 2023年5月1日), got '2023-13-01'",
        ),
        ("c1,p1,minhang,2023-03-01,royalty,inpatient,1,true", "unknown category 'royalty'"),
        ("c1,p1,minhang,2023-03-01,dibao|,inpatient,1,true", "category 'dibao|' has an empty part between |"),
        (
            "c1,p1,minhang,2023-03-01,dibao||low_income,inpatient,1,true",
            "category 'dibao||low_income' has an empty part between |",
        ),
        ("c1,p1,minhang,20230301,dibao,inpatient,1,true", "got '20230301'"),
        ("c1,p1,minhang,2023-W18-1,dibao,inpatient,1,true", "got '2023-W18-1'"),
        ("c1,p1,minhang,2023-03-01,dibao,inpatient,5_000,true", "got '5_000'"),
        ("c1,p1,minhang,2023-03-01,dibao,inpatient,１２３４５,true", "got '１２３４５'"),
        (
            "c1,p1,minhang,2023-03-01,dibao,inpatient,10000000000,true",
            "self_pay must be below 1000000000 yuan, got '10000000000'",
        ),
        ("c1,p1,minhang,2023-03-01,dibao,inpatient,1,true,extra", "expected 8 fields, got 9"),
        ("g1,p9,minhang,2023-03-02,dibao,inpatient,1,true", "duplicate claim_id 'g1' (first at line 2)"),
        (
            "c1,p1,minhang,2023-03-01,dibao,dental,1,true",
            "kind must be inpatient or outpatient (住院, 门急诊), got 'dental'",
        ),
        ("c1,p1,minhang,2023-03-01,dibao,inpatient,-1,true", "self_pay must not be negative, got '-1'"),
        ("c1,p1,minhang,2023-03-01,dibao,inpatient,1.005,true", "self_pay must be yuan with at most two decimals"),
        ("c1,p1,minhang,2023-03-01,dibao,inpatient,1e3,true", "got '1e3'"),
        ("c1,p1,minhang,2023-03-01,dibao,inpatient,1,maybe", "resident_insurance must be true or false"),
        ("c1,p1,minhang,2023-03-01,dibao,inpatient,1", "resident_insurance is empty"),
    ],
)
def test_bad_rows_are_rejected_with_line_and_reason(tmp_path: Path, row: str, reason: str) -> None:
    """A bad row between good ones is rejected (line 3) and counted, never dropped."""
    good = "g1,p1,minhang,2023-03-01,dibao,inpatient,1,true\n"
    rows, rejected = read_claims(write(tmp_path, good + row + "\n" + good.replace("g1", "g2")))
    assert ["g1", "g2"] == [r.claim.claim_id for r in rows]
    assert [3] == [r.line for r in rejected]
    assert reason in rejected[0].reason


@pytest.mark.parametrize(
    "header, message",
    [
        (
            "claim_id,person_id,date,category,kind,self_pay,resident_insurance\n",
            "header lacks required column district \\(区\\)",
        ),
        ("", "empty file"),
    ],
)
def test_bad_header_refuses_the_file(tmp_path: Path, header: str, message: str) -> None:
    """A missing column or an empty file is one InputError naming the file."""
    with pytest.raises(InputError, match=message):
        read_claims(write(tmp_path, "", header=header))


def test_unreadable_files_and_forced_encodings(tmp_path: Path) -> None:
    """A missing file is refused with the path; a GBK file is detected, and a wrong --encoding names the line."""
    with pytest.raises(InputError, match="no such file"):
        read_claims(tmp_path / "missing.csv")
    path = tmp_path / "gbk.csv"
    path.write_bytes(HEADER.encode() + "c1,p1,闵行区,2023-03-01,低保,住院,1,是\n".encode("gbk"))
    rows, rejected = read_claims(path)
    assert ([], "minhang", ("dibao",)) == (rejected, rows[0].district_id, rows[0].claim.categories)
    with pytest.raises(InputError, match="line 2: not valid utf-8"):
        read_claims(path, encoding="utf-8")


def test_blank_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    """Blank lines (and lines of separators only) are neither rows nor rejects; lines keep their numbers."""
    from medaid.ledger.claims_file import ClaimsFileReader

    reader = ClaimsFileReader(
        write(
            tmp_path,
            "\ng1,p1,minhang,2023-03-01,dibao,inpatient,1,true\r\n,,,,,,,\n\ng2,p1,minhang,2023-03-01,dibao,inpatient,1,true\n",
        )
    )
    items = list(reader)
    assert ([3, 6], 3) == ([item.line for item in items], reader.blank_rows)


def test_extra_columns_and_bom_are_accepted(tmp_path: Path) -> None:
    """Columns in another order, extra columns and an Excel BOM are read."""
    path = tmp_path / "claims.csv"
    path.write_text(
        "\ufeffnote,resident_insurance,self_pay,kind,category,date,district,person_id,claim_id\nx,false,12.30,inpatient,dibao,2023-01-02,xuhui,p9,c9\n",
        encoding="utf-8",
    )
    rows, rejected = read_claims(path)
    assert ([], 1230, ("c9", "p9", "xuhui", "2023-01-02", "dibao", "inpatient", "12.30", "false")) == (
        rejected,
        rows[0].claim.self_pay_fen,
        rows[0].values,
    )


@pytest.mark.parametrize("parts", [2, 3])
def test_parts_hold_every_row_once_and_each_person_whole(tmp_path: Path, parts: int) -> None:
    """read_claims(part=(k, n)) for k < n: together every row (read or rejected) exactly once, as one read gives
    it; each person's rows (read or rejected) in one part."""
    body = "".join(f"c{i},p{i % 7},minhang,2023-0{1 + i % 9}-01,dibao,outpatient,{i},true\n" for i in range(60))
    body += "short,row\nc99, p3 ,minhang,2023-13-01,dibao,outpatient,1,true\nc98,p1,minhang,2023-01-01,dibao,outpatient,1,true,x\n\n"
    path = write(tmp_path, body)
    whole_rows, whole_rejected = read_claims(path)
    split = [read_claims(path, (k, parts)) for k in range(parts)]
    assert sorted((r.line, r.values) for rows, _ in split for r in rows) == [(r.line, r.values) for r in whole_rows]
    assert sorted((r.line, r.reason) for _, rejected in split for r in rejected) == sorted(
        (r.line, r.reason) for r in whole_rejected
    )
    persons = [{r.claim.person_id for r in rows} for rows, _ in split]
    assert all(not (a & b) for i, a in enumerate(persons) for b in persons[i + 1 :])
    assert sum(1 for rows, _ in split if rows) >= 2  # the 7 persons are spread over the parts
    assert {"expected 8 fields, got 9", "district is empty"} <= {r.reason for _, rejected in split for r in rejected}
    assert any("2023-13-01" in r.reason for r in split[part_of("p3", parts)][1])  # with p3's rows
    assert part_of(" p3 ", parts) == part_of("p3", parts)  # the person_id is trimmed
    with pytest.raises(InternalError, match="part must be"):
        read_claims(path, (2, 2))
