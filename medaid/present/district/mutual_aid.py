"""``medaid mutual-aid``: a district's mutual-aid (互助帮困) funding by level as a table (zh/en) or JSON.

The figures are :class:`medaid.district.mutual_aid.MutualAidFunding`'s; JSON amounts are yuan strings.
"""

from __future__ import annotations

from typing import Any

from medaid.district.mutual_aid import Levels, MutualAidFunding
from medaid.present.district.text import text

__all__ = ["render_mutual_aid", "mutual_aid_dict"]


def render_mutual_aid(result: MutualAidFunding, output_format: str, lang: str) -> str:
    """The funding as ``table`` or ``json`` text."""
    if output_format == "json":
        from medaid.present.tabular import json_text

        return json_text(mutual_aid_dict(result))
    return _table(result, lang)


def _levels_dict(levels: Levels) -> dict[str, str]:
    from medaid.money import fen_to_yuan_str

    return {
        "individual": fen_to_yuan_str(levels.individual_fen),
        "city": fen_to_yuan_str(levels.city_fen),
        "district": fen_to_yuan_str(levels.district_fen),
        "town": fen_to_yuan_str(levels.town_fen),
        "total": fen_to_yuan_str(levels.total_fen),
    }


def mutual_aid_dict(result: MutualAidFunding) -> dict[str, Any]:
    """The JSON object: totals by level, participants, per person, the standard, each unit, provisional marks."""
    from medaid.money import fen_to_yuan_str

    standard = result.policy.standard
    return {
        "year": result.year,
        "district_id": result.district.id,
        "district_name": result.district.name_zh,
        "policy_id": result.policy.id,
        **_levels_dict(result.totals),
        "participants": {
            "town": result.participants("town"),
            "street": result.participants("street"),
            "total": result.participants(),
        },
        "per_person": {kind: _levels_dict(levels) for kind, levels in result.per_person.items()},
        "standard": {
            "total": fen_to_yuan_str(standard.total_fen),
            "medical": fen_to_yuan_str(standard.medical_fen),
            "care": fen_to_yuan_str(standard.care_fen),
            "individual": fen_to_yuan_str(standard.individual_fen),
        },
        "units": [
            {
                "unit": u.participants.unit,
                "type": u.participants.type,
                "participants": u.participants.count,
                **_levels_dict(u.levels),
            }
            for u in result.units
        ],
        "default_shares": result.default_shares,
        "provisional": result.provisional,
    }


def _table(result: MutualAidFunding, lang: str) -> str:
    from medaid.i18n import format_count
    from medaid.i18n.amounts import format_amount
    from medaid.present.table import render_table

    standard = result.policy.standard

    def money(levels: Levels) -> list[str]:
        return [
            format_amount(v, lang)
            for v in (levels.individual_fen, levels.city_fen, levels.district_fen, levels.town_fen, levels.total_fen)
        ]

    lines = [text("ma_title", lang, district=result.district.name(lang), year=result.year, policy=result.policy.id)]
    lines.append(
        text(
            "ma_standard",
            lang,
            total=format_amount(standard.total_fen, lang),
            medical=format_amount(standard.medical_fen, lang),
            care=format_amount(standard.care_fen, lang),
            individual=format_amount(standard.individual_fen, lang),
        )
    )
    lines += render_table(
        [
            text("ma_head_person", lang),
            *([text(kind, lang), *money(levels)] for kind, levels in result.per_person.items()),
        ]
    )
    units = [text("ma_head_units", lang)]
    for unit in result.units:
        name = (
            text(unit.participants.unit, lang)
            if unit.participants.unit in ("towns", "streets")
            else unit.participants.unit
        )
        units.append([name, format_count(unit.participants.count, lang), *money(unit.levels)])
    units.append([text("total", lang), format_count(result.participants(), lang), *money(result.totals)])
    lines += render_table(units)
    if result.default_shares and result.district.id != "minhang":
        lines.append(text("default_shares", lang, district=result.district.name(lang), policy=result.policy.id))
    if result.provisional:
        lines.append(
            text(
                "provisional",
                lang,
                marks=", ".join(f"{key} ({decision})" for key, decision in result.provisional.items()),
            )
        )
    return "\n".join(lines) + "\n"
