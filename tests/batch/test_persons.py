"""Person codes are exact: equal ids share a code and different ids never do, whatever the hash gives."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.batch.persons import person_codes, person_groups

ids = st.lists(st.one_of(st.none(), st.text(alphabet="ab1 闵", max_size=3)), min_size=1, max_size=60)
#: Hashes that collide on purpose: constant, by length, by first character, or the real one.
HASHES = {
    "constant": lambda s: np.zeros(len(s), np.uint64),
    "length": lambda s: s.str.len_bytes().fill_null(99).cast(pl.UInt64).to_numpy() << np.uint64(40),
    "real": lambda s: s.hash().to_numpy(),
}


def _same_partition(codes: np.ndarray, values: list) -> None:
    by_value: dict = {}
    for code, value in zip(codes.tolist(), values):
        assert by_value.setdefault(value, code) == code  # equal ids, one code
    assert len(set(by_value.values())) == len(by_value)  # different ids, different codes
    assert sorted(set(codes.tolist())) == list(range(len(by_value)))  # dense from 0


@settings(max_examples=200, deadline=None)
@given(ids, st.sampled_from(sorted(HASHES)))
def test_codes_are_exact_whatever_the_hash(values: list, hash_name: str) -> None:
    """With a hash that collides everywhere, by length, or the real one, the codes partition ids exactly."""
    series = pl.Series(values, dtype=pl.String)
    _same_partition(person_codes(series, HASHES[hash_name](series)), values)


@settings(max_examples=200, deadline=None)
@given(ids, st.sampled_from(sorted(HASHES)))
def test_groups_give_each_codes_first_row(values: list, hash_name: str) -> None:
    """``person_groups``: the codes of ``person_codes`` and, per code, the first row that has it."""
    series = pl.Series(values, dtype=pl.String)
    codes, one_row = person_groups(series, HASHES[hash_name](series))
    assert codes.tolist() == person_codes(series, HASHES[hash_name](series)).tolist()
    first = {}
    for row, code in enumerate(codes.tolist()):
        first.setdefault(code, row)
    assert one_row.tolist() == [first[code] for code in range(len(first))]


def test_large_with_collisions() -> None:
    """Many persons whose hashes share their top bits are still told apart."""
    rng = np.random.default_rng(3)
    values = [f"P{v:07d}" for v in rng.integers(0, 50_000, 300_000)]
    series = pl.Series(values)
    weak = series.hash().to_numpy() & np.uint64(0xFFFF)  # low bits only: the sorted top bits are all 0
    codes = person_codes(series, weak)
    assert len(np.unique(codes)) == len(set(values))
    first = {}
    for code, value in zip(codes[:20_000].tolist(), values[:20_000]):
        assert first.setdefault(value, code) == code


@settings(max_examples=100, deadline=None)
@given(ids, st.integers(1, 5))
def test_neighbour_check_in_slices(values: list, slice_rows: int) -> None:
    """Comparing neighbours a few rows at a time gives what one pass gives."""
    from medaid.batch.persons import _same_as_previous

    series = pl.Series(values, dtype=pl.String)
    rows = np.random.default_rng(len(values)).permutation(len(values))
    expected = [i > 0 and values[rows[i]] == values[rows[i - 1]] for i in range(len(values))]
    assert _same_as_previous(series, rows, slice_rows).tolist() == expected
