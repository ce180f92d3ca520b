"""``medaid ledger`` as a casework operator uses it: exit codes, counts, and what the ledger then holds."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medaid.cli import app
from medaid.policy import default_registry
from medaid.rules import assess_person
from tests.ledger.helpers import dump, make_claims, write_claims_csv

RUNNER = CliRunner()
CLAIMS = """claim_id,person_id,district,date,category,kind,self_pay,resident_insurance
c1,p1,闵行区,2023-03-01,dibao,outpatient,2000,true
c2,p1,minhang,2023-02-01,dibao,outpatient,3100,true
c3,p2,Pudong,2023-04-01,low_income|dibao,inpatient,45000,false
"""


def run(*args: str):
    return RUNNER.invoke(app, list(args))


@pytest.fixture
def claims(tmp_path: Path) -> Path:
    path = tmp_path / "claims.csv"
    path.write_text(CLAIMS, encoding="utf-8")
    return path


def read_out(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_settle_twice_pays_nothing_the_second_time(tmp_path: Path, claims: Path) -> None:
    """The first run settles every row in date order; the second says every claim was already settled."""
    db, out = tmp_path / "ledger.db", tmp_path / "out.csv"
    first = run("ledger", "settle", str(claims), "--db", str(db), "--output", str(out))
    assert 0 == first.exit_code, first.stderr
    assert "rows in 3 / settled 3 / duplicate 0 / rejected 0" in first.stderr
    rows = read_out(out)
    assert ["c1", "c2", "c3"] == [row["claim_id"] for row in rows]  # file order
    # c2 is earlier in the year: it takes the 300 offset and the subsidy; c1 then meets the 2 800 cap.
    assert [("1120.00", "0.00"), ("1680.00", "300.00"), ("40500.00", "0.00")] == [
        (r["assistance"], r["deductible_subsidy"]) for r in rows
    ]
    assert {"settled"} == {row["status"] for row in rows}
    second = run("ledger", "settle", str(claims), "--db", str(db), "--output", str(out))
    assert 0 == second.exit_code
    assert "rows in 3 / settled 0 / duplicate 3 / rejected 0" in second.stderr
    assert "paid by this run: 0.00 yuan" in second.stderr
    assert "nothing new to pay" in second.stderr
    assert {"duplicate"} == {row["status"] for row in read_out(out)}


def test_bad_rows_are_reported_and_counted(tmp_path: Path, claims: Path) -> None:
    """Rejected rows are named on stderr and in --rejects, the good rows still settle, exit 2; counts add up."""
    claims.write_text(
        CLAIMS
        + "c4,p3,minhang,2017-01-01,dibao,inpatient,10,false\nc5,p3,minhang,2023-01-01,dibao,inpatient,-10,false\nc1,p1,闵行区,2023-03-01,dibao,outpatient,2001,true\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    result = run(
        "ledger",
        "settle",
        str(claims),
        "--db",
        str(tmp_path / "l.db"),
        "--output",
        str(tmp_path / "o.csv"),
        "--rejects",
        str(rejects),
    )
    assert 2 == result.exit_code
    assert "line 5: no medical-assistance policy in force on 2017-01-01" in result.stderr
    assert "line 6: self_pay must not be negative, got '-10'" in result.stderr
    assert "line 7: duplicate claim_id 'c1' (first at line 2)" in result.stderr
    assert "rows in 6 / settled 3 / duplicate 0 / rejected 3" in result.stderr
    assert ["5", "6", "7"] == [row["line"] for row in read_out(rejects)]


def test_show_reverse_clear(tmp_path: Path, claims: Path) -> None:
    """A person's year, a reversal that frees the cap, and a clearing applied once, from the command line."""
    db = str(tmp_path / "ledger.db")
    claims.write_text(CLAIMS + "c6,p1,minhang,2023-05-01,dibao,outpatient,3000,true\n", encoding="utf-8")
    assert 0 == run("ledger", "settle", str(claims), "--db", db, "--output", str(tmp_path / "o.csv")).exit_code
    shown = run("ledger", "show", "p1", "--db", db, "--year", "2023")
    assert 0 == shown.exit_code
    assert "outpatient paid      2800.00  cap      2800.00 (dibao)  remaining         0.00" in shown.stdout
    reversed_ = run("ledger", "reverse", "c2", "--db", db, "--reason", "billed twice")
    assert 0 == reversed_.exit_code
    assert "reversed c2 (p1, 2023, outpatient): assistance 1680.00, deductible subsidy 300.00" in reversed_.stdout
    again = run("ledger", "reverse", "c2", "--db", db, "--reason", "again")
    assert 2 == again.exit_code and "already reversed" in again.stderr
    preview = run("ledger", "clear", "p1", "--year", "2023", "--db", db, "--format", "json")
    data = json.loads(preview.stdout)
    # Without c2, c1 takes the offset (1020 + 300 subsidy) and c6 fills the cap (1780): due 3100, paid 1120.
    assert (False, "1980.00", "1120.00") == (data["applied"], data["adjustment"], data["paid"])
    before = dump(Path(db))
    applied = run("ledger", "clear", "p1", "--year", "2023", "--db", db, "--apply")
    assert "net adjustment 1980.00 (补发 pay the person)" in applied.stdout and "adjustment recorded" in applied.stdout
    assert before != dump(Path(db))
    after = dump(Path(db))
    twice = run("ledger", "clear", "p1", "--year", "2023", "--db", db, "--apply")
    assert "nothing recorded" in twice.stdout
    assert after == dump(Path(db))
    assert "settled (clearing 1780.00)" in run("ledger", "show", "p1", "--db", db).stdout
    usage = json.loads(run("ledger", "show", "p1", "--db", db, "--format", "json").stdout)["years"][0]
    assert ("2800.00", "300.00") == (usage["outpatient"]["paid"], usage["deductible_subsidy_paid"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["ledger", "show", "p1", "--db", "{tmp}/missing.db"], "no ledger at"),
        (["ledger", "reverse", "nope", "--db", "{db}", "--reason", "x"], "no settled claim with claim_id 'nope'"),
        (["ledger", "reverse", "c1", "--db", "{db}", "--reason", " "], "needs a reason"),
        (["ledger", "clear", "p1", "--year", "99999", "--db", "{db}"], "year must be a year"),
        (["ledger", "settle", "{tmp}/missing.csv", "--db", "{db}"], "cannot read the claims file"),
        (["ledger", "settle", "{claims}", "--db", "{db}", "--synchronous", "SOMETIMES"], "synchronous must be one of"),
        (["ledger", "show", "p1", "--db", "{claims}"], "not a medaid ledger"),
        (["ledger", "settle", "{claims}", "--db", "{db}", "--batch-size", "0"], "--batch-size must be at least 1"),
    ],
)
def test_bad_input_exits_2_and_changes_nothing(tmp_path: Path, claims: Path, args: list[str], message: str) -> None:
    """Each mistake is one line on stderr, exit 2, and the ledger file is unchanged."""
    db = tmp_path / "ledger.db"
    assert 0 == run("ledger", "settle", str(claims), "--db", str(db), "--output", str(tmp_path / "o.csv")).exit_code
    before = dump(db)
    result = run(*[a.format(tmp=tmp_path, db=db, claims=claims) for a in args])
    assert 2 == result.exit_code
    assert message in result.stderr and 1 == len(result.stderr.strip().splitlines())
    assert before == dump(db)


def test_cli_file_settlement_equals_batch_reference(tmp_path: Path) -> None:
    """`medaid ledger settle` pays, claim by claim, what assess_person pays per person (the batch engine's definition).

    When `medaid claims` lands, compare its output for the same file here too.
    """
    claims = make_claims(2_000, 120, seed=21, years=(2022, 2023, 2024))
    path = write_claims_csv(tmp_path / "claims.csv", claims)
    result = run("ledger", "settle", str(path), "--db", str(tmp_path / "l.db"), "--output", str(tmp_path / "o.csv"))
    assert 0 == result.exit_code, result.stderr
    by_person = defaultdict(list)
    for claim in claims:
        by_person[claim.person_id].append(claim)
    registry = default_registry()
    expected = {}
    for person_claims in by_person.values():
        for r in assess_person(person_claims, registry.medical_assistance).claims:
            expected[r.claim.claim_id] = (r.eligible_fen, r.assistance_fen, r.deductible_subsidy_fen, r.policy_id)
    got = {
        row["claim_id"]: (
            round(float(row["eligible"]) * 100),
            round(float(row["assistance"]) * 100),
            round(float(row["deductible_subsidy"]) * 100),
            row["policy_id"],
        )
        for row in read_out(tmp_path / "o.csv")
    }
    assert expected == got


def test_ledger_settle_equals_medaid_claims_claim_by_claim(tmp_path: Path) -> None:
    """`medaid ledger settle` and the batch engine (`medaid claims`) pay the same fen, claim by claim, on one file."""
    claims = make_claims(3_000, 200, seed=33, years=(2022, 2023, 2024))
    path = write_claims_csv(tmp_path / "claims.csv", claims)
    batch = run("claims", str(path), "--output", str(tmp_path / "batch.csv"))
    assert 0 == batch.exit_code, batch.output
    ledger = run(
        "ledger", "settle", str(path), "--db", str(tmp_path / "l.db"), "--output", str(tmp_path / "ledger.csv")
    )
    assert 0 == ledger.exit_code, ledger.stderr
    from medaid.batch.settle import RESULT_COLUMNS

    ledger_rows, batch_rows = read_out(tmp_path / "ledger.csv"), read_out(tmp_path / "batch.csv")
    assert list(batch_rows[0]) + ["status"] == list(ledger_rows[0])
    from_batch = {row["claim_id"]: tuple(row[f] for f in RESULT_COLUMNS) for row in batch_rows}
    from_ledger = {row["claim_id"]: tuple(row[f] for f in RESULT_COLUMNS) for row in ledger_rows}
    assert len(claims) == len(from_ledger)
    assert from_batch == from_ledger
