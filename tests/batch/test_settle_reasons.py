"""``settle_batch(..., lang=)``: the rejects' reasons rendered once, in the language asked for; English as before."""

from __future__ import annotations

import attrs
import pytest

from medaid.batch import settle_batch
from medaid.errors import InputError, Message
from medaid.policy.registry import PolicyRegistry, default_registry

ROW = {
    "claim_id": "a",
    "person_id": "p",
    "district": "minhang",
    "date": "2023-03-01",
    "category": "特困",
    "kind": "outpatient",
    "self_pay": "5500",
    "resident_insurance": "true",
}


@pytest.fixture(scope="module")
def registry() -> PolicyRegistry:
    """The bundled versions, with extreme_poverty taken out of 2023: its name is known, the version lacks it."""
    policies = [
        attrs.evolve(p, categories={k: c for k, c in p.categories.items() if k != "extreme_poverty"})
        if p.id == "medical-assistance-2023"
        else p
        for p in default_registry()
    ]
    return PolicyRegistry(policies)


def test_a_category_the_version_lacks_in_each_language(registry: PolicyRegistry) -> None:
    """The batch lookup's own reason (a category unknown to the version in force): English as main wrote it
    (``category {text!r}: {message} (policy {id})``), Chinese with the nested error translated."""
    valid = ", ".join(c for c in registry.get("medical-assistance-2023").categories)
    english = (
        f"category 'extreme_poverty': unknown category 'extreme_poverty'; valid: {valid} "
        "(policy medical-assistance-2023)"
    )
    assert settle_batch([ROW], registry=registry).rejects["reason"].to_list() == [english]
    assert settle_batch([ROW], registry=registry, lang="en").rejects["reason"].to_list() == [english]
    zh = settle_batch([ROW], registry=registry, lang="zh").rejects["reason"].to_list()
    assert zh == [
        f"救助类别 'extreme_poverty'：未知的救助类别 'extreme_poverty'；有效类别：{valid}（政策版本 medical-assistance-2023）"
    ]


def test_strict_keeps_the_message(registry: PolicyRegistry) -> None:
    """``strict``: the error carries the reason as a message, so whoever shows it picks the language."""
    with pytest.raises(InputError) as caught:
        settle_batch([{**ROW, "category": "dibao", "self_pay": "-5"}], strict=True)
    error = caught.value
    assert isinstance(error.fields["reason"], Message)
    assert str(error) == "<records>: line 2: self_pay must not be negative, got '-5'"
    assert error.render("zh") == "<records>：第 2 行：自负金额不能为负数，实际为 '-5'"


def test_the_rejects_table_holds_plain_text() -> None:
    """What leaves settle_batch is plain ``str`` (an encoder such as msgspec refuses a ``str`` subclass)."""
    import msgspec

    rows = [{**ROW, "category": "dibao", "self_pay": "-5"}, {**ROW, "claim_id": "b", "category": "dibao", "kind": "x"}]
    for lang in ("en", "zh"):
        reasons = settle_batch(rows, lang=lang).rejects["reason"].to_list()
        assert [type(r) for r in reasons] == [str, str]
        assert msgspec.json.decode(msgspec.json.encode(reasons)) == reasons
