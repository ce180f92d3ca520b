"""The same claims through POST /v1/ledger/claims, `medaid ledger settle` and `medaid claims`: equal to the fen."""

from __future__ import annotations

import csv
from pathlib import Path

import httpx
from typer.testing import CliRunner

from medaid.cli import app
from medaid.money import parse_yuan
from tests.service import claims as data
from tests.service.live import LiveServer


def test_service_ledger_cli_ledger_and_batch_agree(tmp_path: Path, server: LiveServer) -> None:
    """Claim by claim, assistance and deductible subsidy are the same fen on all three paths."""
    claims = data.dataset(400, 40, seed=12, prefix="EQ-")
    path = data.write_file(tmp_path / "claims.csv", claims)
    batch = data.batch(path)
    out = tmp_path / "settled.csv"
    result = CliRunner().invoke(app, ["claims", str(path), "--output", str(tmp_path / "claims-out.csv")])
    assert result.exit_code == 0, result.output
    with (tmp_path / "claims-out.csv").open(encoding="utf-8") as handle:
        cli_claims = {
            row["claim_id"]: (parse_yuan(row["assistance"]), parse_yuan(row["deductible_subsidy"]))
            for row in csv.DictReader(handle)
        }
    result = CliRunner().invoke(
        app, ["ledger", "settle", str(path), "--db", str(tmp_path / "cli.db"), "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        cli_ledger = {
            row["claim_id"]: (parse_yuan(row["assistance"]), parse_yuan(row["deductible_subsidy"]))
            for row in csv.DictReader(handle)
        }
    service = {}
    with httpx.Client(base_url=server.url) as client:
        for body in data.as_json(claims):
            # One claim per request, and a few lists, as a casework system sends them.
            answer = client.post("/v1/ledger/claims", json=body)
            assert answer.status_code == 200, answer.text
            settled = answer.json()["settlements"][0]
            assert settled["status"] == "settled"
            service[settled["claim_id"]] = (
                parse_yuan(settled["assistance"]),
                parse_yuan(settled["deductible_subsidy"]),
            )
    assert len(service) == len(claims) == len(batch)
    assert service == cli_ledger == cli_claims == batch
    assert sum(a for a, _s in service.values()) > 0 and any(s for _a, s in service.values())
