"""What the points replay has gathered, and the helpers every clause kind shares.

Each clause kind's module (``submissions``, ``adoptions``, ...) reads facts from a
:class:`PointsState` and adds pieces (points earned) and traces (what became of
each event: principles 6 and 8) to it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Protocol, TypeVar, cast

from rules import BaseClause, Clause, PointsRuleset
from rules.model import CappedClause

from ..model import Trace, VetoMark
from ..numbers import fmt
from ..periods import Period
from ..units import UnitHistory
from .caps import Caps
from .facts import Fact, Piece, in_business_order

C = TypeVar("C", bound=BaseClause)

ZERO = Decimal(0)

#: Event types read by checklist rulesets, not by points rulesets: they list no unit.
CHECKLIST_FACTS = ("assessment", "absence")


def end_at(period: Period) -> str:
    """The last instant of the period (local time): where 'as it stood at the end' looks."""
    return f"{period.last}T23:59:59.999999+08:00"


class PointsState:
    """The facts of one ledger read for one points ruleset and period, and what they earned."""

    def __init__(
        self,
        ruleset: PointsRuleset,
        period: Period,
        *,
        as_of: datetime | None = None,
        with_trace: bool = False,
        trace_unit: str | None = None,
    ) -> None:
        self.rules = ruleset
        self.period = period
        self.as_of = as_of
        self.with_trace = with_trace
        #: With a trace: only this unit's events are traced (explain asks for one unit).
        self.trace_unit = trace_unit
        self.units = UnitHistory()
        self.retracted: dict[str, tuple[str, str]] = {}  # target -> (retraction id, reason)
        self.facts: dict[str, list[Fact]] = defaultdict(list)
        self.sub_by_info: dict[str, list[Fact]] = defaultdict(list)
        self.pieces: list[Piece] = []
        self.traces: list[tuple[str | None, Trace]] = []  # (unit, trace)
        self.derived: list[VetoMark] = []
        self.warnings: list[str] = []
        #: Each warning's unit and place in the board's order ((phase, at, seq), then
        #: as raised): a projection merges the warnings of groups of units re-run apart.
        self.warned: list[tuple[str | None, tuple[int, str, int, int], str]] = []
        #: Units with live information-work events in the period, scored or not: they are
        #: listed (with 0 if nothing scored) so that explain can show why (principle 8).
        self.active: set[str] = set()
        self._recipients: dict[tuple[str, int], str | None] = {}  # (unit, epoch)
        self.caps = Caps(period)
        self.by_kind: dict[type[BaseClause], list[BaseClause]] = defaultdict(list)
        for clause in ruleset.clauses:
            self.by_kind[type(clause)].append(clause)

    def warn(self, fact: Fact, phase: int, text: str) -> None:
        """A warning about `fact`; the board lists them by phase (0 adoptions, 1 rankings),
        then in business order, as the clause kinds run."""
        self.warnings.append(text)
        self.warned.append((fact.unit, (phase, fact.at, fact.seq, len(self.warned)), text))

    def clauses(self, kind: type[C]) -> list[C]:
        """The ruleset's clauses of one kind (``AdoptionClause`` …), in ruleset order."""
        return cast(list[C], self.by_kind.get(kind, []))

    # -- principle 6: retracted events never score, and stay in the trace ----------

    def live(self, kind: str) -> list[Fact]:
        """Non-retracted facts of a type; retracted ones in the period go to the trace."""
        live = []
        for fact in self.facts.get(kind, ()):
            hit = self.retracted.get(fact.id)
            if hit is None:
                live.append(fact)
            elif self.period.contains(fact.day):
                self.trace(fact, "retracted", ZERO, None, f"retracted by {hit[0]}: {hit[1]}")
        return live

    def live_in_order(self, kind: str) -> list[Fact]:
        """:meth:`live`, in business order (at, seq)."""
        return in_business_order(self.live(kind))

    # -- the trace (explain) ----------------------------------------------------------

    def trace(
        self, fact: Fact, status: str, points: Decimal, clause: Clause | None, reason: str
    ) -> None:
        # A retracted event does not list its unit: retracting is as if never appended.
        if fact.unit is not None and status != "retracted" and fact.type not in CHECKLIST_FACTS:
            self.active.add(fact.unit)
        if self.with_trace and (self.trace_unit is None or fact.unit == self.trace_unit):
            trace = Trace(
                event=fact.id,
                seq=fact.seq,
                type=fact.type,
                at=fact.at,
                status=status,
                points=points,
                clause=clause.id if clause else None,
                reason=reason,
                info=fact.p.get("info"),
            )
            self.traces.append((fact.unit, trace))

    def tracing(self, fact: Fact) -> bool:
        """Whether `fact`'s trace entries are kept (with a trace, of every unit or of one)."""
        return self.with_trace and (self.trace_unit is None or fact.unit == self.trace_unit)

    def unscored(self, fact: Fact, reason: str, clause: Clause | None = None) -> None:
        """Principle 8: the event stays in the trace with 0 points and the reason."""
        self.trace(fact, "unscored", ZERO, clause, reason)

    def earn(
        self, fact: Fact, clause: Clause, points: Decimal, note: str, group: str | None = None
    ) -> None:
        """The event earns `points` under `clause` for its unit (a line, and a trace)."""
        self.award(fact, clause, points, note, group=group)
        self.trace(fact, "scored", points, clause, clause.summary or clause.id)

    def earn_capped(
        self,
        fact: Fact,
        clause: CappedClause,
        points: Decimal,
        note: str,
        group: str | None = None,
    ) -> None:
        """:meth:`earn`, under what the clause's cap leaves (:class:`Caps`, in business
        order): a cut is traced "capped"; a line shows what is left, if anything (a grouped
        clause counts every event in its line)."""
        cap = clause.cap
        if cap is None or clause.cap_per is None:  # uncapped: nothing to take
            self.earn(fact, clause, points, note, group=group)
            return
        allowed = self.caps.take(clause, fact, points)
        if allowed == points:
            self.earn(fact, clause, points, note, group=group)
            return
        window = self.caps.window(clause.cap_per, fact.day)
        if group is not None or allowed > 0:
            capped = note if group is not None else f"{note}, capped at {fmt(cap)} for {window}"
            self.award(fact, clause, allowed, capped, group=group)
        # Most of a year's submissions are cut by their cap: the reason is only written for
        # an event whose trace is kept.
        reason = ""
        if self.tracing(fact):
            reason = f"{clause.id}: the cap of {fmt(cap)} for {window} is reached"
        self.trace(fact, "capped", allowed, clause, reason)

    def award(
        self,
        fact: Fact,
        clause: Clause | None,
        points: Decimal,
        note: str,
        group: str | None = None,
    ) -> None:
        """Points for the fact's unit, without a trace (the caller traces)."""
        self.pieces.append(Piece(fact, clause, points, note, group=group))

    def kind_note(self, fact: Fact) -> str:
        """' by a <kind>': the unit's kind at the event, for unscored reasons."""
        if fact.unit is None or fact.unit not in self.units:
            return ""
        return f" by a {self.units.at(fact.unit, fact.at).kind}"

    # -- who an event scores for (principle 5) ------------------------------------------

    def applies(self, clause: Clause, unit: str | None, at: str) -> bool:
        """Whether the clause's unit conditions (kinds, below) hold for `unit` at `at`."""
        if not clause.kinds and not clause.below:
            return True
        if self.units.at(unit or "", at).kind in clause.kinds:
            return True
        return bool(clause.below) and any(
            self.units.at(a, at).kind in clause.below for a in self.units.ancestors(unit or "", at)
        )

    def recipient(self, unit: str, at: str) -> str | None:
        """The ancestor a unit hands its points to at `at`, or None (it keeps them)."""
        key = (unit, self.units.epoch(at))
        if key in self._recipients:
            return self._recipients[key]
        found = None
        if unit in self.units and self.units.at(unit, at).kind not in self.rules.assessed_kinds:
            for ancestor in self.units.ancestors(unit, at):
                if self.units.at(ancestor, at).kind in self.rules.hand_up_to:
                    found = ancestor
                    break
        self._recipients[key] = found
        return found

    def submission_of(self, info: str) -> Fact | None:
        """The info's standing submission (the latest not retracted), if any."""
        for fact in reversed(self.sub_by_info.get(info, ())):
            if fact.id not in self.retracted:
                return fact
        return None


class Flagged(Protocol):
    """A clause of a kind that reads the submission's flags."""

    @property
    def urgent(self) -> bool | None: ...
    @property
    def commissioned(self) -> bool | None: ...
    @property
    def categories(self) -> tuple[str, ...]: ...


def flags_match(clause: Flagged, sub: Fact | None) -> bool:
    """Whether the submission's flags (urgent, commissioned, category) meet the clause's."""
    p = sub.p if sub is not None else {}
    if clause.urgent is not None and p.get("urgent", False) != clause.urgent:
        return False
    if clause.commissioned is not None and p.get("commissioned", False) != clause.commissioned:
        return False
    return not clause.categories or p.get("category") in clause.categories
