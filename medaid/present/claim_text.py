"""One settled claim explained step by step, in zh or en, and as JSON data (the steps of ``calc --format json``).

Built from the steps the reference rules recorded for the claim (:class:`medaid.rules.model.Step`), so the
text says exactly what the rules did: the self-pay; the offset used before and here; the category chosen
(就高) and its ratio; the rounding; the cap used before the claim and what is left; the subsidy; the sources
and the provisional readings.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from medaid.i18n import format_money, format_ratio
from medaid.i18n.catalog import N_, translated
from medaid.money import PPM, fen_to_yuan_str, ppm_to_str
from medaid.present.claim import ClaimExplanation
from medaid.present.decisions import decision_text
from medaid.rules.model import ClaimOutcome, Step

__all__ = ["explain_claim", "claim_dict", "outcome_amounts"]

#: The messages, by what they say; translated with the gettext catalogues (medaid/locale).
_MESSAGES = {
    "kind": {"inpatient": N_("inpatient"), "outpatient": N_("outpatient")},
    "head": N_("Claim {id}: person {person}, {date}, {kind}"),
    "from_ledger": N_("Settled in the ledger {where} on {when}"),
    "from_claims": N_("Recomputed from the claims file {where}: the person's claims in date order"),
    "policy": N_("Policy: {title} ({policy})"),
    "category": N_("Category: {name}, {ratio} for {kind} care"),
    "highest": N_("Category: {name} (就高: the highest {kind} ratio of {candidates})"),
    "not_covered": N_("{name} gets no {kind} assistance: this claim pays {paid}"),
    "self_pay": N_("Eligible self-pay (符合规定的自负费用): {amount}"),
    "offset": N_(
        "Resident-insurance offset (the first {max} of the year's outpatient self-pay is not eligible): {before} taken by earlier claims, {here} taken here; eligible {eligible}"
    ),
    "ratio": N_("Ratio: {eligible} × {ratio} = {exact} yuan, rounded half up to the fen once: {amount}"),
    "ratio_exact": N_("Ratio: {eligible} × {ratio} = {amount}"),
    "cap": N_("Annual {kind} cap {cap}: {before} paid before this claim; this claim pays {paid}; {left} left"),
    "cap_binds": N_(
        "Annual {kind} cap {cap}: {before} paid before this claim, so only {room} was left of the {amount}: this claim pays {paid}; {left} left"
    ),
    "no_cap": N_("No annual cap: this claim pays {paid}"),
    "subsidy": N_(
        "Deductible subsidy (起付线补助, outside the cap): {amount} here ({before} paid before; at most {max} a year)"
    ),
    "total": N_("Paid for this claim: {total} (assistance {assistance} + deductible subsidy {subsidy})"),
    "source": N_("  [{key}: {source}{mark}]"),
    "mark": N_(", provisional {d}"),
    "reversed": N_(
        "Reversed (冲正) on {when}: {reason}. The {amount} it paid went back to the person's remaining cap."
    ),
    "reversed_unknown": N_("Reversed (冲正)."),
    "adjusted": N_("A clearing (个人清算) later adjusted this claim by {amount} ({what})."),
    "more": N_("pay more, 补发"),
    "less": N_("recover, 追回"),
    "mismatch": N_(
        "Warning: the rules in force now do not give the stored amounts ({what}); the stored settlement stands."
    ),
    "provisional": N_("Provisional readings used:"),
    "stamp": N_("medaid {version}, policy {hash}"),
}


def explain_claim(explanation: ClaimExplanation, lang: str) -> list[str]:
    """The claim's explanation as numbered lines for a case file."""
    text = translated(_MESSAGES, lang)
    result, claim = explanation.result, explanation.claim
    policy = result.policy
    kind = text["kind"][claim.kind]
    money = lambda fen: format_money(fen, lang)  # noqa: E731
    lines = [text["head"].format(id=claim.claim_id, person=claim.person_id, date=claim.date.isoformat(), kind=kind)]
    if explanation.origin == "ledger":
        lines.append(
            text["from_ledger"].format(
                where=explanation.where, when=(explanation.settled_at or "")[:19].replace("T", " ")
            )
        )
    else:
        lines.append(text["from_claims"].format(where=explanation.where))
    lines.append(text["policy"].format(title=policy.title_zh if lang == "zh" else policy.title_en, policy=policy.id))
    steps: list[tuple[str, Step | None]] = []
    by_code = {step.code: step for step in result.steps}
    name = _category_name(policy, result.category, lang)
    category_step = by_code["category"]
    if len(claim.categories) > 1:
        candidates = ("、" if lang == "zh" else ", ").join(
            f"{_category_name(policy, c, lang)} {_kind_ratio(policy, c, claim.kind, lang)}" for c in claim.categories
        )
        steps.append((text["highest"].format(name=name, kind=kind, candidates=candidates), category_step))
    else:
        steps.append(
            (text["category"].format(name=name, kind=kind, ratio=format_ratio(result.ratio_ppm, lang)), category_step)
        )
    steps.append((text["self_pay"].format(amount=money(claim.self_pay_fen)), None))
    if "offset" in by_code:
        values = by_code["offset"].values
        steps.append(
            (
                text["offset"].format(
                    max=money(values["max"]),
                    before=money(values["used_before"]),
                    here=money(values["amount"]),
                    eligible=money(claim.self_pay_fen - result.offset_fen),
                ),
                by_code["offset"],
            )
        )
    if "not_covered" in by_code:
        steps.append(
            (
                text["not_covered"].format(name=name, kind=kind, paid=money(result.assistance_fen)),
                by_code["not_covered"],
            )
        )
    if "ratio" in by_code:
        values = by_code["ratio"].values
        exact = Decimal(values["eligible"]) * Decimal(values["ratio_ppm"]) / PPM / 100
        common = {
            "eligible": money(values["eligible"]),
            "ratio": format_ratio(values["ratio_ppm"], lang),
            "amount": money(values["amount"]),
        }
        if exact == exact.quantize(Decimal("0.01")):
            steps.append((text["ratio_exact"].format(**common), by_code["ratio"]))
        else:
            steps.append((text["ratio"].format(exact=_plain(exact), **common), by_code["ratio"]))
    if "cap" in by_code:
        values = by_code["cap"].values
        if values["cap"] is None:
            steps.append((text["no_cap"].format(paid=money(values["amount"])), by_code["cap"]))
        else:
            key = "cap_binds" if values["amount"] < values["before_cap"] else "cap"
            steps.append(
                (
                    text[key].format(
                        kind=kind,
                        cap=money(values["cap"]),
                        before=money(values["paid_before"]),
                        paid=money(values["amount"]),
                        left=money(values["cap_left"]),
                        amount=money(values["before_cap"]),
                        room=money(max(0, values["cap"] - values["paid_before"])),
                    ),
                    by_code["cap"],
                )
            )
    if "subsidy" in by_code:
        values = by_code["subsidy"].values
        steps.append(
            (
                text["subsidy"].format(
                    amount=money(values["amount"]), before=money(values["paid_before"]), max=money(values["max"])
                ),
                by_code["subsidy"],
            )
        )
    for number, (line, step) in enumerate(steps, 1):
        lines.append(f"{number}. {line}")
        if step is not None:
            mark = text["mark"].format(d=step.provisional) if step.provisional else ""
            lines.append(text["source"].format(key=step.key, source=_source_title(policy, step), mark=mark))
    lines.append(
        text["total"].format(
            total=money(result.total_fen),
            assistance=money(result.assistance_fen),
            subsidy=money(result.deductible_subsidy_fen),
        )
    )
    reversal = explanation.reversal
    if explanation.status == "reversed":
        if reversal is None:
            lines.append(text["reversed_unknown"])
        else:
            amount = reversal.assistance_fen + reversal.deductible_subsidy_fen
            lines.append(
                text["reversed"].format(
                    when=reversal.reversed_at[:19].replace("T", " "), reason=reversal.reason, amount=money(amount)
                )
            )
    adjusted = sum(explanation.adjustment)
    if adjusted:
        sign = "+" if adjusted > 0 else "−"
        lines.append(
            text["adjusted"].format(amount=sign + money(abs(adjusted)), what=text["more" if adjusted > 0 else "less"])
        )
    if not explanation.matches:
        lines.append(text["mismatch"].format(what="; ".join(explanation.differences)))
    marks = dict(result.provisional_marks)
    if marks:
        lines.append(text["provisional"])
        for key, decision in marks.items():
            lines.append(f"  {decision} ({key}): {decision_text(decision, lang)}")
    lines.append(text["stamp"].format(version=_engine_version(), hash=policy.content_hash[:19]))
    return lines


def outcome_amounts(outcome: ClaimOutcome) -> dict[str, Any]:
    """What a claim's outcome paid and how its cap stood, as JSON (yuan strings; ``None``: no cap): the one
    rendering of these fields for a re-run claim (``explain``) and a stored settlement (the service)."""
    return {
        "before_cap": fen_to_yuan_str(outcome.before_cap_fen),
        "assistance": fen_to_yuan_str(outcome.assistance_fen),
        "deductible_subsidy": fen_to_yuan_str(outcome.deductible_subsidy_fen),
        "total": fen_to_yuan_str(outcome.total_fen),
        "cap": None if outcome.cap_fen is None else fen_to_yuan_str(outcome.cap_fen),
        "cap_left": None if outcome.cap_left_fen is None else fen_to_yuan_str(outcome.cap_left_fen),
        "cap_bound": outcome.cap_bound,
    }


def claim_dict(explanation: ClaimExplanation) -> dict[str, Any]:
    """The explanation as JSON data: the claim, its amounts (yuan strings), status, and the steps of ``calc --format json``."""
    from medaid.present.assessment import step_dict

    result, claim = explanation.result, explanation.claim
    reversal = explanation.reversal
    return {
        "claim_id": claim.claim_id,
        "person_id": claim.person_id,
        "date": claim.date.isoformat(),
        "kind": claim.kind,
        "categories": list(claim.categories),
        "resident_insurance": claim.resident_insurance,
        "origin": explanation.origin,
        "where": explanation.where,
        "status": explanation.status,
        "category": result.category,
        "ratio": ppm_to_str(result.ratio_ppm),
        "self_pay": fen_to_yuan_str(claim.self_pay_fen),
        "offset": fen_to_yuan_str(result.offset_fen),
        "eligible": fen_to_yuan_str(result.eligible_fen),
        **outcome_amounts(result),
        "paid_before": {
            "inpatient": fen_to_yuan_str(explanation.usage_before.paid_inpatient_fen),
            "outpatient": fen_to_yuan_str(explanation.usage_before.paid_outpatient_fen),
            "offset_used": fen_to_yuan_str(explanation.usage_before.offset_used_fen),
            "subsidy_paid": fen_to_yuan_str(explanation.usage_before.subsidy_paid_fen),
        },
        "reversal": None
        if reversal is None
        else {
            "reversed_at": reversal.reversed_at,
            "reason": reversal.reason,
            "assistance": fen_to_yuan_str(reversal.assistance_fen),
            "deductible_subsidy": fen_to_yuan_str(reversal.deductible_subsidy_fen),
        },
        "adjustment": {
            "assistance": fen_to_yuan_str(explanation.adjustment[0]),
            "deductible_subsidy": fen_to_yuan_str(explanation.adjustment[1]),
        },
        "matches_stored": explanation.matches,
        "provisional": list(result.provisional),
        "steps": [step_dict(step) for step in result.steps],
        "policy_id": result.policy.id,
        "policy_hash": result.policy.content_hash,
        "engine_version": _engine_version(),
    }


def _engine_version() -> str:
    from medaid._version import __version__

    return __version__


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text and len(text.split(".")[1]) >= 2 else format(value.quantize(Decimal("0.01")), "f")


def _kind_ratio(policy, category: str, kind: str, lang: str) -> str:
    rule = policy.category(category).rule(kind)
    if not rule.covered:
        return "—"
    return format_ratio(rule.ratio_ppm, lang)


def _category_name(policy, category: str, lang: str) -> str:
    found = policy.categories.get(category)
    if found is None:
        return category
    return found.name_zh if lang == "zh" else found.name_en


def _source_title(policy, step: Step) -> str:
    return step.source
