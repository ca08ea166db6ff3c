"""Text-table helpers shared by every text report: widths by terminal columns."""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Sequence
from functools import cache

import attrs

from .safe import visible


def display_width(text: str) -> int:
    """Terminal columns of `text`: wide and full-width characters count 2, combining marks 0."""
    if text.isascii():  # no ASCII character is wide or combining
        return len(text)
    return sum(map(_char_width, text))


@cache
def _char_width(char: str) -> int:
    # Cached: a report's text draws on a few hundred distinct characters.
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` display columns (never cut)."""
    return text + " " * max(0, width - display_width(text))


def table(rows: Sequence[Sequence[str]], indent: str = "") -> list[str]:
    """Rows aligned in columns (by display width); the last column is not padded. Cells are
    made visible (:func:`visible`): a newline or escape in a name cannot forge a row."""
    if not rows:
        return []
    rows = [[plain(cell) for cell in row] for row in rows]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [pad(cell, widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def terminal_width() -> int:
    """The columns text reports fit: ``COLUMNS`` when set, else the terminal's, else 80
    (also when the output is not a terminal)."""
    return shutil.get_terminal_size(fallback=(80, 24)).columns


# East Asian ambiguous-width characters the reports or the regulations' text hold: a
# terminal with a CJK font draws them two columns wide, others one, so they shift every
# column after them. Text output shows ASCII or a wide character of the same use instead.
# The section sign goes: a regulation's numbering (五(一)1) reads as a section without it.
_UNAMBIGUOUS = str.maketrans(
    {
        "\u2014": "-",  # em dash (a table's "nothing")
        "\u2013": "-",
        "\u2026": "...",
        "\u00b7": ".",  # middle dot
        "\u00d7": "x",
        "\u201c": "\u300c",  # curly double quotes: the CJK corner brackets
        "\u201d": "\u300d",
        "\u2018": "\u300e",
        "\u2019": "\u300f",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u00a7": "",
        "\u00b1": "+/-",
        "\u2192": "->",
    }
)


#: Any character :data:`_UNAMBIGUOUS` replaces (a search in C is cheaper than translating).
_REPLACED = re.compile("[" + re.escape("".join(map(chr, _UNAMBIGUOUS))) + "]")


def plain(text: str) -> str:
    """`text` made :func:`visible`, with its ambiguous-width characters replaced."""
    shown = visible(text)
    if shown.isascii() or _REPLACED.search(shown) is None:  # nothing to replace
        return shown
    return shown.translate(_UNAMBIGUOUS)


def ambiguous(text: str) -> set[str]:
    """The East Asian ambiguous-width characters in `text` (what a test looks for)."""
    return {c for c in text if unicodedata.east_asian_width(c) == "A"}


@attrs.frozen
class Layout:
    """Which columns a table keeps, how wide each is, and which one wraps."""

    keep: tuple[int, ...]
    widths: tuple[int, ...]
    wrap: int | None  # index into `keep`

    def lines(self, rows: Sequence[Sequence[str]], indent: str = "") -> list[str]:
        """`rows` in this layout (the last column is not padded)."""
        out = []
        for row in rows:
            cells = [plain(row[i]) for i in self.keep]
            pieces = [cells]
            if self.wrap is not None:
                cut = _cut(cells[self.wrap], self.widths[self.wrap])
                pieces = [[*cells[: self.wrap], cut[0], *cells[self.wrap + 1 :]]]
                blank = [""] * len(cells)
                pieces += [[*blank[: self.wrap], c, *blank[self.wrap + 1 :]] for c in cut[1:]]
            for cells in pieces:
                padded = [pad(c, self.widths[i]) for i, c in enumerate(cells[:-1])]
                out.append((indent + "  ".join([*padded, cells[-1]])).rstrip())
        return out


def layout(
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    indent: str = "",
    drop: Sequence[int] = (),
    wrap: int | None = None,
    empty: str = "-",
) -> Layout:
    """A layout of `rows` (the first is the header) that fits `width` columns: when too
    wide, columns holding nothing but `empty` go, then the columns of `drop` in its order,
    and last the `wrap` column is wrapped onto continuation lines (never below 8 columns)."""
    cells = [[plain(cell) for cell in row] for row in rows]
    natural = [max(display_width(row[i]) for row in cells) for i in range(len(cells[0]))]
    keep = list(range(len(natural)))

    def total(columns: list[int]) -> int:
        return display_width(indent) + sum(natural[i] for i in columns) + 2 * (len(columns) - 1)

    if total(keep) > width:
        keep = [i for i in keep if any(row[i] not in (empty, "") for row in cells[1:])]
    for column in drop:
        if total(keep) <= width:
            break
        if column in keep and column != wrap:
            keep.remove(column)
    widths = [natural[i] for i in keep]
    at = keep.index(wrap) if wrap is not None and wrap in keep else None
    if at is not None and total(keep) > width:
        widths[at] = max(8, widths[at] - (total(keep) - width))
    else:
        at = None
    return Layout(keep=tuple(keep), widths=tuple(widths), wrap=at)


def fit(
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    indent: str = "",
    drop: Sequence[int] = (),
    wrap: int | None = None,
) -> list[str]:
    """Rows aligned as :func:`table`, made to fit `width` columns (see :func:`layout`)."""
    if not rows:
        return []
    return layout(rows, width, indent=indent, drop=drop, wrap=wrap).lines(rows, indent)


def wrap_words(text: str, width: int, hang: str = "", *, cjk: bool = True) -> list[str]:
    """`text` wrapped to `width` display columns, continuation lines hung by `hang`: at
    spaces, between Chinese characters (never before a closing mark or after an opening
    one; not with `cjk` False, which keeps words whole), and inside a word only when the
    word alone is longer than the line. Spacing within a line is kept (a padded column
    stays aligned); nothing is dropped."""
    lines: list[str] = []
    # Widths add up character by character: the line's is kept, not measured again for
    # every token (an explain of a few thousand events wraps a few thousand lines).
    # An ASCII text (event ids, codes, numbers) is words whose width is their length.
    ascii_only = text.isascii() and hang.isascii()
    measure = len if ascii_only else display_width
    if measure(text) <= width:  # it fits: every token joins the first line
        return [text.rstrip()]
    tokens = _SPACED.findall(text) if ascii_only or not cjk else _tokens(text)
    line, used, hung = "", 0, measure(hang)
    for space, token in tokens:
        size = measure(token)
        step = measure(space) + size
        if used + step <= width or not line.strip():
            line, used = line + space + token, used + step
        else:
            lines.append(line.rstrip())
            line, used = hang + token, hung + size
        while used > width:  # one token longer than a line: cut it
            room = width - used + size
            if room <= 0:
                break
            first = _cut(token, room)[0]
            lines.append(line[: len(line) - len(token)] + first)
            token = token[len(first) :]
            size = measure(token)
            line, used = hang + token, hung + size
    return [*lines, line]


_CLOSING = set("，。、；：！？」』）》〕】,.;:!?)]%")
_OPENING = set("「『（《〔【([")
_SPACED = re.compile(r"(\s*)(\S+)")


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _tokens(text: str) -> list[tuple[str, str]]:
    """`text` as (the spaces before, token): words, and each wide character on its own;
    a closing mark sticks to what is before it, an opening one to what follows."""
    tokens: list[tuple[str, str]] = []
    for m in _SPACED.finditer(text):
        space, word = m.group(1), m.group(2)
        if word.isascii():  # no wide character: the word stays whole (event ids, codes)
            tokens.append((space, word))
            continue
        pieces: list[str] = []
        for char in word:
            joins = pieces and (
                not (_wide(char) or _wide(pieces[-1][-1]))  # inside a run of narrow ones
                or char in _CLOSING
                or pieces[-1][-1] in _OPENING
            )
            if joins:
                pieces[-1] += char
            else:
                pieces.append(char)
        tokens.append((space, pieces[0]))
        tokens += [("", piece) for piece in pieces[1:]]
    return tokens


def _cut(text: str, room: int) -> list[str]:
    """`text` in pieces of at most `room` display columns (at least one piece)."""
    pieces, piece = [], ""
    for char in text:
        if piece and display_width(piece + char) > room:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece]
