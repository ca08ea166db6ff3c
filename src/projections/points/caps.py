"""Caps: what a unit may earn under a capped clause in one window (``cap`` per ``cap_per``).

RULES.md (dalian-2011 and principle 5): a cap is applied to the unit that earned the
points, before anything is handed up, in business order (at, seq); a shorter period
takes what the earlier part of its window left (a month of a quarter cap, a quarter of
a year cap), so the periods of a window add up to at most the cap. Every clause kind
with a cap (submissions, adoptions, instructions, activities) counts here.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from rules.model import CappedClause

from ..periods import Period, window_first, window_of
from .facts import Fact

ZERO = Decimal(0)


class Caps:
    """What each (clause, unit, window) has used of its cap so far in this replay."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.used: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)

    def opens(self, clause: CappedClause) -> str:
        """The first day whose events count for the period: the start of the window holding
        the period's first day (the period's first day for an uncapped clause)."""
        if clause.cap is None or clause.cap_per is None:
            return self.period.first
        return window_first(self.period.first, clause.cap_per)

    def take(self, clause: CappedClause, fact: Fact, points: Decimal) -> Decimal:
        """The part of `points` the fact's unit may still earn under `clause` in the fact's
        window; taking it uses the cap. Facts must come in business order."""
        if clause.cap is None or clause.cap_per is None:
            return points
        key = (clause.id, fact.unit or "", window_of(fact.day, clause.cap_per))
        allowed = min(points, max(clause.cap - self.used[key], ZERO))
        self.used[key] += allowed
        return allowed
