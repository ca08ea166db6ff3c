"""What a replay produces: frozen records that every renderer (text, JSON, CSV) reads.

Nothing here computes a score; ``projections.engine`` and ``projections.checklists`` fill
them in, and ``scoreledger.render`` turns them into text. Decimal points
throughout; a total is always the sum of its lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, overload

import attrs

from rules import Ruleset, fingerprint

from .heads import ReportHead
from .periods import Period


@attrs.frozen(kw_only=True)
class Line:
    """One line of a unit's total: a clause, its points, and the events behind them."""

    clause: str
    points: Decimal
    events: tuple[str, ...]
    info: str | None
    note: str
    section: str | None = None  # the regulation's section (explain)
    sentence: str | None = None  # the regulation's sentence, verbatim (explain)


_LINE_FIELDS = ("clause", "points", "events", "info", "note", "section", "sentence")
#: Each Line field's slot setter: a frozen record's own __init__ sets each field through
#: object.__setattr__, the generic path; a board builds a Line per scored event, twice on
#: a cold build (by the engine, then from the kept state).
_line_slots = tuple(getattr(Line, name).__set__ for name in _LINE_FIELDS)
_new = object.__new__


def make_line(
    clause: str,
    points: Decimal,
    events: tuple[str, ...],
    info: str | None,
    note: str,
    section: str | None = None,
    sentence: str | None = None,
) -> Line:
    """``Line(clause=…, points=…, …)``, the same frozen record (equal, hashing and printing
    alike), for the replay's many lines: its slots set directly, a quarter cheaper."""
    line = _new(Line)
    s_clause, s_points, s_events, s_info, s_note, s_section, s_sentence = _line_slots
    s_clause(line, clause)
    s_points(line, points)
    s_events(line, events)
    s_info(line, info)
    s_note(line, note)
    s_section(line, section)
    s_sentence(line, sentence)
    return line


class Lines(Sequence[Line]):
    """A unit's lines, built on first use: a board served from kept state lists every
    unit's total, while only ``explain`` and the full reports read the lines, so a score
    in text does not build the line records of a million events (``projections.keep``).

    Compares and hashes like the tuple of its lines. `load` builds them anew at each call:
    :meth:`read` builds them without keeping them.
    """

    __slots__ = ("_items", "_load")

    def __init__(self, load: Callable[[], tuple[Line, ...]]) -> None:
        self._load: Callable[[], tuple[Line, ...]] | None = load
        self._items: tuple[Line, ...] = ()

    def _all(self) -> tuple[Line, ...]:
        if self._load is not None:
            self._items, self._load = self._load(), None
        return self._items

    def read(self) -> tuple[Line, ...]:
        """The lines, not kept when they were not built yet (a later use builds them again):
        a reader going once through every unit (the streamed JSON report) holds one unit's
        lines at a time, not the year's."""
        return self._items if self._load is None else self._load()

    @overload
    def __getitem__(self, index: int) -> Line: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Line, ...]: ...
    def __getitem__(self, index: int | slice) -> Line | tuple[Line, ...]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[Line]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Lines | tuple):
            return self._all() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())


def read_lines(lines: Sequence[Line]) -> Sequence[Line]:
    """A unit's lines for one pass: a :class:`Lines` read without keeping them
    (:meth:`Lines.read`), any other sequence as it is."""
    return lines.read() if isinstance(lines, Lines) else lines


@attrs.frozen(kw_only=True)
class Trace:
    """What became of one event under the ruleset: scored, unscored (why), or retracted."""

    event: str
    seq: int
    type: str
    at: str
    status: str  # "scored" | "capped" (a cap cut it) | "unscored" (see reason) | "retracted"
    points: Decimal
    clause: str | None
    reason: str
    info: str | None = None


@attrs.frozen(kw_only=True)
class VetoMark:
    """A veto in the year to date: recorded (an event) or derived (from a submission)."""

    event: str
    reason: str
    unit: str
    derived: bool
    at: str


@attrs.frozen(kw_only=True)
class UnitScore:
    """One unit's standing in a points ruleset for one period."""

    unit: str
    name: str
    kind: str
    total: Decimal
    attributed_to: str | None
    target: Decimal | None
    target_met: bool | None
    rank: int | None
    eligible: bool | None
    vetoes: tuple[VetoMark, ...]
    lines: Sequence[Line]  # a tuple, or (served from kept state) Lines, built on first use
    trace: tuple[Trace, ...] = ()
    department: str | None = None


@attrs.frozen(kw_only=True)
class BoardHeader:
    """What every board states first: the ruleset and its fingerprint, the period, whether
    the ruleset is in force over it, the `as_of` replayed, the head it was computed from
    (CONTRACT §8.3), and the replay's warnings.

    `head` is None only on a board straight out of a replay's ``run()``; ``score``,
    ``explain``, ``replay_points`` and ``replay_checklist`` always set it.
    """

    ruleset: str
    fingerprint: str
    period: str
    in_force: bool
    as_of: str | None
    warnings: tuple[str, ...]
    head: ReportHead | None = None


def board_header(ruleset: Ruleset, period: Period, as_of: datetime | None) -> dict[str, Any]:
    """The header fields (all but `warnings`) of a board replaying `ruleset` over `period`."""
    return {
        "ruleset": ruleset.id,
        "fingerprint": fingerprint(ruleset),
        "period": period.label,
        "in_force": ruleset.header.in_force(period.start, period.end),
        "as_of": None if as_of is None else as_of.isoformat(),
    }


@attrs.frozen(kw_only=True)
class Scoreboard(BoardHeader):
    """A points ruleset's scoreboard for one period (CONTRACT §7)."""

    units: tuple[UnitScore, ...]

    def unit(self, unit_id: str) -> UnitScore:
        for entry in self.units:
            if entry.unit == unit_id:
                return entry
        raise KeyError(unit_id)


@attrs.frozen(kw_only=True)
class ItemScore:
    """One checklist item for one unit: the examiner's score, or computed, or missing."""

    item: str
    text: str
    max: Decimal
    score: Decimal
    self_score: Decimal | None
    status: str  # "assessed" | "computed" | "missing"
    evidence: dict[str, Any] | None
    examiner: str


@attrs.frozen(kw_only=True)
class CategoryScore:
    category: str
    number: int
    max: Decimal
    score: Decimal
    items: tuple[ItemScore, ...]


@attrs.frozen(kw_only=True)
class ChecklistUnit:
    """One unit's checklist table for one period."""

    unit: str
    name: str
    kind: str
    table: str
    total: Decimal
    self_total: Decimal
    categories: tuple[CategoryScore, ...]
    trace: tuple[Trace, ...] = ()


@attrs.frozen(kw_only=True)
class ChecklistBoard(BoardHeader):
    """A checklist ruleset's report for one period (CONTRACT §7)."""

    units: tuple[ChecklistUnit, ...]

    def unit(self, unit_id: str) -> ChecklistUnit:
        for entry in self.units:
            if entry.unit == unit_id:
                return entry
        raise KeyError(unit_id)


Board = Scoreboard | ChecklistBoard


@attrs.frozen(kw_only=True)
class DiffRow:
    unit: str
    name: str
    a: Decimal | None
    b: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        return None if self.a is None or self.b is None else self.b - self.a


@attrs.frozen(kw_only=True)
class Diff:
    """Two replays side by side, per unit; `head` is the later of the sides' heads (the
    most of the ledger the diff read), each side's own is in its `a`/`b` ``"head"``."""

    period: str
    a: dict[str, Any]  # {"ruleset", "fingerprint", "as_of", "head": {"seq", "hash"}}
    b: dict[str, Any]
    units: tuple[DiffRow, ...]
    head: ReportHead | None = None
