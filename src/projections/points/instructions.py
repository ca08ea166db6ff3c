"""Instruction clauses (批示, leaders' written instructions): once per (info, level).

An instruction scores under the first clause naming its level whose unit conditions
and submission flags hold (the flags of its info's standing submission), within what
the clause's cap leaves the unit in the window (:mod:`.caps`, in business order).
"""

from __future__ import annotations

from rules import InstructionClause

from .facts import Fact
from .state import PointsState, flags_match


def score_instructions(state: PointsState) -> None:
    """The first instruction of an (info, level) scores under the first clause naming the level."""
    clauses = state.clauses(InstructionClause)
    opens = min((state.caps.opens(c) for c in clauses), default=state.period.first)
    for fact in once_per_info_and_level(state):
        if fact.day < opens:
            continue
        clause = instruction_clause(state, fact)
        level = fact.p["level"]
        if not state.period.contains(fact.day):
            if clause is not None:  # an earlier part of a cap window: it uses the cap
                state.caps.take(clause, fact, clause.points)
        elif clause is None:
            state.unscored(fact, f"no clause of {state.rules.id} scores level {level}")
        else:
            state.earn_capped(fact, clause, clause.points, f"level {level}")


def instruction_clause(state: PointsState, fact: Fact) -> InstructionClause | None:
    """The first clause naming the instruction's level that applies to its unit and info."""
    sub = state.submission_of(fact.p["info"])
    return next(
        (
            c
            for c in state.clauses(InstructionClause)
            if fact.p["level"] in c.levels
            and flags_match(c, sub)
            and state.applies(c, fact.unit, fact.at)
        ),
        None,
    )


def once_per_info_and_level(state: PointsState) -> list[Fact]:
    """Principle 3: the earliest instruction per (info, level), in business order; later
    ones are traced in the period."""
    seen: dict[tuple[str, str], Fact] = {}
    counted = []
    for fact in state.live_in_order("instruction"):
        key = (fact.p["info"], fact.p["level"])
        if key in seen:
            if state.period.contains(fact.day):
                state.unscored(
                    fact,
                    f"level {key[1]} already instructed on {key[0]} ({seen[key].id}): "
                    "once per (info, level)",
                )
            continue
        seen[key] = fact
        counted.append(fact)
    return counted
