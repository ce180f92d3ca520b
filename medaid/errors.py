"""One exception tree for everything a user can get wrong (and one class for medaid's own bugs).

Every error carries its place (``file``, ``line``, ``key``: whichever apply) and the bad values as
attributes, and its message as a message id: an English template with ``{named}`` fields, marked with
``N_`` so the gettext catalogues translate it. ``str(error)`` is the English text (``where: message``);
:meth:`MedaidError.render` gives it in another language (the CLI's ``user_errors`` and the service's
problem details use it). The CLI prints one line and exits with :attr:`MedaidError.exit_code` (2 for
bad input or policy data, 70 for an :class:`InternalError`). Anything that is not a :class:`MedaidError`
is a bug and keeps its traceback.

The tree::

    LocatedError                    the message id, its fields, file/line/key, render(lang)
        MedaidError                 exit 2: the input or the policy data is at fault
            InputError              an amount, date, category, row, option or file that cannot be used
                UnknownCategoryError    a recipient category the policy does not know
                NoPolicyError           no policy version in force on the date
                ConflictError           a claim_id settled before with different content
                UnknownClaimError       a claim_id the ledger never settled
                AlreadyReversedError    a reversal of a reversed claim
                MigrationError          a ledger at another schema version
            PolicyError             a policy, reform or decisions file that does not validate
            DatabaseError           the ledger's database cannot be reached or refused an operation
            PgServerError           the throwaway PostgreSQL server could not be started (tests, examples)
        InternalError               exit 70: an invariant of medaid's own broke (a bug, not the input)

Internal control flow, never shown to a user: ``medaid.ledger.store.RetryTransaction`` (a transaction
to run again), ``medaid.cli.Stopped`` (a signal), ``medaid.service.problems.ProblemError`` (an HTTP answer
being built) and ``medaid.testing.invariants.InvariantBroken`` (a counterexample ``medaid check`` reports).
"""

from __future__ import annotations

import os
import re
from typing import Any

__all__ = [
    "LocatedError",
    "MedaidError",
    "InputError",
    "PolicyError",
    "NoPolicyError",
    "UnknownCategoryError",
    "ConflictError",
    "UnknownClaimError",
    "AlreadyReversedError",
    "MigrationError",
    "DatabaseError",
    "PgServerError",
    "InternalError",
    "Message",
    "rendered_text",
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
]

#: Exit status of a command stopped by bad input or policy data.
EXIT_BAD_INPUT = 2
#: Exit status of a command stopped by a bug in medaid (``EX_SOFTWARE`` of sysexits.h).
EXIT_INTERNAL = 70


def N_(message: str) -> str:
    """Mark a message id for extraction (the same as :func:`medaid.i18n.catalog.N_`, without its import)."""
    return message


#: The place of an error as text, one message per shape, translated like any message.
_WHERE_LINE = N_("{file}: line {line}")
_WHERE_LINE_KEY = N_("{file}: line {line}: {key}")
_LINE = N_("line {line}")
_LINE_KEY = N_("line {line}: {key}")

# A location given as text ("path: line 3", "path:3") is split so the line can be translated.
_LINE_TEXT = re.compile(r"^(?P<file>.+?):\s*line\s+(?P<line>\d+)$")


class Message(str):
    """A text that is its English self and keeps its message id and fields, so it can be shown in another
    language: a policy validator's problem, a word such as a scheme's name used as a field of an error.

    >>> Message(N_("must not be negative, got {value}"), value=-1)
    'must not be negative, got -1'
    """

    msgid: str
    fields: dict[str, Any]

    def __new__(cls, msgid: str, **fields: Any) -> Message:
        text = super().__new__(cls, fill(msgid, fields))
        text.msgid, text.fields = msgid, fields
        return text

    def render(self, lang: str) -> str:
        """The text in ``lang``."""
        return fill(_translator(lang)(self.msgid), _rendered(self.fields, lang))


def rendered_text(text: str, lang: str) -> str:
    """``text`` in ``lang`` as a plain ``str``: a :class:`Message` rendered, any other text as it is (a
    reason read back from a table, a user's own words). What an edge hands to an encoder (msgspec, polars,
    CSV) is always a plain ``str``, never a :class:`Message`.

    >>> rendered_text(Message(N_("refused")), "en"), type(rendered_text(Message("x"), "en")).__name__
    ('refused', 'str')
    """
    return text.render(lang) if isinstance(text, Message) else str(text)


def _rendered(fields: dict[str, Any], lang: str) -> dict[str, Any]:
    """Fields with the nested errors and messages among them in ``lang``."""
    return {
        name: value.render(lang) if isinstance(value, (LocatedError, Message)) else value
        for name, value in fields.items()
    }


def fill(template: str, fields: dict[str, Any]) -> str:
    """``template`` with its ``{fields}`` filled; a template without fields is its own text (braces and all)."""
    return template.format(**fields) if fields else template


class LocatedError(Exception):
    """What every medaid error carries: a message id with its fields, and its place.

    ``message`` is the message id (an ``N_``-marked English template); the keyword ``fields`` fill it and
    are kept as attributes too (``error.value``). ``file``, ``line``, ``key`` say where; ``where`` is the
    place as given text (a file, a key path, ``file: line N``), kept for what read it before.
    """

    exit_code = EXIT_BAD_INPUT

    def __init__(
        self,
        message: str,
        *,
        where: str | os.PathLike[str] | None = None,
        file: str | os.PathLike[str] | None = None,
        line: int | None = None,
        key: str | None = None,
        **fields: Any,
    ) -> None:
        if where is not None and file is None and line is None and key is None:
            text = str(where)
            found = _LINE_TEXT.match(text)
            if found:
                file, line = found["file"], int(found["line"])
            else:
                file = text
        self.msgid = message
        self.fields = fields
        self.file = None if file is None else str(file)
        self.line = None if line is None else int(line)
        self.key = key
        self.message = fill(message, fields)
        self.where = self.where_in("en")
        for name, value in fields.items():
            if not hasattr(self, name):
                setattr(self, name, value)
        super().__init__(f"{self.where}: {self.message}" if self.where else self.message)

    def __reduce__(self) -> tuple[Any, ...]:
        # Workers (processes, Dask) send errors back pickled: keep the id, the fields and the place.
        return (_rebuild, (type(self), self.__dict__))

    def where_in(self, lang: str) -> str | None:
        """The place in ``lang`` ("data.csv: line 3" / "data.csv：第 3 行"), or None."""
        file, line, key = self.file, self.line, self.key
        if line is not None:
            gettext = _translator(lang)
            if file is None:
                return fill(gettext(_LINE_KEY if key else _LINE), {"line": line, "key": key})
            return fill(gettext(_WHERE_LINE_KEY if key else _WHERE_LINE), {"file": file, "line": line, "key": key})
        parts = [part for part in (file, key) if part]
        return ": ".join(parts) if parts else None

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` (its id translated, then the fields filled; a nested error and a
        :class:`Message` are translated too)."""
        return fill(_translator(lang)(self.msgid), _rendered(self.fields, lang))

    def render(self, lang: str) -> str:
        """The whole error in ``lang``: ``where: message`` (a Chinese colon in Chinese)."""
        where, message = self.where_in(lang), self.message_in(lang)
        if not where:
            return message
        return f"{where}{'：' if lang == 'zh' else ': '}{message}"


def _translator(lang: str) -> Any:
    """gettext for ``lang``; English is the message ids themselves (no catalogue read on the hot path)."""
    if lang == "en":
        return lambda message: message
    from medaid.i18n.catalog import translations

    return translations(lang).gettext


def _rebuild(cls: type[LocatedError], state: dict[str, Any]) -> LocatedError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, f"{error.where}: {error.message}" if error.where else error.message)
    return error


class MedaidError(LocatedError):
    """Base of every error medaid raises on bad input or bad policy data (exit 2)."""


class InputError(MedaidError):
    """An amount, date, category, row, option or file that cannot be used as given."""


class UnknownCategoryError(InputError):
    """A recipient category the policy does not know; the message lists the valid ones."""


class NoPolicyError(InputError):
    """No policy version is in force on the date asked for."""


class ConflictError(InputError):
    """A ``claim_id`` the ledger already holds, sent again with different content (amount, date, ...).

    Settlement is idempotent by ``claim_id``: the same id with the same content returns the stored
    settlement; a different content under the same id is a mistake upstream and is refused.
    """


class UnknownClaimError(InputError):
    """A ``claim_id`` the ledger has never settled."""


class AlreadyReversedError(InputError):
    """A reversal (冲正) of a claim that is already reversed."""


class MigrationError(InputError):
    """A ledger whose schema version this medaid cannot use as it is (older: migrate it; newer: upgrade medaid)."""


class DatabaseError(MedaidError):
    """The ledger's database cannot be reached or refused an operation (the message names it, never a password)."""


class PgServerError(MedaidError, RuntimeError):
    """The throwaway PostgreSQL server could not be found, created or started (the message says why)."""


class InternalError(LocatedError):
    """An invariant of medaid's own code broke: a bug, never the input's fault (exit 70).

    Not a :class:`MedaidError`: code that turns a bad input into a rejected row or a 422 (``except
    MedaidError``) must not do so with a bug."""

    exit_code = EXIT_INTERNAL


class PolicyError(MedaidError):
    """A policy or reform file that does not load or does not validate (``file`` and ``key`` say where).

    ``problems`` lists every (file, key path, message) found, so a validator can show them all.
    """

    def __init__(
        self,
        message: str,
        *,
        where: str | os.PathLike[str] | None = None,
        file: str | os.PathLike[str] | None = None,
        line: int | None = None,
        key: str | None = None,
        problems: tuple[tuple[str, str, str], ...] = (),
        **fields: Any,
    ) -> None:
        super().__init__(message, where=where, file=file, line=line, key=key, **fields)
        self.problems: tuple[tuple[str, str, str], ...] = problems or ((self.where or "", "", self.message),)

    @classmethod
    def from_problems(cls, problems: list[tuple[str, str, str]]) -> PolicyError:
        """One error for many problems: the first is the message, the rest are counted."""
        file, key, message = problems[0]
        more = len(problems) - 1
        if not more:
            return cls(N_("{problem}"), file=file, key=key, problems=tuple(problems), problem=message)
        template = N_("{problem} (and 1 more problem)") if more == 1 else N_("{problem} (and {more} more problems)")
        return cls(template, file=file, key=key, problems=tuple(problems), problem=message, more=more)
