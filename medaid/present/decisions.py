"""medaid's default readings (D1–D12) in plain words, in zh or en, for explanations and notices.

The text is the decision's default as ``policies/decisions.toml`` states it
(:func:`medaid.policy.decisions.decisions`), so the notice, ``explain`` and the policy reference say the
same. A value resting on one of these readings is provisional (暂定口径).
"""

from __future__ import annotations

__all__ = ["decision_text"]


def decision_text(decision: str, lang: str) -> str:
    """The reading ``decision`` (e.g. ``D7``) in plain words; an unknown id is returned as it is.

    >>> decision_text("D7", "zh") == decision_text("D7", "zh").strip() != decision_text("D7", "en")
    True
    >>> decision_text("D99", "en")
    'D99'
    """
    from medaid.policy.decisions import decisions

    found = decisions().get(decision)
    if found is None:
        return decision
    return found.default_zh if lang == "zh" else found.default_en
