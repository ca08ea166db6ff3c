"""The replay of a points ruleset (jiangsu-2016, changzhou-2016, dalian-2011).

One pass over the log in ``seq`` order gathers compact facts (never the whole
log); a second, in memory, runs each clause kind's module of ``projections.points``
and applies RULES.md's principles, each in a function named for it:

1. one base clause per adoption, bonus on top (``points.adoptions.base_clause``,
   ``bonus_clauses``);
2. the same outlet twice earns once (``points.adoptions.same_outlet_once``);
3. instructions once per (info, level) (``points.instructions.once_per_info_and_level``);
4. business time decides the period; the log decides what exists (``Period.contains``
   everywhere; ``points.adoptions._warn_before_submission``);
5. points are earned by the unit as it stood at the event's time, capped
   there, then handed to the nearest ancestor of a kind the ruleset assesses
   (``points.board.earned_lines``, ``hand_up``; ``PointsState.recipient``);
6. retracted events never score, and stay in the trace (``PointsState.live``);
7. adjustments add a line in the period of their ``at`` (``points.adjustments``);
8. an event no clause scores stays in the trace with the reason (``PointsState.unscored``);
9. targets apply to year periods (``points.board._target``);
10. awards are judged over the year to date (``points.awards``, ``points.vetoes``);
11. 以上 includes the number (``points.awards.AwardJudge.eligible``: ``>=``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from ledger.reader import RowTuple
from ledger.store import Ledger
from rules import DeadlineClause, PointsRuleset

from .heads import replay_head
from .model import Scoreboard
from .periods import Period
from .points.activities import score_activities
from .points.adjustments import score_adjustments
from .points.adoptions import score_adoptions
from .points.board import build_board
from .points.facts import Fact, Piece
from .points.instructions import score_instructions
from .points.rankings import score_rankings
from .points.state import CHECKLIST_FACTS, PointsState
from .points.submissions import score_submissions
from .points.vetoes import derive_deadline_vetoes, trace_recorded_vetoes

__all__ = ["Fact", "Piece", "PointsReplay", "replay_points"]

_UNIT_TYPES = ("unit_registered", "unit_changed")
#: Read whatever their date: unit history, retractions, and submissions (an adoption's
#: flags come from its info's standing submission, which may be dated later).
ALWAYS_READ = ("retraction", *_UNIT_TYPES, "submission")

#: The payload fields scoring reads, per type; the rest (titles, notes, evidence)
#: stays in the log, so a year of facts fits in memory several times over.
_KEEP = {
    "submission": ("info", "category", "urgent", "commissioned", "incident_at"),
    "adoption": ("info", "outlet", "mode"),
    "instruction": ("info", "level"),
    "activity": ("activity",),
    "ranking": ("source", "year", "rank"),
    "adjustment": ("points", "reason", "ruleset"),
    "veto": ("reason", "info"),
    "assessment": ("info",),
    "absence": (),
}
#: Fields whose values are codes repeated on every event: one shared string each.
_CODES = frozenset({"category", "outlet", "mode", "level", "activity", "source", "reason"})


def _slim(kind: str, p: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key in _KEEP.get(kind, ()):
        if key in p:
            value = p[key]
            out[key] = sys.intern(value) if key in _CODES and type(value) is str else value
    return out


def _intern(unit: str | None) -> str | None:
    return None if unit is None else sys.intern(unit)


class PointsReplay(PointsState):
    """Replays one ledger under one points ruleset for one period."""

    # -- pass 1: read ------------------------------------------------------------

    def read(self, rows: Iterable[RowTuple]) -> None:
        """Gather facts from ledger rows in seq order (``Ledger.read_tuples``, or the named
        rows of ``Ledger.read``: the same tuples); events after the period are skipped."""
        last = self.period.last
        for seq, id_, kind, at, unit, _recorded_at, p in rows:
            if kind == "retraction":
                self.retracted[p["target"]] = (id_, p["reason"])
            elif kind in _UNIT_TYPES:
                self.units.add(at, seq, p)
            elif kind == "submission":
                fact = Fact(seq, id_, kind, at, _intern(unit), _slim(kind, p))
                self.sub_by_info[fact.p["info"]].append(fact)
                if at[:10] <= last:
                    self.facts[kind].append(fact)
            elif at[:10] <= last:
                fact = Fact(seq, id_, kind, at, _intern(unit), _slim(kind, p))
                self.facts[kind].append(fact)

    # -- pass 2: score, one clause kind after another -------------------------------

    def run(self) -> Scoreboard:
        """Apply the ruleset's clauses to the facts read; the period's scoreboard."""
        self.units.freeze(self.retracted)
        live = self.live("submission")
        for clause in self.clauses(DeadlineClause):
            derive_deadline_vetoes(self, clause, live)
        score_submissions(self, live)
        score_adoptions(self)
        score_instructions(self)
        score_activities(self)
        score_rankings(self)
        score_adjustments(self)
        trace_recorded_vetoes(self)
        for kind in CHECKLIST_FACTS:
            for fact in self.live(kind):
                if self.period.contains(fact.day):
                    self.unscored(
                        fact, f"{self.rules.id} does not score {kind} events (a checklist fact)"
                    )
        return build_board(self)


def replay_points(
    ledger: Ledger,
    ruleset: PointsRuleset,
    period: Period,
    *,
    as_of: datetime | None = None,
    with_trace: bool = False,
    trace_unit: str | None = None,
    through_seq: int | None = None,
) -> Scoreboard:
    """Score a ledger under a points ruleset for a period (one streaming read of the log;
    of the events up to `through_seq`, when given: a live board's position).

    The head is read first and the log read through it, so the board's `head` is the one
    it was computed from even while others append."""
    head = replay_head(ledger, as_of, through_seq)
    replay = PointsReplay(
        ruleset, period, as_of=as_of, with_trace=with_trace, trace_unit=trace_unit
    )
    rows = ledger.read_tuples(
        as_of=as_of, until_day=period.last, always=ALWAYS_READ, through_seq=head.seq
    )
    replay.read(rows)
    return attrs.evolve(replay.run(), head=head)
