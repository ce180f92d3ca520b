"""The city-to-district transfer (D10) against table 1 of the 2023 self-evaluation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.district.transfer import FEN_PER_WAN, TransferInput, compute_transfer, parse_wan, read_transfer_csv
from medaid.districts import DISTRICTS, district
from medaid.errors import InputError
from medaid.policy.registry import default_registry

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "transfer-2023.csv"
#: 建议下达数（报市财政）, the last column of table 1, 万元.
PUBLISHED = {
    "huangpu": 994,
    "xuhui": 696,
    "changning": 240,
    "putuo": 1170,
    "jingan": 1157,
    "hongkou": 465,
    "yangpu": 572,
    "baoshan": 1505,
    "minhang": 928,
    "jiading": 686,
    "pudong": 6352,
    "jinshan": 2535,
    "songjiang": 1504,
    "qingpu": 637,
    "fengxian": 719,
    "chongming": 5362,
}
POLICY = default_registry().get("medical-assistance-2023")


@pytest.fixture(scope="module")
def result():
    return compute_transfer(read_transfer_csv(EXAMPLE), POLICY)


def test_all_sixteen_published_rows(result) -> None:
    """Every district's transfer is the published 建议下达数."""
    assert PUBLISHED == {row.district.id: row.transfer_wan for row in result.rows}


def test_published_total_is_the_sum_of_rounded_rows(result) -> None:
    """The total is 25 522, the unrounded total 25 520.32 (25 520 if rounded once)."""
    assert (25522, Decimal("25520.32"), 25520) == (
        result.total_wan,
        result.exact_total_wan,
        result.rounded_exact_total_wan,
    )


def test_column_totals_match_the_table(result) -> None:
    """The input columns add up to the table's 合计 row."""
    totals = [result.column_total_fen(c) for c in ("clearing_fen", "pre_allocation_fen", "audit_overpayment_fen")]
    assert [parse_wan("-5451.09"), parse_wan("31124"), parse_wan("-305.18")] == totals


def test_audit_share_is_the_policy_value(result) -> None:
    """The city's half of the audit comes from funding.audit_city_share; a reform changes the rows."""
    assert 500_000 == result.audit_city_share_ppm
    full = attrs.evolve(POLICY, funding=attrs.evolve(POLICY.funding, audit_city_share_ppm=1_000_000))
    changed = compute_transfer(read_transfer_csv(EXAMPLE), full)
    assert (993, Decimal("25367.73")) == (changed.rows[0].transfer_wan, changed.exact_total_wan)


def test_half_rounds_up_and_negative_half_away_from_zero() -> None:
    """Jiading's 685.50 gives 686; a negative -0.5 gives -1 (四舍五入 symmetric)."""
    rows = [
        TransferInput(district("jiading"), parse_wan("79.50"), parse_wan("606"), 0),
        TransferInput(district("minhang"), parse_wan("-0.5"), 0, 0),
    ]
    assert [686, -1] == [row.transfer_wan for row in compute_transfer(rows, POLICY).rows]


amounts = st.integers(-(10**7) * FEN_PER_WAN // 10**4, 10**7 * FEN_PER_WAN // 10**4).map(lambda v: v * 10**4)


@settings(max_examples=60)
@given(st.lists(st.tuples(amounts, amounts, amounts), min_size=1, max_size=16), st.integers(0, 1_000_000))
def test_rows_round_to_nearest_and_total_is_their_sum(values, share) -> None:
    """Each row is within half a 万元 of its exact value; the total is the sum of the rows."""
    policy = attrs.evolve(POLICY, funding=attrs.evolve(POLICY.funding, audit_city_share_ppm=share))
    inputs = [TransferInput(DISTRICTS[i], *v) for i, v in enumerate(values)]
    result = compute_transfer(inputs, policy)
    for row in result.rows:
        assert abs(row.exact_wan - row.transfer_wan) <= Decimal("0.5")
    assert sum(row.transfer_wan for row in result.rows) == result.total_wan


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "district,clearing,pre_allocation\nminhang,1,2\n",
            "lacks required column audit_overpayment (审计发现多支付资金)",
        ),
        (
            "district,clearing,pre_allocation,audit_overpayment\nnowhere,1,2,3\n",
            ": line 2: column district: unknown district 'nowhere'",
        ),
        (
            "district,clearing,pre_allocation,audit_overpayment\nminhang,1.2.3,2,3\n",
            ": line 2: column clearing must be 万元",
        ),
        (
            "district,clearing,pre_allocation,audit_overpayment\nminhang,1,,3\n",
            ": line 2: column pre_allocation must be 万元",
        ),
        (
            "district,clearing,pre_allocation,audit_overpayment\nminhang,1,2,3\n闵行区,1,2,3\n",
            ": line 3: district '闵行区' again (first on line 2)",
        ),
        ("district,clearing,pre_allocation,audit_overpayment\n", "no district rows"),
        ("", "the file is empty"),
    ],
)
def test_bad_input_names_line_and_column(tmp_path, content, message) -> None:
    """A bad table gives one error naming the file, line and column."""
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=None) as info:
        read_transfer_csv(path)
    assert message in str(info.value)
