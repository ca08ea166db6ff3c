"""Adjustments (酌情): principle 7, a line `adjustment` in the period of their `at`."""

from __future__ import annotations

from decimal import Decimal

from .state import PointsState


def score_adjustments(state: PointsState) -> None:
    """Each adjustment scoped to this ruleset's lineage (or unscoped) adds its points."""
    lineage = state.rules.header.lineage
    for fact in state.live("adjustment"):
        if not state.period.contains(fact.day):
            continue
        scope = fact.p.get("ruleset")
        if scope is not None and scope not in lineage:
            state.unscored(
                fact, f"scoped to ruleset {scope}, not {state.rules.id} or a ruleset it extends"
            )
            continue
        points = Decimal(fact.p["points"])
        state.award(fact, None, points, fact.p["reason"])
        state.trace(fact, "scored", points, None, f"adjustment (酌情): {fact.p['reason']}")
