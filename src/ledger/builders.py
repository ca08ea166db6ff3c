"""Event builders: the JSON objects the importer takes (CONTRACT §2), in one call each.

Decimals are strings, absent optional fields (None) are left out. The demo
(``scoreledger demo``) and the worked scenarios of the tests build their ledgers
with these, so an event type's shape is written once.
"""

from __future__ import annotations

from typing import Any

Event = dict[str, Any]


def event(type_: str, id_: str | None, at: str, **fields: Any) -> Event:
    """An event object of `type_`; fields that are None are left out."""
    out: Event = {"type": type_, "at": at}
    if id_ is not None:
        out["id"] = id_
    out.update({k: v for k, v in fields.items() if v is not None})
    return out


def reg(
    unit: str,
    name: str,
    kind: str,
    *,
    parent: str | None = None,
    department: str | None = None,
    at: str = "2011-01-04",
    **fields: Any,
) -> Event:
    """``unit_registered``, with the id ``reg-<unit>``."""
    return event(
        "unit_registered",
        f"reg-{unit}",
        at,
        unit=unit,
        name=name,
        kind=kind,
        parent=parent,
        department=department,
        **fields,
    )


def changed(id_: str, unit: str, at: str, **fields: Any) -> Event:
    return event("unit_changed", id_, at, unit=unit, **fields)


def sub(id_: str, unit: str, info: str, at: str, **fields: Any) -> Event:
    """``submission``; the title defaults to ``<info> 工会信息``."""
    fields.setdefault("title", f"{info} 工会信息")
    return event("submission", id_, at, unit=unit, info=info, **fields)


def adopt(
    id_: str,
    info: str,
    outlet: str,
    at: str,
    mode: str | None = None,
    unit: str | None = None,
    **fields: Any,
) -> Event:
    return event("adoption", id_, at, info=info, outlet=outlet, mode=mode, unit=unit, **fields)


def instr(
    id_: str, info: str, level: str, at: str, leader: str | None = None, **fields: Any
) -> Event:
    return event("instruction", id_, at, info=info, level=level, leader=leader, **fields)


def activity(id_: str, unit: str, at: str, kind: str = "meeting", **fields: Any) -> Event:
    return event("activity", id_, at, unit=unit, activity=kind, **fields)


def veto(
    id_: str, unit: str, at: str, reason: str, info: str | None = None, **fields: Any
) -> Event:
    return event("veto", id_, at, unit=unit, reason=reason, info=info, **fields)


def ranking(
    id_: str,
    unit: str,
    at: str,
    year: int,
    rank: int,
    source: str = "province.union.annual",
    **fields: Any,
) -> Event:
    return event("ranking", id_, at, unit=unit, source=source, year=year, rank=rank, **fields)


def adjust(
    id_: str,
    unit: str,
    at: str,
    points: str,
    reason: str,
    ruleset: str | None = None,
    **fields: Any,
) -> Event:
    return event(
        "adjustment", id_, at, unit=unit, points=points, reason=reason, ruleset=ruleset, **fields
    )


def assess(
    id_: str,
    unit: str,
    table: str,
    item: str,
    at: str,
    score_: str,
    self_score: str | None = None,
    assessor: str | None = "市总考核组",
    **fields: Any,
) -> Event:
    return event(
        "assessment",
        id_,
        at,
        unit=unit,
        table=table,
        item=item,
        score=score_,
        self_score=self_score,
        assessor=assessor,
        **fields,
    )


def absence(id_: str, unit: str, at: str, meeting: str, **fields: Any) -> Event:
    return event("absence", id_, at, unit=unit, meeting=meeting, **fields)


def retract(id_: str, target: str, at: str, reason: str) -> Event:
    return event("retraction", id_, at, target=target, reason=reason)
