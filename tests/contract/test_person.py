"""``medaid.contract.person``: one person's claims read from a Parquet, CSV (UTF-8, GBK) or xlsx file alike."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medaid.contract.person import person_claims
from medaid.errors import InputError
from medaid.ledger.claims_file import ClaimRow, ClaimsFileReader
from tests.ledger.helpers import make_claims, write_claims_csv


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write(rows: list[list[str]], path: Path, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def _parquet(rows: list[list[str]], path: Path) -> Path:
    pl.DataFrame(rows[1:], schema=rows[0], orient="row").write_parquet(path)
    return path


def _xlsx(rows: list[list[str]], path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _expected(path: Path, person: str) -> list[tuple]:
    """The person's readable claims as the whole-file scalar reader reads them."""
    return [
        (item.claim.claim_id, item.claim.date, item.claim.kind, item.claim.self_pay_fen, item.claim.categories)
        for item in ClaimsFileReader(path)
        if isinstance(item, ClaimRow) and item.claim.person_id == person
    ]


def _got(path: Path, claim_id: str) -> tuple[str, list[tuple]]:
    found = person_claims(path, claim_id)
    return found.target.person_id, [(c.claim_id, c.date, c.kind, c.self_pay_fen, c.categories) for c in found.claims]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), pad=st.sampled_from(["", " ", "\u3000"]), dup=st.integers(1, 30))
def test_parquet_and_csv_give_the_whole_files_rows(tmp_path_factory, seed: int, pad: str, dup: int) -> None:
    """With padded ids and a claim_id repeated across persons, each format gives the scalar reader's rows."""
    folder = tmp_path_factory.mktemp("person")
    rows = _rows(write_claims_csv(folder / "plain.csv", make_claims(40, 5, seed=seed, years=(2022, 2023))))
    rows[dup][1] = pad + rows[dup][1] + pad  # a padded person_id is the same person
    rows[dup][0] = rows[dup + 3][0]  # a claim_id given twice: the later copy is refused
    reference = _write(rows, folder / "c.csv")
    files = (
        reference,
        _parquet(rows, folder / "c.parquet"),
        _write(rows, folder / "gbk.csv", "gbk"),
        _write(rows, folder / "bom.csv", "utf-8-sig"),
    )
    for row in rows[1:]:
        claim_id = row[0].strip()
        try:
            person, _ = _got(reference, claim_id)
        except InputError:
            continue  # the claim's row is refused: checked in test_refused_claim_named
        expected = _expected(reference, person)
        for path in files:
            assert _got(path, claim_id) == (person, expected), (path.name, claim_id)


def test_xlsx_and_chinese_headers(tmp_path: Path) -> None:
    """A workbook with the Chinese header names gives the same person's claims as the CSV."""
    rows = _rows(write_claims_csv(tmp_path / "c.csv", make_claims(30, 3, seed=7)))
    chinese = [
        ["结算单号", "人员编号", "区", "结算日期", "救助类别", "就诊类型", "自负金额", "城乡居民医保"],
        *rows[1:],
    ]
    claim_id = rows[5][0]
    expected = _got(tmp_path / "c.csv", claim_id)
    assert _got(_xlsx(chinese, tmp_path / "c.xlsx"), claim_id) == expected
    assert _got(_parquet(chinese, tmp_path / "c.parquet"), claim_id) == expected
    assert len(expected[1]) > 1


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_refused_claim_named(tmp_path: Path, suffix: str) -> None:
    """A claim on a refused row is named with its line and reason, the same in every format."""
    rows = _rows(write_claims_csv(tmp_path / "c.csv", make_claims(10, 2, seed=1)))
    rows[4][6] = "-5.00"
    path = _write(rows, tmp_path / "x.csv") if suffix == ".csv" else _parquet(rows, tmp_path / "x.parquet")
    with pytest.raises(InputError, match=r"line 5: claim_id 'c000003' is on a rejected row: self_pay"):
        person_claims(path, "c000003")
    with pytest.raises(InputError, match="no claim with claim_id 'nope'"):
        person_claims(path, "nope")


def test_utf8_csv_is_not_read_row_by_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A UTF-8 CSV is scanned by polars for a found claim and for a missing one (never the slow reader)."""
    from medaid.contract import person

    path = write_claims_csv(tmp_path / "c.csv", make_claims(20, 3, seed=2))
    monkeypatch.setattr(person, "_read_rows", lambda *args: pytest.fail("read row by row"))
    assert person_claims(path, "c000004").target.claim_id == "c000004"
    with pytest.raises(InputError, match="no claim with claim_id 'nope'"):
        person_claims(path, "nope")


def test_claim_without_a_person_is_refused(tmp_path: Path) -> None:
    """A claim whose row has no person_id is named as refused (not as missing), in Parquet as in CSV."""
    rows = _rows(write_claims_csv(tmp_path / "c.csv", make_claims(6, 2, seed=3)))
    rows[2][1] = ""
    for path in (_write(rows, tmp_path / "x.csv"), _parquet(rows, tmp_path / "x.parquet")):
        with pytest.raises(InputError, match="line 3: claim_id 'c000001' is on a rejected row: person_id"):
            person_claims(path, "c000001")
