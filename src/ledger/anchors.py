"""Anchors: heads held outside the ledger, and checking a ledger against them (CONTRACT §8.3).

A hash chain proves that each event follows from the ones before it, not that nothing was
cut off the end or that the whole chain was not recomputed: whoever can write the database
(a PostgreSQL owner can drop the triggers) can delete the last events, or edit one and
re-seal every hash after it, and the chain still verifies. An *anchor* is a head
``SEQ:HASH`` published elsewhere (a circular's first line, a JSON report's ``"head"``, a
note in another system). As in Certificate Transparency, a later ledger must hold every
anchor as a prefix: an anchor past the ledger's last seq means the ledger was **truncated**,
a different hash at the anchor's seq means it was **rewritten**; a ledger that grew past an
anchor with the anchored prefix intact holds it.

An anchors file is one of (decided by its first line):

- a text report, whose first line is its head (``head SEQ:HASH``, ``链头 SEQ:HASH`` in
  Chinese): that line is the anchor, and the report below it is not read, so a published
  circular's file is used as it is;
- a JSON report (the first character that is not white space is ``{``): its ``"head"``;
- a list: one ``SEQ:HASH`` a line; blank lines and ``#`` comments (to the end of the line)
  are ignored, and a list without any anchor is refused (an empty download must not pass).

>>> from ledger.anchors import check_anchors, parse_anchor, read_anchors  # doctest: +SKIP
>>> with Ledger.open("scores.sqlite") as ledger:  # doctest: +SKIP
...     report = check_anchors(ledger, read_anchors("circular.txt"))
...     print(report.ok, report)
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .errors import LedgerError
from .recorder import GENESIS

if TYPE_CHECKING:
    from .store import Ledger

__all__ = [
    "Anchor",
    "AnchorError",
    "AnchorReport",
    "Broken",
    "check_anchors",
    "gather",
    "parse_anchor",
    "read_anchors",
]

#: A seq has at most 19 digits (a 64-bit integer, the ledgers' column): a longer one is
#: refused as malformed rather than read as a number Python will not convert.
_ANCHOR = re.compile(r"([0-9]{1,19}):([0-9a-fA-F]{64})")
#: A text report's first line (projections.heads.ReportHead, in English or Chinese).
_REPORT_HEAD = re.compile(r"(?:head|链头) +([0-9]{1,19}:[0-9a-fA-F]{64})")
_EXPECTED = "expected SEQ:HASH (a seq and 64 hex digits)"
#: How much of a bad line a message quotes.
_QUOTED = 100


class AnchorError(LedgerError):
    """An anchor that cannot be read: ``FILE:LINE: anchor: …`` (or ``--expect: anchor: …``),
    or ``cannot read anchors FILE: …``. One line; the command line exits 2."""


@attrs.frozen(kw_only=True)
class Anchor:
    """A head held outside the ledger: its seq, its 64-hex hash, and where it came from
    (``circular.txt:1``, ``board.json``, ``--expect``), for the messages."""

    seq: int
    hash: str
    source: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    def short(self) -> str:
        """``SEQ:HASH`` with the hash cut to 12 hex digits, as messages show it."""
        return f"{self.seq}:{_short(self.hash)}"


def parse_anchor(text: str, source: str = "--expect") -> Anchor:
    """One ``SEQ:HASH`` (white space around it allowed); raises :class:`AnchorError` naming
    `source` when `text` is anything else. The hash is kept in lower case."""
    found = _ANCHOR.fullmatch(text.strip())
    if found is None:
        raise AnchorError(f"{source}: anchor: {_EXPECTED}, got {_quoted(text)}")
    return Anchor(seq=int(found[1]), hash=found[2].lower(), source=source)


def read_anchors(path: str | Path) -> list[Anchor]:
    """The anchors of a file (``-``: standard input): a text report's head line, a JSON
    report's ``"head"``, or a list of ``SEQ:HASH`` lines (this module's docstring).

    Raises :class:`AnchorError`: ``cannot read anchors FILE: …`` for a file that is missing,
    unreadable or not UTF-8, ``FILE:LINE: anchor: …`` for a malformed anchor.
    """
    name = "<stdin>" if str(path) == "-" else str(path)
    text = _read_text(str(path), name)
    lines = text.splitlines()
    first = lines[0].strip() if lines else ""
    head = _REPORT_HEAD.fullmatch(first)
    if head is not None:
        return [parse_anchor(head[1], f"{name}:1")]
    if text.lstrip().startswith("{"):
        return [_json_head(text, name)]
    anchors = [
        parse_anchor(content, f"{name}:{number}")
        for number, line in enumerate(lines, start=1)
        if (content := line.partition("#")[0].strip())
    ]
    if not anchors:
        got = "an empty file" if not text.strip() else "only blank lines and comments"
        raise AnchorError(f"{name}: anchor: {_EXPECTED}, got {got}")
    return anchors


def _read_text(path: str, name: str) -> str:
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise AnchorError(f"cannot read anchors {name}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")  # a BOM, as Windows editors write one, is not text
    except UnicodeDecodeError as exc:
        raise AnchorError(
            f"cannot read anchors {name}: not UTF-8 text (byte {exc.start + 1} is "
            f"0x{data[exc.start]:02x}); give a text or JSON report, or SEQ:HASH lines"
        ) from None


def _json_head(text: str, name: str) -> Anchor:
    """A JSON report's ``"head": {"seq": N, "hash": "…"}`` as an anchor."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", 1)
        raise AnchorError(f"{name}:{line}: anchor: expected a JSON report, got {exc}") from None
    except RecursionError:
        raise AnchorError(
            f"{name}: anchor: expected a JSON report, got one nested too deeply"
        ) from None
    expected = f'{name}: anchor: expected a JSON report with "head": {{"seq": N, "hash": "…"}}'
    if not isinstance(doc, dict) or "head" not in doc:
        raise AnchorError(f'{expected}, got no "head"')
    head = doc["head"]
    seq = head.get("seq") if isinstance(head, dict) else None
    digest = head.get("hash") if isinstance(head, dict) else None
    if type(seq) is not int or seq < 0 or not isinstance(digest, str):
        raise AnchorError(f'{expected}, got "head": {_json_text(head)}')
    return parse_anchor(f"{seq}:{digest}", name)


def _json_text(value: Any) -> str:
    """A JSON value for a one-line message (json escapes line breaks), cut short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except ValueError:  # an integer of thousands of digits
        return "a number too long to show"
    except RecursionError:
        return "a value nested too deeply to show"
    return text if len(text) <= _QUOTED else text[: _QUOTED - 1] + "…"


def _quoted(text: str) -> str:
    """`text` for a one-line message: repr's escapes (controls, line breaks), cut short."""
    shown = repr(text)
    return shown if len(shown) <= _QUOTED else shown[: _QUOTED - 1] + "…"


def _short(digest: str) -> str:
    return digest[:12] + "…"


@attrs.frozen(kw_only=True)
class Broken:
    """An anchor the ledger does not hold: ``truncated`` (the ledger ends before its seq),
    ``rewritten`` (another hash, or no event, at its seq) or ``unreadable`` (the database
    could not be read: damaged pages; `problem` says how)."""

    anchor: Anchor
    kind: str  # "truncated", "rewritten" or "unreadable"
    last_seq: int | None  # the ledger's last seq when it was checked (None: unreadable)
    found: str | None  # the ledger's hash at the anchor's seq (None: no event there)
    problem: str | None = None

    def __str__(self) -> str:
        anchor = f"anchor {self.anchor.short()} ({self.anchor.source})"
        if self.kind == "unreadable":
            return f"unreadable: {anchor} but the ledger cannot be read: {self.problem}"
        if self.kind == "truncated":
            end = f"ends at seq {self.last_seq}" if self.last_seq else "holds no events"
            return f"truncated: {anchor} but the ledger {end}"
        seq = self.anchor.seq
        if self.found is None:
            return f"rewritten: {anchor} but seq {seq} is missing"
        return f"rewritten: {anchor} but seq {seq} has hash {_short(self.found)}"


@attrs.frozen(kw_only=True)
class AnchorReport:
    """What :func:`check_anchors` found: the anchors checked, those the ledger does not
    hold (``broken``, in the order given) and the ledger's last seq."""

    anchors: tuple[Anchor, ...]
    broken: tuple[Broken, ...]
    last_seq: int | None  # None: nothing was read (no anchors, or an unreadable ledger)

    @property
    def ok(self) -> bool:
        """Whether the ledger holds every anchor."""
        return not self.broken

    def lines(self) -> list[str]:
        """One line per anchor not held, or (all held) one line saying how many held."""
        if self.broken:
            return [str(broken) for broken in self.broken]
        if not self.anchors:
            return []
        count = len(self.anchors)
        latest = max(anchor.seq for anchor in self.anchors)
        return [
            f"{count} anchor{'s' * (count != 1)} held, the latest at seq {latest} "
            f"of {self.last_seq}"
        ]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def check_anchors(ledger: Ledger, anchors: Iterable[Anchor]) -> AnchorReport:
    """Check that `ledger` holds every anchor: an event at its seq with its hash.

    One indexed look-up per anchor, against the stored hashes: run it with
    ``ledger.verify()``, which checks that those hashes are the chain's (the command line
    does both). Seq 0 is the empty ledger's head, the genesis hash.
    """
    given = tuple(anchors)
    if not given:  # nothing to read: a ledger verify found unreadable is not read again
        return AnchorReport(anchors=(), broken=(), last_seq=None)
    recorder = ledger.recorder
    try:
        last = ledger.head().seq
        broken = [b for b in (_check(ledger, anchor, last) for anchor in given) if b]
    except recorder.read_errors as exc:  # damaged pages: damage to report, as verify does
        problem = recorder.unreadable(exc)
        unread = (Broken(anchor=a, kind="unreadable", last_seq=None, found=None, problem=problem)
                  for a in given)  # fmt: skip
        return AnchorReport(anchors=given, broken=tuple(unread), last_seq=None)
    return AnchorReport(anchors=given, broken=tuple(broken), last_seq=last)


def _check(ledger: Ledger, anchor: Anchor, last: int) -> Broken | None:
    if anchor.seq > last:  # never asked of the database: a seq past any integer column
        return Broken(anchor=anchor, kind="truncated", last_seq=last, found=None)
    found = GENESIS if anchor.seq == 0 else ledger.seq_hash(anchor.seq)
    if found == anchor.hash:
        return None
    return Broken(anchor=anchor, kind="rewritten", last_seq=last, found=found)


def gather(expected: Sequence[str], files: Sequence[str | Path]) -> list[Anchor]:
    """The anchors of ``--expect`` values and ``--anchors`` files, in that order (all
    parsed before the ledger is opened, so a malformed one costs nothing)."""
    return [
        *(parse_anchor(text, "--expect") for text in expected),
        *(anchor for path in files for anchor in read_anchors(path)),
    ]
