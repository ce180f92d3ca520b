"""A strict reader over a parsed TOML table: typed getters that record problems with their key path.

Validation (`medaid policy validate`; the failure modes are `tests/policy/bad/`) is the sum of what this reader refuses: unknown keys, wrong types, ratios
outside [0, 1], negative amounts, a value without a source. Problems are collected, not raised one by
one, so ``medaid policy validate`` can list them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from medaid.errors import N_, InputError, Message
from medaid.money import FEN_PER_YUAN, MAX_FEN, PPM, ratio_to_ppm, yuan_to_fen

Blame = Callable[[str], str]


class Problems:
    """Collected validation problems, each as (file, key path, message)."""

    def __init__(self, blame: Blame) -> None:
        self._blame = blame
        self.items: list[tuple[str, str, str]] = []

    def add(self, key: str, message: str, **fields: Any) -> None:
        """Record that the value at ``key`` is wrong, with the file it came from; ``message`` is an
        ``N_``-marked template filled with ``fields`` (kept, to be shown in any language)."""
        self.items.append((self._blame(key), key, Message(message, **fields)))


class Reader:
    """Typed access to one table of a policy file; every key read is marked as known."""

    def __init__(self, data: Any, path: str, problems: Problems) -> None:
        self.path = path
        self.problems = problems
        if not isinstance(data, dict):
            problems.add(path or "(top)", N_("must be a table, got {value}"), value=_show(data))
            data = {}
        self.data: dict[str, Any] = data
        self._known: set[str] = set()

    def key(self, name: str) -> str:
        """The full key path of ``name`` in this table."""
        return f"{self.path}.{name}" if self.path else name

    def has(self, name: str) -> bool:
        self._known.add(name)
        return name in self.data

    def _get(self, name: str, required: bool) -> Any:
        self._known.add(name)
        if name not in self.data:
            if required:
                self.problems.add(self.key(name), N_("is missing"))
            return None
        return self.data[name]

    def text(self, name: str, *, required: bool = True, default: str | None = None) -> str | None:
        value = self._get(name, required)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            self.problems.add(self.key(name), N_("must be a non-empty string, got {value}"), value=_show(value))
            return default
        return value

    def date(self, name: str, *, required: bool = True) -> dt.date | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.problems.add(self.key(name), N_("must be a date like 2023-01-01, got {value}"), value=_show(value))
            return None
        return value

    def ratio(self, name: str) -> int:
        """A ratio in [0, 1] as ppm (0 where it is wrong, after recording the problem)."""
        value = self._get(name, True)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or not _finite(value):
            self.problems.add(self.key(name), N_("must be a number between 0 and 1, got {value}"), value=_show(value))
            return 0
        try:
            ppm = ratio_to_ppm(value)
        except InputError as exc:
            self.problems.add(self.key(name), exc.msgid, **exc.fields)
            return 0
        if not 0 <= ppm <= PPM:
            self.problems.add(self.key(name), N_("must be between 0 and 1, got {value}"), value=value)
            return 0
        return ppm

    def amount(self, name: str, *, allow_none: bool = False) -> int | None:
        """A non-negative yuan amount as fen; with ``allow_none`` the string "none" means no limit."""
        value = self._get(name, True)
        if value is None:
            return 0
        if allow_none and value == "none":
            return None
        number = not isinstance(value, bool) and isinstance(value, (int, Decimal))
        if not number or not _finite(value):
            self.problems.add(
                self.key(name),
                N_("must be a finite amount in {allowed}, got {value}")
                if number
                else N_("must be a non-negative amount in {allowed}, got {value}"),
                allowed='yuan, or "none" for no cap' if allow_none else "yuan",
                value=_show(value),
            )
            return 0
        if value < 0:
            self.problems.add(self.key(name), N_("must not be negative, got {value}"), value=value)
            return 0
        if value > MAX_FEN // FEN_PER_YUAN:
            # Bounded by what the engine holds (int64 fen with room for a year's sums): medaid.money.MAX_FEN.
            self.problems.add(
                self.key(name),
                N_("must be at most {maximum} yuan (the largest amount medaid holds), got {value}"),
                maximum=MAX_FEN // FEN_PER_YUAN,
                value=value,
            )
            return 0
        try:
            return yuan_to_fen(value)
        except InputError as exc:
            self.problems.add(self.key(name), exc.msgid, **exc.fields)
            return 0

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self._get(name, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problems.add(self.key(name), N_("must be true or false, got {value}"), value=_show(value))
            return default
        return value

    def strings(self, name: str) -> tuple[str, ...]:
        value = self._get(name, True)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problems.add(self.key(name), N_("must be a list of strings, got {value}"), value=_show(value))
            return ()
        return tuple(value)

    def table(self, name: str, *, required: bool = True) -> Reader:
        value = self._get(name, required)
        return Reader({} if value is None else value, self.key(name), self.problems)

    def tables(self, name: str, *, required: bool = True) -> dict[str, Reader]:
        """The sub-tables of table ``name``, each as a reader, in file order."""
        parent = self.table(name, required=required)
        for child in parent.data:
            parent._known.add(child)
        return {child: parent.table(child) for child in parent.data}

    def finish(self) -> None:
        """Record every key of this table that nothing read: an unknown key."""
        for name in self.data:
            if name not in self._known:
                self.problems.add(self.key(name), N_("unknown key"))


def _finite(value: int | Decimal) -> bool:
    """False for TOML's inf and nan (read as Decimal infinity and NaN), which no amount or ratio may be."""
    return not isinstance(value, Decimal) or value.is_finite()


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    return repr(str(value) if isinstance(value, Decimal) else value)
