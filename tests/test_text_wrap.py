"""Text wrapping keeps a running width (render.text.wrap_words): it must wrap exactly as
measuring every candidate line whole does, the plain algorithm written out below."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from scoreledger.render.safe import visible
from scoreledger.render.text import (
    _SPACED,
    _UNAMBIGUOUS,
    _cut,
    _tokens,
    display_width,
    plain,
    wrap_words,
)


def _width(text: str) -> int:
    """Every character measured: wide and full-width 2, combining 0, else 1."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
        for c in text
    )


def _reference(text: str, width: int, hang: str, cjk: bool) -> list[str]:
    """Each candidate line measured whole, every token split by its characters."""
    lines: list[str] = []
    line = ""
    for space, token in _tokens(text) if cjk else _SPACED.findall(text):
        candidate = line + space + token
        if _width(candidate) <= width or not line.strip():
            line = candidate
        else:
            lines.append(line.rstrip())
            line = hang + token
        while _width(line) > width:
            room = width - _width(line) + _width(token)
            if room <= 0:
                break
            first = _cut(token, room)[0]
            lines.append(line[: len(line) - len(token)] + first)
            token = token[len(first) :]
            line = hang + token
    return [*lines, line]


_CHARS = st.sampled_from(list("ab c1-.,;:!?)]([%\t") + list("中文，。「」（）《》、é\u0301ｱ"))
_IDS = st.lists(st.from_regex(r"[a-z0-9\-]{1,25}", fullmatch=True), max_size=12).map(" ".join)


@given(
    text=st.text(_CHARS, max_size=60) | _IDS,
    width=st.integers(1, 30),
    hang=st.sampled_from(["", "  ", "    ", "中"]),
    cjk=st.booleans(),
)
def test_wrapping_equals_measuring_every_line_whole(
    text: str, width: int, hang: str, cjk: bool
) -> None:
    assert wrap_words(text, width, hang, cjk=cjk) == _reference(text, width, hang, cjk)
    assert display_width(text) == _width(text)


_AMBIGUOUS = st.sampled_from(sorted(map(chr, _UNAMBIGUOUS)))  # what plain() replaces


@given(text=st.text() | st.lists(_CHARS | _AMBIGUOUS | st.characters()).map("".join))
def test_plain_and_widths_equal_translating_and_measuring_every_character(text: str) -> None:
    # plain() skips the translation when no replaced character is there; display_width
    # caches each character's width.
    assert plain(text) == visible(text).translate(_UNAMBIGUOUS)
    assert display_width(text) == _width(text)
    assert wrap_words(text, 10**6) == _reference(text, 10**6, "", True)
