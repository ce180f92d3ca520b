"""Who funds the community medical mutual-aid scheme (市民社区医疗互助帮困计划), level by level.

Per participant and year the standard is a medical part and a care part (2022: 2 740 + 500 = 3 240 yuan,
沪医保规〔2021〕21号). The individual contribution (130) is netted against the medical part; the rest is
government money shared by ppm between city (市), district (区) and town (镇) — for a street (街道)
participant the town's share is 0 and the district pays it (Minhang's split under 闵府抄〔2009〕68号,
the default for every district: D9). Policy keys: ``standard``, ``shares.<town|street>``,
``districts.<id>.<town|street>``.

A unit's government money (participants × per-person government funding) is split once, with
:func:`medaid.district.funding.split`, so each unit's levels add up to its standard exactly; totals are
sums over units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import attrs

from medaid.district._csv import read_rows
from medaid.district.funding import split
from medaid.districts import District
from medaid.errors import N_, InputError, InternalError
from medaid.policy.model import MutualAidPolicy, MutualAidShares

__all__ = [
    "PARTICIPANT_TYPES",
    "Levels",
    "Participants",
    "UnitFunding",
    "MutualAidFunding",
    "mutual_aid_funding",
    "mutual_aid_policy",
    "read_participants_csv",
    "parse_count",
]

#: Where a participant is registered: a town (镇, incl. 工业区) or a street (街道).
PARTICIPANT_TYPES = ("town", "street")
_TYPE_NAMES = {"town": "town", "street": "street", "镇": "town", "街道": "street"}


@attrs.frozen
class Levels:
    """Amounts (fen) paid by each level: individuals, city, district, town; ``total_fen`` is their sum."""

    individual_fen: int
    city_fen: int
    district_fen: int
    town_fen: int

    @property
    def total_fen(self) -> int:
        """Everything raised: the individual contributions plus the three government levels."""
        return self.individual_fen + self.city_fen + self.district_fen + self.town_fen

    def __add__(self, other: Levels) -> Levels:
        return Levels(*(a + b for a, b in zip(attrs.astuple(self), attrs.astuple(other))))


@attrs.frozen
class Participants:
    """The participants registered in one unit (a town or street, or all of one type)."""

    unit: str
    type: str
    count: int


@attrs.frozen
class UnitFunding:
    """One unit's participants and what each level pays for them."""

    participants: Participants
    levels: Levels
    shares: MutualAidShares


@attrs.frozen
class MutualAidFunding:
    """A district's mutual-aid funding for one year: per-person shares by type, per unit, and totals."""

    policy: MutualAidPolicy = attrs.field(repr=lambda p: p.id)
    year: int
    district: District
    per_person: dict[str, Levels]
    units: tuple[UnitFunding, ...]

    @property
    def totals(self) -> Levels:
        """The sum over units."""
        return sum((unit.levels for unit in self.units), Levels(0, 0, 0, 0))

    def participants(self, participant_type: str | None = None) -> int:
        """Participants of one type, or all."""
        return sum(u.participants.count for u in self.units if participant_type in (None, u.participants.type))

    @property
    def default_shares(self) -> bool:
        """Whether the district has no level split of its own in the policy (the default, Minhang's, applies: D9)."""
        return self.district.id not in self.policy.district_shares

    @property
    def provisional(self) -> dict[str, str]:
        """Provisional policy values used (key → decision), e.g. the Minhang split (D9)."""
        marks = dict(self.policy.header_provisional)
        citations = [self.policy.standard.citation, *(unit.shares.citation for unit in self.units)]
        citations += [self.policy.shares_for(self.district.id, kind).citation for kind in PARTICIPANT_TYPES]
        for citation in citations:
            if citation.provisional:
                marks[citation.key] = citation.provisional
        return marks


def mutual_aid_policy(registry, year: int) -> MutualAidPolicy:
    """The mutual-aid standard in force on 1 January of ``year`` (a :class:`~medaid.errors.NoPolicyError` if none)."""
    policy = registry.in_force(dt.date(year, 1, 1), scheme="mutual_aid")
    if not isinstance(policy, MutualAidPolicy):
        raise InternalError(
            N_("expected {expected}, got {type_name}"), expected="MutualAidPolicy", type_name=type(policy).__name__
        )
    return policy


def _levels(policy: MutualAidPolicy, shares: MutualAidShares, count: int) -> Levels:
    standard = policy.standard
    government = count * (standard.total_fen - standard.individual_fen)
    city, district, town = split(government, (shares.city_ppm, shares.district_ppm, shares.town_ppm))
    return Levels(count * standard.individual_fen, city, district, town)


def mutual_aid_funding(
    policy: MutualAidPolicy, district: District, participants: Iterable[Participants], *, year: int | None = None
) -> MutualAidFunding:
    """Each level's funding of ``district``'s participants under ``policy`` (policy keys ``standard`` and ``shares``; decision D9).

    Raises :class:`~medaid.errors.InputError` for a negative count or an unknown participant type.
    """
    units = []
    for unit in participants:
        if unit.type not in PARTICIPANT_TYPES:
            raise InputError(
                N_("participant type must be one of {names}, got {type!r} ({unit})"),
                names=", ".join(PARTICIPANT_TYPES),
                type=unit.type,
                unit=unit.unit,
            )
        if unit.count < 0:
            raise InputError(
                N_("participants must not be negative, got {count} ({unit})"), count=unit.count, unit=unit.unit
            )
        shares = policy.shares_for(district.id, unit.type)
        units.append(UnitFunding(unit, _levels(policy, shares, unit.count), shares))
    per_person = {kind: _levels(policy, policy.shares_for(district.id, kind), 1) for kind in PARTICIPANT_TYPES}
    return MutualAidFunding(
        policy, year if year is not None else policy.effective_from.year, district, per_person, tuple(units)
    )


def parse_count(text: str, *, what: str = "participants") -> int:
    """A whole number of participants (≥ 0), or an error naming ``what`` and the bad value.

    >>> parse_count("29,111")
    29111
    """
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not cleaned.isascii() or not cleaned.lstrip("+").isdigit():
        if cleaned.startswith("-") and cleaned[1:].isdigit():
            raise InputError(N_("{what} must not be negative, got {text!r}"), what=what, text=text)
        raise InputError(N_("{what} must be a whole number ≥ 0, got {text!r}"), what=what, text=text)
    return int(cleaned)


def read_participants_csv(
    path: Path | str, *, encoding: str | None = None, sheet: str | None = None
) -> list[Participants]:
    """Participants per town or street from a CSV (UTF-8, GBK …) or an ``.xlsx`` sheet with columns ``unit, type,
    participants`` (or 单位, 类型, 参加人数; type town|street|镇|街道)."""
    from medaid.contract.tables import PARTICIPANTS

    units = []
    for number, row in read_rows(path, PARTICIPANTS, encoding=encoding, sheet=sheet):
        where = f"{path}: line {number}"
        kind = _TYPE_NAMES.get(row["type"].lower())
        if kind is None:
            raise InputError(
                N_("column type must be town or street (镇 or 街道), got {row!r}"),
                file=path,
                line=number,
                row=row["type"],
            )
        units.append(
            Participants(
                row["unit"] or f"line {number}",
                kind,
                parse_count(row["participants"], what=f"{where}: column participants"),
            )
        )
    if not units:
        raise InputError(N_("no participant rows"), file=path)
    return units
