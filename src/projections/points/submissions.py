"""Submission clauses: flat points per submission, capped per unit and quarter (dalian §五(一)1).

The cap is applied to the unit that submitted, before anything is handed up
(principle 5), in business order (at, seq); a month takes what earlier months of
its quarter left of the cap.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from rules import Clause

from ..numbers import fmt
from ..periods import quarter_of
from .facts import Fact, business_order
from .state import ZERO, PointsState, flags_match


def score_submissions(state: PointsState, live: list[Fact]) -> None:
    """Every submission clause over the live submissions; the rest stay unscored (principle 8)."""
    scored: set[str] = set()
    for clause in state.clauses("submission"):
        _score_clause(state, clause, live, scored)
    for fact in live:
        if fact.id not in scored and state.period.contains(fact.day):
            what = "commissioned" if fact.p.get("commissioned") else fact.p.get("category")
            state.unscored(
                fact,
                f"no clause of {state.rules.id} scores a {what} submission" + state.kind_note(fact),
            )


def _score_clause(state: PointsState, clause: Clause, live: list[Fact], scored: set[str]) -> None:
    period = state.period
    used: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for fact in sorted(live, key=business_order):
        if fact.day < period.quarter_first or not flags_match(clause, fact):
            continue
        if not state.applies(clause, fact.unit, fact.at):
            continue
        points = clause.points or ZERO
        group = clause.id
        if clause.cap is not None:
            window = quarter_of(fact.day)
            key = (fact.unit or "", window)
            points = min(points, max(clause.cap - used[key], ZERO))
            used[key] += points
            group = f"{clause.id}@{window}"
        if not period.contains(fact.day):
            continue  # an earlier month of the quarter: it used the cap, it scores elsewhere
        scored.add(fact.id)
        if clause.cap is not None and points < (clause.points or ZERO):
            state.award(fact, clause, points, "", group=group)
            reason = f"{clause.id}: the cap of {fmt(clause.cap)} for {window} is reached"
            state.trace(fact, "capped", points, clause, reason)
        else:
            state.earn(fact, clause, points, "", group=group)
