"""The compact records the points replay works on: facts read from the log, pieces earned."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from operator import attrgetter
from typing import Any

import attrs

from rules import Clause


@attrs.define
class Fact:
    """The few fields of one event that scoring reads (never changed once read: a plain
    slotted record, not a frozen one, whose construction costs a third as much)."""

    seq: int
    id: str
    type: str
    at: str
    unit: str | None
    p: dict[str, Any]
    #: The local date of ``at`` (YYYY-MM-DD), cut once: every clause kind compares it.
    day: str = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self.day = self.at[:10]


@attrs.define
class Piece:
    """Points one event earns under one clause, for the unit that earned them."""

    fact: Fact
    clause: Clause | None  # None for adjustments
    points: Decimal
    note: str
    group: str | None = None  # submission clauses: one line per (clause, cap window)


_at: Callable[[Fact], str] = attrgetter("at")


def in_business_order(logged: Iterable[Fact]) -> list[Fact]:
    """Facts given in log order (seq ascending, as read), in business order: business time,
    then log order, the order caps and 'the earliest' are judged in. A stable sort by ``at``
    alone keeps equal times in seq order, without an ``(at, seq)`` key built per fact."""
    return sorted(logged, key=_at)
