"""The circular (通报, CONTRACT §8.6): a points scoreboard as offices publish it.

Per unit: the number of information items adopted at each outlet level the ruleset
scores, the instructions per leader level, the total, target, eligibility and vetoes;
the units ranked within their kind. The counts are read from the scoreboard's own lines
(so they explain the total): an item counts once per level however many outlets of that
level took it, and a unit that hands its points up counts in its recipient as well.
The header carries the ledger's head the circular was computed from (as of T: the last
event recorded at or before T), the anchor a later ``verify --expect`` checks.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

import attrs

import rules
from ledger.errors import LedgerError
from ledger.events import Adoption, Instruction
from ledger.store import Ledger
from vocabulary import codes

from .api import RulesetRef, parse_as_of, resolve_ruleset, score
from .heads import ReportHead
from .model import Scoreboard, UnitScore, VetoMark, read_lines
from .periods import Period


@attrs.frozen(kw_only=True)
class CircularRow:
    """One unit's row of the circular."""

    unit: str
    name: str
    kind: str
    rank: int | None
    adopted: dict[str, int]  # level -> distinct items adopted at that level
    instructed: dict[str, int]  # level -> instructions by leaders of that level
    total: Decimal
    target: Decimal | None
    target_met: bool | None
    eligible: bool | None
    vetoes: tuple[VetoMark, ...]
    attributed_to: str | None


@attrs.frozen(kw_only=True)
class Circular:
    """The circular of one period under one points ruleset."""

    ruleset: str
    title: str
    period: str
    in_force: bool
    as_of: str | None
    head: ReportHead
    levels: tuple[str, ...]  # the levels of §2 the ruleset scores, highest first
    kinds: tuple[str, ...]  # unit kinds in the order the circular lists them
    units: tuple[CircularRow, ...]
    warnings: tuple[str, ...]


def scored_levels(ruleset: rules.PointsRuleset) -> tuple[str, ...]:
    """The levels (CONTRACT §2) at which some adoption or instruction clause gives points."""
    found: set[str] = set()
    for clause in ruleset.clauses:
        if clause.on == "adoption" and (clause.single or clause.combined or clause.points):
            found.update(
                level
                for outlet, (_name, level) in codes.OUTLETS.items()
                if codes.matches(outlet, clause.outlets)
            )
        elif clause.on == "instruction" and clause.points:
            found.update(clause.levels)
    return tuple(level for level in codes.LEVELS if level in found)


def circular(
    ledger: Ledger,
    ruleset: RulesetRef,
    period: str | Period,
    *,
    as_of: str | datetime | None = None,
) -> Circular:
    """The circular of `period` under a points ruleset, replaying events recorded up to
    `as_of`; a checklist ruleset is refused (it publishes tables, not a ranking)."""
    loaded = resolve_ruleset(ruleset)
    if not isinstance(loaded, rules.PointsRuleset):
        raise LedgerError(
            f"circular: {loaded.header.id} is a checklist ruleset; a circular ranks units "
            "under a points ruleset (use score for its tables)"
        )
    when = parse_as_of(as_of)
    board = score(ledger, loaded, period, as_of=when)
    assert isinstance(board, Scoreboard) and board.head is not None
    levels = scored_levels(loaded)
    own = {u.unit: _own_counts(ledger, u) for u in board.units}
    rows = [_row(u, own, board, levels) for u in board.units]
    kinds = _kind_order(loaded, rows)
    rows.sort(key=lambda r: (kinds.index(r.kind), r.rank is None, r.rank or 0, r.unit))
    return Circular(
        ruleset=board.ruleset,
        title=loaded.header.title,
        period=board.period,
        in_force=board.in_force,
        as_of=board.as_of,
        head=board.head,
        levels=levels,
        kinds=kinds,
        units=tuple(rows),
        warnings=board.warnings,
    )


# -- counting ------------------------------------------------------------------------------

_Counts = tuple[dict[str, set[str]], dict[str, int]]


def _scored_events(unit: UnitScore) -> list[str]:
    """The events behind the unit's lines of positive points, each once (an instruction
    scored by a base and a bonus line counts once). The lines are read once and not kept
    (``model.read_lines``): a year's lines are several times the size of their ids."""
    once: dict[str, None] = {}
    for line in read_lines(unit.lines):
        if line.points > 0:
            once.update(dict.fromkeys(line.events))
    return list(once)


def _own_counts(ledger: Ledger, unit: UnitScore) -> _Counts:
    """The items adopted and instructions per level behind one unit's own lines: a unit at
    a time, so what is held is one unit's events, not the year's (nor every adoption of a
    ledger of many years)."""
    events = _scored_events(unit)
    return _counts(events, _levels_of_events(ledger, events))


def _levels_of_events(ledger: Ledger, events: list[str]) -> dict[str, tuple[str, str, str]]:
    """Event id -> (type, level, info) for the adoptions and instructions among `events`,
    looked up by id. Every event of a board's lines was recorded by the board's as-of, so
    the lookup needs no time bound."""
    found: dict[str, tuple[str, str, str]] = {}
    for record in ledger.events_of(events, ("adoption", "instruction")):
        event = record.event
        if event.id is None:
            continue
        if isinstance(event, Adoption):
            found[event.id] = ("adoption", codes.outlet_level(event.outlet), event.info)
        elif isinstance(event, Instruction):
            found[event.id] = ("instruction", event.level, event.info)
    return found


def _counts(events: list[str], level_of: dict[str, tuple[str, str, str]]) -> _Counts:
    items: dict[str, set[str]] = defaultdict(set)
    instructed: dict[str, int] = defaultdict(int)
    for event in events:
        if event not in level_of:
            continue
        kind, level, info = level_of[event]
        if kind == "adoption":
            items[level].add(info)
        else:
            instructed[level] += 1
    return items, instructed


def _row(
    unit: UnitScore, own: dict[str, _Counts], board: Scoreboard, levels: tuple[str, ...]
) -> CircularRow:
    items: dict[str, set[str]] = defaultdict(set)
    instructed: dict[str, int] = defaultdict(int)
    givers = [unit.unit] + [u.unit for u in board.units if u.attributed_to == unit.unit]
    for giver in givers:
        for level, found in own[giver][0].items():
            items[level] |= found
        for level, count in own[giver][1].items():
            instructed[level] += count
    return CircularRow(
        unit=unit.unit,
        name=unit.name,
        kind=unit.kind,
        rank=unit.rank,
        adopted={level: len(items.get(level, ())) for level in levels},
        instructed={level: instructed.get(level, 0) for level in levels},
        total=unit.total,
        target=unit.target,
        target_met=unit.target_met,
        eligible=unit.eligible,
        vetoes=unit.vetoes,
        attributed_to=unit.attributed_to,
    )


def _kind_order(ruleset: rules.PointsRuleset, rows: list[CircularRow]) -> tuple[str, ...]:
    present = {r.kind for r in rows}
    first = [k for k in ruleset.assessed_kinds if k in present]
    rest = [k for k in codes.UNIT_KINDS if k in present and k not in first]
    return tuple(first + rest + sorted(present - set(first) - set(rest)))
