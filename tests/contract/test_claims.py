"""Parity: the columnar reader (``medaid claims``) and the scalar reader (ledger, library) give every row the same
verdict, the same reason and the same normalised values, on random edge values (issue 11).

Each example is a whole table of rows, so one run checks well over 10 000 rows (80 000 values) in seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medaid.batch.io import read_claims_input
from medaid.batch.parse import DISTRICT_IDS, parse_columns
from medaid.contract import COLUMNS, ClaimsContract
from medaid.errors import Message
from medaid.ledger.claims_file import read_claims

TODAY = dt.date(2025, 6, 30)
CONTRACT = ClaimsContract(today=TODAY)
EPOCH = dt.date(1970, 1, 1)

#: The eight values on which the two readers used to disagree (issue 11), and their neighbours.
ISSUE_VALUES = {
    "category": ["dibao|", "dibao||low_income"],
    "self_pay": [" 5 ", "5_000", "10000000000"],
    "kind": ["Inpatient", "OUTPATIENT"],
    "date": ["20230501", "2023-W18-1"],
}
EDGES = {
    "claim_id": ["c1", "c2", "c3", " c1 ", "c1\u3000", "", "  "],
    "person_id": ["P1", "P1 ", " P1", "\u3000P1", "p2", "", "P\u00a02"],
    "district": [
        "minhang",
        "闵行",
        "闵行区",
        "Minhang",
        "MINHANG",
        " pudong ",
        "浦东",
        "浦东新区",
        "jing'an",
        "Jing'an",
        "atlantis",
        "",
        "区",
        "黄浦区 ",
    ],
    "date": [
        "2023-05-01",
        "2023/5/1",
        "2023年5月1日",
        "2023-5-1",
        "2023/05/01",
        "2023-02-30",
        "2017-03-01",
        "2203-05-01",
        "2025-06-30",
        "2025-07-01",
        " 2024-12-31 ",
        "",
        "2023-05-01T00:00",
        "２０２３-05-01",
        "2023年5月1",
        "1.5.2023",
    ],
    "category": [
        "dibao",
        "低保",
        "DIBAO",
        " dibao | low_income ",
        "低保|低收入",
        "low_income|dibao|low_income",
        "特困",
        "extreme_poverty",
        "城乡低保家庭成员",
        "wizard",
        "",
        "|",
        "dibao|wizard",
        "Dibao",
    ],
    "kind": ["inpatient", "outpatient", "住院", "门急诊", "门诊", "急诊", "dental", "", " outpatient ", "Outpatient "],
    "self_pay": [
        "0",
        "0.05",
        "5500",
        "5500.5",
        "5500.50",
        "+5",
        "999999999.99",
        "1000000000",
        "1.005",
        "-5",
        "-0",
        "1e3",
        "１２３４５",
        "5,000",
        "",
        ".5",
        "5.",
        "0" * 40 + "1",
        "12abc",
        " 3000 ",
        "NaN",
        "inf",
        "0x10",
    ],
    "resident_insurance": ["true", "TRUE", "yes", "Yes", "1", "是", "否", "0", "no", "False", "maybe", "", " true "],
}
for column, values in ISSUE_VALUES.items():
    EDGES[column] += values

#: Well-formed values, drawn most of the time so that many rows are valid and their values compared.
VALID = {
    "claim_id": [f"c{n}" for n in range(40)],
    "person_id": ["P1", "P2", "p3", "P1 ", "Ｐ4"],
    "district": ["minhang", "闵行", "pudong", "浦东新区", "Xuhui"],
    "date": ["2023-05-01", "2023/5/1", "2024年1月31日", "2018-07-01", "2022-12-31"],
    "category": ["dibao", "低保", "low_income|dibao", "特困", "medical_poverty_1"],
    "kind": ["inpatient", "outpatient", "住院", "门急诊"],
    "self_pay": ["0", "300", "5500.50", "130000", "0.01"],
    "resident_insurance": ["true", "false", "是", "0"],
}
_junk = st.text(alphabet=st.sampled_from("0123456789.+-_ |ab低保住院闵行年月日/\u3000\t"), max_size=12)


def cell(column: str) -> st.SearchStrategy:
    """A value for ``column``: an edge value, a well-formed random one, junk, or a missing value."""
    options = [st.sampled_from(EDGES[column]), _junk, st.none()]
    if column == "self_pay":
        options.append(st.integers(0, 10**11).map(lambda fen: f"{fen // 100}.{fen % 100:02d}"))
    if column == "date":
        days = st.dates(dt.date(2016, 1, 1), dt.date(2027, 12, 31))
        options.append(
            st.tuples(
                days, st.sampled_from(["{:%Y-%m-%d}", "{d.year}/{d.month}/{d.day}", "{d.year}年{d.month}月{d.day}日"])
            ).map(lambda pair: pair[1].format(pair[0], d=pair[0]))
        )
    return st.one_of(*options)


@st.composite
def tables(draw, size: int = 150) -> list[tuple]:
    """``size`` rows: hypothesis draws a pool of odd values per column and a seed; each cell is then a
    well-formed value (nine times in ten) or one from the pool and the edge values, chosen by the seed.
    Cheap to draw, so a run checks many rows; hypothesis still shrinks the pools and the seed."""
    pools = {column: draw(st.lists(cell(column), min_size=1, max_size=10)) + EDGES[column] for column in COLUMNS}
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    odd = rng.random((size, len(COLUMNS))) < 0.1
    picks = rng.integers(0, 1 << 30, (size, len(COLUMNS)))
    return [
        tuple(
            (pools[c] if odd[i, k] else VALID[c])[picks[i, k] % len(pools[c] if odd[i, k] else VALID[c])]
            for k, c in enumerate(COLUMNS)
        )
        for i in range(size)
    ]


def scalar(table_rows: list[tuple]) -> list[tuple]:
    """Per row: (reason, None) or (None, normalised values), by the scalar reader (duplicate rule included)."""
    out = []
    for _line, values, reason in CONTRACT.rows((i + 2, row) for i, row in enumerate(table_rows)):
        if values is None:
            out.append((reason, None))
        else:
            out.append(
                (
                    None,
                    (
                        values.claim_id,
                        values.person_id,
                        values.district,
                        values.date,
                        "|".join(values.categories),
                        values.kind,
                        values.self_pay_fen,
                        values.resident_insurance,
                    ),
                )
            )
    return out


def columnar(table: pl.DataFrame, **read) -> list[tuple]:
    """The same, by the columnar reader (person ids compared as the codes it gives)."""
    parsed = parse_columns(table, CONTRACT, **read)
    reasons = dict(zip(parsed.bad.tolist(), parsed.reasons))
    claim_ids = table["claim_id"].cast(pl.String).fill_null("").to_list()
    out = []
    for i in range(table.height):
        if i in reasons:
            out.append((reasons[i], None))
            continue
        out.append(
            (
                None,
                (
                    claim_ids[i].strip(" \t\r\n\u00a0\u3000\ufeff"),
                    int(parsed.person[i]),
                    DISTRICT_IDS[parsed.district[i]],
                    EPOCH + dt.timedelta(days=int(parsed.day[i])),
                    parsed.categories[parsed.category[i]],
                    ("inpatient", "outpatient")[parsed.kind[i]],
                    int(parsed.fen[i]),
                    bool(parsed.resident[i]),
                ),
            )
        )
    return out


def message(reason: object) -> object:
    """A reason as its message id and fields (nested messages too), what a translation is made from."""
    if isinstance(reason, Message):
        return (reason.msgid, {name: message(value) for name, value in reason.fields.items()})
    return reason


def assert_same(by_scalar: list[tuple], by_columns: list[tuple]) -> None:
    """Same verdict and reason (its text, message id and fields) on every row, same values; person ids: equal
    ids ⇔ equal codes."""
    assert len(by_scalar) == len(by_columns)
    persons: dict[str, int] = {}
    codes: dict[int, str] = {}
    for line, ((reason_s, values_s), (reason_c, values_c)) in enumerate(zip(by_scalar, by_columns), start=2):
        assert reason_s == reason_c, f"line {line}"
        assert message(reason_s) == message(reason_c), f"line {line}"
        assert reason_s is None or isinstance(reason_s, Message) and isinstance(reason_c, Message), f"line {line}"
        if values_s is None:
            continue
        assert values_s[:1] + values_s[2:] == values_c[:1] + values_c[2:], f"line {line}"
        assert (
            persons.setdefault(values_s[1], values_c[1]) == values_c[1]
            and codes.setdefault(values_c[1], values_s[1]) == values_s[1]
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables(300))
def test_columnar_and_scalar_readers_agree_on_every_value(table_rows: list[tuple]) -> None:
    """≥ 10 000 rows a run (40 tables of 300 rows, 96 000 values): verdict, reason and normalised value agree."""
    table = pl.DataFrame(
        {column: [row[k] for row in table_rows] for k, column in enumerate(COLUMNS)},
        schema=dict.fromkeys(COLUMNS, pl.String),
    )
    by_scalar = scalar(table_rows)
    assert_same(by_scalar, columnar(table))
    assert sum(values is not None for _reason, values in by_scalar) > 30  # the good path is compared too


def test_the_eight_issue_values_are_judged_alike() -> None:
    """Each value from the issue, in an otherwise good row: both readers refuse it (or accept it) alike."""
    good = ("c", "P1", "minhang", "2023-05-01", "dibao", "inpatient", "100", "true")
    table_rows = []
    for column, values in ISSUE_VALUES.items():
        for n, value in enumerate(values):
            row = list(good)
            row[0] = f"{column}-{n}"
            row[COLUMNS.index(column)] = value
            table_rows.append(tuple(row))
    by_scalar = scalar(table_rows)
    assert_same(
        by_scalar,
        columnar(pl.DataFrame(dict(zip(COLUMNS, zip(*table_rows))), schema=dict.fromkeys(COLUMNS, pl.String))),
    )
    verdicts = {
        row[COLUMNS.index(column)] if column != "claim_id" else "": result[0] is None
        for row, result, column in zip(table_rows, by_scalar, [c for c, vs in ISSUE_VALUES.items() for _ in vs])
    }
    # " 5 " (trimmed) and Inpatient/OUTPATIENT (any case) are good; the rest are refused.
    assert {v for v, ok in verdicts.items() if ok} == {" 5 ", "Inpatient", "OUTPATIENT"}


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(tables(60), st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_the_two_file_readers_agree_line_by_line(tmp_path_factory, table_rows: list[tuple], encoding: str) -> None:
    """Written to a CSV file (any of the encodings), ``medaid claims``' reader and the ledger's give every line the
    same verdict and reason, and the same values to the rows both read."""
    path: Path = tmp_path_factory.mktemp("parity") / "claims.csv"
    with path.open("w", encoding=encoding, newline="", errors="replace") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows([["" if value is None else value for value in row] for row in table_rows])
    read = read_claims_input(path)
    parsed = parse_columns(read.table, CONTRACT, lines=read.lines, refused=read.refused)
    lines = read.lines if read.lines is not None else np.arange(read.table.height) + 2
    batch = {int(lines[i]): reason for i, reason in zip(parsed.bad, parsed.reasons)}
    rows_, rejected = read_claims(path, today=TODAY)
    ledger = {row.line: reason for row, reason in ((r, r.reason) for r in rejected)}
    assert batch == ledger
    assert {line: message(reason) for line, reason in batch.items()} == {
        line: message(reason) for line, reason in ledger.items()
    }
    assert all(isinstance(reason, Message) for reason in (*batch.values(), *ledger.values()))
    for lang in ("zh", "en"):  # so the same text in either language
        assert {n: r.render(lang) for n, r in batch.items()} == {n: r.render(lang) for n, r in ledger.items()}
    good = sorted({int(n) for n in lines} - set(batch))
    assert good == [row.line for row in rows_]
    fen = {int(lines[i]): int(parsed.fen[i]) for i in range(read.table.height)}
    assert all(fen[row.line] == row.claim.self_pay_fen for row in rows_)
