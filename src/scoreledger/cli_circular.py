"""``scoreledger circular``: the circular (通报) of a period, as text, CSV, JSON or xlsx."""

from __future__ import annotations

import argparse

from ledger.store import Ledger
from projections.circular import circular

from .cli_output import add_output_options, emit
from .cli_reports import DB_HELP, PERIOD_HELP, _Parser
from .cli_xlsx import write_xlsx_report
from .render.circular import circular_csv, circular_json, circular_text
from .render.labels import resolve_lang
from .render.text import terminal_width


def _cmd_circular(args: argparse.Namespace) -> int:
    if args.format == "xlsx":
        return write_xlsx_report(args)
    with Ledger.open(args.db) as ledger:
        doc = circular(ledger, args.ruleset, args.period, as_of=args.as_of)
    lang = resolve_lang(args.lang)
    if args.format == "json":
        emit(args, circular_json(doc))
    elif args.format == "csv":
        emit(args, circular_csv(doc))
    else:
        emit(args, circular_text(doc, lang, terminal_width()))
    return 0


def add_circular_command(sub: argparse._SubParsersAction[_Parser]) -> None:
    """Register ``circular`` on the main parser."""
    p = sub.add_parser(
        "circular",
        help="the circular (通报): units ranked per kind, items adopted per level",
        description="The circular (通报) of a period under a points ruleset: per unit kind, "
        "the ranked units with the items adopted at each level, instructions, total, target, "
        "eligibility and vetoes; the ledger's head (SEQ:HASH) in its header.",
        epilog="example: scoreledger circular demo.sqlite --ruleset dalian-2011 "
        "--period 2011Q1..2011Q3 --lang zh",
    )
    p.add_argument("db", metavar="DB", help=DB_HELP)
    p.add_argument("--ruleset", required=True, help="a points ruleset: shipped id or revision")
    p.add_argument("--period", required=True, help=PERIOD_HELP)
    p.add_argument("--as-of", dest="as_of", help="replay events recorded at or before T")
    add_output_options(p, ["text", "csv", "json", "xlsx"])
    p.set_defaults(run=_cmd_circular)
