"""Replays of the ledger under a ruleset: scoreboards, explanations, diffs, and the demo.

Public API::

    from ledger import Ledger
    from projections import score, explain, diff
    with Ledger.open("demo.sqlite") as ledger:
        board = score(ledger, "dalian-2011", "2011Q3")
        for unit in board.units:
            print(unit.unit, unit.total, [(l.clause, l.points) for l in unit.lines])
"""

from .api import Explanation, diff, explain, parse_as_of, resolve_ruleset, score
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

__all__ = [
    "Board",
    "CategoryScore",
    "ChecklistBoard",
    "ChecklistUnit",
    "Diff",
    "DiffRow",
    "Explanation",
    "ItemScore",
    "Line",
    "Period",
    "Scoreboard",
    "Trace",
    "UnitScore",
    "VetoMark",
    "diff",
    "explain",
    "parse_as_of",
    "parse_period",
    "resolve_ruleset",
    "score",
]
