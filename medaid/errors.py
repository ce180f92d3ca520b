"""One exception tree for everything a user can get wrong.

Every error carries its place (file, row, key path) and the bad value, so the CLI can print one line
and exit 2. Anything that is not a :class:`MedaidError` is a bug and keeps its traceback.
"""

from __future__ import annotations

__all__ = [
    "MedaidError",
    "InputError",
    "PolicyError",
    "NoPolicyError",
    "UnknownCategoryError",
]


class MedaidError(Exception):
    """Base of every error medaid raises on bad input or bad policy data."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class InputError(MedaidError):
    """An amount, date, category or row that cannot be used as given."""


class UnknownCategoryError(InputError):
    """A recipient category the policy does not know; the message lists the valid ones."""


class PolicyError(MedaidError):
    """A policy or reform file that does not load or does not validate (``where`` = file and key path).

    ``problems`` lists every (file, key path, message) found, so a validator can show them all.
    """

    def __init__(
        self, message: str, *, where: str | None = None, problems: tuple[tuple[str, str, str], ...] = ()
    ) -> None:
        super().__init__(message, where=where)
        self.problems: tuple[tuple[str, str, str], ...] = problems or ((where or "", "", message),)

    @classmethod
    def from_problems(cls, problems: list[tuple[str, str, str]]) -> PolicyError:
        """One error for many problems: the first is the message, the rest are counted."""
        file, key, message = problems[0]
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        return cls(message + more, where=f"{file}: {key}", problems=tuple(problems))


class NoPolicyError(InputError):
    """No policy version is in force on the date asked for."""
