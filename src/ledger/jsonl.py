"""JSON Lines in and out: reading input files line by line, writing the log back out."""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterator
from typing import IO, Any

from .errors import LedgerError, Location
from .normalize import LoadError, dumps_bytes, loads
from .store import Entry, Ledger, ParseFailure


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _integer(text: str) -> int | float:
    # Python's int() refuses over 4,300 digits; such a number is infinite as orjson would
    # see it, so the field's check refuses it in the same words whichever parser read it.
    return int(text) if len(text) <= 4000 else float(text)


#: A JSON string token (escapes included). In valid JSON no '"' stands outside a string,
#: so matching from the start of a line visits exactly the line's string tokens.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


def parse_line(raw: bytes) -> Any:
    """One decoded JSON value, or a ParseFailure saying what is wrong with the line."""
    try:
        obj = loads(raw)
    except LoadError:
        pass  # decode again with the standard library, whose messages name the column
    else:
        # JSON parsers keep the last of two equal keys; an audit log must not drop the other.
        if _dropped_a_pair(raw, obj):
            return _repeated(raw)
        return obj
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ParseFailure(f"not UTF-8 (byte {exc.start + 1}); {_utf8_hint(raw)}")
    try:
        # Without the line end: a truncated line is "unterminated", not "control character".
        return json.loads(
            text.rstrip("\r\n"),
            parse_constant=_no_constants,
            parse_int=_integer,
            object_pairs_hook=_unique,
        )
    except _Repeated as exc:
        return ParseFailure("given twice in one object; give each field once", exc.key)
    except json.JSONDecodeError as exc:
        return ParseFailure(f"invalid JSON: {exc.msg} (column {exc.colno})")
    except ValueError as exc:
        return ParseFailure(f"invalid JSON: {exc}")
    except RecursionError:
        return ParseFailure("invalid JSON: nested too deeply (an event is a flat object)")


def _utf8_hint(raw: bytes) -> str:
    """What to do with a line that is not UTF-8: JSON Lines are UTF-8 (CONTRACT §2)."""
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return "JSON Lines are UTF-8: save the file as UTF-8"
    # Chinese Windows saves GBK (GB18030's subset): say so, and how to convert.
    return (
        "it reads as GBK/GB18030, and JSON Lines are UTF-8: convert it "
        "(iconv -f gb18030 -t utf-8), or import a .csv, which takes --encoding"
    )


def _dropped_a_pair(raw: bytes, obj: Any) -> bool:
    """Whether parsing `raw` (valid JSON) into `obj` dropped a (key, value) pair: a proof,
    not a screen, whatever the spacing or escapes.

    A parse keeps one pair per key of an object, so it drops pairs only where a key repeats.
    Without a backslash in the line every '"' opens or closes a string and no string holds
    one; a dropped pair takes at least its key's two quotes with it, and writing `obj` back
    out (orjson, compact) writes exactly two per string kept. So the counts of '"' differ
    exactly when a pair was dropped. With a backslash, the ':' outside the strings (one per
    key) are counted against the pairs kept instead.
    """
    if b"\\" not in raw:
        return raw.count(b'"') != dumps_bytes(obj).count(b'"')
    return _STRING.sub(b"", raw).count(b":") != _key_count(obj)


def _key_count(value: Any) -> int:
    """How many (key, value) pairs the objects of a decoded value hold, nested ones too
    (without recursion: orjson reads lists nested deeper than Python's stack allows)."""
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            count += len(item)
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
    return count


class _Repeated(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object_pairs_hook that refuses a key given twice in one object."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _Repeated(key)
        seen.add(key)
    return dict(pairs)


def _repeated(raw: bytes) -> ParseFailure:
    """The failure naming the first key given twice (the line is valid JSON: orjson read it)."""
    try:
        json.loads(raw, object_pairs_hook=_unique, parse_int=_integer)
    except _Repeated as exc:
        return ParseFailure("given twice in one object; give each field once", exc.key)
    except (ValueError, RecursionError):
        pass
    return ParseFailure("given twice in one object; give each field once")


def read_jsonl(name: str, stream: IO[bytes] | None = None) -> Iterator[Entry]:
    """Yield ``(Location, object)`` for every non-blank line of a JSON Lines file.

    `name` ``-`` reads standard input. A line that is not UTF-8 or not JSON is
    yielded as a ParseFailure so it is reported in order with the rest.
    """
    if stream is None:
        if name == "-":
            stream = sys.stdin.buffer
        else:
            try:
                stream = open(name, "rb")
            except OSError as exc:
                raise LedgerError(f"{name}: cannot read: {exc.strerror}") from None
    label = "<stdin>" if name == "-" else name
    try:
        for number, raw in enumerate(stream, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # a BOM, as Windows editors write it
            if not raw.isspace():  # iteration never yields b"": a blank line is b"\n"
                yield Location(label, number), parse_line(raw)
    finally:
        if name != "-":
            stream.close()


def write_jsonl(ledger: Ledger, out: IO[str]) -> int:
    """Write every event in log order with ``seq``, ``recorded_at``, ``recorded_by`` (when
    known) and ``hash``; count them."""
    count = 0
    for seq, recorded_at, payload, digest, recorded_by in ledger.export_rows():
        # The stored payload is canonical JSON of an object: extend it in place.
        by = (
            ""
            if recorded_by is None
            else f',"recorded_by":{json.dumps(recorded_by, ensure_ascii=False)}'
        )
        out.write(
            f'{payload[:-1]},"seq":{seq},"recorded_at":"{recorded_at}"{by},"hash":"{digest}"}}\n'
        )
        count += 1
    return count


def export_text(ledger: Ledger) -> str:
    """The whole export as one string (for tests and small ledgers)."""
    buf = io.StringIO()
    write_jsonl(ledger, buf)
    return buf.getvalue()
