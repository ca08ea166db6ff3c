"""Fuzzing the JSON Lines parser (issue 11.9): any bytes give a value or a ParseFailure, and a
key given twice in one object is found whatever the spacing or escaping (issue 11.5).

The lines are written here token by token, so that every spelling JSON allows occurs:
whitespace around every token, any character of a key or string escaped (``\\u006f``,
``\\"``, ``\\\\``), strings that hold ``":`` or look like keys, nested objects and arrays.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ledger.jsonl import parse_line
from ledger.store import ParseFailure

REPEATED = "given twice in one object; give each field once"
_WS = st.text(alphabet=" \t\r\n", max_size=2)
# Few distinct key characters, so that repeats are common; quotes, colons and backslashes
# are in the alphabet on purpose.
_KEY_TEXT = st.text(alphabet='ab":\\ ', min_size=1, max_size=3)
_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6)


@st.composite
def _string(draw: st.DrawFn, text: str) -> str:
    """`text` as a JSON string literal, each character written raw or escaped at random."""
    out = ['"']
    for char in text:
        if char in '"\\' or ord(char) < 0x20:
            choice = draw(st.sampled_from(["short", "u"]))
        else:
            choice = draw(st.sampled_from(["raw", "raw", "u"]))
        if choice == "raw":
            out.append(char)
        elif choice == "short":
            out.append(json.dumps(char)[1:-1])
        elif ord(char) > 0xFFFF:
            out.append(json.dumps(char, ensure_ascii=True)[1:-1])  # a surrogate pair
        else:
            out.append(f"\\u{ord(char):04x}" if draw(st.booleans()) else f"\\u{ord(char):04X}")
    out.append('"')
    return "".join(out)


@st.composite
def _value(draw: st.DrawFn, depth: int = 0) -> tuple[str, bool]:
    """(JSON text, whether some object inside repeats a key)."""
    kinds = ["int", "text", "keyish", "literal"] + (["object", "array"] if depth < 3 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "int":
        return str(draw(st.integers(-(2**63), 2**63 - 1))), False
    if kind == "text":
        return draw(_string(draw(_TEXT))), False
    if kind == "keyish":  # a string value that looks like a key and colon
        return draw(_string(draw(_KEY_TEXT) + '":' + draw(_KEY_TEXT))), False
    if kind == "literal":
        return draw(st.sampled_from(["true", "false", "null"])), False
    if kind == "array":
        items = draw(st.lists(_value(depth + 1), max_size=3))
        body = ",".join(draw(_WS) + text + draw(_WS) for text, _ in items)
        return f"[{body}]", any(repeat for _, repeat in items)
    return draw(_object(depth + 1))


@st.composite
def _object(draw: st.DrawFn, depth: int = 0) -> tuple[str, bool]:
    keys = draw(st.lists(_KEY_TEXT, max_size=5))
    repeat = len(set(keys)) < len(keys)
    members = []
    for key in keys:
        value, inner = draw(_value(depth))
        repeat = repeat or inner
        members.append(
            draw(_WS) + draw(_string(key)) + draw(_WS) + ":" + draw(_WS) + value + draw(_WS)
        )
    return "{" + ",".join(members) + draw(_WS) + "}", repeat


@given(_object())
def test_a_repeated_key_is_found_exactly(case: tuple[str, bool]) -> None:
    text, repeat = case
    assert json.loads(text) is not None  # the writer above writes valid JSON
    parsed = parse_line(text.encode())
    if repeat:
        assert isinstance(parsed, ParseFailure) and parsed.message == REPEATED, text
    else:
        assert not isinstance(parsed, ParseFailure), (text, parsed)
        assert parsed == json.loads(text)


@given(st.binary(max_size=200))
def test_any_bytes_parse_or_fail_in_words(raw: bytes) -> None:
    parsed = parse_line(raw)
    if isinstance(parsed, ParseFailure):
        assert parsed.message and "\n" not in parsed.message


@given(_object(), st.data())
def test_any_cut_of_a_line_parses_or_fails_in_words(case: tuple[str, bool], data: Any) -> None:
    raw = case[0].encode()
    end = data.draw(st.integers(0, len(raw)))
    parsed = parse_line(raw[:end])
    if not isinstance(parsed, ParseFailure):  # a cut that is still JSON is read as JSON
        assert parsed == json.loads(raw[:end])
