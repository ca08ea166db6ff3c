"""Shared helpers for the worked scenarios: build a ledger from event dicts, replay it, and
check the invariants every scoreboard must keep (CONTRACT §7, RULES.md principle 5).

Event constructors keep the scenarios short; each returns the JSON object the importer
takes (CONTRACT §2), with decimals as strings.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from backends import Backend
from ledger import Ledger
from ledger.builders import (  # noqa: F401  (the scenarios import the builders from here)
    Event,
    absence,
    activity,
    adjust,
    adopt,
    assess,
    changed,
    instr,
    ranking,
    reg,
    retract,
    sub,
    veto,
)
from projections import ChecklistBoard, Scoreboard, UnitScore, diff, explain, score
from projections.numbers import fmt

D = Decimal


# -- building ledgers -------------------------------------------------------------------


def build(where: Path | Backend, events: Iterable[Event], name: str = "scenario.sqlite") -> Any:
    """A ledger holding `events`, appended in the order given (seq 1, 2 …): a file in a
    folder, or a new ledger of a backend (tests/backends.py: a file or a PostgreSQL schema).
    Returns its path or URL."""
    path = where.new(name.removesuffix(".sqlite")) if isinstance(where, Backend) else where / name
    with Ledger.open(path, create=True) as ledger:
        ledger.append_many(list(events))
    return path


def append(path: Path, events: Iterable[Event]) -> str:
    """Append a later batch (a separate import); returns its recorded_at (UTC)."""
    time.sleep(0.002)  # recorded_at has microseconds; keep the batches apart
    with Ledger.open(path) as ledger:
        ledger.append_many(list(events))
        recorded = ledger.head().recorded_at
    assert recorded is not None
    return recorded


def recorded_at(path: Path) -> str:
    """The recorded_at of the ledger's last event."""
    with Ledger.open(path) as ledger:
        recorded = ledger.head().recorded_at
    assert recorded is not None
    return recorded


# -- replaying ---------------------------------------------------------------------------


def board(path: Path, ruleset: Any, period: str, **kw: Any) -> Any:
    """``projections.score`` on a ledger file, checked for the board invariants."""
    with Ledger.open(path) as ledger:
        result = score(ledger, ruleset, period, **kw)
    if isinstance(result, Scoreboard) and "unit" not in kw:
        check_points_board(result)
    if isinstance(result, ChecklistBoard):
        check_checklist_board(result)
    return result


def explanation(path: Path, ruleset: Any, period: str, unit: str, **kw: Any) -> Any:
    with Ledger.open(path) as ledger:
        return explain(ledger, ruleset, period, unit, **kw)


def diffed(path: Path, period: str, a: Any, b: Any = None, **kw: Any) -> Any:
    with Ledger.open(path) as ledger:
        return diff(ledger, period, a, b, **kw)


def lines(entry: UnitScore) -> list[tuple[str, str, str | None]]:
    """A unit's lines as (clause, points, info), in report order."""
    return [(line.clause, fmt(line.points) or "0", line.info) for line in entry.lines]


def line_set(entry: UnitScore) -> set[tuple[str, str, str | None]]:
    return set(lines(entry))


def totals(result: Scoreboard) -> dict[str, str]:
    return {u.unit: fmt(u.total) or "0" for u in result.units}


def total(result: Any, unit: str) -> str:
    return fmt(result.unit(unit).total) or "0"


def trace_of(entry: Any) -> dict[str, Any]:
    """An explained unit's trace keyed by event id (the last trace entry per event)."""
    return {t.event: t for t in entry.trace}


# -- invariants --------------------------------------------------------------------------


def check_points_board(result: Scoreboard) -> None:
    """total == sum of lines; attribution conserves points; children have rank/eligible null."""
    by_id = {u.unit: u for u in result.units}
    for u in result.units:
        assert u.total == sum((line.points for line in u.lines), D(0)), u.unit
        if u.attributed_to is not None:
            assert u.rank is None and u.eligible is None, u.unit
            assert not any(line.clause == "attribution" for line in u.lines), u.unit
        for line in u.lines:
            if line.clause == "attribution" and line.points > 0:
                assert line.note in by_id, (u.unit, line.note)
    kept = sum((u.total for u in result.units if u.attributed_to is None), D(0))
    earned = sum(
        (line.points for u in result.units for line in u.lines if line.clause != "attribution"),
        D(0),
    )
    assert kept == earned, (kept, earned)
    # Ranks: within kind, by total, ties sharing (1, 2, 2, 4).
    ranked: dict[str, list[UnitScore]] = {}
    for u in result.units:
        if u.rank is not None:
            ranked.setdefault(u.kind, []).append(u)
    for group in ranked.values():
        for u in group:
            assert u.rank == 1 + sum(1 for o in group if o.total > u.total), u.unit


def check_checklist_board(result: ChecklistBoard) -> None:
    for u in result.units:
        assert u.total == sum((c.score for c in u.categories), D(0)), u.unit
        for c in u.categories:
            assert c.score == sum((i.score for i in c.items), D(0)), (u.unit, c.category)
        selves = [i.self_score for c in u.categories for i in c.items if i.self_score is not None]
        assert u.self_total == sum(selves, D(0)), u.unit


def pad_and_checkpoint(db: Path, count: int = 300) -> int:
    """Append `count` long activities of gulou to an SQLite ledger, move everything from
    the WAL into the main file, and return its page size (for tests that damage pages)."""
    import sqlite3

    with Ledger.open(db) as ledger:
        ledger.append_many(
            {"type": "activity", "at": "2016-05-01", "unit": "gulou", "activity": "meeting",
             "note": "填充" * 50}
            for _ in range(count)
        )  # fmt: skip
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()
