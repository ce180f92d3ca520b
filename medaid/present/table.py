"""Presentation only: plain-text tables that stay aligned with Chinese (double-width) characters."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

__all__ = ["width", "render_table"]


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters take two.

    >>> width("闵行区"), width("Minhang")
    (6, 7)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_table(rows: Sequence[Sequence[str]], *, left: int = 1, gap: str = "  ") -> list[str]:
    """Lines of a table: the first ``left`` columns left-aligned, the rest (numbers) right-aligned.

    >>> for line in render_table([["区", "人数"], ["闵行区", "12"]]): print(line)
    区      人数
    闵行区    12
    """
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - width(cell))
            cells.append(cell + pad if i < left else pad + cell)
        lines.append(gap.join(cells).rstrip())
    return lines
