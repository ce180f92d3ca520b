"""The storage a :class:`~medaid.ledger.Ledger` needs, as a small interface.

The ledger holds the rules; a store only keeps rows and runs transactions. SQLite
(:mod:`medaid.ledger.sqlite`) is the embedded default; a server database can be added by implementing
this protocol, provided ``write()`` serialises writers (every read inside it sees the latest commit and
no other writer commits before it ends) and commits all or nothing.
"""

from __future__ import annotations

from typing import ContextManager, Iterable, Protocol

from medaid.ledger.model import Reversal, Settlement
from medaid.rules import Usage

__all__ = ["LedgerStore", "Adjustment"]

#: One clearing adjustment line: (claim_id, assistance delta, subsidy delta, offset delta), fen.
Adjustment = tuple[str, int, int, int]


class LedgerStore(Protocol):
    """Rows and transactions; every method but :meth:`write`, :meth:`read` and :meth:`close` runs inside one of them."""

    def write(self) -> ContextManager[None]:
        """One write transaction: serialised against every other writer, committed whole or not at all."""

    def read(self) -> ContextManager[None]:
        """One read transaction: a consistent snapshot."""

    def close(self) -> None:
        """Release the connection."""

    def next_seq(self) -> int:
        """The next settlement sequence number (arrival order); call inside :meth:`write`."""

    def settlement(self, claim_id: str) -> Settlement | None:
        """The stored settlement of ``claim_id`` (with the claim's content), or ``None``."""

    def settlements_by_id(self, claim_ids: list[str]) -> dict[str, Settlement]:
        """The stored settlement of each of ``claim_ids`` the store holds."""

    def usages(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Usage]:
        """The usage of each (person_id, year) the store holds."""

    def add_settlements(self, settlements: list[Settlement], first_seq: int) -> None:
        """Record new settlements, numbered ``first_seq``, ``first_seq + 1``, ... in the order given (whatever their ``seq``)."""

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

    def add_adjustment(self, person_id: str, year: int, fingerprint: str, lines: list[Adjustment], applied_at: str) -> bool:
        """Record one clearing adjustment, unless this (person, year, fingerprint) is already recorded."""

    def add_reversal(self, reversal: Reversal) -> None:
        """Record a reversal and mark the claim reversed."""

    def reversal(self, claim_id: str) -> Reversal | None:
        """The reversal of ``claim_id``, or ``None``."""
