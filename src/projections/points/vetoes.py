"""Vetoes: recorded ones, and the ones a deadline clause derives from late urgent reports.

A veto bars the year's awards (principle 10) of the unit and of the unit it hands
its points to at the veto's time, whether or not the vetoed unit earned points.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from rules import DeadlineClause

from ..model import VetoMark
from .facts import Fact
from .state import PointsState, flags_match


def derive_deadline_vetoes(state: PointsState, clause: DeadlineClause, live: list[Fact]) -> None:
    """Derived vetoes: submissions (those the clause's flags and unit conditions select, e.g.
    urgent ones) reported later than the clause allows after their incident."""
    hours = clause.hours
    for fact in live:
        p = fact.p
        if "incident_at" not in p or not flags_match(clause, fact):
            continue
        if not state.applies(clause, fact.unit, fact.at):
            continue
        if not (state.period.year_first <= fact.day <= state.period.last):
            continue
        delay = datetime.fromisoformat(fact.at) - datetime.fromisoformat(p["incident_at"])
        if Decimal(delay.total_seconds()) > hours * 3600:
            state.derived.append(
                VetoMark(
                    event=fact.id,
                    reason=clause.veto_reason,
                    unit=fact.unit or "",
                    derived=True,
                    at=fact.at,
                )
            )


def trace_recorded_vetoes(state: PointsState) -> None:
    """A recorded veto scores nothing itself: the trace says what it does instead."""
    for fact in state.live("veto"):
        if state.period.contains(fact.day):
            state.unscored(fact, f"a recorded veto ({fact.p['reason']}): bars the year's awards")


def year_to_date_vetoes(state: PointsState) -> list[VetoMark]:
    """Recorded (not retracted) and derived vetoes in the year to date."""
    marks = list(state.derived)
    for fact in state.facts.get("veto", ()):
        if fact.id in state.retracted:
            continue
        if state.period.year_first <= fact.day <= state.period.last:
            marks.append(
                VetoMark(
                    event=fact.id,
                    reason=fact.p["reason"],
                    unit=fact.unit or "",
                    derived=False,
                    at=fact.at,
                )
            )
    marks.sort(key=lambda v: (v.at, v.event))
    return marks


def vetoes_by_unit(state: PointsState) -> dict[str, list[VetoMark]]:
    """Each unit's vetoes: its own and those of the units handing to it at the veto's time."""
    marks_by_unit: dict[str, list[VetoMark]] = defaultdict(list)
    for mark in year_to_date_vetoes(state):
        marks_by_unit[mark.unit].append(mark)
        to = state.recipient(mark.unit, mark.at) if mark.unit in state.units else None
        if to is not None:
            marks_by_unit[to].append(mark)
    return marks_by_unit
