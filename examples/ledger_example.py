"""Embed the medaid ledger: settle claims as they arrive, retry safely, reverse one, clear the person's year."""

import datetime as dt
import sys
import tempfile
from pathlib import Path

import medaid
from medaid.ledger import ConflictError
from medaid.money import fen_to_yuan_str as yuan
from medaid.rules import Claim

path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "ledger.db"

with medaid.Ledger(path) as ledger:
    # A dibao member in the resident insurance: three outpatient claims in 2023 (cap 2 800 yuan).
    def outpatient(claim_id, month, fen):
        return Claim(dt.date(2023, month, 1), "outpatient", fen, ("dibao",), True, claim_id, "p-001")

    for claim in (outpatient("c1", 2, 3_100_00), outpatient("c2", 3, 2_000_00), outpatient("c3", 5, 3_000_00)):
        s = ledger.settle(claim)
        print(
            f"{s.claim_id}: {s.status}, assistance {yuan(s.assistance_fen)}, subsidy {yuan(s.deductible_subsidy_fen)}"
        )

    # A retry after a timeout: the stored settlement comes back, nothing more is paid.
    again = ledger.settle(outpatient("c2", 3, 2_000_00))
    print(f"c2 again: {again.status}, assistance {yuan(again.assistance_fen)}")

    # The same claim_id with another amount is refused.
    try:
        ledger.settle(outpatient("c2", 3, 2_500_00))
    except ConflictError as error:
        print(f"refused: {error}")

    usage = ledger.usage("p-001", 2023).outpatient
    print(f"outpatient paid {yuan(usage.paid_fen)}, remaining {yuan(usage.remaining_fen)}")

    # c1 was billed in error: reverse it (冲正); its amount goes back to the remaining cap.
    reversal = ledger.reverse("c1", "billed in error")
    print(f"reversed c1: {yuan(reversal.assistance_fen)} + subsidy {yuan(reversal.deductible_subsidy_fen)} back")

    # Individual clearing (个人清算): recompute the year in date order, then record the difference once.
    clearing = ledger.clear("p-001", 2023)
    for line in clearing.lines:
        print(
            f"  {line.claim_id}: paid {yuan(line.paid_assistance_fen + line.paid_subsidy_fen)}, "
            f"due {yuan(line.due_assistance_fen + line.due_subsidy_fen)}"
        )
    print(f"net adjustment {yuan(clearing.adjustment_fen)} (positive: 补发, pay the person)")
    print(
        f"applied: {ledger.clear('p-001', 2023, apply=True).applied}, "
        f"again: {ledger.clear('p-001', 2023, apply=True).applied}"
    )
    print(f"outpatient paid {yuan(ledger.usage('p-001', 2023).outpatient.paid_fen)}")
