"""A group's kept state as JSON: its units' standing and lines, and its warnings.

JSON (orjson), never pickle: the state is data in the ledger file that any tool can read.
Decimals are written as their exact strings and read back with ``Decimal(text)``, which
keeps the exponent, so a board assembled from state renders byte for byte like a replay.
Ranks are not kept: they are among all units, so the board recomputes them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

from .model import Line, UnitScore, VetoMark

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
    return orjson.dumps(doc)


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
        [
            [x.clause, str(x.points), x.events, x.info, x.note, x.section, x.sentence]
            for x in u.lines
        ],
    ]


def decode_group(body: bytes) -> tuple[list[UnitScore], list[tuple[list[Any], str]]]:
    """A group's units (rank None) and its (key, warning) pairs."""
    doc = orjson.loads(body)
    return [_unit_score(row) for row in doc["units"]], [(k, t) for k, t in doc["warnings"]]


def _unit_score(row: list[Any]) -> UnitScore:
    unit, name, kind, dept, total, attributed, target, met, eligible, vetoes, lines = row
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
        lines=tuple(
            Line(
                clause=c,
                points=Decimal(p),
                events=tuple(ev),
                info=info,
                note=note,
                section=section,
                sentence=sentence,
            )
            for c, p, ev, info, note, section, sentence in lines
        ),
    )
