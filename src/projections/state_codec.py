"""A group's kept state as JSON: its units' standing and lines, and its warnings.

JSON (orjson), never pickle: the state is data in the ledger file that any tool can read.
Decimals are written as their exact strings and read back with ``Decimal(text)``, which
keeps the exponent, so a board assembled from state renders byte for byte like a replay.
Ranks are not kept: they are among all units, so the board recomputes them.

A body is lines of JSON: first the group's units without their lines and its warnings,
then one line per unit holding that unit's lines. A board is assembled from the first
line alone; a unit's lines are parsed when something reads them (``model.Lines``), so a
text scoreboard served from state costs the units it lists, not the events behind them.
(orjson never writes a raw newline, so the lines split cleanly.)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

from .model import Line, Lines, UnitScore, VetoMark

Warned = tuple[str | None, tuple[int, str, int, int], str]


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def encode_group(units: list[UnitScore], warned: list[Warned]) -> bytes:
    """One group's body: its units (rank and trace left out) and its warnings with their keys."""
    doc = {
        "units": [_unit(u) for u in units],
        "warnings": [[list(key), text] for _unit_id, key, text in warned],
    }
    return b"\n".join([orjson.dumps(doc), *(orjson.dumps(_lines(u)) for u in units)])


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
    head, *lines = body.split(b"\n")
    doc = orjson.loads(head)
    units = [_unit_score(row, text) for row, text in zip(doc["units"], lines, strict=True)]
    return units, [(k, t) for k, t in doc["warnings"]]


def _unit_score(row: list[Any], lines: bytes) -> UnitScore:
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
        lines=Lines(lambda: _decode_lines(lines)),
    )


def _decode_lines(text: bytes) -> tuple[Line, ...]:
    return tuple(
        Line(
            clause=c,
            points=Decimal(p),
            events=tuple(ev),
            info=info,
            note=note,
            section=section,
            sentence=sentence,
        )
        for c, p, ev, info, note, section, sentence in orjson.loads(text)
    )
