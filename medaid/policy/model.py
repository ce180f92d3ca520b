"""Immutable policy objects: what a loaded, validated policy version is.

A :class:`Policy` is the medical-assistance (医疗救助) rule set of one version; a
:class:`MutualAidPolicy` is one year's funding standard of the mutual-aid scheme (互助帮困).
Every value carries a :class:`Citation`: the policy key it came from, its source and, where it rests
on an inference rather than a document, the decision (D1–D10) that makes it provisional.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from medaid.errors import N_

__all__ = [
    "CATEGORIES",
    "KINDS",
    "SCOPES",
    "Citation",
    "Source",
    "KindRule",
    "Category",
    "CategorySet",
    "CapScope",
    "Funding",
    "MutualAidShares",
    "MutualAidStandard",
    "Version",
    "Policy",
    "MutualAidPolicy",
]

#: Recipient categories, in the order of the law's list (and of dominance where the policy intends it).
CATEGORIES: tuple[str, ...] = (
    "special_relief",
    "dibao",
    "scattered_orphan",
    "child_in_difficulty",
    "low_income",
    "medical_poverty_1",
    "medical_poverty_2",
    "extreme_poverty",
)
#: Kinds of care: 住院 and 门急诊.
KINDS: tuple[str, ...] = ("inpatient", "outpatient")
#: ``caps.scope``: each kind of care has its own annual cap (D8), or one running total counts both kinds.
SCOPES: tuple[str, ...] = ("per_kind", "shared")


@attrs.frozen
class Source:
    """A document a policy value rests on: number (文号) where it has one, and title."""

    key: str
    title: str
    number: str | None = None
    url: str | None = None
    note: str | None = None

    @property
    def label(self) -> str:
        """The short citation shown to users: the document number, else the title."""
        return self.number or self.title


@attrs.frozen
class Citation:
    """Where a value came from: its policy key path, its source and, if inferred, the decision id."""

    key: str
    source: Source
    provisional: str | None = None


@attrs.frozen
class KindRule:
    """The rule for one category and one kind of care: ratio in ppm and annual cap in fen (None = no cap)."""

    covered: bool
    ratio_ppm: int
    cap_fen: int | None
    citation: Citation


@attrs.frozen
class Category:
    """A recipient category (救助对象类别) and its two kind rules."""

    id: str
    name_zh: str
    name_en: str
    inpatient: KindRule
    outpatient: KindRule
    same_as: str | None = None
    #: Short names accepted in input files besides the id and ``name_zh`` (e.g. 低保), from the policy file.
    aliases: tuple[str, ...] = ()

    def rule(self, kind: str) -> KindRule:
        """The rule for ``kind`` ("inpatient" or "outpatient")."""
        return self.inpatient if kind == "inpatient" else self.outpatient


@attrs.frozen
class CategorySet:
    """Which categories a resident-insurance outpatient rule applies to, and how much (fen)."""

    amount_fen: int
    categories: frozenset[str]
    citation: Citation


@attrs.frozen
class CapScope:
    """``caps.scope``: ``per_kind`` (each kind of care has its own annual cap, D8) or ``shared`` (one running
    total of both kinds counts against each claim's cap). ``citation`` is None where the file leaves the default."""

    scope: str = "per_kind"
    citation: Citation | None = None


@attrs.frozen
class Funding:
    """How city and district finance share medical assistance (1:1), and the city's share of an audit finding."""

    city_share_ppm: int
    district_share_ppm: int
    audit_city_share_ppm: int
    citation: Citation


@attrs.frozen(kw_only=True)
class Version:
    """What every policy version has: id, dates, titles, sources, and the stamp of the files it came from."""

    id: str
    region: str
    effective_from: dt.date
    effective_to: dt.date | None
    title_zh: str
    title_en: str
    sources: Mapping[str, Source]
    header_provisional: Mapping[str, str]
    content_hash: str
    paths: tuple[str, ...]
    extends: str | None = None

    def in_force(self, day: dt.date) -> bool:
        """Whether this version governs ``day``."""
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@attrs.frozen(kw_only=True)
class Policy(Version):
    """One version of the medical-assistance rules, in force from ``effective_from`` to ``effective_to``."""

    categories: Mapping[str, Category]
    selection: Citation
    outpatient_offset: CategorySet
    deductible_subsidy: CategorySet
    funding: Funding
    caps: CapScope = CapScope()

    scheme = "medical_assistance"

    def category(self, category_id: str) -> Category:
        """The category, or :class:`~medaid.errors.UnknownCategoryError` listing the valid ones."""
        try:
            return self.categories[category_id]
        except KeyError:
            from medaid.errors import UnknownCategoryError

            raise UnknownCategoryError(
                N_("unknown category {category_id!r}; valid: {names}"),
                category_id=category_id,
                names=", ".join(self.categories),
            ) from None


@attrs.frozen
class MutualAidShares:
    """The government levels' shares (ppm) of a participant's funding, for town or street participants."""

    city_ppm: int
    district_ppm: int
    town_ppm: int
    citation: Citation


@attrs.frozen
class MutualAidStandard:
    """Per-participant yearly funding (fen): medical part, care part, and the individual contribution."""

    medical_fen: int
    care_fen: int
    individual_fen: int
    citation: Citation

    @property
    def total_fen(self) -> int:
        """The full standard per participant (3 240 yuan in 2022)."""
        return self.medical_fen + self.care_fen


@attrs.frozen(kw_only=True)
class MutualAidPolicy(Version):
    """One version of the mutual-aid (市民社区医疗互助帮困) funding standard and level shares."""

    standard: MutualAidStandard
    shares: Mapping[str, MutualAidShares]
    district_shares: Mapping[str, Mapping[str, MutualAidShares]]

    scheme = "mutual_aid"

    def shares_for(self, district: str | None, participant_type: str) -> MutualAidShares:
        """The level shares for a district's town or street participants (the default where unset)."""
        return self.district_shares.get(district or "", {}).get(participant_type) or self.shares[participant_type]
