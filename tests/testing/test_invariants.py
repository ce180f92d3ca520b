"""The invariant suite of ``medaid check`` (medaid.testing.invariants) on every shipped version and reform.

The command's output is tested in tests/cli/test_testing.py.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from medaid.policy import default_registry
from medaid.present.check import invariant_counterexample, invariant_reason
from medaid.testing.invariants import INVARIANTS, check_policy

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = default_registry()
VERSIONS = [p.id for p in REGISTRY if p.scheme == "medical_assistance"]
#: What each shipped reform is expected to do to the invariants (a reform may rightly break one).
REFORMS = {
    "class-2-ratio-60.toml": {},
    # Raising only the low-income cap lets a low-income member out-earn a dibao member at high spending.
    "low-income-outpatient-cap-3000.toml": {"dominance": "broken"},
    "offset-dibao-only.toml": {"no_loser": "not applicable"},
    # One cap for both kinds: changes caps.scope, so "only raises" does not apply; every other invariant holds.
    "shared-annual-cap.toml": {"no_loser": "not applicable"},
}


@pytest.mark.parametrize("policy_id", VERSIONS)
def test_every_shipped_version_holds_every_invariant(policy_id: str) -> None:
    """Each shipped version holds each invariant (no_loser applies to reforms only)."""
    results = check_policy(REGISTRY.get(policy_id), examples=60, seed=1)
    assert {"no_loser": "not applicable"} == {r.name: r.status for r in results if r.status != "held"}


@pytest.mark.parametrize("name", sorted(REFORMS))
def test_every_shipped_reform_is_checked(name: str) -> None:
    """Each shipped reform holds every invariant except those it is known to break or that do not apply."""
    reform = REGISTRY.reform(ROOT / "policies" / "reforms" / name)
    results = check_policy(reform, REGISTRY.get(reform.extends), examples=60, seed=1)
    assert REFORMS[name] == {r.name: r.status for r in results if r.status != "held"}
    assert sorted(REFORMS) == sorted(p.name for p in (ROOT / "policies" / "reforms").glob("*.toml"))


def test_caps_invariant_finds_a_subsidy_paid_over_its_yearly_maximum(monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the subsidy paid on each claim's offset without its maximum, the caps invariant is broken."""
    import medaid.rules.assess

    monkeypatch.setattr(medaid.rules.assess, "subsidy", lambda ops, offset_fen, maximum: offset_fen)
    policy = REGISTRY.get("medical-assistance-2023")
    reform = attrs.evolve(policy, deductible_subsidy=attrs.evolve(policy.deductible_subsidy, amount_fen=200_00))
    caps = [i for i in INVARIANTS if i.name == "caps"]
    [result] = check_policy(reform, policy, examples=60, seed=1, invariants=caps)
    assert ("broken", "deductible subsidy paid") == (result.status, (result.reason or "")[:23])


def test_reasons_and_counterexamples_in_either_language() -> None:
    """Why an invariant broke or does not apply, and the counterexample, are said in the user's language;
    the English text is the library's ``reason``/``counterexample``."""
    dominance = [i for i in INVARIANTS if i.name == "dominance"]
    raised = REGISTRY.reform(ROOT / "policies" / "reforms" / "low-income-outpatient-cap-3000.toml")
    [broken] = check_policy(raised, REGISTRY.get(raised.extends), examples=60, seed=1, invariants=dominance)
    assert broken.status == "broken"
    assert (invariant_reason(broken, "en"), invariant_counterexample(broken, "en")) == (
        broken.reason,
        broken.counterexample,
    )
    assert invariant_reason(broken, "zh").startswith("门急诊：low_income 得到 ")
    assert "门急诊 自负 " in (invariant_counterexample(broken, "zh") or "")
    no_loser = [i for i in INVARIANTS if i.name == "no_loser"]
    shared = REGISTRY.reform(ROOT / "policies" / "reforms" / "shared-annual-cap.toml")
    [skipped] = check_policy(shared, REGISTRY.get(shared.extends), examples=5, seed=1, invariants=no_loser)
    assert skipped.reason == "the reform changes caps.scope, not only ratios and caps"
    assert invariant_reason(skipped, "zh") == "改革方案修改了 caps.scope，不只是比例和限额"
