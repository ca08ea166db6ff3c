"""Award clauses (principle 10): eligibility judged over the year to date.

A unit is eligible when it has no veto (its own or a handing unit's) and at least
the clause's `min_items` distinct info items adopted by the award's outlets.
"""

from __future__ import annotations

from collections import defaultdict

from rules import AwardClause
from vocabulary.codes import matches

from ..model import VetoMark
from .state import PointsState


def award_items(state: PointsState, award: AwardClause) -> dict[str, set[str]]:
    """Per unit, the distinct info items of it (and of units handing to it) adopted by
    award outlets, year to date (whether or not those outlets score here)."""
    items: dict[str, set[str]] = defaultdict(set)
    first, last = state.period.year_first, state.period.last
    for fact in state.facts.get("adoption", ()):
        if fact.id in state.retracted or not (first <= fact.at[:10] <= last):
            continue
        if not matches(fact.p["outlet"], award.outlets):
            continue
        owner = fact.unit or ""
        items[owner].add(fact.p["info"])
        to = state.recipient(owner, fact.at)
        if to is not None:
            items[to].add(fact.p["info"])
    return items


class AwardJudge:
    """The ruleset's award clause (if any) and what it counts, for one board."""

    def __init__(self, state: PointsState) -> None:
        self.state = state
        self.award = next(iter(state.clauses(AwardClause)), None)
        self.items = award_items(state, self.award) if self.award is not None else {}

    def eligible(
        self, unit: str, marks: tuple[VetoMark, ...], attributed_to: str | None, end: str
    ) -> bool | None:
        """Null without an award rule, for a unit that hands its points up (CONTRACT §7),
        and for a unit the award's `kinds` and `below` leave out (as it stands at `end`)."""
        if self.award is None or attributed_to is not None:
            return None
        if unit in self.state.units and not self.state.applies(self.award, unit, end):
            return None
        return not marks and len(self.items.get(unit, ())) >= self.award.min_items
