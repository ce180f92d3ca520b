"""medaid: Shanghai medical assistance (医疗救助) and mutual aid (互助帮困) as rules-as-code.

The public API is re-exported here lazily, so ``import medaid`` stays cheap for a CLI start:

>>> import datetime as dt, medaid
>>> registry = medaid.default_registry()
>>> result = medaid.assess_person_year(["dibao"], dt.date(2023, 5, 1), registry.medical_assistance,
...                                    inpatient_fen=16_000_000, outpatient_fen=550_000, resident_insurance=True)
>>> medaid.fen_to_yuan_str(result.total_fen)
'133100.00'
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from medaid._version import __version__

#: Public name -> module that defines it.
_EXPORTS = {
    "Assessment": "medaid.rules",
    "Claim": "medaid.rules",
    "ClaimResult": "medaid.rules",
    "Usage": "medaid.rules",
    "assess_claim": "medaid.rules",
    "assess_person": "medaid.rules",
    "assess_person_year": "medaid.rules",
    "assess_claims": "medaid.rules",
    "Policy": "medaid.policy",
    "PolicyRegistry": "medaid.policy",
    "default_registry": "medaid.policy",
    "CATEGORIES": "medaid.policy",
    "Ledger": "medaid.ledger",
    "MedaidError": "medaid.errors",
    "InputError": "medaid.errors",
    "PolicyError": "medaid.errors",
    "parse_yuan": "medaid.money",
    "fen_to_yuan_str": "medaid.money",
    "settle_claims": "medaid.batch",
    "SettlementResult": "medaid.batch",
    "aggregate": "medaid.district",
    "read_settled": "medaid.district",
    "split_city_district": "medaid.district",
    "mutual_aid_funding": "medaid.district",
    "mutual_aid_policy": "medaid.district",
    "compute_transfer": "medaid.district",
    "read_transfer_csv": "medaid.district",
    "compare_person_year": "medaid.whatif",
    "compare_caseload": "medaid.whatif",
    "sweep": "medaid.whatif",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'medaid' has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
