"""Every unit's score by quarter for a year: the series behind the workbook's chart.

Each quarter is its own replay (caps and rankings are per quarter, as the circulars
publish them), from Q1 of the period's year through the quarter holding its end.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs

from ledger.store import Ledger

from .api import RulesetRef, parse_as_of, resolve_ruleset, score
from .model import UnitScore
from .periods import Period, parse_period


@attrs.frozen(kw_only=True)
class UnitSeries:
    unit: str
    name: str
    kind: str
    totals: tuple[Decimal, ...]  # one per quarter of `Quarterly.quarters`


@attrs.frozen(kw_only=True)
class Quarterly:
    """Quarter labels and, per unit (not handing its points up), its total in each."""

    ruleset: str
    quarters: tuple[str, ...]
    units: tuple[UnitSeries, ...]


def quarterly(
    ledger: Ledger,
    ruleset: RulesetRef,
    period: str | Period,
    *,
    as_of: str | datetime | None = None,
) -> Quarterly:
    """The quarterly totals of the year of `period`, through the quarter of its end."""
    loaded = resolve_ruleset(ruleset)
    span = period if isinstance(period, Period) else parse_period(period)
    when = parse_as_of(as_of)
    last = (span.end.month - 1) // 3 + 1
    quarters = tuple(f"{span.year}Q{q}" for q in range(1, last + 1))
    totals: dict[str, list[Decimal]] = {}
    named: dict[str, tuple[str, str]] = {}
    for index, label in enumerate(quarters):
        board = score(ledger, loaded, label, as_of=when)
        for entry in board.units:
            if isinstance(entry, UnitScore) and entry.attributed_to is not None:
                continue  # its points stand in its recipient's series
            named[entry.unit] = (entry.name, entry.kind)
            totals.setdefault(entry.unit, [Decimal(0)] * len(quarters))[index] = entry.total
    units = tuple(
        UnitSeries(unit=u, name=named[u][0], kind=named[u][1], totals=tuple(totals[u]))
        for u in sorted(totals, key=lambda u: (named[u][1], u))
    )
    return Quarterly(ruleset=loaded.header.id, quarters=quarters, units=units)
