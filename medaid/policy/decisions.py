"""medaid's default readings D1–D12 (``policies/decisions.toml``): the questions the sources leave open.

A policy value resting on one is marked ``provisional = "Dn"``; loading a policy refuses a mark that names
no decision here (:func:`check_mark`), so a typo cannot hide a reading from the results.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import attrs

from medaid.errors import N_, PolicyError

__all__ = ["Decision", "decisions", "check_mark", "FILE_NAME"]

FILE_NAME = "decisions.toml"
_FIELDS = ("question_en", "question_zh", "default_en", "default_zh", "sources")


@attrs.frozen
class Decision:
    """One default reading: its id (D1…), the question, medaid's answer (en, zh) and the documents it weighs."""

    id: str
    question_en: str
    question_zh: str
    default_en: str
    default_zh: str
    sources: tuple[str, ...]


@functools.cache
def decisions() -> dict[str, Decision]:
    """The decisions shipped with medaid, by id, in file order."""
    from medaid.policy.registry import default_policy_dir

    return read_decisions(default_policy_dir() / FILE_NAME)


def read_decisions(path: Path) -> dict[str, Decision]:
    """Read and check a decisions file: every entry has each field, as text (``sources`` a list of text)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(N_("cannot read the decisions file: {exc}"), exc=exc, where=str(path)) from None
    found = {}
    for key, table in data.items():
        if not isinstance(table, dict) or sorted(table) != sorted(_FIELDS):
            raise PolicyError(
                N_("each decision is a table with exactly {names}"), names=", ".join(_FIELDS), file=path, key=key
            )
        sources = table["sources"]
        texts = [table[f] for f in _FIELDS[:-1]]
        if not all(isinstance(t, str) and t.strip() for t in texts) or not (
            isinstance(sources, list) and all(isinstance(s, str) for s in sources)
        ):
            raise PolicyError(N_("questions and defaults must be text, sources a list of text"), file=path, key=key)
        question_en, question_zh, default_en, default_zh = texts
        found[key] = Decision(key, question_en, question_zh, default_en, default_zh, tuple(sources))
    return found


def check_mark(mark: str) -> str | None:
    """The problem with a ``provisional`` mark, or None if it names a known decision."""
    known = decisions()
    if mark in known:
        return None
    return f"names no decision of policies/{FILE_NAME}: {mark!r}; known: {', '.join(known)}"
