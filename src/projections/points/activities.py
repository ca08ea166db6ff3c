"""Activity clauses: points for an activity a unit holds; `once = "year"` scores a year once;
a cap limits what a unit earns per window (:mod:`.caps`, in business order)."""

from __future__ import annotations

from rules import ActivityClause

from .facts import Fact
from .state import PointsState


def score_activities(state: PointsState) -> None:
    """Each activity under the first clause whose unit conditions hold."""
    once: set[tuple[str, str, str]] = set()
    for fact in state.live_in_order("activity"):
        in_period = state.period.contains(fact.day)
        clause = next(
            (c for c in state.clauses(ActivityClause) if state.applies(c, fact.unit, fact.at)),
            None,
        )
        if clause is None:
            if in_period:
                state.unscored(
                    fact,
                    f"no clause of {state.rules.id} scores an activity{state.kind_note(fact)}",
                )
            continue
        if clause.once == "year" and not once_a_year(state, clause, fact, once, in_period):
            continue
        if in_period:
            state.earn_capped(fact, clause, clause.points, fact.p["activity"])
        elif fact.day >= state.caps.opens(clause):
            state.caps.take(clause, fact, clause.points)  # an earlier part of the window


def once_a_year(
    state: PointsState,
    clause: ActivityClause,
    fact: Fact,
    once: set[tuple[str, str, str]],
    in_period: bool,
) -> bool:
    """``once = "year"``: the year's first activity takes it, even one before the period."""
    key = (clause.id, fact.unit or "", fact.day[:4])
    if key in once:
        if in_period:
            state.unscored(
                fact,
                f"{clause.id} scores once a year; this unit already scored in {key[2]}",
                clause,
            )
        return False
    once.add(key)
    return True
