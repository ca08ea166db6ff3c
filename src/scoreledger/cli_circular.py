"""``scoreledger circular``: the circular (通报) of a period, as text, CSV, JSON or xlsx."""

from __future__ import annotations

import argparse

from ledger.gcpause import gc_paused
from ledger.store import Ledger

from .cli_output import add_output_options, emit
from .cli_reports import _Parser, add_replay_arguments
from .cli_xlsx import write_xlsx_report
from .render.labels import resolve_lang
from .render.text import terminal_width


@gc_paused
def _cmd_circular(args: argparse.Namespace) -> int:
    # Imported when the command runs: a score need not load it.
    from projections.circular import circular

    from .render.circular import circular_csv, circular_json, circular_text

    if args.format == "xlsx":
        return write_xlsx_report(args)
    with Ledger.open(args.db) as ledger:
        doc = circular(ledger, args.ruleset, args.period, as_of=args.as_of)
    lang = resolve_lang(args.lang)
    if args.format == "json":
        emit(args, circular_json(doc))
    elif args.format == "csv":
        emit(args, circular_csv(doc, lang))
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
    )
    add_replay_arguments(p)  # --ruleset: a points ruleset
    add_output_options(p, ["text", "csv", "json", "xlsx"])
    p.set_defaults(run=_cmd_circular)
