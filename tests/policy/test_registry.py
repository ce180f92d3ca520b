"""Finding the version in force, reforms over a version, and diffs between versions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from medaid.errors import NoPolicyError, PolicyError
from medaid.policy import default_registry
from medaid.policy.params import diff, parameters

REGISTRY = default_registry()


@pytest.mark.parametrize(
    "day, expected",
    [
        (dt.date(2018, 6, 30), "medical-assistance-pre-2018-07"),
        (dt.date(2018, 7, 1), "medical-assistance-2018-07"),
        (dt.date(2022, 12, 31), "medical-assistance-2018-07"),
        (dt.date(2023, 1, 1), "medical-assistance-2023"),
        (dt.date(2030, 1, 1), "medical-assistance-2024"),
    ],
)
def test_version_in_force(day: dt.date, expected: str) -> None:
    """Each date gets the version whose range holds it, boundaries included."""
    assert expected == REGISTRY.medical_assistance(day).id


def test_date_before_every_version() -> None:
    """A date before the first version names the covered span."""
    with pytest.raises(
        NoPolicyError, match="no medical-assistance policy in force on 2017-12-31; versions cover 2018-01-01 to now"
    ):
        REGISTRY.medical_assistance(dt.date(2017, 12, 31))


def test_diff_2018_07_to_2023_is_the_outpatient_caps() -> None:
    """The only parameters that changed in 2023 are the two outpatient caps."""
    changes = diff(REGISTRY.get("medical-assistance-2018-07"), REGISTRY.get("medical-assistance-2023"))
    assert [
        ("categories.dibao.outpatient.cap", "2500.00", "2800.00"),
        ("categories.low_income.outpatient.cap", "2500.00", "2800.00"),
    ] == [(c.key, c.old.value, c.new.value) for c in changes]


def test_every_parameter_names_a_source() -> None:
    """No shipped parameter is without a source document."""
    for policy in REGISTRY:
        for parameter in parameters(policy):
            assert parameter.source and parameter.source != "(missing source)", (policy.id, parameter.key)


def test_reform_changes_only_its_keys_and_cites_itself(tmp_path: Path) -> None:
    """A reform overrides its keys, cites the reform file for them, and drops the base's provisional mark."""
    reform = tmp_path / "cap3000.toml"
    reform.write_text(
        'extends = "medical-assistance-2023"\n[categories.low_income.outpatient]\ncap = 3000\n', encoding="utf-8"
    )
    policy = REGISTRY.reform(reform)
    rule = policy.categories["low_income"].outpatient
    assert (300_000, 500_000, "reform", None) == (
        rule.cap_fen,
        rule.ratio_ppm,
        rule.citation.source.key,
        rule.citation.provisional,
    )
    assert [("categories.low_income.outpatient.cap", "2800.00", "3000.00")] == [
        (c.key, c.old.value, c.new.value) for c in diff(REGISTRY.get("medical-assistance-2023"), policy)
    ]
    assert policy.content_hash != REGISTRY.get("medical-assistance-2023").content_hash


def test_reform_with_unknown_key_names_the_reform_file(tmp_path: Path) -> None:
    """A typo in a reform is blamed on the reform file with its key path."""
    reform = tmp_path / "typo.toml"
    reform.write_text(
        'extends = "medical-assistance-2023"\n[categories.low_income.outpatient]\ncapp = 3000\n', encoding="utf-8"
    )
    with pytest.raises(PolicyError, match=r"typo\.toml: categories\.low_income\.outpatient\.capp: unknown key"):
        REGISTRY.reform(reform)


def test_reform_of_unknown_base(tmp_path: Path) -> None:
    """A reform extending an unknown id lists the known ids."""
    reform = tmp_path / "nobase.toml"
    reform.write_text('extends = "medical-assistance-1999"\n', encoding="utf-8")
    with pytest.raises(PolicyError, match="no policy with id 'medical-assistance-1999'; known: "):
        REGISTRY.reform(reform)
