"""The storage a :class:`~medaid.ledger.Ledger` needs, as a small interface.

The ledger holds the rules; a store only keeps rows and runs transactions. SQLite
(:mod:`medaid.ledger.sqlite`) is the embedded default, PostgreSQL (:mod:`medaid.ledger.postgres`) the
server one. Every write transaction names the person-years it will read and change; the store
serialises it against every other writer of those person-years (SQLite: against every writer), so every
read inside it sees the latest commit of those person-years and no other writer changes them before it
ends, and commits it all or nothing. Writers of other person-years may run beside it: a claim_id they
insert meanwhile surfaces as :class:`RetryTransaction`, and the ledger runs the transaction again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol, TypeVar

from medaid.errors import N_, DatabaseError, InternalError
from medaid.ledger.model import Reversal, Settlement
from medaid.rules import Usage

__all__ = ["LedgerStore", "Adjustment", "RetryTransaction", "DatabaseError", "MAX_ATTEMPTS", "retrying"]

T = TypeVar("T")

#: How many times a transaction the database asks to run again (a deadlock, a lost connection) is run.
MAX_ATTEMPTS = 30

#: One clearing adjustment line: (claim_id, assistance delta, subsidy delta, offset delta), fen.
Adjustment = tuple[str, int, int, int]


class RetryTransaction(Exception):
    """Raised by :meth:`LedgerStore.write` after rolling back, when running the transaction again will do.

    A deadlock, a serialisation failure, a claim_id another writer inserted meanwhile, or a lost connection
    (the store reconnects on its next transaction). ``committed_unknown`` is true when the connection was lost
    while committing: the transaction may have been committed, so only an idempotent one may run again.
    """

    def __init__(self, message: str, *, committed_unknown: bool = False) -> None:
        super().__init__(message)
        self.committed_unknown = committed_unknown


def retrying(transaction: Callable[[], T], *, idempotent: bool) -> T:
    """``transaction()``, run again (after a short random pause) each time it raises :class:`RetryTransaction`,
    up to :data:`MAX_ATTEMPTS` times: the one retry loop, for the ledger's transactions and a store's own
    schema check alike. A transaction that may have been committed is run again only if ``idempotent``;
    otherwise the caller is told to look before trying again."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return transaction()
        except RetryTransaction as retry:
            if retry.committed_unknown and not idempotent:
                raise DatabaseError(
                    N_("{retry}; it may or may not have been recorded: look (medaid ledger show) before trying again"),
                    retry=retry,
                ) from None
            if attempt == MAX_ATTEMPTS:
                raise DatabaseError(
                    N_("gave up after {attempts} attempts: {retry}"), attempts=MAX_ATTEMPTS, retry=retry
                ) from None
            time.sleep(random.uniform(0, min(0.2, 0.002 * 2**attempt)))
    raise InternalError(N_("the retry loop ended without a result"))


class LedgerStore(Protocol):
    """Rows and transactions; every method but :meth:`write`, :meth:`read` and :meth:`close` runs inside one of them."""

    def write(self, keys: Iterable[tuple[str, int]] = ()) -> AbstractContextManager[None]:
        """One write transaction over the person-years ``keys`` (person_id, year): serialised against every
        other writer of them, committed whole or not at all; may raise :class:`RetryTransaction`."""

    def read(self) -> AbstractContextManager[None]:
        """One read transaction: a consistent snapshot."""

    def close(self) -> None:
        """Release the connection."""

    def next_seq(self) -> int:
        """The number the next settlement gets (arrival order): exact inside :meth:`write` (where a server store
        may reserve it), an estimate inside :meth:`read`."""

    def settlement(self, claim_id: str) -> Settlement | None:
        """The stored settlement of ``claim_id`` (with the claim's content), or ``None``."""

    def settlements_by_id(self, claim_ids: list[str]) -> dict[str, Settlement]:
        """The stored settlement of each of ``claim_ids`` the store holds."""

    def usages(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Usage]:
        """The usage of each (person_id, year) the store holds."""

    def add_settlements(self, settlements: list[Settlement], first_seq: int) -> Sequence[int]:
        """Record new settlements in the order given (whatever their ``seq``), the first numbered ``first_seq``
        (from :meth:`next_seq` in this transaction), the others ascending; return the numbers given.

        SQLite numbers them ``first_seq, first_seq + 1, ...``; a server store may leave gaps.
        """

    def usage(self, person_id: str, year: int) -> Usage | None:
        """The person's year-to-date usage, or ``None`` if nothing was ever settled for that year."""

    def put_usage(self, rows: Iterable[tuple[str, Usage]]) -> None:
        """Set the usage of each (person_id, usage-of-a-year)."""

    def year_settlements(self, person_id: str, year: int) -> list[Settlement]:
        """Every settlement of the person-year, reversed ones included, in arrival (``seq``) order."""

    def person_years(self, person_id: str) -> list[int]:
        """The years with a settlement for the person, ascending."""

    def adjustments(self, person_id: str, year: int) -> dict[str, tuple[int, int, int]]:
        """Per claim, the sum of clearing adjustments recorded: (assistance, subsidy, offset) fen."""

    def add_adjustment(
        self, person_id: str, year: int, fingerprint: str, lines: list[Adjustment], applied_at: str
    ) -> bool:
        """Record one clearing adjustment, unless this (person, year, fingerprint) is already recorded."""

    def add_reversal(self, reversal: Reversal) -> None:
        """Record a reversal and mark the claim reversed."""

    def reversal(self, claim_id: str) -> Reversal | None:
        """The reversal of ``claim_id``, or ``None``."""
