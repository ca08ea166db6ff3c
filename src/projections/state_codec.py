"""A group's kept state as JSON: its units' standing and lines, and its warnings.

JSON (orjson), never pickle: the state is data in the ledger file that any tool can read.
Decimals are written as their exact strings and read back with ``Decimal(text)``, which
keeps the exponent, so a board assembled from state renders byte for byte like a replay.
Ranks are not kept: they are among all units, so the board recomputes them.

A body is one line of JSON, the group's units without their lines, its warnings, how
many of the log's events its last re-run read (what a catch-up packs its batches by) and
the sizes of the units' packed lines, then a newline and each unit's lines in turn: one JSON
array (the unit's lines) compressed with zlib on its own. A board is assembled from the
first line alone; a unit's lines are inflated and parsed when something reads them
(``model.Lines``), so a text scoreboard served from state costs the units it lists, not the
events behind them, and a million events' lines (most of the state: every event id behind
every line) are read from the database in a sixth of their size. Each unit packed on its
own, reading one unit's lines inflates no other unit's, and reading them again inflates
them again: the streamed JSON report holds one unit's lines at a time (zlib's window is
32 KiB, so packing the units one by one costs next to nothing). (orjson never writes a raw
newline, so the first line ends at the first newline.)
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import orjson

from .model import Line, Lines, UnitScore, VetoMark, make_line

Warned = tuple[str | None, tuple[int, str, int, int], str]
#: zlib's fastest level: the lines are event ids and clause codes, which it packs about
#: six to one already; a catch-up writes the bodies of the groups it re-ran.
_LEVEL = 1


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def encode_group(units: list[UnitScore], warned: list[Warned], events: int) -> bytes:
    """One group's body: its units (rank and trace left out), its warnings with their keys,
    the number of `events` of its units the re-run that computed it read, and each unit's
    lines packed on its own."""
    packed = [zlib.compress(orjson.dumps(_lines(u)), _LEVEL) for u in units]
    doc = {
        "units": [_unit(u) for u in units],
        "warnings": [[list(key), text] for _unit_id, key, text in warned],
        "events": events,
        "packed": [len(p) for p in packed],
    }
    return orjson.dumps(doc) + b"\n" + b"".join(packed)


def _unit(u: UnitScore) -> list[Any]:
    return [
        u.unit,
        u.name,
        u.kind,
        u.department,
        str(u.total),
        u.attributed_to,
        _num(u.target),
        u.target_met,
        u.eligible,
        [[v.event, v.reason, v.unit, v.derived, v.at] for v in u.vetoes],
    ]


def _lines(u: UnitScore) -> list[list[Any]]:
    return [
        [x.clause, str(x.points), x.events, x.info, x.note, x.section, x.sentence] for x in u.lines
    ]


def decode_group(body: bytes) -> tuple[list[UnitScore], list[tuple[list[Any], str]]]:
    """A group's units (rank None, lines parsed on first use) and its (key, warning) pairs."""
    end = body.index(b"\n")
    doc = orjson.loads(body[:end])
    view = memoryview(body)
    units, start = [], end + 1
    for row, size in zip(doc["units"], doc["packed"], strict=True):
        units.append(_unit_score(row, _loader(view[start : start + size])))
        start += size
    return units, [(k, t) for k, t in doc["warnings"]]


def group_events(body: bytes) -> int:
    """How many events of its units the re-run that wrote `body` read (its first line)."""
    count: int = orjson.loads(body[: body.index(b"\n")])["events"]
    return count


def _loader(packed: memoryview) -> Callable[[], tuple[Line, ...]]:
    """One unit's lines from its packed bytes, built anew at each call (``model.Lines``)."""
    return lambda: _decode_lines(orjson.loads(zlib.decompress(packed)))


def _unit_score(row: list[Any], lines: Callable[[], tuple[Line, ...]]) -> UnitScore:
    unit, name, kind, dept, total, attributed, target, met, eligible, vetoes = row
    return UnitScore(
        unit=unit,
        name=name,
        kind=kind,
        department=dept,
        total=Decimal(total),
        attributed_to=attributed,
        target=_dec(target),
        target_met=met,
        rank=None,
        eligible=eligible,
        vetoes=tuple(
            VetoMark(event=e, reason=r, unit=u, derived=d, at=a) for e, r, u, d, a in vetoes
        ),
        lines=Lines(lines),
    )


def _decode_lines(rows: list[list[Any]]) -> tuple[Line, ...]:
    numbers: dict[str, Decimal] = {}  # a unit's lines repeat a few amounts: parse each once
    lines = []
    for c, p, ev, info, note, section, sentence in rows:
        points = numbers.get(p)
        if points is None:
            points = numbers[p] = Decimal(p)
        lines.append(make_line(c, points, tuple(ev), info, note, section, sentence))
    return tuple(lines)
