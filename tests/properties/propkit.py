"""Shared helpers of the property suite: ledgers in fresh SQLite files, totals, boards.

Hypothesis runs many examples through one test call, and pytest fixtures such as
``tmp_path`` are shared by all of them: every ledger here lives in its own
``tempfile.TemporaryDirectory()``, made inside the test body.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

import rules
from backends import Backend
from ledger import Ledger
from projections import score
from projections.model import Board

SHIPPED = rules.shipped_ids()
POINTS = tuple(r for r in SHIPPED if isinstance(rules.load(r), rules.PointsRuleset))
CHECKLISTS = tuple(r for r in SHIPPED if r not in POINTS)
#: The year each ruleset is exercised in (county-targets names none).
YEAR = {
    "jiangsu-2016": 2016,
    "changzhou-2016": 2016,
    "dalian-2011": 2011,
    "suzhou-2015": 2015,
    "county-targets": 2016,
}
ZERO = Decimal(0)


@contextmanager
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="scoreledger-props-") as name:
        yield Path(name)


@contextmanager
def ledger_of(
    events: Iterable[dict[str, Any]],
    where: Path | None = None,
    on: Backend | None = None,
    slot: str = "props",
) -> Iterator[Ledger]:
    """A new ledger holding `events` (appended in one batch), closed afterwards: a file in
    `where` (or a fresh folder), or on backend `on` in its `slot` (tests/backends.py: on
    PostgreSQL one schema per slot, emptied for each example)."""
    with folder() if where is None else _keep(where) as base:
        if on is not None and on.is_postgres:
            location: Any = on.emptied(slot)
        else:
            location = base / f"ledger-{next(_numbers)}.sqlite"
        ledger = Ledger.open(location, create=True)
        try:
            batch = list(events)
            if batch:
                ledger.append_many(batch)
            yield ledger
        finally:
            ledger.close()


@contextmanager
def _keep(path: Path) -> Iterator[Path]:
    yield path


_numbers = iter(range(1, 1 << 62))


def totals(board: Board) -> dict[str, Decimal]:
    return {unit.unit: unit.total for unit in board.units}


def masked(board: Board) -> Board:
    """The board with log positions masked: in its warnings (``seq 12`` → ``seq #``), and its
    head (another ledger's chain) dropped."""
    return attrs.evolve(
        board,
        warnings=tuple(re.sub(r"seq \d+", "seq #", w) for w in board.warnings),
        head=None,
    )


def boards(ledger: Ledger, ruleset: Any, labels: Iterable[str], **kw: Any) -> dict[str, Board]:
    return {label: score(ledger, ruleset, label, **kw) for label in labels}


def reopen(ledger: Ledger) -> Ledger:
    """Another Ledger on the same file or database."""
    return Ledger.open(ledger.path or ledger.recorder.url)  # type: ignore[attr-defined]


def payloads(ledger: Ledger) -> list[str]:
    return [row[6] for row in ledger.rows()]
