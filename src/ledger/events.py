"""The event types of the ledger (CONTRACT.md §2), as frozen records.

Each class carries its stable wire name in ``TYPE``; the name, never the module
path, is what the log stores, so classes can move without breaking old files.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

import attrs

from vocabulary.codes import (
    ActivityKind,
    Category,
    Department,
    EventType,
    Level,
    Mode,
    Outlet,
    UnitKind,
    VetoReason,
)

# Every event class is @attrs.frozen(kw_only=True): attrs >= 25.4 applies a class-level
# kw_only only to that class's own fields, so it is repeated on each. Spelled out, not an
# alias, so that mypy's attrs plugin sees the fields.


@attrs.frozen(kw_only=True)
class Event:
    """Fields every event has. ``at`` is business time, always timezone-aware."""

    TYPE: ClassVar[str] = ""
    id: str
    at: datetime
    note: str | None = None
    evidence: str | None = None


@attrs.frozen(kw_only=True)
class UnitRegistered(Event):
    """A unit enters the ledger."""

    TYPE: ClassVar[EventType] = "unit_registered"
    unit: str
    name: str
    kind: UnitKind
    parent: str | None = None
    department: Department | None = None


@attrs.frozen(kw_only=True)
class UnitChanged(Event):
    """A unit's attributes change from ``at`` on; earlier events keep the old ones."""

    TYPE: ClassVar[EventType] = "unit_changed"
    unit: str
    name: str | None = None
    kind: UnitKind | None = None
    parent: str | None = None
    department: Department | None = None


@attrs.frozen(kw_only=True)
class Submission(Event):
    """报送: a unit submits information item ``info``."""

    TYPE: ClassVar[EventType] = "submission"
    unit: str
    info: str
    title: str | None = None
    category: Category = "regular"
    urgent: bool = False
    incident_at: datetime | None = None
    commissioned: bool = False


@attrs.frozen(kw_only=True)
class Adoption(Event):
    """采用: an outlet adopts (publishes, forwards) an information item."""

    TYPE: ClassVar[EventType] = "adoption"
    info: str
    outlet: Outlet
    mode: Mode = "single"
    unit: str | None = None


@attrs.frozen(kw_only=True)
class Instruction(Event):
    """批示: a leader writes an instruction on an information item."""

    TYPE: ClassVar[EventType] = "instruction"
    info: str
    level: Level
    leader: str | None = None
    unit: str | None = None


@attrs.frozen(kw_only=True)
class Activity(Event):
    """信息活动 held by a unit."""

    TYPE: ClassVar[EventType] = "activity"
    unit: str
    activity: ActivityKind


@attrs.frozen(kw_only=True)
class Veto(Event):
    """否决: a fact recorded by the office that bars a unit from the year's awards."""

    TYPE: ClassVar[EventType] = "veto"
    unit: str
    reason: VetoReason
    info: str | None = None


@attrs.frozen(kw_only=True)
class Ranking(Event):
    """An external ranking, e.g. the province's annual circular."""

    TYPE: ClassVar[EventType] = "ranking"
    unit: str
    source: str
    year: int
    rank: int


@attrs.frozen(kw_only=True)
class Adjustment(Event):
    """酌情: a discretionary addition or deduction, optionally scoped to one ruleset."""

    TYPE: ClassVar[EventType] = "adjustment"
    unit: str
    points: Decimal
    reason: str
    ruleset: str | None = None


@attrs.frozen(kw_only=True)
class Assessment(Event):
    """考核: a checklist item scored; the latest one for (unit, table, item) stands."""

    TYPE: ClassVar[EventType] = "assessment"
    unit: str
    table: str
    item: str
    score: Decimal
    self_score: Decimal | None = None
    assessor: str | None = None


@attrs.frozen(kw_only=True)
class Absence(Event):
    """缺席: a recorded absence from a meeting or training of the higher union."""

    TYPE: ClassVar[EventType] = "absence"
    unit: str
    meeting: str
    person: str | None = None


@attrs.frozen(kw_only=True)
class Retraction(Event):
    """The target event no longer counts; it stays in the log, marked retracted."""

    TYPE: ClassVar[EventType] = "retraction"
    target: str
    reason: str


AnyEvent = (
    UnitRegistered
    | UnitChanged
    | Submission
    | Adoption
    | Instruction
    | Activity
    | Veto
    | Ranking
    | Adjustment
    | Assessment
    | Absence
    | Retraction
)

EVENT_TYPES: dict[str, type[AnyEvent]] = {
    cls.TYPE: cls
    for cls in (
        UnitRegistered,
        UnitChanged,
        Submission,
        Adoption,
        Instruction,
        Activity,
        Veto,
        Ranking,
        Adjustment,
        Assessment,
        Absence,
        Retraction,
    )
}

#: The schema version written for every event today (see ``ledger.upcast``).
SCHEMA_VERSION = 1


@attrs.frozen(kw_only=True)
class Recorded:
    """An event as the ledger holds it: its position, append time and chain hash."""

    seq: int
    recorded_at: datetime
    hash: str
    prev_hash: str
    event: AnyEvent
    #: The unit the event scores for (a submitter resolved at append time), or None.
    unit: str | None = None
    #: Who recorded it (CONTRACT §8.2); None for events recorded before the ledger kept it.
    recorded_by: str | None = None
