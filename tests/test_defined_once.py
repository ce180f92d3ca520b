"""Things defined once: the kinds of care, the districts and their names, the languages, the lookup index."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import numpy as np
import polars as pl

import medaid
from medaid.batch import lookup_index
from medaid.districts import DISTRICT_IDS, DISTRICT_INDEX, DISTRICTS, lookup_district
from medaid.i18n import LANGS
from medaid.policy.model import KINDS

SOURCE = Path(medaid.__file__).parent


def test_the_kinds_are_written_out_once() -> None:
    """Only medaid.policy.model spells out the kinds as a list; the service's types agree with it."""
    from medaid.service.schemas import Kind, Lang

    pattern = re.compile(r"""\(\s*["']inpatient["'],\s*["']outpatient["']\s*\)""")
    spelled = sorted(str(path.relative_to(SOURCE)) for path in SOURCE.rglob("*.py") if pattern.search(path.read_text()))
    assert ["policy/model.py"] == spelled
    assert KINDS == get_args(Kind)
    assert LANGS == get_args(Lang)


def test_every_name_of_a_district_maps_to_its_index() -> None:
    """Id, Chinese name with and without 区, English name: one table, in the city's order."""
    assert 16 == len(DISTRICTS) == len(set(DISTRICT_IDS))
    for district in DISTRICTS:
        for name in (
            district.id,
            district.name_zh,
            district.name_zh.rstrip("区").removesuffix("新"),
            district.name_en.upper(),
        ):
            assert DISTRICT_INDEX[lookup_district(name).id] == DISTRICT_IDS.index(district.id)
    assert lookup_district("浦东") is DISTRICTS[DISTRICT_INDEX["pudong"]]


def test_the_lookup_index_round_trips_on_ints_arrays_and_expressions() -> None:
    """Every (category, version, kind, resident) gets its own index below size(); the kind reads back."""
    n_categories, n_versions = 5, 3
    combos = [(c, v, k, r) for c in range(n_categories) for v in range(n_versions) for k in (0, 1) for r in (0, 1)]
    packed = [lookup_index.pack(c, v, k, r, n_versions) for c, v, k, r in combos]
    assert sorted(packed) == list(range(lookup_index.size(n_categories, n_versions)))
    assert [k for _c, _v, k, _r in combos] == [lookup_index.kind_of(i) for i in packed]
    assert all(
        lookup_index.without_resident(i) == lookup_index.pack(c, v, k, 0, n_versions)
        for i, (c, v, k, _r) in zip(packed, combos)
    )
    columns = [np.array(column, np.int32) for column in zip(*combos)]
    array = lookup_index.pack(*columns, n_versions)
    assert packed == array.tolist()
    assert columns[2].tolist() == lookup_index.kind_of(array).tolist()
    frame = pl.DataFrame({"index": array})
    assert columns[2].tolist() == frame.select(lookup_index.kind_of(pl.col("index")))["index"].to_list()
