"""Shanghai's 16 districts (区): stable ids, Chinese and English names, in the city's usual order.

Input files may name a district by id (``minhang``), Chinese name (``闵行区`` or ``闵行``) or English
name (``Minhang``); :func:`district_id` maps any of them to the id.
"""

from __future__ import annotations

import attrs

from medaid.errors import N_, InputError

__all__ = ["District", "DISTRICTS", "DISTRICT_IDS", "DISTRICT_INDEX", "district_id", "district", "lookup_district"]


@attrs.frozen
class District:
    """One district: id, name in Chinese (``name_zh``, e.g. 闵行区) and English."""

    id: str
    name_zh: str
    name_en: str

    def name(self, lang: str) -> str:
        """The district's name in ``lang`` ("zh" or "en")."""
        return self.name_zh if lang == "zh" else self.name_en


DISTRICTS: tuple[District, ...] = tuple(
    District(*row)
    for row in (
        ("huangpu", "黄浦区", "Huangpu"),
        ("xuhui", "徐汇区", "Xuhui"),
        ("changning", "长宁区", "Changning"),
        ("putuo", "普陀区", "Putuo"),
        ("jingan", "静安区", "Jing'an"),
        ("hongkou", "虹口区", "Hongkou"),
        ("yangpu", "杨浦区", "Yangpu"),
        ("baoshan", "宝山区", "Baoshan"),
        ("minhang", "闵行区", "Minhang"),
        ("jiading", "嘉定区", "Jiading"),
        ("pudong", "浦东新区", "Pudong"),
        ("jinshan", "金山区", "Jinshan"),
        ("songjiang", "松江区", "Songjiang"),
        ("qingpu", "青浦区", "Qingpu"),
        ("fengxian", "奉贤区", "Fengxian"),
        ("chongming", "崇明区", "Chongming"),
    )
)

#: The ids, in :data:`DISTRICTS` order.
DISTRICT_IDS: tuple[str, ...] = tuple(d.id for d in DISTRICTS)
#: id -> position in :data:`DISTRICTS`: the city's usual order for sorting, and a district's code in a columnar file.
DISTRICT_INDEX: dict[str, int] = {district_id: i for i, district_id in enumerate(DISTRICT_IDS)}

# Every name a district goes by (its aliases), declared here only: the claims contract reads through it.
_LOOKUP: dict[str, District] = {}
for _d in DISTRICTS:
    for _name in (
        _d.id,
        _d.name_zh,
        _d.name_zh.rstrip("区").removesuffix("新"),
        _d.name_en.lower(),
        _d.name_en.lower().replace("'", ""),
    ):
        _LOOKUP[_name] = _d


def lookup_district(name: str) -> District | None:
    """The district named ``name`` (id, Chinese name with or without 区, English name; ASCII in any case;
    surrounding spaces, including full-width ones, ignored), or None."""
    from medaid.money import SPACES

    text = name.strip(SPACES)
    return _LOOKUP.get(text) or _LOOKUP.get(text.lower())


def district(name: str) -> District:
    """The district named ``name`` (id, Chinese or English name), or an error listing the ids."""
    if not isinstance(name, str):
        raise InputError(N_("district must be a name like minhang or 闵行区, got {name!r}"), name=name)
    found = lookup_district(name)
    if found is None:
        raise InputError(
            N_("unknown district {name!r}; valid: {names} (or their Chinese names)"),
            name=name,
            names=", ".join(d.id for d in DISTRICTS),
        )
    return found


def district_id(name: str) -> str:
    """The id of the district named ``name``."""
    return district(name).id
