"""Submission clauses: flat points per submission, capped per unit and window (dalian §五(一)1).

The cap is applied to the unit that submitted, before anything is handed up
(principle 5), in business order (at, seq); a month takes what earlier months of
its quarter left of the cap (:mod:`.caps`). A submission clause is one line per
cap window (or one for the period): ``24 × 0.5 = 12, capped at 10 for 2011Q3``.
"""

from __future__ import annotations

from rules import SubmissionClause

from .facts import Fact, in_business_order
from .state import PointsState, flags_match


def score_submissions(state: PointsState, live: list[Fact]) -> None:
    """Every submission clause over the live submissions; the rest stay unscored (principle 8)."""
    scored: set[str] = set()
    in_order = in_business_order(live)  # once for every clause
    for clause in state.clauses(SubmissionClause):
        _score_clause(state, clause, in_order, scored)
    for fact in live:
        if fact.id not in scored and state.period.contains(fact.day):
            what = "commissioned" if fact.p.get("commissioned") else fact.p.get("category")
            state.unscored(
                fact,
                f"no clause of {state.rules.id} scores a {what} submission" + state.kind_note(fact),
            )


def _score_clause(
    state: PointsState, clause: SubmissionClause, in_order: list[Fact], scored: set[str]
) -> None:
    """One clause over the live submissions, given in business order (caps are taken so)."""
    opens = state.caps.opens(clause)
    for fact in in_order:
        if fact.day < opens or not flags_match(clause, fact):
            continue
        if not state.applies(clause, fact.unit, fact.at):
            continue
        if not state.period.contains(fact.day):
            # An earlier month of the window: it uses the cap, it scores elsewhere.
            state.caps.take(clause, fact, clause.points)
            continue
        scored.add(fact.id)
        group = clause.id
        if clause.cap_per is not None:
            group = f"{clause.id}@{state.caps.window(clause.cap_per, fact.day)}"
        state.earn_capped(fact, clause, clause.points, "", group=group)
