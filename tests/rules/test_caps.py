"""Annual caps (medaid.rules.caps): the running cap, what is left, whether it bound, and ``caps.scope`` —
including ``"shared"``, one annual cap for both kinds, the same in the reference, the batch and the ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medaid.batch.settle import settle_batch
from medaid.errors import PolicyError
from medaid.ledger import Ledger
from medaid.policy import PolicyRegistry, default_registry
from medaid.rules import Claim, Usage, assess_each_claim, assess_person
from medaid.rules.caps import NO_CAP, cap_bound, cap_group, cap_used, within_limit
from medaid.rules.ops import SCALAR
from medaid.testing.invariants import claims_file_rows

ROOT = Path(__file__).resolve().parents[2]
REFORM = default_registry().reform(ROOT / "policies" / "reforms" / "shared-annual-cap.toml")
ONLY = PolicyRegistry([REFORM])
DAY = dt.date(2023, 5, 1)


def test_within_limit_is_the_running_cap() -> None:
    """Summed over claims in order, the limit bites once: 2 800 split as 2 600 + 300 pays 200 on the second."""
    assert within_limit(SCALAR, 300_00, 2_800_00, 2_600_00) == 200_00
    assert within_limit(SCALAR, 300_00, 2_500_00, 2_600_00) == 0
    assert within_limit(SCALAR, 5, NO_CAP, 10**15) == 5


def test_cap_bound_works_on_bools_arrays_and_expressions() -> None:
    """cap_bound is True only for a covered claim the cap paid less than its amount."""
    assert [cap_bound(c, p, b) for c, p, b in ((True, 1, 2), (True, 2, 2), (False, 1, 2))] == [True, False, False]
    assert cap_bound(np.array([True, True, False]), np.array([1, 2, 1]), np.array([2, 2, 2])).tolist() == [
        True,
        False,
        False,
    ]


def test_cap_scope_groups_and_usage() -> None:
    """per_kind counts the claim's kind only; shared counts both kinds against the cap."""
    usage = Usage(2023, paid_inpatient_fen=100, paid_outpatient_fen=20)
    assert (cap_group("per_kind", "outpatient"), cap_group("shared", "outpatient")) == ("outpatient", "all")
    assert (cap_used(usage, "outpatient", "per_kind"), cap_used(usage, "outpatient", "shared")) == (20, 120)


def _claims(*specs: tuple[str, int, str]) -> list[Claim]:
    return [
        Claim(DAY + dt.timedelta(days=i), kind, fen, (category,), True, f"c{i}", "p")
        for i, (kind, fen, category) in enumerate(specs)
    ]


def test_shared_cap_counts_both_kinds() -> None:
    """A dibao member paid the whole 130 000 inpatient gets no outpatient assistance, only the subsidy."""
    claims = _claims(("inpatient", 150_000_00, "dibao"), ("outpatient", 5_500_00, "dibao"))
    shared = assess_person(claims, lambda day: REFORM)
    base = assess_person(claims, default_registry().medical_assistance)
    assert (shared.assistance_fen("inpatient"), shared.assistance_fen("outpatient"), shared.deductible_subsidy_fen) == (
        130_000_00,
        0,
        300_00,
    )
    assert (base.assistance_fen("inpatient"), base.assistance_fen("outpatient")) == (130_000_00, 2_800_00)
    outpatient = shared.claims[1]
    assert (outpatient.cap_fen, outpatient.cap_left_fen, outpatient.cap_bound) == (130_000_00, 0, True)
    assert [s.key for s in outpatient.steps if s.code == "cap_scope"] == ["caps.scope"]


def test_per_kind_results_carry_no_scope_step() -> None:
    """The shipped versions leave caps.scope at its default: their steps are as before."""
    result = assess_person(_claims(("outpatient", 5_500_00, "dibao")), default_registry().medical_assistance)
    assert "cap_scope" not in [s.code for s in result.steps]


def test_ledger_remaining_counts_both_kinds(tmp_path: Path) -> None:
    """The ledger settles through the same clauses: what is left of the shared cap is left for either kind."""
    claims = _claims(("inpatient", 100_000_00, "dibao"), ("outpatient", 5_500_00, "dibao"))
    with Ledger(tmp_path / "l.db", registry=ONLY) as ledger:
        paid = [ledger.settle(c).assistance_fen for c in claims]
        usage = ledger.usage("p", 2023)
        reversal = ledger.reverse("c0", "wrong person")
        after = ledger.usage("p", 2023)
    assert paid == [90_000_00, 3_120_00]
    assert (usage.inpatient.remaining_fen, usage.outpatient.remaining_fen) == (130_000_00 - 93_120_00,) * 2
    assert reversal.assistance_fen == 90_000_00
    assert (after.outpatient.remaining_fen, after.offset_used_fen) == (130_000_00 - 3_120_00, 300_00)


@st.composite
def _year(draw: st.DrawFn) -> list[Claim]:
    n = draw(st.integers(1, 8))
    return [
        Claim(
            dt.date(2023, draw(st.integers(1, 12)), draw(st.integers(1, 28))),
            draw(st.sampled_from(("inpatient", "outpatient"))),
            draw(st.one_of(st.sampled_from([0, 300_00, 60_000_00, 130_000_00]), st.integers(0, 200_000_00))),
            draw(
                st.sampled_from(
                    [("dibao",), ("low_income",), ("special_relief",), ("medical_poverty_1",), ("dibao", "low_income")]
                )
            ),
            draw(st.booleans()),
            f"c{i}",
            draw(st.sampled_from(("p", "q"))),
        )
        for i in range(n)
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_year())
def test_reference_batch_and_ledger_agree_under_a_shared_cap(claims: list[Claim]) -> None:
    """Every claim gets the same fen from the reference, the batch engine and the ledger (claims in date order)."""
    import tempfile

    want = {
        r.claim.claim_id: (r.assistance_fen, r.deductible_subsidy_fen)
        for r in assess_each_claim(claims, lambda day: REFORM)
    }
    table = settle_batch(claims_file_rows(claims), registry=ONLY, strict=True).table
    batch = {
        cid: (int(a * 100), int(s * 100))
        for cid, a, s in table.select("claim_id", "assistance", "deductible_subsidy").iter_rows()
    }
    assert batch == want
    ordered = sorted(enumerate(claims), key=lambda pair: (pair[1].date, pair[0]))
    with tempfile.TemporaryDirectory() as tmp, Ledger(Path(tmp) / "l.db", registry=ONLY) as ledger:
        settled = {
            c.claim_id: (s.assistance_fen, s.deductible_subsidy_fen) for _i, c in ordered for s in [ledger.settle(c)]
        }
    assert settled == want


def test_batch_refuses_a_scope_change_inside_a_year() -> None:
    """A run whose versions switch caps.scope mid-year is refused with the version named, not settled wrongly."""
    base = default_registry()
    july = attrs.evolve(base.get("medical-assistance-2018-07"), caps=attrs.evolve(REFORM.caps))
    registry = PolicyRegistry([base.get("medical-assistance-pre-2018-07"), july])
    rows = [
        {
            "claim_id": "a",
            "person_id": "p",
            "district": "minhang",
            "date": "2018-03-01",
            "category": "dibao",
            "kind": "inpatient",
            "self_pay": "100",
            "resident_insurance": "false",
        }
    ]
    with pytest.raises(PolicyError, match="caps.scope changes inside 2018"):
        settle_batch(rows, registry=registry)


def test_unknown_scope_is_refused(tmp_path: Path) -> None:
    """caps.scope must be per_kind or shared; the error names the file and key."""
    reform = tmp_path / "bad-scope.toml"
    reform.write_text('extends = "medical-assistance-2023"\n[caps]\nscope = "both"\n', encoding="utf-8")
    with pytest.raises(PolicyError, match="caps.scope: must be one of per_kind, shared, got 'both'") as caught:
        default_registry().reform(reform)
    assert str(reform) in str(caught.value)
