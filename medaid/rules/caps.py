"""Annual caps (年度最高救助限额): per person, per calendar year, per kind of care or shared (D8, ``caps.scope``).

Each function is one clause, element-wise over :mod:`medaid.rules.ops`: the reference calls it on ints,
the batch engine on numpy arrays, the settled table on polars expressions, the ledger on ints. The running
state they read (what was used before a claim) is the only thing each executor computes its own way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from medaid.policy.model import SCOPES
from medaid.rules.ops import Ops

if TYPE_CHECKING:
    from medaid.rules.model import Usage

__all__ = [
    "NO_CAP",
    "limit_value",
    "within_limit",
    "cap_payment",
    "cap_left",
    "cap_bound",
    "cap_group",
    "cap_used",
    "SCOPES",
]

#: Stands for "no cap" (special relief) in arithmetic: far above any sum of capped amounts (int64-safe).
NO_CAP = 1 << 62


def limit_value(cap_fen: int | None) -> int:
    """A policy cap as an amount the clauses can compute with: ``None`` (no cap) becomes :data:`NO_CAP`."""
    return NO_CAP if cap_fen is None else cap_fen


def within_limit(ops: Ops, amount: Any, limit: Any, used_before: Any) -> Any:
    """The part of ``amount`` that fits in what is left of a yearly ``limit``: ``max(0, min(a, limit − used))``.

    Summed over a year's claims in date order this is ``min(cumulative, limit) − min(previous, limit)``
    per claim, so a limit bites once however the year is split into claims. Both yearly limits of medaid
    are this clause: the annual cap (:func:`cap_payment`) and the 300 offset
    (:func:`medaid.rules.outpatient.offset`).

    >>> from medaid.rules.ops import SCALAR
    >>> within_limit(SCALAR, 300_00, 2_800_00, 2_600_00), within_limit(SCALAR, 300_00, 2_500_00, 2_600_00)
    (20000, 0)
    """
    return ops.maximum(0, ops.minimum(amount, limit - used_before))


def cap_payment(ops: Ops, before_cap: Any, cap: Any, paid_before: Any) -> Any:
    """What a claim pays within the annual cap (D8: ``min(cumulative, cap) − min(previous, cap)``).

    ``paid_before`` counts everything paid to the person this year in the claim's cap group (:func:`cap_group`)
    under any category; ``cap`` is the one of the claim's own category (:func:`limit_value` for none).
    Policy key: ``categories.<category>.<kind>.cap``.
    """
    return within_limit(ops, before_cap, cap, paid_before)


def cap_left(ops: Ops, cap: Any, paid_before: Any, paid: Any) -> Any:
    """What is left of the claim's cap after it: ``max(0, cap − paid before − paid)`` (a lower cap may be passed)."""
    return ops.maximum(0, cap - paid_before - paid)


def cap_bound(covered: Any, paid: Any, before_cap: Any) -> Any:
    """Whether the cap reduced a covered claim's assistance (``&`` and ``<`` work on bools, arrays and expressions)."""
    return covered & (paid < before_cap)


def cap_group(scope: str, kind: str) -> str:
    """Which running total a claim's cap counts: its own kind (``per_kind``, D8) or both kinds (``shared``).

    Policy key: ``caps.scope``. The reference reads the total with :func:`cap_used`, the batch engine
    scans each group as one run, the ledger reports what is left of it.
    """
    return "all" if scope == "shared" else kind


def cap_used(usage: Usage, kind: str, scope: str) -> int:
    """Assistance already paid this year in the cap group of a ``kind`` claim (see :func:`cap_group`)."""
    if cap_group(scope, kind) == "all":
        return usage.paid_inpatient_fen + usage.paid_outpatient_fen
    return usage.paid(kind)
