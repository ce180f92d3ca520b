"""The casework ledger (``docs/architecture.md``): year-to-date usage per person, durable (SQLite), idempotent settlement.

See ``docs/embedding.md`` for how a casework system uses it.
"""

from medaid.ledger.ledger import Ledger
from medaid.ledger.model import (
    AlreadyReversedError,
    Clearing,
    ClearingLine,
    ConflictError,
    KindUsage,
    Reversal,
    Settlement,
    UnknownClaimError,
    YearUsage,
)

__all__ = [
    "Ledger",
    "Settlement",
    "Reversal",
    "Clearing",
    "ClearingLine",
    "KindUsage",
    "YearUsage",
    "ConflictError",
    "UnknownClaimError",
    "AlreadyReversedError",
]
