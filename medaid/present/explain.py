"""The caseworker's explanation: an assessment as a handful of sentences, in zh or en.

Built from the steps only, so the text says exactly what the rules did, with each rule's source.
"""

from __future__ import annotations

from collections.abc import Callable

from medaid.errors import N_, InternalError
from medaid.i18n import format_money, format_ratio
from medaid.policy.model import Policy
from medaid.rules.model import Assessment, ClaimResult, Step

__all__ = ["explain"]

_TEXT = {
    "en": {
        "kind": {"inpatient": "Inpatient", "outpatient": "Outpatient"},
        "header": "{title} ({policy}), claims dated {date}",
        "categories": "Categories: {names}",
        "highest": " (highest ratio of {n} categories, 就高)",
        "self_pay": "self-pay {amount}",
        "offset": " − first {amount} not eligible (resident-insurance offset) = {eligible}",
        "ratio": " × {ratio} ({category}) = {amount}",
        "cap": "; annual cap {cap} binds, pays {paid}; cap left {left}",
        "cap_ok": "; pays {paid} (annual cap {cap}, left {left})",
        "no_cap": "; pays {paid} (no annual cap)",
        "not_covered": "self-pay {amount}: {category} gets no {kind} assistance, pays {paid}",
        "source": " [{sources}]",
        "subsidy": "Deductible subsidy (起付线补助): {amount}, the year's first {max} of outpatient self-pay, outside the cap [{source}]",
        "total": "Total: {total}",
        "provisional": "Provisional readings used: {items}",
        "stamp": "medaid {version}, policy {hash}",
        "claim": " (claim {id})",
        "cite": "{key}, {source}",
        "mark": ", provisional {d}",
        "cite_sep": "; ",
        "item": "{key} ({d})",
        "item_sep": ", ",
    },
    "zh": {
        "kind": {"inpatient": "住院", "outpatient": "门急诊"},
        "header": "{title}（{policy}），就医日期 {date}",
        "categories": "救助对象类别：{names}",
        "highest": "（{n}个类别就高）",
        "self_pay": "自负 {amount}",
        "offset": " − 起付线减免 {amount}（居保）= {eligible}",
        "ratio": " × {ratio}（{category}）= {amount}",
        "cap": "；超过年度限额 {cap}，救助 {paid}；限额余 {left}",
        "cap_ok": "；救助 {paid}（年度限额 {cap}，余 {left}）",
        "no_cap": "；救助 {paid}（不设年度限额）",
        "not_covered": "自负 {amount}：{category}不享受{kind}救助，救助 {paid}",
        "source": "〔依据：{sources}〕",
        "subsidy": "起付线补助：{amount}（全年门急诊自负前 {max}，不计入门急诊限额）〔依据：{source}〕",
        "total": "合计：{total}",
        "provisional": "使用的暂定口径：{items}",
        "stamp": "medaid {version}，政策 {hash}",
        "claim": "（结算 {id}）",
        "cite": "{key}，{source}",
        "mark": "，暂定口径 {d}",
        "cite_sep": "；",
        "item": "{key}（{d}）",
        "item_sep": "、",
    },
}


def explain(assessment: Assessment, policy_for: Callable[[str], Policy], lang: str) -> list[str]:
    """Render ``assessment`` as lines for a case file; ``policy_for`` maps a policy id to its policy."""
    text = _TEXT[lang]
    first = assessment.claims[0]
    policy = policy_for(first.policy_id)
    title = policy.title_zh if lang == "zh" else policy.title_en
    names = "、".join if lang == "zh" else ", ".join
    lines = [
        text["header"].format(title=title, policy=first.policy_id, date=first.claim.date.isoformat()),
        text["categories"].format(names=names(_category_name(policy, c, lang) for c in first.claim.categories)),
    ]
    several = len({result.claim.kind for result in assessment.claims}) < len(assessment.claims)
    for result in assessment.claims:
        if result.claim.self_pay_fen or len(assessment.claims) == 1:  # a kind with no spending says nothing
            lines.append(_claim_line(result, policy_for(result.policy_id), lang, several))
    for result in assessment.claims:
        for step in result.steps:
            if step.code == "subsidy" and step.values["amount"]:
                source = _cite(step, lang)
                lines.append(
                    text["subsidy"].format(
                        amount=_m(step.values["amount"], lang), max=_m(step.values["max"], lang), source=source
                    )
                )
    lines.append(text["total"].format(total=_m(assessment.total_fen, lang)))
    provisional = {step.key.rsplit(".", 1)[0]: step.provisional for step in assessment.steps if step.provisional}
    if provisional:
        items = text["item_sep"].join(text["item"].format(key=key, d=d) for key, d in provisional.items())
        lines.append(text["provisional"].format(items=items))
    lines.append(text["stamp"].format(version=assessment.engine_version, hash=assessment.policy_hash[:19]))
    return lines


def _claim_line(result: ClaimResult, policy: Policy, lang: str, show_id: bool) -> str:
    text = _TEXT[lang]
    kind = result.claim.kind
    head = text["kind"][kind] + (text["claim"].format(id=result.claim.claim_id) if show_id else "")
    steps = {step.code: step for step in result.steps}
    category = _category_name(policy, result.category, lang)
    if len(result.claim.categories) > 1:
        category += text["highest"].format(n=len(result.claim.categories))
    pay = _m(result.assistance_fen, lang)
    if "not_covered" in steps:
        body = text["not_covered"].format(
            amount=_m(result.claim.self_pay_fen, lang), category=category, kind=text["kind"][kind], paid=pay
        )
        return f"{head}：{body}" if lang == "zh" else f"{head}: {body}"
    body = text["self_pay"].format(amount=_m(result.claim.self_pay_fen, lang))
    if result.offset_fen:
        body += text["offset"].format(amount=_m(result.offset_fen, lang), eligible=_m(result.eligible_fen, lang))
    body += text["ratio"].format(
        ratio=format_ratio(result.ratio_ppm, lang), category=category, amount=_m(result.before_cap_fen, lang)
    )
    if result.cap_fen is None:
        body += text["no_cap"].format(paid=pay)
    else:
        key = "cap" if result.cap_bound else "cap_ok"
        body += text[key].format(cap=_m(result.cap_fen, lang), paid=pay, left=_m(result.cap_left_fen or 0, lang))
    sources = [_cite(steps["ratio"], lang)]
    if "offset" in steps and result.offset_fen:
        sources.append(_cite(steps["offset"], lang))
    body += text["source"].format(sources=text["cite_sep"].join(dict.fromkeys(sources)))
    return f"{head}：{body}" if lang == "zh" else f"{head}: {body}"


def _cite(step: Step, lang: str) -> str:
    text = _TEXT[lang]
    mark = text["mark"].format(d=step.provisional) if step.provisional else ""
    return text["cite"].format(key=step.key.rsplit(".", 1)[0], source=step.source) + mark


def _category_name(policy: Policy, category: str, lang: str) -> str:
    found = policy.categories.get(category)
    if found is None:
        return category
    return found.name_zh if lang == "zh" else found.name_en


def _m(fen: object, lang: str) -> str:
    if not isinstance(fen, int):
        raise InternalError(N_("expected {expected}, got {type_name}"), expected="int", type_name=type(fen).__name__)
    return format_money(fen, lang)
