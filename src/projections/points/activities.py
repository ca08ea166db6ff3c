"""Activity clauses: points for an activity a unit holds; `once = "year"` scores a year once."""

from __future__ import annotations

from .state import ZERO, PointsState


def score_activities(state: PointsState) -> None:
    """Each activity under the first clause whose unit conditions hold."""
    once: set[tuple[str, str, str]] = set()
    for fact in state.live_in_order("activity"):
        in_period = state.period.contains(fact.day)
        clause = next(
            (c for c in state.clauses("activity") if state.applies(c, fact.unit, fact.at)), None
        )
        if clause is None:
            if in_period:
                state.unscored(
                    fact,
                    f"no clause of {state.rules.id} scores an activity{state.kind_note(fact)}",
                )
            continue
        if clause.once == "year":
            # The year's first activity takes it, even one before the period.
            key = (clause.id, fact.unit or "", fact.day[:4])
            if key in once:
                if in_period:
                    state.unscored(
                        fact,
                        f"{clause.id} scores once a year; this unit already scored in {key[2]}",
                        clause,
                    )
                continue
            once.add(key)
        if in_period:
            state.earn(fact, clause, clause.points or ZERO, fact.p["activity"])
