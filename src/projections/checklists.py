"""The replay of a checklist ruleset (suzhou-2015, county-targets).

A unit's table for a period is the table of its latest assessment there; the
latest assessment of each item stands whole (score and self score); computed
items are the maximum less a deduction per recorded absence; information items
also show what the ledger knows (adopted items per month or year, submissions
per year) against the printed threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from ledger.reader import RowTuple
from ledger.store import Ledger
from rules import Category, ChecklistRuleset, Item, Table

from .heads import replay_head
from .model import CategoryScore, ChecklistBoard, ChecklistUnit, ItemScore, Trace, board_header
from .numbers import fmt
from .periods import Period
from .points.state import end_at
from .units import UnitHistory

ZERO = Decimal(0)
_WANTED = ("assessment", "absence", "adoption", "submission")

#: A fact read: (seq, id, at, unit, payload); held for a unit: (seq, id, at, payload).
Fact = tuple[int, str, str, str | None, dict[str, Any]]
Held = tuple[int, str, str, dict[str, Any]]


class ChecklistReplay:
    """Replays one ledger under one checklist ruleset for one period."""

    def __init__(
        self, ruleset: ChecklistRuleset, period: Period, *, as_of: datetime | None = None
    ) -> None:
        self.rules = ruleset
        self.period = period
        self.as_of = as_of
        self.tables = {t.id: t for t in ruleset.tables}
        self.units = UnitHistory()
        self.retracted: dict[str, tuple[str, str]] = {}
        self.facts: dict[str, list[Fact]] = defaultdict(list)
        self.warnings: list[str] = []

    def read(self, rows: Iterable[RowTuple]) -> None:
        """Gather the facts a checklist reads: assessments, absences, adoptions, submissions
        (from ``Ledger.read_tuples``, or the named rows of ``Ledger.read``)."""
        first, last = self.period.year_first, self.period.last
        for seq, id_, kind, at, unit, _recorded_at, p in rows:
            if kind == "retraction":
                self.retracted[p["target"]] = (id_, p["reason"])
            elif kind in ("unit_registered", "unit_changed"):
                self.units.add(at, seq, p)
            elif kind in _WANTED and first <= at[:10] <= last:
                self.facts[kind].append((seq, id_, at, unit, p))

    def run(self, *, with_trace: bool = False, trace_unit: str | None = None) -> ChecklistBoard:
        """Each unit assessed in the period, on its table (units without one are not listed)."""
        self.units.freeze(self.retracted)
        by_unit: dict[str, list[Fact]] = defaultdict(list)
        for fact in self.facts.get("assessment", ()):
            if self.period.contains(fact[2]):
                by_unit[fact[3] or ""].append(fact)
        listed = []
        for unit in sorted(by_unit):
            traced = with_trace and (trace_unit is None or unit == trace_unit)
            entry = self._unit(unit, by_unit[unit], traced)
            if entry is not None:
                listed.append(entry)
        return ChecklistBoard(
            **board_header(self.rules, self.period, self.as_of),
            units=tuple(listed),
            warnings=tuple(self.warnings),
        )

    def _unit(self, unit: str, facts: list[Fact], with_trace: bool) -> ChecklistUnit | None:
        traces: list[Trace] = []
        live = self._standing(facts, traces)
        if not live:
            return None
        table = self.tables[live[-1][3]["table"]]
        latest = self._latest_per_item(unit, table, live, traces)
        absences = self._live_of(unit, "absence")
        categories = [
            self._category(unit, table, category, latest, absences, traces)
            for category in table.categories
        ]
        version = self.units.at(unit, end_at(self.period)) if unit in self.units else None
        traces += self._absence_traces(unit, absences)
        return ChecklistUnit(
            unit=unit,
            name=version.name if version else unit,
            kind=version.kind if version else "other",
            table=table.id,
            total=sum((c.score for c in categories), ZERO),
            self_total=sum(
                (i.self_score for c in categories for i in c.items if i.self_score is not None),
                ZERO,
            ),
            categories=tuple(categories),
            trace=tuple(sorted(traces, key=lambda t: t.seq)) if with_trace else (),
        )

    def _standing(self, facts: list[Fact], traces: list[Trace]) -> list[Held]:
        """A unit's assessments in business order, less retracted ones (principle 6) and
        ones on a table the ruleset does not have."""
        live = []
        for seq, id_, at, _u, p in sorted(facts, key=lambda f: (f[2], f[0])):
            hit = self.retracted.get(id_)
            if hit is not None:
                reason = f"retracted by {hit[0]}: {hit[1]}"
                traces.append(_trace(seq, id_, "assessment", at, "retracted", reason))
            elif p["table"] not in self.tables:
                reason = f"table {p['table']} is not a table of {self.rules.id}"
                traces.append(_unscored(seq, id_, "assessment", at, reason))
            else:
                live.append((seq, id_, at, p))
        return live

    def _latest_per_item(
        self, unit: str, table: Table, live: list[Held], traces: list[Trace]
    ) -> dict[str, Held]:
        """The latest assessment of each item of the unit's table stands whole; assessments
        on another table are warned about and ignored."""
        latest: dict[str, Held] = {}
        for seq, id_, at, p in live:
            if p["table"] != table.id:
                self.warnings.append(
                    f"{unit}: assessment {id_} on {p['table']} ignored; the unit's table for "
                    f"{self.period.label} is {table.id} (its latest assessment)"
                )
                reason = f"not the unit's table ({table.id})"
                traces.append(_unscored(seq, id_, "assessment", at, reason))
                continue
            if p["item"] in latest:
                old = latest[p["item"]]
                reason = f"superseded by {id_} (the latest assessment stands)"
                traces.append(_unscored(old[0], old[1], "assessment", old[2], reason))
            latest[p["item"]] = (seq, id_, at, p)
        return latest

    def _category(
        self,
        unit: str,
        table: Table,
        category: Category,
        latest: dict[str, Held],
        absences: list[Held],
        traces: list[Trace],
    ) -> CategoryScore:
        items = [self._item(unit, table, item, latest, absences, traces) for item in category.items]
        return CategoryScore(
            category=category.name,
            number=category.number,
            max=category.max,
            score=sum((i.score for i in items), ZERO),
            items=tuple(items),
        )

    def _absence_traces(self, unit: str, absences: list[Held]) -> list[Trace]:
        """Absences deduct on computed items; retracted ones stay visible (principle 6)."""
        traces = [
            _trace(seq, id_, "absence", at, "scored", "an absence: deducted on computed items")
            for seq, id_, at, _p in absences
        ]
        for seq, id_, at, u, _p in self.facts.get("absence", ()):
            hit = self.retracted.get(id_)
            if u == unit and hit is not None:
                reason = f"retracted by {hit[0]}: {hit[1]}"
                traces.append(_trace(seq, id_, "absence", at, "retracted", reason))
        return traces

    def _live_of(self, unit: str, kind: str) -> list[Held]:
        """The unit's non-retracted facts of a type in the year to date."""
        return [
            (seq, id_, at, p)
            for seq, id_, at, u, p in self.facts.get(kind, ())
            if u == unit and id_ not in self.retracted
        ]

    def _item(
        self,
        unit: str,
        table: Table,
        item: Item,
        latest: dict[str, Held],
        absences: list[Held],
        traces: list[Trace],
    ) -> ItemScore:
        found = latest.get(item.number)
        if item.per_absence is not None:
            return self._computed_item(unit, table, item, found, absences, traces)
        evidence: dict[str, Any] | None = None
        if found is not None:
            reason = f"stands for {table.id} {item.number}"
            traces.append(_trace(found[0], found[1], "assessment", found[2], "scored", reason))
            p = found[3]
            evidence = {"event": found[1], "text": p.get("evidence"), "assessor": p.get("assessor")}
        if item.info is not None:
            evidence = {**(evidence or {}), **self._info_evidence(unit, item)}
        if found is None:
            return _item_score(item, ZERO, None, "missing", evidence)
        p = found[3]
        self_score = Decimal(p["self_score"]) if "self_score" in p else None
        return _item_score(item, Decimal(p["score"]), self_score, "assessed", evidence)

    def _computed_item(
        self,
        unit: str,
        table: Table,
        item: Item,
        found: Held | None,
        absences: list[Held],
        traces: list[Trace],
    ) -> ItemScore:
        """A computed item: its maximum less a deduction per recorded absence, not below 0;
        an assessment of it is warned about and does not count."""
        assert item.per_absence is not None
        if found is not None:
            self.warnings.append(
                f"{unit}: assessment {found[1]} of computed item {table.id} {item.number} "
                "does not count; the item is computed from recorded absences"
            )
            reason = "a computed item: its score comes from absences"
            traces.append(_unscored(found[0], found[1], "assessment", found[2], reason))
        score = max(item.max - item.per_absence * len(absences), ZERO)
        evidence = {
            "absences": [a[1] for a in absences],
            "per_absence": fmt(item.per_absence),
            "rule": f"{fmt(item.max)} − {fmt(item.per_absence)} × {len(absences)}, not below 0",
        }
        return _item_score(item, score, None, "computed", evidence)

    def _info_evidence(self, unit: str, item: Item) -> dict[str, Any]:
        """What the ledger shows for an information item, against its printed threshold."""
        info = item.info
        assert info is not None
        if info.measure == "submissions_per_year":
            count = len(self._live_of(unit, "submission"))
            return {
                "measure": info.measure,
                "threshold": info.threshold,
                "count": count,
                "met": count >= info.threshold,
            }
        adopted: dict[str, set[str]] = defaultdict(set)
        for _seq, _id, at, p in self._live_of(unit, "adoption"):
            adopted[at[:7]].add(p["info"])
        if info.measure == "adopted_per_year":
            count = len(set().union(*adopted.values())) if adopted else 0
            return {
                "measure": info.measure,
                "threshold": info.threshold,
                "count": count,
                "met": count >= info.threshold,
            }
        months = {}
        month = self.period.start.month
        while month <= self.period.end.month:
            key = f"{self.period.year:04d}-{month:02d}"
            months[key] = len(adopted.get(key, ()))
            month += 1
        return {
            "measure": info.measure,
            "threshold": info.threshold,
            "months": months,
            "met": all(n >= info.threshold for n in months.values()),
        }


def _trace(seq: int, id_: str, kind: str, at: str, status: str, reason: str) -> Trace:
    return Trace(
        event=id_, seq=seq, type=kind, at=at, status=status, points=ZERO, clause=None, reason=reason
    )


def _unscored(seq: int, id_: str, kind: str, at: str, reason: str) -> Trace:
    """Principle 8: an event that counts for nothing stays in the trace with the reason."""
    return _trace(seq, id_, kind, at, "unscored", reason)


def _item_score(
    item: Item,
    score: Decimal,
    self_score: Decimal | None,
    status: str,
    evidence: dict[str, Any] | None,
) -> ItemScore:
    return ItemScore(
        item=item.number,
        text=item.text,
        max=item.max,
        score=score,
        self_score=self_score,
        status=status,
        evidence=evidence,
        examiner=item.examiner,
    )


def replay_checklist(
    ledger: Ledger,
    ruleset: ChecklistRuleset,
    period: Period,
    *,
    as_of: datetime | None = None,
    with_trace: bool = False,
    trace_unit: str | None = None,
    through_seq: int | None = None,
) -> ChecklistBoard:
    """Report a ledger under a checklist ruleset for a period (of the events up to
    `through_seq`, when given: a live board's position; read through the head first read,
    which the report carries)."""
    head = replay_head(ledger, as_of, through_seq)
    replay = ChecklistReplay(ruleset, period, as_of=as_of)
    always = ("retraction", "unit_registered", "unit_changed")
    rows = ledger.read_tuples(
        as_of=as_of, until_day=period.last, always=always, through_seq=head.seq
    )
    replay.read(rows)
    board = replay.run(with_trace=with_trace, trace_unit=trace_unit)
    return attrs.evolve(board, head=head)
