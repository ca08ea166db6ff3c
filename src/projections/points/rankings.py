"""Ranking clauses: points for a place in an external annual ranking (changzhou §五.6)."""

from __future__ import annotations

from rules import RankingClause

from .facts import Fact
from .state import PointsState


def score_rankings(state: PointsState) -> None:
    """Each ranking under the first clause that takes it; else unscored with the last reason."""
    once: set[tuple[str, str, int]] = set()
    for fact in state.live_in_order("ranking"):
        in_period = state.period.contains(fact.day)
        chosen, reason = _choose(state, fact, once, in_period)
        if not in_period:
            continue
        if chosen is None:
            state.unscored(fact, reason)
            continue
        p = fact.p
        note = f"{p['source']} {p['year']} rank {p['rank']}"
        state.earn(fact, chosen, chosen.points, note)


def _choose(
    state: PointsState, fact: Fact, once: set[tuple[str, str, int]], in_period: bool
) -> tuple[RankingClause | None, str]:
    """The clause that scores the ranking (taking its once-a-year slot), or None and why not."""
    p = fact.p
    reason = f"no clause of {state.rules.id} scores a ranking from {p['source']}"
    for clause in state.clauses(RankingClause):
        if p["source"] != clause.ranking_source:
            continue
        if not state.applies(clause, fact.unit, fact.at):
            reason = f"{clause.id} scores only units of kind {', '.join(clause.kinds)}"
            continue
        if p["rank"] > clause.max_rank:
            reason = f"{clause.id}: rank {p['rank']} is not within the top {clause.max_rank}"
            continue
        if int(fact.day[:4]) != p["year"]:
            reason = (
                f"{clause.id}: a ranking for {p['year']} dated {fact.day} is not in its "
                "own year (the clause scores it in the period holding its at)"
            )
            if in_period:
                state.warn(fact, 1, f"ranking {fact.id}: {reason}")
            continue
        key = (clause.id, fact.unit or "", p["year"])
        if clause.once == "year" and key in once:
            reason = f"{clause.id} scores once a year; {p['year']} already scored"
            continue
        once.add(key)
        return clause, reason
    return None, reason
