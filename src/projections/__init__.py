"""Replays of the ledger under a ruleset: scoreboards, explanations, diffs, and the demo.

Public API::

    from ledger import Ledger
    from projections import score, explain, diff
    with Ledger.open("demo.sqlite") as ledger:
        board = score(ledger, "dalian-2011", "2011Q3")
        for unit in board.units:
            print(unit.unit, unit.total, [(l.clause, l.points) for l in unit.lines])

    # An embedder's board that keeps up (read-your-writes):
    live = LiveBoard(ledger, "dalian-2011", "2011Q3")
    done = ledger.append(event)
    board = live.wait_for(done.last_seq, timeout=5)

A ruleset that names nothing, a unit not on the board and a period that does not parse
raise :class:`UnknownRuleset`, :class:`UnknownUnit` and :class:`BadPeriod`, each a
``LedgerError`` carrying the offending value (docs/api.md).
"""

from .api import Explanation, diff, explain, parse_as_of, resolve_ruleset, score
from .errors import BadPeriod, UnknownRuleset, UnknownUnit
from .live import LiveBoard, NotReflected
from .model import (
    Board,
    CategoryScore,
    ChecklistBoard,
    ChecklistUnit,
    Diff,
    DiffRow,
    ItemScore,
    Line,
    Scoreboard,
    Trace,
    UnitScore,
    VetoMark,
)
from .periods import Period, parse_period

# Read by scoreledger_start (without importing us): this package is scoreledger's own.
__distribution__ = "scoreledger"

__all__ = [
    "BadPeriod",
    "Board",
    "CategoryScore",
    "ChecklistBoard",
    "ChecklistUnit",
    "Diff",
    "DiffRow",
    "Explanation",
    "ItemScore",
    "Line",
    "LiveBoard",
    "NotReflected",
    "Period",
    "Scoreboard",
    "Trace",
    "UnitScore",
    "UnknownRuleset",
    "UnknownUnit",
    "VetoMark",
    "diff",
    "explain",
    "parse_as_of",
    "parse_period",
    "resolve_ruleset",
    "score",
]
