"""Presentation only: the zh/en wording of ``medaid district``, ``mutual-aid`` and ``transfer`` output."""

from __future__ import annotations

__all__ = ["MESSAGES", "text"]

MESSAGES: dict[str, dict[str, object]] = {
    "transfer_title": {
        "en": "City-to-district transfer for medical assistance (10k yuan, 万元); city part of the audit {share} ({policy})",
        "zh": "市对区城乡医疗救助专项转移支付（单位：万元；审计多支付资金市级承担 {share}，{policy}）",
    },
    "transfer_head": {
        "en": [
            "District",
            "Clearing",
            "Pre-allocation",
            "Audit overpayment",
            "City part of audit",
            "Exact",
            "Transfer",
        ],
        "zh": ["区", "清算数", "预分配数", "审计多支付", "其中市级承担", "测算值", "建议下达数"],
    },
    "total": {"en": "Total", "zh": "合计"},
    "transfer_note": {
        "en": "Total {total} is the sum of the rounded rows; the unrounded total is {exact} ({once} if rounded once): "
        "each district is rounded half up to whole 万元 before adding (D10).",
        "zh": "合计 {total} 为各区取整后之和；未取整合计为 {exact}（一次取整为 {once}）：各区先四舍五入到万元再相加（D10）。",
    },
    "ma_title": {
        "en": "Mutual aid (互助帮困) funding, {district}, {year} ({policy})",
        "zh": "{district}{year}年市民社区医疗互助帮困筹资（{policy}）",
    },
    "ma_standard": {
        "en": "Standard per participant {total} yuan (medical {medical} + care {care}); individual contribution {individual}",
        "zh": "筹资标准每人 {total} 元（医疗 {medical} + 照护 {care}），其中个人缴费 {individual} 元",
    },
    "ma_head_person": {
        "en": ["Per participant (yuan)", "Individual", "City", "District", "Town", "Total"],
        "zh": ["每人（元）", "个人", "市级", "区级", "镇", "合计"],
    },
    "ma_head_units": {
        "en": ["Participants (yuan)", "Number", "Individual", "City", "District", "Town", "Total"],
        "zh": ["参加对象（元）", "人数", "个人", "市级", "区级", "镇", "合计"],
    },
    "town": {"en": "town (镇) participant", "zh": "镇参加对象"},
    "street": {"en": "street (街道) participant", "zh": "街道参加对象"},
    "towns": {"en": "town participants", "zh": "镇参加对象"},
    "streets": {"en": "street participants", "zh": "街道参加对象"},
    "provisional": {"en": "Provisional values used: {marks}", "zh": "使用了暂定取值：{marks}"},
    "default_shares": {
        "en": "{district} has no district/town split of its own in {policy}: the default (Minhang's) applies (D9).",
        "zh": "{policy} 未载明{district}的区、镇分担比例，按默认（闵行区）比例计算（D9）。",
    },
    "district_title": {
        "en": "Medical assistance by district ({unit}); city : district funding {shares} ({policies}); {rows} claims read",
        "zh": "分区医疗救助情况（单位：{unit}；市、区分担 {shares}，{policies}；读入 {rows} 条结算记录）",
    },
    "district_head": {
        "en": [
            "District",
            "Persons",
            "Inpatient times",
            "Outpatient times",
            "Self-pay",
            "Inpatient aid",
            "Outpatient aid",
            "Deductible subsidy",
            "Total",
            "City share",
            "District share",
        ],
        "zh": [
            "区",
            "救助人数",
            "住院人次",
            "门急诊人次",
            "自负费用",
            "住院救助",
            "门急诊救助",
            "起付线补助",
            "救助合计",
            "市级承担",
            "区级承担",
        ],
    },
    "category": {"en": "Category", "zh": "救助类别"},
    "kind": {"en": "Kind", "zh": "类型"},
    "inpatient": {"en": "inpatient", "zh": "住院"},
    "outpatient": {"en": "outpatient", "zh": "门急诊"},
    "district_note": {
        "en": "Persons and person-times count claims with a payment; the city and district shares of each policy version's total add up to it exactly.",
        "zh": "人数、人次按有救助支付的结算记录统计；各政策版本的救助合计按分担比例拆分，市级与区级之和与合计相等。",
    },
}


def text(key: str, lang: str, **values: object):
    """The message ``key`` in ``lang``, formatted with ``values`` (lists of headings are returned as they are).

    >>> text("total", "zh"), text("transfer_head", "en")[-1]
    ('合计', 'Transfer')
    """
    message = MESSAGES[key][lang]
    return message.format(**values) if values else message
