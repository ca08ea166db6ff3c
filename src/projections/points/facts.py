"""The compact records the points replay works on: facts read from the log, pieces earned."""

from __future__ import annotations

from collections.abc import Callable
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


#: Business time, then log order: the order caps and 'the earliest' are judged in
#: (``(fact.at, fact.seq)``, built in C: sorting a year of facts calls it once a fact).
business_order: Callable[[Fact], tuple[str, int]] = attrgetter("at", "seq")
