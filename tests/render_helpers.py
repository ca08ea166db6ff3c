"""Helpers for tests of rendered output (terminal widths)."""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Terminal columns: East-Asian wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)
