"""medaid's default readings (D1–D10) in plain words, in zh and en, for explanations and notices.

The English text is the policy reference's (:data:`medaid.policy.docs.DECISIONS`); the Chinese says the
same for an applicant. A value resting on one of these readings is provisional (暂定口径).
"""

from __future__ import annotations

__all__ = ["decision_text"]

_ZH = {
    "D1": "政策版本的起止日期：2018年7月前（起始日期暂定）、2018年7月1日至2022年12月31日、2023年、2024年1月1日起（起始日期为推定）。",
    "D2": "2023年低收入对象门急诊年度救助限额按2800元计（市级绩效自评报告同时列明低保、低收入两类对象），不按闵行区预算所写的2500元。",
    "D3": "门急诊起付线减免300元适用于参加城乡居民医保的低保对象（含散居孤儿、困境儿童）和低收入对象（按字面理解）；仅适用于低保对象的理解作为改革方案另行测算。",
    "D4": "起付线补助：参加城乡居民医保的低保对象，每年补助门急诊自负费用的前300元（不超过实际自负），单列，不计入门急诊年度限额。",
    "D5": "因病支出型贫困家庭（一类、二类）只享受住院救助，不享受门急诊救助。",
    "D6": "特困人员自2024年起：住院、门急诊均按100%救助，不设年度限额（暂定，数值尚无文件依据）。",
    "D7": "同时符合多个救助对象类别的，每类医疗费用按最高比例救助（就高原则）。",
    "D8": "年度限额按人、按就医日期所在自然年度计算，住院与门急诊分别计算，不结转。",
    "D9": "2023年起互助帮困计划沿用2022年筹资标准；区、镇分担比例默认按闵行区（镇25/25，街道50/0）。",
    "D10": "市对区转移支付：各区（清算+预拨+审计多拨部分的50%）四舍五入到万元，合计为各区取整后之和。",
}


def decision_text(decision: str, lang: str) -> str:
    """The reading ``decision`` (e.g. ``D3``) in plain words; an unknown id is returned as it is.

    >>> decision_text("D7", "zh")
    '同时符合多个救助对象类别的，每类医疗费用按最高比例救助（就高原则）。'
    """
    if lang == "zh":
        return _ZH.get(decision, decision)
    from medaid.policy.docs import DECISIONS

    return DECISIONS.get(decision, decision)
