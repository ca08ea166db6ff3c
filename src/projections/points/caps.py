"""Caps: what a unit may earn under a capped clause in one window (``cap`` per ``cap_per``).

RULES.md (dalian-2011 and principle 5): a cap is applied to the unit that earned the
points, before anything is handed up, in business order (at, seq); a shorter period
takes what the earlier part of its window left (a month of a quarter cap, a quarter of
a year cap), so the periods of a window add up to at most the cap. Every clause kind
with a cap (submissions, adoptions, instructions, activities) counts here.
"""

from __future__ import annotations

from decimal import Decimal

from rules.model import CappedClause

from ..periods import Period, window_first, window_of
from .facts import Fact

ZERO = Decimal(0)


class Caps:
    """What each (clause, unit, window) has used of its cap so far in this replay."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.used: dict[tuple[str, str, str], Decimal] = {}
        self._windows: dict[str, dict[str, str]] = {}  # cap_per -> day -> window label

    def opens(self, clause: CappedClause) -> str:
        """The first day whose events count for the period: the start of the window holding
        the period's first day (the period's first day for an uncapped clause)."""
        if clause.cap is None or clause.cap_per is None:
            return self.period.first
        return window_first(self.period.first, clause.cap_per)

    def window(self, per: str, day: str) -> str:
        """``periods.window_of(day, per)``, worked out once per day: every capped event asks."""
        days = self._windows.get(per)
        if days is None:
            days = self._windows[per] = {}
        found = days.get(day)
        if found is None:
            found = days[day] = window_of(day, per)
        return found

    def take(self, clause: CappedClause, fact: Fact, points: Decimal) -> Decimal:
        """The part of `points` the fact's unit may still earn under `clause` in the fact's
        window; taking it uses the cap. Facts must come in business order."""
        cap = clause.cap
        if cap is None or clause.cap_per is None:
            return points
        key = (clause.id, fact.unit or "", self.window(clause.cap_per, fact.day))
        used = self.used.get(key, ZERO)
        left = cap - used
        # min(points, max(left, 0)), the very Decimal either returns (never a re-spelt 0).
        floor = ZERO if ZERO > left else left
        allowed = floor if floor < points else points
        self.used[key] = used + allowed
        return allowed
