"""``--format xlsx --output FILE`` for score, explain, diff and circular.

Kept apart so that openpyxl (a quarter of a second to import) loads only when a
workbook is asked for.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from ledger.errors import LedgerError
from ledger.store import Ledger
from projections import Explanation, diff, explain, score
from projections.heads import ReportHead
from projections.model import Board, Diff, Scoreboard

from .cli_output import verbose_log


def _target(args: argparse.Namespace) -> str:
    if args.output in (None, "-"):
        raise LedgerError(f"{args.command}: --format xlsx needs --output FILE.xlsx")
    return str(args.output)


def score_of(ledger: Ledger, args: argparse.Namespace) -> Board:
    """The board the ``score`` command's arguments ask for."""
    log = verbose_log(args)
    return score(ledger, args.ruleset, args.period, as_of=args.as_of, unit=args.unit, log=log)


def explain_of(ledger: Ledger, args: argparse.Namespace) -> Explanation:
    """The explanation the ``explain`` command's arguments ask for."""
    log = verbose_log(args)
    return explain(ledger, args.ruleset, args.period, args.unit, as_of=args.as_of, log=log)


def diff_of(ledger: Ledger, args: argparse.Namespace) -> Diff:
    """The diff the ``diff`` command's arguments ask for."""
    against_as_of = args.against_as_of
    if against_as_of is None and args.as_of is not None:
        # B's recorded time is now, as its help says (the API's default is A's time).
        against_as_of = datetime.now(UTC)
    return diff(
        ledger,
        args.period,
        args.ruleset,
        args.against,
        as_of=args.as_of,
        against_as_of=against_as_of,
        log=verbose_log(args),
    )


def _shown(head: ReportHead | None) -> str:
    return "" if head is None else str(head)


def write_xlsx_report(args: argparse.Namespace) -> int:
    """Compute the report `args.command` names and write it as a workbook."""
    from projections.circular import circular
    from projections.quarterly import quarterly

    from .render import xlsx_reports as sheets  # openpyxl loads here, not at start-up
    from .render.xlsx import write_workbook

    path = _target(args)
    with Ledger.open(args.db) as ledger:
        # Each report's own head (the one it was computed from; a kept projection's is its
        # state's position), in the 说明 sheet and every sheet's page header.
        chart = None
        if args.command == "circular":
            doc = circular(ledger, args.ruleset, args.period, as_of=args.as_of)
            head = str(doc.head)
            info, tables = sheets.circular_sheets(doc)
            chart = quarterly(ledger, args.ruleset, args.period, as_of=args.as_of)
        elif args.command == "score":
            board = score_of(ledger, args)
            head = _shown(board.head)
            info, tables = sheets.score_sheets(board, head)
            if isinstance(board, Scoreboard) and args.unit is None:
                chart = quarterly(ledger, args.ruleset, args.period, as_of=args.as_of)
        elif args.command == "explain":
            result = explain_of(ledger, args)
            head = _shown(result.board.head)
            info, tables = sheets.explain_sheets(result, head)
        else:
            compared = diff_of(ledger, args)
            head = _shown(compared.head)
            info, tables = sheets.diff_sheets(compared, head)
    write_workbook(path, info, tables, head=head, chart=chart)
    return 0
