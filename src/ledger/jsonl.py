"""JSON Lines in and out: reading input files line by line, writing the log back out."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from .errors import LedgerError, Location
from .normalize import LoadError, loads
from .store import Entry, Ledger, ParseFailure


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_line(raw: bytes) -> Any:
    """One decoded JSON value, or a ParseFailure saying what is wrong with the line."""
    try:
        obj = loads(raw)
    except LoadError:
        pass  # decode again with the standard library, whose messages name the column
    else:
        # JSON parsers keep the last of two equal keys; an audit log must not drop the other.
        # Counting '":' is a cheap screen (a key ends so); only a mismatch costs a second parse.
        if type(obj) is dict and raw.count(b'":') != len(obj):
            twice = _repeated_key(raw)
            if twice is not None:
                return ParseFailure("given twice in one object; give each field once", twice)
        return obj
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ParseFailure(f"not UTF-8 (byte {exc.start + 1})")
    try:
        # Without the line end: a truncated line is "unterminated", not "control character".
        return json.loads(text.rstrip("\r\n"), parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        return ParseFailure(f"invalid JSON: {exc.msg} (column {exc.colno})")
    except ValueError as exc:
        return ParseFailure(f"invalid JSON: {exc}")
    except RecursionError:
        return ParseFailure("invalid JSON: nested too deeply (an event is a flat object)")


def _repeated_key(raw: bytes) -> str | None:
    """The first key that appears twice in one object of the line, if any."""
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        return dict(items)

    try:
        json.loads(raw, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return None
    return repeated[0] if repeated else None


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
