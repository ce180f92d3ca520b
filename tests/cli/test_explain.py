"""``medaid explain``: a ledger claim and a claims-file claim, explained to the fen of what was paid."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from medaid.cli import app
from medaid.ledger import Ledger
from medaid.policy.registry import default_registry
from medaid.present.claim import from_ledger
from medaid.rules import Claim
from tests.ledger.helpers import make_claims, write_claims_csv

EXAMPLE = Path(__file__).parents[2] / "examples" / "claims-small.csv"
AMOUNTS = ("offset", "eligible", "before_cap", "assistance", "deductible_subsidy", "cap", "cap_left")


def run(*args: str):
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def ledger_run(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """The example file settled into a ledger, and the settled rows by claim_id."""
    folder = tmp_path_factory.mktemp("explain")
    db, out = folder / "ledger.db", folder / "settled.csv"
    code, _out, err = run("ledger", "settle", str(EXAMPLE), "--db", str(db), "--output", str(out))
    assert code == 0, err
    with out.open(encoding="utf-8") as handle:
        return db, {row["claim_id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def batch_rows(tmp_path_factory) -> dict[str, dict]:
    """The example file settled by the batch engine (``medaid claims``), by claim_id."""
    out = tmp_path_factory.mktemp("batch") / "settled.csv"
    code, _out, err = run("claims", str(EXAMPLE), "--output", str(out))
    assert code == 0, err
    with out.open(encoding="utf-8") as handle:
        return {row["claim_id"]: row for row in csv.DictReader(handle)}


def _same_amounts(explained: dict, settled: dict) -> None:
    for name in AMOUNTS:
        assert (explained[name] or "") == settled[name], name
    assert explained["category"] == settled["category_applied"]
    assert explained["policy_id"] == settled["policy_id"]


def test_every_ledger_claim_explained_to_the_fen(ledger_run) -> None:
    """Each claim of the example, explained from the ledger, has the amounts the ledger paid."""
    db, settled = ledger_run
    for claim_id, row in settled.items():
        code, out, err = run("explain", claim_id, "--db", str(db), "--format", "json")
        assert code == 0, err
        explained = json.loads(out)
        _same_amounts(explained, row)
        assert explained["matches_stored"] is True
        assert explained["status"] == "settled"


def test_every_file_claim_explained_as_the_batch_pays(batch_rows) -> None:
    """Each claim of the example, recomputed from the file, has the batch engine's amounts."""
    for claim_id, row in batch_rows.items():
        code, out, err = run("explain", claim_id, "--claims", str(EXAMPLE), "--format", "json")
        assert code == 0, err
        _same_amounts(json.loads(out), row)


def test_json_steps_have_the_keys_of_calc(ledger_run) -> None:
    """The steps of ``explain --format json`` carry the same keys as those of ``calc --format json``."""
    db, _settled = ledger_run
    _code, out, _err = run("explain", "C0001", "--db", str(db), "--format", "json")
    steps = {step["code"]: set(step) for step in json.loads(out)["steps"]}
    _code, out, _err = run(
        "calc", "-c", "dibao", "--outpatient", "420", "--resident-insurance", "--date", "2023-01-09", "--format", "json"
    )
    calc_steps = {step["code"]: set(step) for step in json.loads(out)["steps"] if step["kind"] == "outpatient"}
    assert calc_steps == steps


def test_text_names_offset_cap_before_and_rounding(tmp_path: Path) -> None:
    """The text says the offset used before, the cap paid before and left, and the rounding, in zh and en."""
    path = write_claims_csv(
        tmp_path / "c.csv",
        [
            Claim(dt.date(2023, 1, 5), "outpatient", 200_00, ("dibao",), True, "a", "p1"),
            Claim(dt.date(2023, 2, 5), "outpatient", 333_33, ("dibao",), True, "b", "p1"),
        ],
    )
    code, out, err = run("explain", "b", "--claims", str(path), "--lang", "en")
    assert code == 0, err
    # 200 of the 300 offset went to claim a; b loses 100 more: 233.33 × 60 % = 139.998, rounded 140.00.
    assert "CN¥200.00 taken by earlier claims, CN¥100.00 taken here; eligible CN¥233.33" in out
    assert "CN¥233.33 × 60% = 139.998 yuan, rounded half up to the fen once: CN¥140.00" in out
    assert (
        "Annual outpatient cap CN¥2,800.00: CN¥0.00 paid before this claim; this claim pays CN¥140.00; CN¥2,660.00 left"
        in out
    )
    assert "D3 (outpatient_offset)" in out
    code, out, err = run("explain", "b", "--claims", str(path), "--lang", "zh")
    assert "此前已扣 ¥200.00，本笔扣除 ¥100.00，可救助部分 ¥233.33" in out
    assert "四舍五入到分" in out and "限额余 ¥2,660.00" in out


def test_highest_ratio_names_the_candidates(tmp_path: Path) -> None:
    """A claim of a person in two categories says which was chosen (就高) among which."""
    path = write_claims_csv(
        tmp_path / "c.csv", [Claim(dt.date(2023, 3, 1), "inpatient", 1000_00, ("low_income", "dibao"), False, "x", "p")]
    )
    code, out, _err = run("explain", "x", "--claims", str(path), "--lang", "en")
    assert code == 0
    assert (
        "Category: dibao member (就高: the highest inpatient ratio of low-income family member 80%, dibao member 90%)"
        in out
    )


def test_reversed_claim_says_so(tmp_path: Path) -> None:
    """A reversed claim says when and why, and a later claim's cap before leaves the reversed amount out."""
    db = tmp_path / "l.db"
    with Ledger(db) as ledger:
        ledger.settle(Claim(dt.date(2023, 1, 1), "outpatient", 2000_00, ("low_income",), False, "r1", "p"))
        ledger.reverse("r1", "duplicate bill")
        later = ledger.settle(Claim(dt.date(2023, 2, 1), "outpatient", 2000_00, ("low_income",), False, "r2", "p"))
    code, out, _err = run("explain", "r1", "--db", str(db), "--lang", "en")
    assert code == 0
    assert "Reversed (冲正) on" in out and "duplicate bill" in out
    _code, out, _err = run("explain", "r2", "--db", str(db), "--format", "json")
    data = json.loads(out)
    assert data["paid_before"]["outpatient"] == "0.00" and data["matches_stored"]
    assert data["assistance"] == "1000.00" == f"{later.assistance_fen / 100:.2f}"
    _code, out, _err = run("explain", "r1", "--db", str(db), "--format", "json")
    assert json.loads(out)["status"] == "reversed" and json.loads(out)["reversal"]["reason"] == "duplicate bill"


def test_cleared_claim_says_so(tmp_path: Path) -> None:
    """A claim a clearing (个人清算) adjusted says by how much; its stored amounts are still reproduced."""
    db = tmp_path / "l.db"
    with Ledger(db) as ledger:
        # Settled out of date order: the later-dated claim took the cap first; clearing moves it.
        ledger.settle(Claim(dt.date(2023, 6, 1), "outpatient", 5000_00, ("dibao",), False, "late", "p"))
        ledger.settle(Claim(dt.date(2023, 1, 1), "outpatient", 1000_00, ("dibao",), False, "early", "p"))
        clearing = ledger.clear("p", 2023, apply=True)
        assert clearing.applied
        ledger.settle(Claim(dt.date(2023, 7, 1), "outpatient", 100_00, ("dibao",), False, "after", "p"))
    code, out, _err = run("explain", "early", "--db", str(db), "--lang", "en")
    assert code == 0
    assert "A clearing (个人清算) later adjusted this claim by +CN¥600.00 (pay more, 补发)." in out
    for claim_id in ("late", "early", "after"):
        _code, out, _err = run("explain", claim_id, "--db", str(db), "--format", "json")
        assert json.loads(out)["matches_stored"], claim_id


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), reverse_every=st.integers(2, 7))
def test_replay_reproduces_every_settlement(tmp_path_factory, seed: int, reverse_every: int) -> None:
    """Settled in arrival order with reversals between, every claim's replay gives its stored amounts."""
    db = tmp_path_factory.mktemp("prop") / "l.db"
    registry = default_registry()
    claims = make_claims(40, 4, seed=seed, years=(2023, 2024))
    with Ledger(db, registry=registry) as ledger:
        for index, claim in enumerate(claims):
            ledger.settle(claim)
            if index % reverse_every == 0:
                ledger.reverse(claim.claim_id, "test")
        for claim in claims:
            explanation = from_ledger(ledger, claim.claim_id, registry.medical_assistance)
            assert explanation.matches, explanation.differences


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(seed=st.integers(0, 10_000))
def test_file_claims_explained_as_the_batch_pays(tmp_path_factory, seed: int) -> None:
    """For random claims files (several years, categories changing), every explained claim has the batch's amounts."""
    from medaid.batch.settle import settle_batch
    from medaid.present.claim import from_claims_file

    path = write_claims_csv(
        tmp_path_factory.mktemp("file") / "c.csv", make_claims(40, 4, seed=seed, years=(2022, 2023, 2024))
    )
    registry = default_registry()
    batch = {row["claim_id"]: row for row in settle_batch(path, registry=registry).table.iter_rows(named=True)}
    for claim_id, row in batch.items():
        result = from_claims_file(path, claim_id, registry.medical_assistance).result
        for field in ("offset", "eligible", "before_cap", "assistance", "deductible_subsidy", "cap_left"):
            expected = row[field]
            got = getattr(result, f"{field}_fen")
            assert (None if expected is None else int(expected * 100)) == got, (claim_id, field)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", "C0001"], "give exactly one of --db LEDGER or --claims FILE"),
        (["explain", "NOPE", "--claims", str(EXAMPLE)], "no claim with claim_id 'NOPE'"),
        (["explain", "C0001", "--db", "/nonexistent/ledger.db"], "no such ledger file"),
        (["explain", "C0001", "--claims", str(EXAMPLE), "--format", "xml"], "--format must be one of text, json"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    """Bad options or an unknown claim: one line naming it, exit 2."""
    code, out, err = run(*args)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1


def test_unknown_ledger_claim(ledger_run) -> None:
    """A claim the ledger never settled is named."""
    db, _settled = ledger_run
    code, _out, err = run("explain", "ZZZ", "--db", str(db))
    assert code == 2 and "no settled claim with claim_id 'ZZZ'" in err
