"""Subcommands that read rules and replay the log: rules, score, explain, diff, demo."""

from __future__ import annotations

import argparse
import sys
from typing import TypeVar

from ledger.errors import LedgerError
from ledger.gcpause import gc_paused
from ledger.store import Ledger
from projections.api import resolve_ruleset

from .cli_output import add_lang_option, add_output_options, emit, emit_by
from .cli_xlsx import diff_of, explain_of, score_of, write_xlsx_report
from .render.labels import resolve_lang
from .render.report_text import board_text, diff_text, explain_text
from .render.reports import board_csv, diff_data, explain_data, to_json, write_board_json
from .render.rules import render_list, render_show
from .render.text import terminal_width

RECORDED_BY_HELP = (
    "who records these events (SQLite; default: the operating-system user; PostgreSQL "
    "records the session user)"
)
PERIOD_HELP = "2016, 2016Q3, 2016H2, 2016-03, or a range in one year: 2016Q1..2016Q3"
DB_HELP = "the ledger: a file path (SQLite) or a postgresql:// URL (it must exist)"
NEW_DB_HELP = "the ledger: a file path (SQLite) or a postgresql:// URL (created when missing)"
RULESET_HELP = "a shipped ruleset id (scoreledger rules list) or a revision file (.toml)"
AS_OF_HELP = (
    "replay only events recorded at or before T (ISO-8601 date-time, UTC without an offset)"
)
_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)  # cli.py's own parser class


def _cmd_rules_list(args: argparse.Namespace) -> int:
    sys.stdout.write(render_list(resolve_lang(args.lang)))
    return 0


def _cmd_rules_show(args: argparse.Namespace) -> int:
    ruleset = resolve_ruleset(args.ruleset)
    sys.stdout.write(render_show(ruleset, args.format, resolve_lang(args.lang)))
    return 0


def add_verbose_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="say on stderr whether the answer came from the kept projection or a replay",
    )


@gc_paused
def _cmd_score(args: argparse.Namespace) -> int:
    if args.format == "xlsx":
        return write_xlsx_report(args)
    with Ledger.open(args.db) as ledger:
        board = score_of(ledger, args)
    lang = resolve_lang(args.lang)
    if args.format == "json":
        emit_by(args, lambda out: write_board_json(board, out))
    elif args.format == "csv":
        emit(args, board_csv(board, lang))
    else:
        emit(args, board_text(board, lang, terminal_width()))
    return 0


@gc_paused
def _cmd_explain(args: argparse.Namespace) -> int:
    if args.format == "xlsx":
        return write_xlsx_report(args)
    with Ledger.open(args.db) as ledger:
        result = explain_of(ledger, args)
    if args.format == "json":
        emit(args, to_json(explain_data(result)))
    else:
        emit(args, explain_text(result, resolve_lang(args.lang), terminal_width()))
    return 0


@gc_paused
def _cmd_diff(args: argparse.Namespace) -> int:
    if args.against is None and args.against_as_of is None and args.as_of is None:
        raise LedgerError("diff: give --against RULESET, --as-of T or --against-as-of T")
    if args.format == "xlsx":
        return write_xlsx_report(args)
    with Ledger.open(args.db) as ledger:
        result = diff_of(ledger, args)
    if args.format == "json":
        emit(args, to_json(diff_data(result)))
    else:
        emit(args, diff_text(result, resolve_lang(args.lang), terminal_width()))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    # Imported when the command runs: a score need not load it.
    from .demo import run_demo

    run_demo(args.db, sys.stdout, recorded_by=args.recorded_by)
    return 0


def add_replay_arguments(p: argparse.ArgumentParser) -> None:
    """DB, --ruleset, --period and --as-of: what every replay of one ruleset takes."""
    p.add_argument("db", metavar="DB", help=DB_HELP)
    p.add_argument("--ruleset", required=True, help=RULESET_HELP)
    p.add_argument("--period", required=True, help=PERIOD_HELP)
    p.add_argument("--as-of", dest="as_of", metavar="T", help=AS_OF_HELP)


def add_report_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    """Register the rules and report subcommands on the main parser."""
    p = sub.add_parser(
        "rules",
        help="the shipped rulesets and their clauses",
        description="The regulations scoreledger replays under, as data.",
    )
    rules_sub = p.add_subparsers(dest="rules_command", metavar="list|show", parser_class=type(p))
    rules_sub.required = True
    q = rules_sub.add_parser("list", help="the shipped rulesets")
    add_lang_option(q)
    q.set_defaults(run=_cmd_rules_list)
    q = rules_sub.add_parser(
        "show",
        help="one ruleset with its clauses and source sentences",
        description="One ruleset: every clause with its points, caps, source section and the "
        "regulation's own sentence.",
    )
    q.add_argument("ruleset", metavar="RULESET", help=RULESET_HELP)
    q.add_argument(
        "--format", choices=["text", "json"], default="text", help="text or json (default text)"
    )
    add_lang_option(q)
    q.set_defaults(run=_cmd_rules_show)

    p = sub.add_parser(
        "score",
        help="the scoreboard of a period under a ruleset",
        description="The scoreboard: every unit's total, rank among its kind, target, "
        "eligibility and vetoes, replayed from the log under a ruleset.",
    )
    add_replay_arguments(p)
    p.add_argument("--unit", metavar="UNIT", help="list only this unit id (its rank among all)")
    add_output_options(p, ["text", "json", "csv", "xlsx"])
    add_verbose_option(p)
    p.set_defaults(run=_cmd_score)

    p = sub.add_parser(
        "explain",
        help="every line of one unit's total, with events and clauses",
        description="Every line that makes one unit's total, with its events and the "
        "regulation's sentence, then every event considered: scored, capped, unscored or "
        "retracted, and who recorded it.",
    )
    add_replay_arguments(p)
    p.add_argument("--unit", required=True, metavar="UNIT", help="the unit id to explain")
    add_output_options(p, ["text", "json", "xlsx"])
    add_verbose_option(p)
    p.set_defaults(run=_cmd_explain)

    p = sub.add_parser(
        "diff",
        help="two replays side by side: two rulesets or two recorded times",
        description="Two replays of one period side by side, per unit: A and B totals and "
        "the change. B differs from A by its ruleset (--against), its recorded time "
        "(--against-as-of), or both.",
    )
    p.add_argument("db", metavar="DB", help=DB_HELP)
    p.add_argument("--period", required=True, help=PERIOD_HELP)
    p.add_argument("--ruleset", required=True, help="side A's ruleset: " + RULESET_HELP)
    p.add_argument("--against", metavar="RULESET", help="side B's ruleset (default: side A's)")
    p.add_argument(
        "--as-of", dest="as_of", metavar="T", help="side A's recorded time (default: now)"
    )
    p.add_argument(
        "--against-as-of",
        dest="against_as_of",
        metavar="T",
        help="side B's recorded time (default: now)",
    )
    add_output_options(p, ["text", "json", "xlsx"])
    add_verbose_option(p)
    p.set_defaults(run=_cmd_diff)

    p = sub.add_parser(
        "demo",
        help="build a small realistic ledger and print its scoreboards",
        description="Build a small realistic ledger (units of Changzhou, Dalian, Suzhou and "
        "a county) and print its scoreboard under each shipped ruleset. Run twice, it "
        "appends nothing: every event has an id.",
    )
    p.add_argument("db", metavar="DB", nargs="?", default="demo.sqlite", help="default demo.sqlite")
    p.add_argument("--recorded-by", dest="recorded_by", metavar="NAME", help=RECORDED_BY_HELP)
    p.set_defaults(run=_cmd_demo)
