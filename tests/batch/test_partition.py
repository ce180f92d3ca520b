"""settle_partition: any split of the claims by person, in any row order, settles as the whole file does."""

from __future__ import annotations

import polars as pl
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.batch import settle_batch
from medaid.batch.partition import MONEY, merge_summaries, settle_partition, settled_schema
from medaid.dist.dataset import CKEY, PKEY, duplicate_keys, keyed, with_ghosts

COLUMNS = ("claim_id", "person_id", "district", "date", "category", "kind", "self_pay", "resident_insurance")


@st.composite
def claim_rows(draw, max_rows: int = 40) -> pl.DataFrame:
    """Claims of a few persons with ties on one date, duplicate claim ids across persons and bad values."""
    count = draw(st.integers(0, max_rows))
    row = st.fixed_dictionaries(
        {
            "claim_id": st.sampled_from([f"c{i}" for i in range(25)] + ["c1 ", ""]),
            "person_id": st.sampled_from(["p1", "p2", "p3", "p4", "p5", " p1", ""]),
            "district": st.sampled_from(["minhang", "闵行区", "pudong", "atlantis"]),
            "date": st.sampled_from(
                ["2022-12-31", "2023-01-01", "2023-05-01", "2023-05-01", "2024-02-29", "2017-03-01", "2023-13-01"]
            ),
            "category": st.sampled_from(
                [
                    "dibao",
                    "low_income",
                    "special_relief",
                    "medical_poverty_1",
                    "dibao|low_income",
                    "wizard",
                    "extreme_poverty",
                ]
            ),
            "kind": st.sampled_from(["outpatient", "outpatient", "inpatient", "dental"]),
            "self_pay": st.sampled_from(
                ["0", "100", "299.99", "300", "300.01", "2800", "5500", "150000", "-5", "1.234", ""]
            ),
            "resident_insurance": st.sampled_from(["true", "false", "maybe"]),
        }
    )
    return pl.DataFrame(draw(st.lists(row, min_size=count, max_size=count)), schema=dict.fromkeys(COLUMNS, pl.String))


def split_and_settle(frame: pl.DataFrame, partitions: int, seed: int):
    """What a runner does, in one process: number, key, split by person, shuffle rows, add ghosts, settle."""
    numbered = keyed(frame, seq=0, row=0, name="claims")
    duplicates = duplicate_keys(numbered.group_by(CKEY).len(name="count"))
    candidates = numbered.filter(pl.col(CKEY).is_in(duplicates))
    parts = numbered.with_columns(__part=pl.col(PKEY) % partitions).partition_by("__part", include_key=False)
    return [
        settle_partition(with_ghosts(part.sample(fraction=1.0, shuffle=True, seed=seed), candidates).to_arrow())
        for part in parts
    ]


def ordered(table: pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    return frame.sort(frame.columns)


@settings(max_examples=40, deadline=None)
@given(claim_rows(), st.integers(1, 5), st.integers(0, 2**16))
def test_any_split_equals_one_process(frame: pl.DataFrame, partitions: int, seed: int) -> None:
    """Settled rows, rejects (row numbers and reasons) and the summary equal medaid claims on the whole file."""
    whole = settle_batch(frame)
    results = split_and_settle(frame, partitions, seed)
    schema = settled_schema(pa.schema([(c, pa.string()) for c in COLUMNS]))
    expected = whole.table.to_arrow().cast(schema)
    settled = pa.concat_tables([r.settled for r in results]) if results else expected.slice(0, 0)
    assert settled.schema == schema
    assert ordered(expected).equals(ordered(settled))
    rejects = pl.concat([pl.from_arrow(r.rejects) for r in results]) if results else whole.rejects
    assert whole.rejects.with_columns(pl.col("line").cast(pl.Int64)).sort("line").equals(rejects.sort("line"))
    if results:
        assert merge_summaries(r.summary for r in results) == whole.summary


def test_declared_schema_from_typed_input() -> None:
    """Typed claims (dictionary text, large strings, Date, Decimal) come out as string, date32 and decimal128(18, 2)."""
    from medaid.synth import synth_claims

    table = synth_claims(300, 2023, seed=3).to_arrow()
    result = settle_partition(table)
    types = {f.name: f.type for f in result.settled.schema}
    assert types["district"] == types["claim_id"] == types["policy_id"] == pa.string()
    assert types["date"] == pa.date32()
    assert types["self_pay"] == types["assistance"] == types["cap"] == MONEY
    assert result.settled.num_rows == 300 and result.rejects.num_rows == 0


def test_ties_settle_in_input_order_whatever_the_row_order() -> None:
    """Two claims of one person on one date: the one earlier in the input (_seq) takes the cap first."""
    rows = pa.table(
        {
            "claim_id": ["late", "early"],
            "person_id": ["p", "p"],
            "district": ["minhang"] * 2,
            "date": ["2023-03-01"] * 2,
            "category": ["dibao"] * 2,
            "kind": ["outpatient"] * 2,
            "self_pay": ["5000", "5000"],
            "resident_insurance": ["false"] * 2,
            "_seq": [9, 4],
        }
    )
    paid = dict(zip(*(settle_partition(rows).settled.column(c).to_pylist() for c in ("claim_id", "assistance"))))
    assert (str(paid["early"]), str(paid["late"])) == ("2800.00", "0.00")


def test_rejects_carry_file_rows() -> None:
    """A reject names the row of its own file (``_row``), and a duplicate names its first copy's row there."""
    rows = pa.table(
        {
            "claim_id": ["a", "a", "b"],
            "person_id": ["q", "p", "p"],
            "district": ["minhang"] * 3,
            "date": ["2023-03-01"] * 3,
            "category": ["dibao"] * 3,
            "kind": ["outpatient", "outpatient", "dental"],
            "self_pay": ["10"] * 3,
            "resident_insurance": ["false"] * 3,
            "_seq": [100, 205, 230],
            "_row": [0, 105, 130],
            "_ghost": [True, False, False],
            "_file": ["a.parquet", "b.parquet", "b.parquet"],
        }
    )
    result = settle_partition(rows)
    assert result.settled.num_rows == 0
    rejects = pl.from_arrow(result.rejects)
    assert rejects.columns[:3] == ["line", "reason", "file"]
    assert rejects["line"].to_list() == [107, 132]  # _row 105 and 130, 0-based data rows; the header is line 1
    assert rejects["reason"][0] == "duplicate claim_id 'a' (first at line 2)"
    assert (result.summary.rows_in, result.summary.rejected) == (2, 2)
