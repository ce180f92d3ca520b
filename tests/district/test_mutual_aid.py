"""Mutual-aid funding by level: the Minhang figures (闵行区医疗保障局2023年区级部门预算) and the level shares adding up."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medaid.district.mutual_aid import (
    PARTICIPANT_TYPES,
    Participants,
    mutual_aid_funding,
    mutual_aid_policy,
    read_participants_csv,
)
from medaid.districts import DISTRICTS, district
from medaid.errors import InputError, NoPolicyError
from medaid.money import parse_yuan
from medaid.policy.registry import default_registry

REGISTRY = default_registry()
MUTUAL_AID = [p for p in REGISTRY if p.scheme == "mutual_aid"]
MINHANG_2022 = [Participants("towns", "town", 29111), Participants("streets", "street", 7212)]


def test_minhang_2022_published_aggregates() -> None:
    """29 111 town and 7 212 street participants: city 56 482 265, district 33 848 462.50, town 22 633 802.50."""
    result = mutual_aid_funding(mutual_aid_policy(REGISTRY, 2022), district("闵行区"), MINHANG_2022)
    totals = result.totals
    expected = [parse_yuan(v) for v in ("4721990", "56482265", "33848462.50", "22633802.50", "117686520")]
    assert expected == [totals.individual_fen, totals.city_fen, totals.district_fen, totals.town_fen, totals.total_fen]
    assert 36323 == result.participants()


def test_minhang_per_person_shares() -> None:
    """Per person: town 1 555 / 777.5 / 777.5, street 1 555 / 1 555 / 0, individual 130 each."""
    per = mutual_aid_funding(mutual_aid_policy(REGISTRY, 2022), district("minhang"), []).per_person
    assert (13000, 155500, 77750, 77750) == (
        per["town"].individual_fen,
        per["town"].city_fen,
        per["town"].district_fen,
        per["town"].town_fen,
    )
    assert (155500, 155500, 0) == (per["street"].city_fen, per["street"].district_fen, per["street"].town_fen)


def test_year_without_a_standard() -> None:
    """2021 has no mutual-aid version: a NoPolicyError naming the date."""
    with pytest.raises(NoPolicyError, match="2021-01-01"):
        mutual_aid_policy(REGISTRY, 2021)


def test_2023_carries_the_standard_forward_provisionally() -> None:
    """2023 uses the 2022 standard and says it is provisional (D9)."""
    result = mutual_aid_funding(mutual_aid_policy(REGISTRY, 2023), district("minhang"), MINHANG_2022)
    assert 11768652000 == result.totals.total_fen and "D9" == result.provisional["standard"]


def test_negative_count_is_refused() -> None:
    """A negative number of participants is an input error."""
    with pytest.raises(InputError, match="must not be negative, got -1"):
        mutual_aid_funding(MUTUAL_AID[0], district("minhang"), [Participants("x", "town", -1)])


@settings(max_examples=80)
@given(
    st.sampled_from(MUTUAL_AID), st.sampled_from(DISTRICTS), st.sampled_from(PARTICIPANT_TYPES), st.integers(0, 10**7)
)
def test_levels_add_up_to_the_standard(policy, where, kind, count) -> None:
    """For every year, district and participant type, the levels add up to participants × standard."""
    result = mutual_aid_funding(policy, where, [Participants("u", kind, count)])
    assert count * policy.standard.total_fen == result.totals.total_fen
    assert policy.standard.total_fen == result.per_person[kind].total_fen
    assert count * policy.standard.individual_fen == result.totals.individual_fen


def test_participants_csv(tmp_path) -> None:
    """A CSV per town/street gives the same totals as the two counts; 镇/街道 are accepted."""
    path = tmp_path / "p.csv"
    path.write_text(
        "unit,type,participants\n莘庄镇,镇,20000\n七宝镇,town,9111\n江川路街道,街道,7212\n", encoding="utf-8"
    )
    policy = mutual_aid_policy(REGISTRY, 2022)
    from_csv = mutual_aid_funding(policy, district("minhang"), read_participants_csv(path))
    assert mutual_aid_funding(policy, district("minhang"), MINHANG_2022).totals == from_csv.totals
    assert 3 == len(from_csv.units)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("unit,type\na,town\n", "lacks required column participants (参加人数)"),
        ("unit,type,participants\na,village,3\n", ": line 2: column type must be town or street"),
        ("unit,type,participants\na,town,-3\n", ": line 2: column participants must not be negative, got '-3'"),
        ("unit,type,participants\na,town,3.5\n", ": line 2: column participants must be a whole number"),
    ],
)
def test_bad_participants_csv(tmp_path, content, message) -> None:
    """A bad participants file names the line, column and value."""
    path = tmp_path / "p.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_participants_csv(path)
    assert message in str(info.value)


def test_a_district_split_of_its_own_overrides_the_default() -> None:
    """A policy value for Pudong's town split (here 50/30/20) is used for Pudong only."""
    import attrs

    from medaid.policy.model import MutualAidShares

    policy = mutual_aid_policy(REGISTRY, 2022)
    own = MutualAidShares(500_000, 300_000, 200_000, policy.shares["town"].citation)
    changed = attrs.evolve(policy, district_shares={"pudong": {"town": own}})
    pudong = mutual_aid_funding(changed, district("pudong"), [Participants("t", "town", 10)])
    minhang = mutual_aid_funding(changed, district("minhang"), [Participants("t", "town", 10)])
    assert (93300, 62200, False) == (
        pudong.per_person["town"].district_fen,
        pudong.per_person["town"].town_fen,
        pudong.default_shares,
    )
    assert (77750, True) == (minhang.per_person["town"].district_fen, minhang.default_shares)
    assert 10 * 324000 == pudong.totals.total_fen
