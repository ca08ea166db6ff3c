"""From earned pieces to a scoreboard: lines, hand-up, targets, awards, ranks.

* :func:`earned_lines` — principle 5: each piece belongs to the unit that earned it
  (capped there: a capped clause is one line per cap window), and is handed to
  the nearest ancestor of a kind the ruleset assesses (:func:`hand_up`);
* :func:`listed_units` — who appears on the board (principle 8: units whose events
  scored nothing are listed too, so explain can say why);
* :func:`unit_score` — targets (principle 9), awards (principle 10);
* :func:`rank` — ranks within kind, ties sharing (CONTRACT §7).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from operator import attrgetter

import attrs

from rules import SubmissionClause

from ..model import Line, Scoreboard, UnitScore, VetoMark, board_header, make_line
from ..numbers import fmt
from ..periods import window_first, window_of
from .awards import AwardJudge
from .facts import Piece
from .state import ZERO, PointsState, end_at
from .vetoes import vetoes_by_unit


def build_board(state: PointsState) -> Scoreboard:
    """The period's scoreboard from what the clause kinds earned."""
    end = end_at(state.period)
    earned = earned_lines(state)
    listed = listed_units(state, earned, end)
    lines, attributed = hand_up(state, earned, listed, end)
    marks = vetoes_by_unit(state)
    judge = AwardJudge(state)
    scores = [
        unit_score(
            state,
            unit,
            lines[unit],
            attributed.get(unit),
            tuple(marks.get(unit, ())),
            judge,
            end,
        )
        for unit in sorted(lines)
    ]
    return Scoreboard(
        **board_header(state.rules, state.period, state.as_of),
        units=tuple(ranked_in_order(scores, state.rules.assessed_kinds)),
        warnings=tuple(state.warnings),
    )


def ranked_in_order(scores: list[UnitScore], assessed: tuple[str, ...]) -> list[UnitScore]:
    """Units (sorted by id) ranked, then in the board's order: by assessed kind, rank, id."""
    ranked = rank(scores, assessed)
    kind_order = {k: i for i, k in enumerate(assessed)}
    ranked.sort(key=lambda s: (kind_order.get(s.kind, 99), s.kind, s.rank or 10**9, s.unit))
    return ranked


# -- principle 5: earned by the unit as it stood, capped there, handed up ---------------


@attrs.define
class Earned:
    """Each earning unit's own lines, and the pieces it hands to each recipient."""

    own: dict[str, list[Line]] = attrs.field(factory=lambda: defaultdict(list))
    handed: dict[str, dict[str, list[Piece]]] = attrs.field(
        factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    kept: set[str] = attrs.field(factory=set)  # units that keep some of their points

    @property
    def receivers(self) -> set[str]:
        """Units that received points: they hold them, whatever they became by the end."""
        return {to for targets in self.handed.values() for to in targets}


def earned_lines(state: PointsState) -> Earned:
    """The lines each unit earned itself, and who it hands each piece to at the piece's time."""
    earned = Earned()
    groups: dict[tuple[str, str], list[Piece]] = defaultdict(list)
    for piece in sorted(state.pieces, key=_piece_order):
        unit = piece.fact.unit or ""
        to = state.recipient(unit, piece.fact.at)
        if to is None:
            earned.kept.add(unit)
        else:
            earned.handed[unit][to].append(piece)
        if piece.group is not None:
            groups[(unit, piece.group)].append(piece)
        else:
            earned.own[unit].append(_line(piece))
    grouped: dict[str, list[Line]] = defaultdict(list)
    for (unit, _group), pieces in groups.items():  # in time order: Q1's window first
        grouped[unit].append(_group_line(state, pieces))
    for unit, group_lines in grouped.items():
        earned.own[unit][:0] = group_lines
    for unit_lines in earned.own.values():
        unit_lines.sort(key=_line_order)
    return earned


#: A piece's fact's (at, seq), built in C.
_piece_order: Callable[[Piece], tuple[str, int]] = attrgetter("fact.at", "fact.seq")


def _line(piece: Piece) -> Line:
    clause = piece.clause
    if clause is None:
        return make_line("adjustment", piece.points, (piece.fact.id,), None, piece.note)
    return make_line(
        clause.id,
        piece.points,
        (piece.fact.id,),
        piece.fact.p.get("info"),
        piece.note,
        clause.section,
        clause.sentence,
    )


def _group_line(state: PointsState, pieces: list[Piece]) -> Line:
    """One line for a submission clause in one cap window (or the whole period)."""
    clause = pieces[0].clause
    assert isinstance(clause, SubmissionClause)
    each = clause.points
    earned = sum((p.points for p in pieces), ZERO)
    raw = each * len(pieces)
    note = f"{len(pieces)} × {fmt(each)} = {fmt(raw)}"
    if clause.cap is not None and clause.cap_per is not None:
        window = window_of(pieces[0].fact.day, clause.cap_per)
        if earned < raw:
            note += f", capped at {fmt(clause.cap)} for {window}"
        if state.period.first > window_first(state.period.first, clause.cap_per):
            # A month takes what earlier months of its quarter left of the cap.
            note += f" (what {window}'s earlier months left of the cap)"
    events = tuple(p.fact.id for p in pieces)
    return make_line(clause.id, earned, events, None, note, clause.section, clause.sentence)


def _line_order(line: Line) -> tuple[int, str]:
    if line.info is None and line.clause not in ("adjustment", "attribution"):
        return (0, line.clause)
    return (1 if line.clause != "adjustment" else 2, "")


def listed_units(state: PointsState, earned: Earned, end: str) -> set[str]:
    """Units of an assessed kind, units with points, units that hand points up, units whose
    events in the period scored nothing (so that explain can say why), and receivers."""
    units, rules = state.units, state.rules
    registered = {
        u
        for u in units.registered_by(state.period.last)
        if units.at(u, end).kind in rules.assessed_kinds or state.recipient(u, end) is not None
    }
    return registered | set(earned.own) | {u for u in state.active if u in units} | earned.receivers


def hand_up(
    state: PointsState, earned: Earned, listed: set[str], end: str
) -> tuple[dict[str, list[Line]], dict[str, str | None]]:
    """Every listed unit's lines with the attribution lines added, and whom each is
    attributed to (None: it stands on its own)."""
    receivers = earned.receivers
    lines: dict[str, list[Line]] = {u: list(earned.own.get(u, ())) for u in listed}
    attributed: dict[str, str | None] = {}
    for unit in sorted(listed):
        targets = earned.handed.get(unit, {})
        if targets and unit not in earned.kept and unit not in receivers:
            attributed[unit] = _attributed_to(state, unit, targets, end)
        elif targets:
            # It keeps some points (or received some): it stands on its own, less what it
            # handed up.
            attributed[unit] = None
            for to, pieces in targets.items():
                lines[unit].append(_attribution(pieces, -1, f"handed to {to}"))
        elif unit in earned.own or unit in receivers or unit not in state.units:
            attributed[unit] = None
        else:
            attributed[unit] = state.recipient(unit, end)
        for to, pieces in targets.items():
            lines.setdefault(to, []).append(_attribution(pieces, 1, unit))
    return lines, attributed


def _attributed_to(
    state: PointsState, unit: str, targets: dict[str, list[Piece]], end: str
) -> str | None:
    """A unit that hands all its points up (to more than one parent if it moved) is
    attributed to the one it stands under at the period's end, or else to the one
    that received its latest points."""
    now = state.recipient(unit, end)
    if now in targets:
        return now
    return max(targets, key=lambda t: (targets[t][-1].fact.at, targets[t][-1].fact.seq))


def _attribution(pieces: list[Piece], sign: int, note: str) -> Line:
    total = sum((p.points for p in pieces), ZERO)
    return Line(
        clause="attribution",
        points=total if sign > 0 else -total,
        events=tuple(p.fact.id for p in pieces),
        info=None,
        note=note,
    )


# -- principles 9 and 10: targets, awards; CONTRACT §7: ranks ---------------------------


def unit_score(
    state: PointsState,
    unit: str,
    lines: list[Line],
    attributed_to: str | None,
    marks: tuple[VetoMark, ...],
    judge: AwardJudge,
    end: str,
) -> UnitScore:
    """One unit's standing: total of its lines, target (year periods), eligibility."""
    version = state.units.at(unit, end) if unit in state.units else None
    kind = version.kind if version else "other"
    department = version.department if version else None
    total = sum((line.points for line in lines), ZERO)
    target = _target(state, kind, department)
    return UnitScore(
        unit=unit,
        name=version.name if version else unit,
        kind=kind,
        department=department,
        total=total,
        attributed_to=attributed_to,
        target=target,
        target_met=None if target is None else total >= target,
        rank=None,
        eligible=judge.eligible(unit, marks, attributed_to, end),
        vetoes=marks,
        lines=tuple(lines),
        trace=tuple(t for u, t in state.traces if u == unit) if state.with_trace else (),
    )


def _target(state: PointsState, kind: str, department: str | None) -> Decimal | None:
    """Principle 9: targets apply to year periods only."""
    return state.rules.target_for(kind, department) if state.period.is_year else None


def rank(scores: list[UnitScore], assessed: tuple[str, ...]) -> list[UnitScore]:
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
