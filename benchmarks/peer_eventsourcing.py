"""The peer for bench_replay: the `eventsourcing` library (9.5, SQLite) with the same events.

A benchmark-only dependency (``pip install eventsourcing``), never the package's. One
aggregate per unit (events without a unit go to one more), each event recorded on it as a
``Recorded`` domain event carrying the event's type and payload, saved in batches
(``Application.save`` of every aggregate a batch touched: eventsourcing's batched append).
The replay is an Application reading the notification log in order, each stored event
mapped back to its domain event (topic, JSON transcoder), through a simple fold: points
per unit and type, the same fold as bench_replay's raw floor.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

BATCH = 1000


class UnitLog(Aggregate):
    """Every event of one unit."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self.count = 0

    @event("Recorded")
    def record(self, kind: str, payload: dict[str, Any]) -> None:
        self.count += 1


def _app(db: Path) -> Application[Any]:
    os.environ["PERSISTENCE_MODULE"] = "eventsourcing.sqlite"
    os.environ["SQLITE_DBNAME"] = str(db)
    return Application()


def append(db: Path, events: Iterable[dict[str, Any]]) -> int:
    """Append the events in batches of BATCH; returns how many."""
    app = _app(db)
    logs: dict[str, UnitLog] = {}
    touched: dict[str, UnitLog] = {}
    n = 0
    for e in events:
        unit = e.get("unit") or ""
        log = logs.get(unit)
        if log is None:
            log = logs[unit] = UnitLog(unit)
        log.record(e["type"], {k: v for k, v in e.items() if k not in ("type", "unit")})
        touched[unit] = log
        n += 1
        if n % BATCH == 0:
            app.save(*touched.values())
            touched.clear()
    if touched:
        app.save(*touched.values())
    return n


def replay(db: Path) -> dict[tuple[str, str], float]:
    """Read every stored event in order, mapped back to a domain event, folded per unit."""
    app = _app(db)
    units: dict[Any, str] = {}
    totals: dict[tuple[str, str], float] = defaultdict(float)
    start = 1
    while True:
        batch = app.recorder.select_notifications(start, BATCH)
        if not batch:
            break
        for notification in batch:
            domain = app.mapper.to_domain_event(notification)
            if isinstance(domain, UnitLog.Created):
                units[domain.originator_id] = domain.unit  # type: ignore[attr-defined]
                continue
            payload = domain.payload  # type: ignore[attr-defined]
            unit = units[domain.originator_id]
            totals[(unit, domain.kind)] += 1.0 if payload.get("mode") != "combined" else 0.5  # type: ignore[attr-defined]
        start = batch[-1].id + 1
    return totals
