"""Text-table helpers shared by every text report: widths by terminal columns."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from .safe import visible


def display_width(text: str) -> int:
    """Terminal columns of `text`: wide and full-width characters count 2, combining marks 0."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` display columns (never cut)."""
    return text + " " * max(0, width - display_width(text))


def table(rows: Sequence[Sequence[str]], indent: str = "") -> list[str]:
    """Rows aligned in columns (by display width); the last column is not padded. Cells are
    made visible (:func:`visible`): a newline or escape in a name cannot forge a row."""
    if not rows:
        return []
    rows = [[visible(cell) for cell in row] for row in rows]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [pad(cell, widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines
