"""An individual clearing (个人清算) as JSON-ready data: one shape for ``medaid ledger clear --format json`` and
the service's clearing endpoint."""

from __future__ import annotations

from typing import Any

from medaid.money import fen_to_yuan_str as yuan

__all__ = ["clearing_dict"]


def clearing_dict(c: Any) -> dict[str, Any]:
    """The clearing ``c`` (a :class:`medaid.ledger` clearing): paid vs due per claim, amounts as yuan strings."""
    return {
        "person_id": c.person_id,
        "year": c.year,
        "paid": yuan(c.paid_fen),
        "due": yuan(c.due_fen),
        "adjustment": yuan(c.adjustment_fen),
        "applied": c.applied,
        "policy_ids": list(c.policy_ids),
        "claims": [
            {
                "claim_id": line.claim_id,
                "date": line.date.isoformat(),
                "kind": line.kind,
                "paid_assistance": yuan(line.paid_assistance_fen),
                "paid_subsidy": yuan(line.paid_subsidy_fen),
                "due_assistance": yuan(line.due_assistance_fen),
                "due_subsidy": yuan(line.due_subsidy_fen),
                "adjustment": yuan(line.adjustment_fen),
            }
            for line in c.lines
        ],
    }
