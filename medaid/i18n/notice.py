"""The decision notice's labels in zh and en: headings and column names only, never legal text.

A district's template may use these (``t.title`` ...) or write its own words.
"""

from __future__ import annotations

__all__ = ["labels"]

_LABELS = {
    "zh": {
        "title": "医疗救助结算告知书",
        "subtitle": "{year}年度",
        "person": "救助对象编号",
        "year": "结算年度",
        "issued": "出具日期",
        "policy": "适用政策",
        "claims": "结算明细",
        "claims_note": "共 {n} 笔（其中已冲正 {r} 笔，划线金额不计入合计）；金额单位：元",
        "date": "就医日期",
        "claim_id": "结算编号",
        "kind": "类别",
        "category": "救助对象类别",
        "self_pay": "符合规定的自负费用",
        "assistance": "医疗救助",
        "subsidy": "起付线补助",
        "total": "合计",
        "note": "备注",
        "reversed": "已冲正",
        "adjusted_more": "个人清算补发 {amount}",
        "adjusted_less": "个人清算追回 {amount}",
        "kinds": {"inpatient": "住院", "outpatient": "门急诊"},
        "totals": "本年度合计",
        "paid": "本年度救助合计",
        "caps": "年度救助限额",
        "cap": "年度限额",
        "used": "已使用",
        "left": "剩余",
        "no_cap": "不设限额",
        "offset_used": "门急诊起付线减免已扣除 {amount} 元。",
        "basis": "政策依据",
        "provisional": "暂定口径说明",
        "provisional_intro": "以下规定在现有文件中未明确写明，本次结算按下列口径执行：",
        "office": "出具机关（盖章）",
        "appeal": "告知事项",
        "appeal_blank": "（由出具机关填写）",
        "stamp": "计算引擎 medaid {version}；政策文件指纹",
    },
    "en": {
        "title": "Medical assistance settlement notice",
        "subtitle": "Year {year}",
        "person": "Person",
        "year": "Year",
        "issued": "Issued",
        "policy": "Policy",
        "claims": "Claims",
        "claims_note": "{n} claims ({r} reversed: struck-through amounts are not counted); amounts in yuan",
        "date": "Date",
        "claim_id": "Claim",
        "kind": "Kind",
        "category": "Category",
        "self_pay": "Eligible self-pay",
        "assistance": "Assistance",
        "subsidy": "Deductible subsidy",
        "total": "Total",
        "note": "Note",
        "reversed": "reversed",
        "adjusted_more": "clearing paid {amount} more",
        "adjusted_less": "clearing recovered {amount}",
        "kinds": {"inpatient": "inpatient", "outpatient": "outpatient"},
        "totals": "Totals of the year",
        "paid": "Paid this year",
        "caps": "Annual caps",
        "cap": "Cap",
        "used": "Used",
        "left": "Left",
        "no_cap": "no cap",
        "offset_used": "Outpatient deductible offset taken: {amount} yuan.",
        "basis": "Legal basis",
        "provisional": "Provisional readings",
        "provisional_intro": "The documents do not state the following; this settlement applies these readings:",
        "office": "Issuing office (seal)",
        "appeal": "Notice of rights",
        "appeal_blank": "(to be filled in by the issuing office)",
        "stamp": "Engine medaid {version}; policy file hash",
    },
}


def labels(lang: str) -> dict:
    """The notice's labels for ``lang`` (zh or en)."""
    return _LABELS[lang]
