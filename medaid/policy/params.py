"""A policy version as a flat list of cited parameters: for ``policy show``, ``policy diff`` and the docs."""

from __future__ import annotations

import attrs

from medaid.money import fen_to_yuan_str, ppm_to_str
from medaid.policy.load import AnyPolicy
from medaid.policy.model import Citation, KindRule, MutualAidShares, Policy

__all__ = ["Parameter", "parameters", "diff", "Change"]


@attrs.frozen
class Parameter:
    """One policy value: its key path, its value as text, its source and its provisional decision."""

    key: str
    value: str
    source: str
    provisional: str | None


@attrs.frozen
class Change:
    """A parameter that differs between two versions (``None`` where a version lacks it)."""

    key: str
    old: Parameter | None
    new: Parameter | None


def _p(key: str, value: str, citation: Citation) -> Parameter:
    return Parameter(key, value, citation.source.label, citation.provisional)


def _cap(fen: int | None) -> str:
    return "none" if fen is None else fen_to_yuan_str(fen)


def _kind(key: str, rule: KindRule) -> list[Parameter]:
    if not rule.covered:
        return [_p(f"{key}.covered", "false", rule.citation)]
    return [
        _p(f"{key}.ratio", ppm_to_str(rule.ratio_ppm), rule.citation),
        _p(f"{key}.cap", _cap(rule.cap_fen), rule.citation),
    ]


def _shares(key: str, shares: MutualAidShares) -> list[Parameter]:
    return [
        _p(f"{key}.{level}", ppm_to_str(getattr(shares, f"{level}_ppm")), shares.citation)
        for level in ("city", "district", "town")
    ]


def parameters(policy: AnyPolicy) -> list[Parameter]:
    """Every parameter of ``policy`` in a stable order, same_as categories resolved and marked."""
    end = policy.effective_to.isoformat() if policy.effective_to else "open"
    out = [
        Parameter(
            "effective_from",
            policy.effective_from.isoformat(),
            policy.id,
            policy.header_provisional.get("effective_from"),
        ),
        Parameter("effective_to", end, policy.id, policy.header_provisional.get("effective_to")),
    ]
    if isinstance(policy, Policy):
        out.append(_p("selection.rule", "highest_ratio", policy.selection))
        for category in policy.categories.values():
            base = f"categories.{category.id}"
            if category.same_as:
                out.append(_p(f"{base}.same_as", category.same_as, category.inpatient.citation))
                continue
            out += _kind(f"{base}.inpatient", category.inpatient) + _kind(f"{base}.outpatient", category.outpatient)
        for name, rule, field in (
            ("outpatient_offset", policy.outpatient_offset, "amount"),
            ("deductible_subsidy", policy.deductible_subsidy, "max"),
        ):
            out.append(_p(f"{name}.{field}", fen_to_yuan_str(rule.amount_fen), rule.citation))
            out.append(_p(f"{name}.categories", ", ".join(sorted(rule.categories)), rule.citation))
        if policy.caps.citation is not None:
            out.append(_p("caps.scope", policy.caps.scope, policy.caps.citation))
        funding = policy.funding
        for field in ("city_share", "district_share", "audit_city_share"):
            out.append(_p(f"funding.{field}", ppm_to_str(getattr(funding, f"{field}_ppm")), funding.citation))
    else:
        standard = policy.standard
        for field in ("medical", "care", "individual"):
            out.append(_p(f"standard.{field}", fen_to_yuan_str(getattr(standard, f"{field}_fen")), standard.citation))
        for kind, shares in policy.shares.items():
            out += _shares(f"shares.{kind}", shares)
        for district, kinds in policy.district_shares.items():
            for kind, shares in kinds.items():
                out += _shares(f"districts.{district}.{kind}", shares)
    return out


def diff(old: AnyPolicy, new: AnyPolicy) -> list[Change]:
    """The parameters whose value differs between ``old`` and ``new`` (sources alone do not count)."""
    before = {p.key: p for p in parameters(old)}
    after = {p.key: p for p in parameters(new)}
    keys = list(dict.fromkeys([*before, *after]))
    return [
        Change(key, before.get(key), after.get(key))
        for key in keys
        if key not in ("effective_from", "effective_to")
        and (before.get(key) is None or after.get(key) is None or before[key].value != after[key].value)
    ]
