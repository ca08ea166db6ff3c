"""Output safety: what a ledger's strings may not do to a terminal or a spreadsheet.

Names, notes and reasons come from the input. Printed raw, ``\\x1b[31m`` recolours the
terminal, a bidi override (U+202E) reorders what the reader sees, and a newline forges a
report line; in a CSV, a cell starting ``=`` (``+``, ``-``, ``@``, tab, CR) runs as a
formula in Excel and WPS. Text output shows such characters as visible escapes; CSV
output prefixes a formula-like cell with an apostrophe, the spreadsheets' own
"this is text" mark; JSON escapes the invisible ones as ``\\uXXXX`` (same string when
decoded).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import TextIO

# Categories a terminal interprets or does not draw: controls (C0, C1, DEL), formats
# (bidi marks, overrides and isolates, zero-width characters), line and paragraph separators,
# surrogates and unassigned code points.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


@cache
def _hidden(char: str) -> bool:
    return unicodedata.category(char) in _HIDDEN_CATEGORIES


def _escape(char: str) -> str:
    code = ord(char)
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    if char == "\t":
        return "\\t"
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def visible(text: str) -> str:
    """`text` with every control, format or separator character (newlines too) written as
    a visible escape (``\\x1b``, ``\\u202e``, ``\\n``), and a backslash kept as it is."""
    if text.isprintable():  # the common case: nothing to do, cheaply
        return text
    return "".join(_escape(c) if _hidden(c) else c for c in text)


def visible_lines(text: str) -> str:
    """A whole rendered report: each line made :func:`visible`, its line breaks kept."""
    return "\n".join(visible(line) for line in text.split("\n"))


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet will not run as a formula: a string starting with
    ``= + - @``, tab or CR gets a leading apostrophe, unless it is a plain number (a
    negative total stays a number)."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_LEAD):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


# What json_safe escapes: controls json left raw, and the format characters that change
# what a reader sees (soft hyphen, Arabic marks, bidi marks, overrides and isolates, zero-width
# characters, separators, the BOM, interlinear annotation).
_JSON_HIDDEN = re.compile(
    "[\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0001-\U000e007f]"
)


def json_safe(text: str) -> str:
    """Serialised JSON with invisible characters (bidi, zero-width, separators, C1 controls)
    written as ``\\uXXXX``; they occur only inside strings, where the escape decodes to the
    same character."""
    return _JSON_HIDDEN.sub(lambda m: _json_escape(m.group()), text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as JSON spells characters beyond the BMP
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


class SafeCSV:
    """A ``csv.writer`` whose every cell goes through :func:`csv_cell`."""

    def __init__(self, stream: TextIO) -> None:
        self._writer = csv.writer(stream, lineterminator="\r\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([csv_cell(cell) for cell in row])
