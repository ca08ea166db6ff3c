"""Instruction clauses (批示, leaders' written instructions): once per (info, level)."""

from __future__ import annotations

from .facts import Fact
from .state import ZERO, PointsState


def score_instructions(state: PointsState) -> None:
    """The first instruction of an (info, level) scores under the first clause naming the level."""
    for fact in once_per_info_and_level(state):
        level = fact.p["level"]
        clause = next(
            (
                c
                for c in state.clauses("instruction")
                if level in c.levels and state.applies(c, fact.unit, fact.at)
            ),
            None,
        )
        if clause is None:
            state.unscored(fact, f"no clause of {state.rules.id} scores level {level}")
        else:
            state.earn(fact, clause, clause.points or ZERO, f"level {level}")


def once_per_info_and_level(state: PointsState) -> list[Fact]:
    """Principle 3: the earliest instruction per (info, level) in the period; later ones traced."""
    seen: dict[tuple[str, str], Fact] = {}
    counted = []
    for fact in state.live_in_order("instruction"):
        key = (fact.p["info"], fact.p["level"])
        in_period = state.period.contains(fact.day)
        if key in seen:
            if in_period:
                state.unscored(
                    fact,
                    f"level {key[1]} already instructed on {key[0]} ({seen[key].id}): "
                    "once per (info, level)",
                )
            continue
        seen[key] = fact
        if in_period:
            counted.append(fact)
    return counted
