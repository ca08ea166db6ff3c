"""The replay of a points ruleset (jiangsu-2016, changzhou-2016, dalian-2011).

One pass over the log in ``seq`` order gathers compact facts (never the whole
log); a second, in memory, applies RULES.md's principles:

1. one base clause per adoption (first match in ruleset order), bonus on top;
2. the same outlet twice earns once (earliest by ``at``, then ``seq``);
3. instructions once per (info, level);
4. business time decides the period; the log decides what exists;
5. points are earned by the unit as it stood at the event's time, capped
   there, then handed to the nearest ancestor of a kind the ruleset assesses;
6. retracted events never score, and stay in the trace, marked;
7. adjustments add a line in the period of their ``at``;
8. an event no clause scores stays in the trace with the reason;
9-11. targets (year periods), awards (year to date), 以上 includes the number.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from ledger.normalize import loads
from ledger.store import Ledger
from rules import Clause, PointsRuleset, fingerprint
from vocabulary.codes import matches

from .model import Line, Scoreboard, Trace, UnitScore, VetoMark
from .numbers import fmt
from .periods import Period, quarter_of
from .units import UnitHistory

ZERO = Decimal(0)
_UNIT_TYPES = ("unit_registered", "unit_changed")

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


_CHECKLIST_FACTS = ("assessment", "absence")  # read by checklists, not by points rulesets


@attrs.frozen
class Fact:
    """The few fields of one event that scoring reads."""

    seq: int
    id: str
    type: str
    at: str
    unit: str | None
    p: dict[str, Any]

    @property
    def day(self) -> str:
        return self.at[:10]


@attrs.define
class Piece:
    """Points one event earns under one clause, for the unit that earned them."""

    fact: Fact
    clause: Clause | None  # None for adjustments
    points: Decimal
    note: str
    group: str | None = None  # submission clauses: one line per (clause, cap window)


class PointsReplay:
    """Replays one ledger under one points ruleset for one period."""

    def __init__(
        self,
        ruleset: PointsRuleset,
        period: Period,
        *,
        as_of: datetime | None = None,
        with_trace: bool = False,
    ) -> None:
        self.rules = ruleset
        self.period = period
        self.as_of = as_of
        self.with_trace = with_trace
        self.units = UnitHistory()
        self.retracted: dict[str, tuple[str, str]] = {}  # target -> (retraction id, reason)
        self.facts: dict[str, list[Fact]] = defaultdict(list)
        self.sub_by_info: dict[str, list[Fact]] = defaultdict(list)
        self.pieces: list[Piece] = []
        self.traces: list[tuple[str | None, Trace]] = []  # (unit, trace)
        self.derived: list[VetoMark] = []
        self.warnings: list[str] = []
        #: Units with live information-work events in the period, scored or not: they are
        #: listed (with 0 if nothing scored) so that explain can show why (principle 8).
        self.active: set[str] = set()
        self._recipients: dict[tuple[str, int], str | None] = {}  # (unit, epoch)
        self._by_trigger: dict[str, list[Clause]] = defaultdict(list)
        for clause in ruleset.clauses:
            self._by_trigger[clause.on].append(clause)

    # -- pass 1: read ------------------------------------------------------------

    def read(self, rows: Iterable[tuple[int, str, str, str, str | None, str, str]]) -> None:
        """Gather facts from raw ledger rows (seq order); events after the period are skipped."""
        last = self.period.last
        for seq, id_, kind, at, unit, _recorded, payload in rows:
            if kind == "retraction":
                p = loads(payload)
                self.retracted[p["target"]] = (id_, p["reason"])
            elif kind in _UNIT_TYPES:
                self.units.add(at, seq, loads(payload))
            elif kind == "submission":
                fact = Fact(seq, id_, kind, at, _intern(unit), _slim(kind, loads(payload)))
                self.sub_by_info[fact.p["info"]].append(fact)
                if at[:10] <= last:
                    self.facts[kind].append(fact)
            elif at[:10] <= last:
                fact = Fact(seq, id_, kind, at, _intern(unit), _slim(kind, loads(payload)))
                self.facts[kind].append(fact)

    # -- pass 2: score -------------------------------------------------------------

    def run(self) -> Scoreboard:
        self.units.freeze(self.retracted)
        self._submissions()
        self._adoptions()
        self._instructions()
        self._activities()
        self._rankings()
        self._adjustments()
        self._others()
        return self._board()

    def _live(self, kind: str) -> list[Fact]:
        """Non-retracted facts of a type; retracted ones in the period go to the trace."""
        live = []
        for fact in self.facts.get(kind, ()):
            hit = self.retracted.get(fact.id)
            if hit is None:
                live.append(fact)
            elif self.period.contains(fact.day):
                self._trace(fact, "retracted", ZERO, None, f"retracted by {hit[0]}: {hit[1]}")
        return live

    def _trace(
        self, fact: Fact, status: str, points: Decimal, clause: Clause | None, reason: str
    ) -> None:
        # A retracted event does not list its unit: retracting is as if never appended.
        if fact.unit is not None and status != "retracted" and fact.type not in _CHECKLIST_FACTS:
            self.active.add(fact.unit)
        if self.with_trace:
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

    def _award(
        self, fact: Fact, clause: Clause | None, points: Decimal, note: str, **kw: Any
    ) -> None:
        self.pieces.append(Piece(fact, clause, points, note, **kw))

    def _applies(self, clause: Clause, unit: str, at: str) -> bool:
        """Whether the clause's unit conditions (kinds, below) hold for `unit` at `at`."""
        if not clause.kinds and not clause.below:
            return True
        if self.units.at(unit, at).kind in clause.kinds:
            return True
        return bool(clause.below) and any(
            self.units.at(a, at).kind in clause.below for a in self.units.ancestors(unit, at)
        )

    def _submission_of(self, info: str) -> Fact | None:
        """The info's standing submission (the latest not retracted), if any."""
        for fact in reversed(self.sub_by_info.get(info, ())):
            if fact.id not in self.retracted:
                return fact
        return None

    @staticmethod
    def _flags_match(clause: Clause, sub: Fact | None) -> bool:
        p = sub.p if sub is not None else {}
        if clause.urgent is not None and p.get("urgent", False) != clause.urgent:
            return False
        if clause.commissioned is not None and p.get("commissioned", False) != clause.commissioned:
            return False
        return not clause.categories or p.get("category") in clause.categories

    # submissions: flat points, caps per quarter, derived vetoes ----------------

    def _submissions(self) -> None:
        period = self.period
        window_first = period.quarter_first
        live = self._live("submission")
        clauses = self._by_trigger.get("submission", [])
        for clause in self._by_trigger.get("deadline", []):
            self._deadlines(clause, live)
        scored: set[str] = set()
        for clause in clauses:
            used: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
            for fact in sorted(live, key=lambda f: (f.at, f.seq)):
                if fact.day < window_first or not self._flags_match(clause, fact):
                    continue
                if not self._applies(clause, fact.unit, fact.at):  # type: ignore[arg-type]
                    continue
                points = clause.points or ZERO
                group = clause.id
                if clause.cap is not None:
                    window = quarter_of(fact.day)
                    left = max(clause.cap - used[(fact.unit, window)], ZERO)  # type: ignore[index]
                    points = min(points, left)
                    used[(fact.unit, window)] += points  # type: ignore[index]
                    group = f"{clause.id}@{window}"
                if period.contains(fact.day):
                    scored.add(fact.id)
                    self._award(fact, clause, points, "", group=group)
                    if clause.cap is not None and points < (clause.points or ZERO):
                        reason = (
                            f"{clause.id}: the cap of {fmt(clause.cap)} for {window} is reached"
                        )
                        self._trace(fact, "capped", points, clause, reason)
                    else:
                        self._trace(fact, "scored", points, clause, clause.summary or clause.id)
        for fact in live:
            if fact.id not in scored and period.contains(fact.day):
                what = "commissioned" if fact.p.get("commissioned") else fact.p.get("category")
                self._trace(
                    fact,
                    "unscored",
                    ZERO,
                    None,
                    f"no clause of {self.rules.id} scores a {what} submission"
                    + self._kind_note(fact),
                )

    def _kind_note(self, fact: Fact) -> str:
        if fact.unit is None or fact.unit not in self.units:
            return ""
        return f" by a {self.units.at(fact.unit, fact.at).kind}"

    def _deadlines(self, clause: Clause, live: list[Fact]) -> None:
        """Derived vetoes: urgent items reported later than the clause allows after the incident."""
        hours = clause.hours or ZERO
        for fact in live:
            p = fact.p
            if not p.get("urgent") or "incident_at" not in p:
                continue
            if not (self.period.year_first <= fact.day <= self.period.last):
                continue
            delay = datetime.fromisoformat(fact.at) - datetime.fromisoformat(p["incident_at"])
            if Decimal(delay.total_seconds()) > hours * 3600:
                self.derived.append(
                    VetoMark(
                        event=fact.id,
                        reason=clause.veto_reason or "late_report",
                        unit=fact.unit or "",
                        derived=True,
                        at=fact.at,
                    )
                )

    # adoptions: gates, one base clause, bonus, same outlet once -------------------

    def _adoptions(self) -> None:
        live = sorted(self._live("adoption"), key=lambda f: (f.at, f.seq))
        by_info: dict[str, list[Fact]] = defaultdict(list)
        for fact in live:
            by_info[fact.p["info"]].append(fact)
        first_by_outlet: dict[tuple[str, str], Fact] = {}
        counted: list[Fact] = []
        for fact in live:
            key = (fact.p["info"], fact.p["outlet"])
            if key in first_by_outlet:
                if self.period.contains(fact.day):
                    earlier = first_by_outlet[key]
                    self._trace(
                        fact,
                        "unscored",
                        ZERO,
                        None,
                        f"{key[1]} already adopted {key[0]} ({earlier.id}, seq {earlier.seq}): "
                        "the same outlet earns once",
                    )
                continue
            first_by_outlet[key] = fact
            counted.append(fact)
        bonus_taken: set[tuple[str, str]] = set()
        base = [c for c in self._by_trigger.get("adoption", []) if not c.bonus]
        bonus = [c for c in self._by_trigger.get("adoption", []) if c.bonus]
        gates = self._by_trigger.get("gate", [])
        for fact in counted:
            in_period = self.period.contains(fact.day)
            outlet, info = fact.p["outlet"], fact.p["info"]
            sub = self._submission_of(info)
            if in_period and sub is not None and fact.at < sub.at:
                self.warnings.append(
                    f"adoption {fact.id} (seq {fact.seq}) is dated {fact.day}, before its "
                    f"submission {sub.id} ({sub.day}); it still scores (principle 4)"
                )
            gate = self._gate(gates, fact, by_info[info])
            if gate is not None:
                if in_period:
                    self._trace(fact, "unscored", ZERO, gate, self._gate_reason(gate, outlet))
                continue
            hits = [
                c
                for c in bonus
                if self._adoption_match(c, fact, sub)
                and (c.once != "info" or (c.id, info) not in bonus_taken)
            ]
            for c in hits:
                if c.once == "info":
                    bonus_taken.add((c.id, info))
            if not in_period:
                continue
            clause = next((c for c in base if self._adoption_match(c, fact, sub)), None)
            mode = fact.p.get("mode", "single")
            if clause is not None:
                points = clause.points_for(mode)
                self._award(fact, clause, points, f"{outlet}, {mode}")
                self._trace(fact, "scored", points, clause, clause.summary or clause.id)
            for c in hits:
                points = c.points_for(mode)
                self._award(fact, c, points, f"{outlet}, bonus")
                self._trace(fact, "scored", points, c, c.summary or c.id)
            if clause is None and not hits:
                self._trace(
                    fact,
                    "unscored",
                    ZERO,
                    None,
                    f"no clause of {self.rules.id} scores outlet {outlet}{self._kind_note(fact)}",
                )

    def _adoption_match(self, clause: Clause, fact: Fact, sub: Fact | None) -> bool:
        return (
            matches(fact.p["outlet"], clause.outlets)
            and self._flags_match(clause, sub)
            and self._applies(clause, fact.unit, fact.at)  # type: ignore[arg-type]
        )

    def _gate(self, gates: list[Clause], fact: Fact, same_info: list[Fact]) -> Clause | None:
        """The first gate that zeroes this adoption, or None."""
        for gate in gates:
            if not matches(fact.p["outlet"], gate.outlets):
                continue
            if not self._applies(gate, fact.unit, fact.at):  # type: ignore[arg-type]
                continue
            if gate.requires_outlets and any(
                other.at <= fact.at and matches(other.p["outlet"], gate.requires_outlets)
                for other in same_info
                if other is not fact
            ):
                continue
            return gate
        return None

    @staticmethod
    def _gate_reason(gate: Clause, outlet: str) -> str:
        if gate.requires_outlets:
            need = ", ".join(gate.requires_outlets)
            return f"{gate.id}: {outlet} scores only after an adoption by {need} dated no later"
        return f"{gate.id}: {outlet} adoptions score 0 for this unit's kind"

    # instructions, activities, rankings, adjustments ------------------------------

    def _instructions(self) -> None:
        seen: dict[tuple[str, str], Fact] = {}
        clauses = self._by_trigger.get("instruction", [])
        for fact in sorted(self._live("instruction"), key=lambda f: (f.at, f.seq)):
            key = (fact.p["info"], fact.p["level"])
            in_period = self.period.contains(fact.day)
            if key in seen:
                if in_period:
                    self._trace(
                        fact,
                        "unscored",
                        ZERO,
                        None,
                        f"level {key[1]} already instructed on {key[0]} ({seen[key].id}): "
                        "once per (info, level)",
                    )
                continue
            seen[key] = fact
            if not in_period:
                continue
            clause = next(
                (
                    c
                    for c in clauses
                    if fact.p["level"] in c.levels and self._applies(c, fact.unit, fact.at)  # type: ignore[arg-type]
                ),
                None,
            )
            if clause is None:
                self._trace(
                    fact,
                    "unscored",
                    ZERO,
                    None,
                    f"no clause of {self.rules.id} scores level {fact.p['level']}",
                )
                continue
            self._award(fact, clause, clause.points or ZERO, f"level {fact.p['level']}")
            self._trace(fact, "scored", clause.points or ZERO, clause, clause.summary or clause.id)

    def _activities(self) -> None:
        clauses = self._by_trigger.get("activity", [])
        once: set[tuple[str, str, str]] = set()
        for fact in sorted(self._live("activity"), key=lambda f: (f.at, f.seq)):
            in_period = self.period.contains(fact.day)
            clause = next(
                (c for c in clauses if self._applies(c, fact.unit, fact.at)),  # type: ignore[arg-type]
                None,
            )
            if clause is None:
                if in_period:
                    self._trace(
                        fact,
                        "unscored",
                        ZERO,
                        None,
                        f"no clause of {self.rules.id} scores an activity{self._kind_note(fact)}",
                    )
                continue
            if clause.once == "year":
                key = (clause.id, fact.unit or "", fact.day[:4])
                if key in once:
                    if in_period:
                        self._trace(
                            fact,
                            "unscored",
                            ZERO,
                            clause,
                            f"{clause.id} scores once a year; this unit already scored in {key[2]}",
                        )
                    continue
                once.add(key)
            if in_period:
                points = clause.points or ZERO
                self._award(fact, clause, points, fact.p["activity"])
                self._trace(fact, "scored", points, clause, clause.summary or clause.id)

    def _rankings(self) -> None:
        clauses = self._by_trigger.get("ranking", [])
        once: set[tuple[str, str, int]] = set()
        for fact in sorted(self._live("ranking"), key=lambda f: (f.at, f.seq)):
            p = fact.p
            in_period = self.period.contains(fact.day)
            reason = f"no clause of {self.rules.id} scores a ranking from {p['source']}"
            chosen = None
            for clause in clauses:
                if p["source"] != clause.ranking_source:
                    continue
                if not self._applies(clause, fact.unit, fact.at):  # type: ignore[arg-type]
                    reason = f"{clause.id} scores only units of kind {', '.join(clause.kinds)}"
                    continue
                if clause.max_rank is not None and p["rank"] > clause.max_rank:
                    reason = (
                        f"{clause.id}: rank {p['rank']} is not within the top {clause.max_rank}"
                    )
                    continue
                if int(fact.day[:4]) != p["year"]:
                    reason = (
                        f"{clause.id}: a ranking for {p['year']} dated {fact.day} is not in its "
                        "own year (the clause scores it in the period holding its at)"
                    )
                    if in_period:
                        self.warnings.append(f"ranking {fact.id}: {reason}")
                    continue
                key = (clause.id, fact.unit or "", p["year"])
                if clause.once == "year" and key in once:
                    reason = f"{clause.id} scores once a year; {p['year']} already scored"
                    continue
                once.add(key)
                chosen = clause
                break
            if not in_period:
                continue
            if chosen is None:
                self._trace(fact, "unscored", ZERO, None, reason)
                continue
            points = chosen.points or ZERO
            self._award(fact, chosen, points, f"{p['source']} {p['year']} rank {p['rank']}")
            self._trace(fact, "scored", points, chosen, chosen.summary or chosen.id)

    def _adjustments(self) -> None:
        lineage = self.rules.header.lineage
        for fact in self._live("adjustment"):
            if not self.period.contains(fact.day):
                continue
            scope = fact.p.get("ruleset")
            if scope is not None and scope not in lineage:
                self._trace(
                    fact,
                    "unscored",
                    ZERO,
                    None,
                    f"scoped to ruleset {scope}, not {self.rules.id} or a ruleset it extends",
                )
                continue
            points = Decimal(fact.p["points"])
            self._award(fact, None, points, fact.p["reason"])
            self._trace(fact, "scored", points, None, f"adjustment (酌情): {fact.p['reason']}")

    def _others(self) -> None:
        """Vetoes count against awards; checklist facts are not scored by points rulesets."""
        for kind in ("veto", "assessment", "absence"):
            for fact in self._live(kind):
                if not self.period.contains(fact.day):
                    continue
                if kind == "veto":
                    reason = f"a recorded veto ({fact.p['reason']}): bars the year's awards"
                else:
                    reason = f"{self.rules.id} does not score {kind} events (a checklist fact)"
                self._trace(fact, "unscored", ZERO, None, reason)

    # -- attribution, ranks, awards, targets -----------------------------------------

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

    def _board(self) -> Scoreboard:
        period, rules = self.period, self.rules
        end_at = f"{period.last}T23:59:59.999999+08:00"
        own: dict[str, list[Line]] = defaultdict(list)
        handed: dict[str, dict[str, list[Piece]]] = defaultdict(lambda: defaultdict(list))
        kept: dict[str, bool] = defaultdict(bool)
        groups: dict[tuple[str, str], list[Piece]] = defaultdict(list)
        for piece in sorted(self.pieces, key=lambda p: (p.fact.at, p.fact.seq)):
            unit = piece.fact.unit or ""
            to = self.recipient(unit, piece.fact.at)
            if to is None:
                kept[unit] = True
            else:
                handed[unit][to].append(piece)
            if piece.group is not None:
                groups[(unit, piece.group)].append(piece)
            else:
                own[unit].append(self._line(piece))
        grouped: dict[str, list[Line]] = defaultdict(list)
        for (unit, _group), pieces in groups.items():  # in time order: Q1's window first
            grouped[unit].append(self._group_line(pieces))
        for unit, group_lines in grouped.items():
            own[unit][:0] = group_lines
        for unit in own:
            own[unit].sort(key=_line_order)
        # Listed: units of an assessed kind, units with points, units that hand points up,
        # units whose events in the period scored nothing (so that explain can say why).
        listed = (
            {
                u
                for u in self.units.registered_by(period.last)
                if self.units.at(u, end_at).kind in rules.assessed_kinds
                or self.recipient(u, end_at) is not None
            }
            | set(own)
            | {u for u in self.active if u in self.units}
        )
        # A unit that received points holds them, whatever it became by the period's end.
        receivers = {to for targets in handed.values() for to in targets}
        listed |= receivers
        lines: dict[str, list[Line]] = {u: list(own.get(u, ())) for u in listed}
        attributed: dict[str, str | None] = {}
        for unit in sorted(listed):
            targets = handed.get(unit, {})
            if targets and not kept[unit] and unit not in receivers:
                # It hands all its points up (to more than one parent if it moved): it is
                # attributed to the one it stands under at the period's end, or else to the
                # one that received its latest points.
                now = self.recipient(unit, end_at)
                attributed[unit] = (
                    now
                    if now in targets
                    else max(
                        targets, key=lambda t: (targets[t][-1].fact.at, targets[t][-1].fact.seq)
                    )
                )
            elif targets:
                attributed[unit] = None
                for to, pieces in targets.items():
                    total = sum((p.points for p in pieces), ZERO)
                    lines[unit].append(
                        Line(
                            clause="attribution",
                            points=-total,
                            info=None,
                            note=f"handed to {to}",
                            events=tuple(p.fact.id for p in pieces),
                        )
                    )
            elif unit in own or unit in receivers or unit not in self.units:
                attributed[unit] = None
            else:
                attributed[unit] = self.recipient(unit, end_at)
            for to, pieces in targets.items():
                lines.setdefault(to, []).append(
                    Line(
                        clause="attribution",
                        points=sum((p.points for p in pieces), ZERO),
                        events=tuple(p.fact.id for p in pieces),
                        info=None,
                        note=unit,
                    )
                )
        # A veto counts against the unit and against the unit it hands its points to at the
        # veto's time (year to date), whether or not the vetoed unit earned points this period.
        marks_by_unit: dict[str, list[VetoMark]] = defaultdict(list)
        for mark in self._vetoes():
            marks_by_unit[mark.unit].append(mark)
            to = self.recipient(mark.unit, mark.at) if mark.unit in self.units else None
            if to is not None:
                marks_by_unit[to].append(mark)
        award = next(iter(self._by_trigger.get("award", [])), None)
        award_items = self._award_items(award) if award is not None else {}
        scores = []
        for unit in sorted(lines):
            version = self.units.at(unit, end_at) if unit in self.units else None
            kind = version.kind if version else "other"
            department = version.department if version else None
            total = sum((line.points for line in lines[unit]), ZERO)
            target = rules.target_for(kind, department) if period.is_year else None
            to = attributed.get(unit)
            marks = tuple(marks_by_unit.get(unit, ()))
            eligible = None
            if award is not None and to is None:
                eligible = not marks and len(award_items.get(unit, ())) >= (award.min_items or 0)
            scores.append(
                UnitScore(
                    unit=unit,
                    name=version.name if version else unit,
                    kind=kind,
                    department=department,
                    total=total,
                    attributed_to=to,
                    target=target,
                    target_met=None if target is None else total >= target,
                    rank=None,
                    eligible=eligible,
                    vetoes=marks,
                    lines=tuple(lines[unit]),
                    trace=tuple(t for u, t in self.traces if u == unit) if self.with_trace else (),
                )
            )
        ranked = _rank(scores, rules.assessed_kinds)
        kind_order = {k: i for i, k in enumerate(rules.assessed_kinds)}
        ranked.sort(key=lambda s: (kind_order.get(s.kind, 99), s.kind, s.rank or 10**9, s.unit))
        return Scoreboard(
            ruleset=rules.id,
            fingerprint=fingerprint(rules),
            period=period.label,
            in_force=rules.header.in_force(period.start, period.end),
            as_of=None if self.as_of is None else self.as_of.isoformat(),
            units=tuple(ranked),
            warnings=tuple(self.warnings),
        )

    def _line(self, piece: Piece) -> Line:
        clause = piece.clause
        return Line(
            clause=clause.id if clause else "adjustment",
            points=piece.points,
            events=(piece.fact.id,),
            info=piece.fact.p.get("info"),
            note=piece.note,
            section=clause.section if clause else None,
            sentence=clause.sentence if clause else None,
        )

    def _group_line(self, pieces: list[Piece]) -> Line:
        """One line for a submission clause in one cap window (or the whole period)."""
        clause = pieces[0].clause
        assert clause is not None
        each = clause.points or ZERO
        earned = sum((p.points for p in pieces), ZERO)
        raw = each * len(pieces)
        note = f"{len(pieces)} × {fmt(each)} = {fmt(raw)}"
        if clause.cap is not None:
            window = quarter_of(pieces[0].fact.day)
            if earned < raw:
                note += f", capped at {fmt(clause.cap)} for {window}"
            if self.period.first > self.period.quarter_first:
                # A month takes what earlier months of its quarter left of the cap.
                note += f" (what {window}'s earlier months left of the cap)"
        return Line(
            clause=clause.id,
            points=earned,
            events=tuple(p.fact.id for p in pieces),
            info=None,
            note=note,
            section=clause.section,
            sentence=clause.sentence,
        )

    def _vetoes(self) -> list[VetoMark]:
        """Recorded (not retracted) and derived vetoes in the year to date."""
        marks = list(self.derived)
        for fact in self.facts.get("veto", ()):
            if fact.id in self.retracted:
                continue
            if self.period.year_first <= fact.day <= self.period.last:
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

    def _award_items(self, award: Clause) -> dict[str, set[str]]:
        """Per unit, the distinct info items of it (and of units handing to it) adopted by
        award outlets, year to date (whether or not those outlets score here)."""
        items: dict[str, set[str]] = defaultdict(set)
        first, last = self.period.year_first, self.period.last
        for fact in self.facts.get("adoption", ()):
            if fact.id in self.retracted or not (first <= fact.at[:10] <= last):
                continue
            if not matches(fact.p["outlet"], award.outlets):
                continue
            owner = fact.unit or ""
            items[owner].add(fact.p["info"])
            to = self.recipient(owner, fact.at)
            if to is not None:
                items[to].add(fact.p["info"])
        return items


def _line_order(line: Line) -> tuple[int, str]:
    if line.info is None and line.clause not in ("adjustment", "attribution"):
        return (0, line.clause)
    return (1 if line.clause != "adjustment" else 2, "")


def _rank(scores: list[UnitScore], assessed: tuple[str, ...]) -> list[UnitScore]:
    """Rank within kind among assessed, non-attributed units; ties share (1, 2, 2, 4)."""
    by_kind: dict[str, list[UnitScore]] = defaultdict(list)
    for s in scores:
        if s.attributed_to is None and s.kind in assessed:
            by_kind[s.kind].append(s)
    ranks: dict[str, int] = {}
    for group in by_kind.values():
        group.sort(key=lambda s: -s.total)
        for i, s in enumerate(group):
            ranks[s.unit] = (
                ranks[group[i - 1].unit] if i and s.total == group[i - 1].total else i + 1
            )
    return [attrs.evolve(s, rank=ranks.get(s.unit)) for s in scores]


def replay_points(
    ledger: Ledger,
    ruleset: PointsRuleset,
    period: Period,
    *,
    as_of: datetime | None = None,
    with_trace: bool = False,
) -> Scoreboard:
    """Score a ledger under a points ruleset for a period (one streaming read of the log)."""
    replay = PointsReplay(ruleset, period, as_of=as_of, with_trace=with_trace)
    replay.read(ledger.rows(as_of=as_of))
    return replay.run()
