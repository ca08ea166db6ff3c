"""The projections API: score, explain and diff, mirroring the command line.

Each returns frozen data (``projections.model``); renderers are separate
(``scoreledger.render``). A ruleset is a shipped id, a revision file path, or
a loaded ruleset; a period is a label (``2016Q3``) or a Period.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

import rules
from ledger.errors import LedgerError
from ledger.gcpause import gc_paused
from ledger.store import Ledger
from vocabulary.suggest import close_match, did_you_mean

from .checklists import replay_checklist
from .engine import replay_points
from .errors import UnknownRuleset, UnknownUnit
from .keep import Log, Projection
from .model import Board, ChecklistUnit, Diff, DiffRow, Scoreboard, UnitScore
from .periods import Period, parse_period
from .state_store import StateUnavailable, store_for

RulesetRef = str | os.PathLike[str] | rules.PointsRuleset | rules.ChecklistRuleset


@attrs.frozen(kw_only=True)
class Explanation:
    """Everything behind one unit's total: its lines, every event considered, and the rules."""

    board: Board  # the whole period's board (ranks, warnings) the unit stands in
    unit: UnitScore | ChecklistUnit
    ruleset: rules.PointsRuleset | rules.ChecklistRuleset
    #: Who recorded each event considered, by seq (CONTRACT §8.2; None: not kept then).
    recorded_by: Mapping[int, str | None] = attrs.field(factory=dict)


def resolve_ruleset(ref: RulesetRef) -> rules.PointsRuleset | rules.ChecklistRuleset:
    """A loaded ruleset from an id, a path or a ruleset (errors as one-line LedgerError:
    :class:`UnknownRuleset` when `ref` names no ruleset)."""
    if isinstance(ref, rules.PointsRuleset | rules.ChecklistRuleset):
        return ref
    if not isinstance(ref, str | os.PathLike):
        raise TypeError(
            f"ruleset: expected a shipped id, a revision file path or a loaded ruleset, "
            f"got {type(ref).__name__} {ref!r}"
        )
    try:
        return rules.load(ref)
    except rules.UnknownRuleset as exc:
        raise UnknownRuleset.from_rules(exc) from None
    except rules.RulesError as exc:
        raise LedgerError(str(exc)) from None


def parse_as_of(text: str | datetime | None, what: str = "--as-of") -> datetime | None:
    """An aware instant from ISO-8601 (UTC when no offset; a bare date is 00:00 UTC);
    `what` names the option in the error message."""
    if text is None:
        return None
    if isinstance(text, datetime):
        moment = text if text.tzinfo is not None else text.replace(tzinfo=UTC)
        shown = moment.isoformat()
    elif isinstance(text, str):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise LedgerError(
                f"{what} {text!r}: expected an ISO-8601 date-time such as 2016-10-10T09:00:00+08:00"
            ) from None
        moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        shown = repr(text)
    else:
        raise TypeError(
            f"as_of: expected an ISO-8601 string or a datetime, got {type(text).__name__} {text!r}"
        )
    try:
        moment.astimezone(UTC)  # recorded times are UTC: the instant must have a UTC form
    except OverflowError:
        raise LedgerError(
            f"{what} {shown}: expected a time within the years 1 … 9999 in UTC"
        ) from None
    return moment


def _period(period: str | Period) -> Period:
    if isinstance(period, Period):
        return period
    if not isinstance(period, str):
        raise TypeError(
            f"period: expected a label such as '2016Q3' or a Period, "
            f"got {type(period).__name__} {period!r}"
        )
    return parse_period(period)


@gc_paused
def score(
    ledger: Ledger,
    ruleset: RulesetRef,
    period: str | Period,
    *,
    as_of: str | datetime | None = None,
    unit: str | None = None,
    with_trace: bool = False,
    keep: bool = True,
    log: Log | None = None,
) -> Board:
    """The scoreboard of a period under a ruleset, as of the events recorded up to `as_of`.

    With `unit`, only that unit is listed (ranks are still among all units). A points
    ruleset's board comes from the projection kept in the ledger (``projections.keep``),
    brought up to the head (or to `as_of`) by reading only the events after its position;
    `keep=False`, a trace, a checklist ruleset, a database without projection state, or an
    `as_of` before the kept position replay the log instead. `log` is told which.
    """
    loaded = resolve_ruleset(ruleset)
    span, when = _period(period), parse_as_of(as_of)
    kept = _kept(ledger, loaded, span, when, log) if keep and not with_trace else None
    board = kept[0] if kept else _replay(ledger, loaded, span, when, with_trace, None)
    if unit is not None:
        chosen = _only(board, unit)
        if not chosen.units:
            raise _no_unit(ledger, unit, board)
        board = chosen
    return board


def _kept(
    ledger: Ledger,
    loaded: rules.PointsRuleset | rules.ChecklistRuleset,
    span: Period,
    when: datetime | None,
    log: Log | None,
    trace_unit: str | None = None,
) -> tuple[Scoreboard, Projection, int] | None:
    """The board from the kept projection, with the projection and the seq it stands at;
    None (after telling `log` why) when the log must be replayed instead. `trace_unit`:
    the unit an explain will trace (a group re-run on the way traces it)."""
    say = log or (lambda _text: None)
    if isinstance(loaded, rules.ChecklistRuleset):
        say(f"replayed the log: {loaded.id} is a checklist ruleset (no projection is kept)")
        return None
    store = store_for(ledger.side_tables())
    if store is None:
        say(f"replayed the log: {ledger.label} keeps no projection state")
        return None
    try:
        projection = Projection(ledger, store, loaded, span, trace_unit=trace_unit)
        return _from_state(ledger, projection, when, say)
    except StateUnavailable as exc:
        say(f"replayed the log: {exc}")
        return None


def _from_state(
    ledger: Ledger, projection: Projection, when: datetime | None, say: Log
) -> tuple[Scoreboard, Projection, int] | None:
    if when is not None:
        target = ledger.last_seq_as_of(when)
        held = projection.load()
        if held is None or held.kept.position > target:
            why = (
                "no projection is kept"
                if held is None
                else (f"it lies before the projection's checkpoint (seq {held.kept.position})")
            )
            say(f"replayed the log: --as-of {when.isoformat()} (seq {target}): {why}")
            return None
        answer = projection.answer(target)
    else:
        target = ledger.head().seq
        answer = projection.answer(target)
        while answer is None:  # another process caught up past our head: read it again
            target = ledger.head().seq
            answer = projection.answer(target)
    if answer is None:
        say(f"replayed the log: --as-of (seq {target}) lies before the projection's checkpoint")
        return None
    say(answer.how)
    board = answer.board
    if when is not None:
        board = attrs.evolve(board, as_of=when.isoformat())
    return board, projection, target


def _replay(
    ledger: Ledger,
    loaded: rules.PointsRuleset | rules.ChecklistRuleset,
    span: Period,
    when: datetime | None,
    with_trace: bool,
    trace_unit: str | None,
    through_seq: int | None = None,
) -> Board:
    """The board of a period; with a trace, of every unit or (`trace_unit`) of one; of the
    events up to `through_seq` when given."""
    how: dict[str, Any] = {
        "as_of": when,
        "with_trace": with_trace,
        "trace_unit": trace_unit,
        "through_seq": through_seq,
    }
    if isinstance(loaded, rules.ChecklistRuleset):
        return replay_checklist(ledger, loaded, span, **how)
    return replay_points(ledger, loaded, span, **how)


def _only(board: Board, unit: str) -> Board:
    """The board with only `unit` listed (its rank still among all units)."""
    # One evolve per board class: the two `units` fields hold different records.
    if isinstance(board, Scoreboard):
        return attrs.evolve(board, units=tuple(u for u in board.units if u.unit == unit))
    return attrs.evolve(board, units=tuple(u for u in board.units if u.unit == unit))


def _no_unit(ledger: Ledger, unit: str, board: Board) -> UnknownUnit:
    """The error for a unit `unit` that is not on `board`, in the words of its case."""
    known = {u.unit for u in board.units}
    registered = ledger.is_registered(unit)
    where = f"under {board.ruleset} for {board.period}"
    suggestion = None
    if not known:
        message = f"unit {unit!r}: nothing to list {where}"
    elif registered:
        message = f"unit {unit!r}: registered, but not listed {where}"
    else:
        message = f"unit {unit!r}: not a registered unit {where}{did_you_mean(unit, known)}"
        suggestion = close_match(unit, known)
    return UnknownUnit(message, unit, board.ruleset, board.period, registered, suggestion)


@gc_paused
def explain(
    ledger: Ledger,
    ruleset: RulesetRef,
    period: str | Period,
    unit: str,
    *,
    as_of: str | datetime | None = None,
    keep: bool = True,
    log: Log | None = None,
) -> Explanation:
    """One unit's lines with their events and clause sentences, and every event considered
    (retracted and unscored ones marked, with the reason)."""
    loaded = resolve_ruleset(ruleset)
    span, when = _period(period), parse_as_of(as_of)
    kept = _kept(ledger, loaded, span, when, log, trace_unit=unit) if keep else None
    if kept is not None:
        explained = explain_kept(ledger, loaded, *kept, unit)
        if explained is not None:
            return explained
    return explain_replayed(ledger, loaded, span, unit, when)


def explain_kept(
    ledger: Ledger,
    loaded: rules.PointsRuleset | rules.ChecklistRuleset,
    kept_board: Scoreboard,
    projection: Projection,
    target: int,
    unit: str,
) -> Explanation | None:
    """`unit` explained from a kept board at seq `target`, re-running only its group; None
    when the kept state has moved past `target` (replay instead)."""
    traced = projection.traced(unit, target)
    if traced is None:
        if all(u.unit != unit for u in kept_board.units):
            raise _no_unit(ledger, unit, kept_board)
        return None
    # The kept board's entry (its rank is among all units) with the trace of a re-run of
    # the unit's group alone.
    mine = attrs.evolve(kept_board.unit(unit), trace=traced.trace)
    kept_board = attrs.evolve(
        kept_board, units=tuple(mine if u.unit == unit else u for u in kept_board.units)
    )
    by = ledger.recorded_by_seq(t.seq for t in mine.trace)
    return Explanation(board=kept_board, unit=mine, ruleset=loaded, recorded_by=by)


def explain_replayed(
    ledger: Ledger,
    loaded: rules.PointsRuleset | rules.ChecklistRuleset,
    span: Period,
    unit: str,
    when: datetime | None = None,
    through_seq: int | None = None,
) -> Explanation:
    """`unit` explained by a replay of the log (as of `when`, up to `through_seq`)."""
    # Only the asked unit's events are traced: the other units' lines are still needed
    # (ranks, hand-up), their traces are not.
    board = _replay(ledger, loaded, span, when, True, unit, through_seq)
    for entry in board.units:
        if entry.unit == unit:
            by = ledger.recorded_by_seq(t.seq for t in entry.trace)
            return Explanation(board=board, unit=entry, ruleset=loaded, recorded_by=by)
    raise _no_unit(ledger, unit, board)


@gc_paused
def diff(
    ledger: Ledger,
    period: str | Period,
    a: RulesetRef,
    b: RulesetRef | None = None,
    *,
    as_of: str | datetime | None = None,
    against_as_of: str | datetime | None = None,
    keep: bool = True,
    log: Log | None = None,
) -> Diff:
    """Two boards side by side per unit: under rulesets `a` and `b` (default `a`), at
    recorded times `as_of` and `against_as_of` (default `as_of`)."""
    when_b = parse_as_of(against_as_of, "--against-as-of")  # named in its own error
    first = score(ledger, a, period, as_of=as_of, keep=keep, log=log)
    second = score(
        ledger,
        b if b is not None else a,
        period,
        as_of=when_b if when_b is not None else as_of,
        keep=keep,
        log=log,
    )
    left = {u.unit: u for u in first.units}
    right = {u.unit: u for u in second.units}
    rows = []
    for unit in sorted(left.keys() | right.keys()):
        named = left.get(unit) or right[unit]
        rows.append(
            DiffRow(
                unit=unit,
                name=named.name,
                a=left[unit].total if unit in left else None,
                b=right[unit].total if unit in right else None,
            )
        )
    return Diff(
        period=first.period,
        a=_side(first),
        b=_side(second),
        units=tuple(rows),
        head=max((first.head, second.head), key=lambda h: -1 if h is None else h.seq),
    )


def _side(board: Board) -> dict[str, Any]:
    """One side of a diff: its ruleset, fingerprint, as_of and head (CONTRACT §7, §8.3)."""
    head = None if board.head is None else board.head.data()
    return {
        "ruleset": board.ruleset,
        "fingerprint": board.fingerprint,
        "as_of": board.as_of,
        "head": head,
    }
