"""The grammar of each value in an input file, stated once: trimmed text in, a normalised value or a reason out.

Each rule here is the scalar implementation (one value at a time). The columnar reader
(:mod:`medaid.batch.parse`) calls these same functions once per *distinct* value of a low-cardinality
column (district, date, category, kind, insurance), and implements the two high-cardinality rules
(identifiers and amounts) as polars expressions built from the patterns declared here; the parity test
(``tests/contract/test_claims.py``) holds the two together value by value.

A rule returns ``(value, None)`` or ``(None, reason)``; it never raises for bad data. A reason is a
:class:`~medaid.errors.Message`: its English text as a ``str``, with its message id and fields, so an edge
(``medaid claims --lang zh``, the service) renders it in the user's language (``reason.render("zh")``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from medaid.districts import DISTRICT_INDEX, lookup_district
from medaid.errors import N_, Message
from medaid.money import SPACES, amount_problem, fen_of, quoted
from medaid.policy.names import CategoryNames as PolicyCategoryNames

__all__ = [
    "SPACES",
    "KIND_LABELS",
    "BOOLEAN_LABELS",
    "trim",
    "text_of",
    "identifier",
    "amount",
    "date_value",
    "kind",
    "boolean",
    "district",
    "CategoryNames",
    "DateWindow",
    "COLUMN_WORDS",
    "column_word",
]

#: Each column's name as a word of a reason ("self_pay is empty" / "自负金额为空"), translated by the catalogues.
COLUMN_WORDS: Mapping[str, Message] = {
    "claim_id": Message(N_("claim_id")),
    "person_id": Message(N_("person_id")),
    "district": Message(N_("district")),
    "date": Message(N_("date")),
    "category": Message(N_("category")),
    "kind": Message(N_("kind")),
    "self_pay": Message(N_("self_pay")),
    "resident_insurance": Message(N_("resident_insurance")),
}
_EMPTY = N_("{what} is empty")


def column_word(column: str) -> str:
    """``column`` as a translatable word (a :class:`~medaid.errors.Message`) if it is a claims column, else as given."""
    return COLUMN_WORDS.get(column, column)


def empty(column: str) -> Message:
    """The reason of an empty value of ``column``."""
    return Message(_EMPTY, what=column_word(column))


#: 就诊类型: the English ids (any case) and the Chinese labels of bureau exports.
KIND_LABELS: Mapping[str, str] = {
    "inpatient": "inpatient",
    "住院": "inpatient",
    "outpatient": "outpatient",
    "门急诊": "outpatient",
    "门诊": "outpatient",
    "急诊": "outpatient",
}
#: 城乡居民医保 membership: yes/no in the spellings exports use (ASCII any case).
BOOLEAN_LABELS: Mapping[str, bool] = {
    "true": True,
    "yes": True,
    "1": True,
    "是": True,
    "false": False,
    "no": False,
    "0": False,
    "否": False,
}
_ISO = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_SLASH = re.compile(r"^([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})$")
_CHINESE = re.compile(r"^([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日$")
_EPOCH = dt.date(1970, 1, 1)


def trim(text: str) -> str:
    """``text`` without the surrounding spaces of :data:`medaid.money.SPACES` (the same set in every reader)."""
    return text.strip(SPACES)


def text_of(value: object) -> str:
    """A cell as trimmed text: None is empty, a native date is ISO, an integer its digits, a bool true/false.

    Spreadsheet numbers arrive as floats: a whole one is written without ``.0`` and any other in the
    shortest form that reads back as the same float (what was typed, for a typed amount like 1234.56).
    """
    if type(value) is str:  # the common case first: a CSV cell
        return value.strip(SPACES)
    if value is None:
        return ""
    if isinstance(value, str):
        return trim(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return trim(str(value))


def identifier(text: str, column: str) -> tuple[str | None, Message | None]:
    """A claim or person id: trimmed, not empty. ``P1`` and ``P1 `` are one id."""
    return (text, None) if text else (None, empty(column))


def amount(text: str, column: str = "self_pay") -> tuple[int | None, Message | None]:
    """Yuan (the grammar and maximum of :func:`medaid.money.amount_problem`) to fen."""
    problem = amount_problem(text, column_word(column))
    return (None, problem) if problem else (fen_of(text), None)


def kind(text: str) -> tuple[str | None, Message | None]:
    """``inpatient``/``outpatient`` in any case, or 住院, 门急诊, 门诊, 急诊."""
    if not text:
        return None, empty("kind")
    found = KIND_LABELS.get(text) or KIND_LABELS.get(text.lower())
    if found is None:
        return None, Message(N_("kind must be inpatient or outpatient (住院, 门急诊), got {value}"), value=quoted(text))
    return found, None


def boolean(text: str, column: str = "resident_insurance") -> tuple[bool | None, Message | None]:
    """true/false, yes/no, 1/0 (any case), 是/否."""
    if not text:
        return None, empty(column)
    found = BOOLEAN_LABELS.get(text.lower())
    if found is None:
        return None, Message(
            N_("{what} must be true or false (also 1/0, yes/no, 是/否), got {value}"),
            what=column_word(column),
            value=quoted(text),
        )
    return found, None


def district(text: str) -> tuple[str | None, Message | None]:
    """A district id (``minhang``), Chinese name with or without 区 (``闵行区``, ``闵行``) or English name, any case."""
    if not text:
        return None, empty("district")
    found = lookup_district(text)
    if found is None:
        return None, Message(
            N_("district is not one of the 16 districts (id, 闵行区, 闵行 or Minhang), got {value}"), value=quoted(text)
        )
    return found.id, None


def district_index(text: str) -> tuple[int | None, Message | None]:
    """:func:`district` as the index into :data:`medaid.districts.DISTRICTS`."""
    found, reason = district(text)
    return (None, reason) if found is None else (DISTRICT_INDEX[found], None)


def parse_day(text: str) -> dt.date | None:
    """A date written ``2023-05-01``, ``2023/5/1`` or ``2023年5月1日``, or None. Not ``20230501``, not
    week dates (``2023-W18-1``) or anything else Python's ``fromisoformat`` would also take."""
    match = _ISO.match(text) or _SLASH.match(text) or _CHINESE.match(text)
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


class DateWindow:
    """The dates a claim may carry: a policy version in force, and not after the run date (unless allowed).

    ``first``/``last``: the span the medical-assistance versions cover (``last`` None: open);
    ``today``: the run date; ``allow_future``: settle dates after it anyway (``--allow-future``).
    """

    def __init__(self, first: dt.date, last: dt.date | None, today: dt.date, allow_future: bool = False) -> None:
        self.first, self.last, self.today, self.allow_future = first, last, today, allow_future
        self.span = f"{first} to {last or 'now'}"

    def check(self, day: dt.date) -> Message | None:
        """Why ``day`` cannot be settled, or None."""
        if not self.allow_future and day > self.today:
            return Message(
                N_("date {day} is after the run date {today}; pass --allow-future to settle it"),
                day=day,
                today=self.today,
            )
        if day < self.first or (self.last is not None and day > self.last):
            if self.last is None:
                return Message(
                    N_("no medical-assistance policy in force on {day}; versions cover {first} to now"),
                    day=day,
                    first=self.first,
                )
            return Message(
                N_("no medical-assistance policy in force on {day}; versions cover {first} to {last}"),
                day=day,
                first=self.first,
                last=self.last,
            )
        return None

    def day_number(self, text: str) -> tuple[int | None, Message | None]:
        """Days since 1970-01-01 of a text date inside the window, or the reason it is refused."""
        day, reason = date_value(text, self)
        return (None, reason) if day is None else ((day - _EPOCH).days, None)


def date_value(text: str, window: DateWindow | None) -> tuple[dt.date | None, Message | None]:
    """A date of :func:`parse_day`'s forms, checked against ``window``."""
    if not text:
        return None, empty("date")
    day = parse_day(text)
    if day is None:
        return None, Message(
            N_("date must be a date like 2023-05-01 (or 2023/5/1, 2023年5月1日), got {value}"), value=quoted(text)
        )
    problem = window.check(day) if window is not None else None
    return (None, problem) if problem else (day, None)


class CategoryNames(PolicyCategoryNames):
    """The category names of :class:`medaid.policy.names.CategoryNames` (policy data), and the grammar of a
    claims file's ``category`` cell: several joined with ``|`` (就高)."""

    def parse(self, text: str) -> tuple[str | None, Message | None]:
        """The category ids as ``dibao|low_income`` (in the order given, each once), or the reason."""
        if not text:
            return None, empty("category")
        ids: list[str] = []
        for part in text.split("|"):
            part = trim(part)
            if not part:
                return None, Message(N_("category {value} has an empty part between |"), value=quoted(text))
            found = self.names.get(part.lower() if part.isascii() else part)
            if found is None:
                return None, Message(
                    N_(
                        "unknown category {value}; give an id (dibao), a Chinese name (低保) or one of the aliases in docs/claims.md"
                    ),
                    value=quoted(part),
                )
            if found not in ids:
                ids.append(found)
        return "|".join(ids), None
