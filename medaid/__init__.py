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

import warnings
from importlib import import_module
from typing import Any

from medaid._version import __version__

#: Public name -> module that defines it: the reference rules, the policies, money, the errors, and one entry
#: per capability (batch settlement, the ledger, district totals, what-if). The rest lives in its subpackage.
_EXPORTS = {
    # the reference (参照计算): a claim or a person-year under one policy
    "Claim": "medaid.rules",
    "ClaimResult": "medaid.rules",
    "Assessment": "medaid.rules",
    "Usage": "medaid.rules",
    "assess_claim": "medaid.rules",
    "assess_person": "medaid.rules",
    "assess_person_year": "medaid.rules",
    "assess_each_claim": "medaid.rules",
    # the policies
    "Policy": "medaid.policy",
    "PolicyRegistry": "medaid.policy",
    "default_registry": "medaid.policy",
    "CATEGORIES": "medaid.policy",
    # money and errors
    "parse_yuan": "medaid.money",
    "fen_to_yuan_str": "medaid.money",
    "MedaidError": "medaid.errors",
    "InputError": "medaid.errors",
    "PolicyError": "medaid.errors",
    # one entry per capability
    "settle_batch": "medaid.batch",
    "Ledger": "medaid.ledger",
    "district_totals": "medaid.district",
    "compare_caseload": "medaid.whatif",
}

#: Names ``medaid`` exported before; still resolved for one release, with a DeprecationWarning.
_MOVED = {
    "SettlementResult": "medaid.batch",
    "read_settled": "medaid.district",
    "split_city_district": "medaid.district",
    "mutual_aid_funding": "medaid.district",
    "mutual_aid_policy": "medaid.district",
    "compute_transfer": "medaid.district",
    "read_transfer_csv": "medaid.district",
    "compare_person_year": "medaid.whatif",
}
_RENAMED = {
    "assess_claims": "assess_each_claim",
    "settle_claims": "settle_batch",
    "aggregate": "district_totals",
    "sweep": ("medaid.whatif", "sweep_parameter"),
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is not None:
        return getattr(import_module(module), name)
    if name in _MOVED:
        warnings.warn(
            f"medaid.{name} is deprecated; import it from {_MOVED[name]} (the top level keeps it one more release)",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(import_module(_MOVED[name]), name)
    if name in _RENAMED:
        new = _RENAMED[name]
        module, new = new if isinstance(new, tuple) else (_EXPORTS[new], new)
        warnings.warn(
            f"medaid.{name} is renamed {module}.{new}; the old name goes in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(import_module(module), new)
    raise AttributeError(f"module 'medaid' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
