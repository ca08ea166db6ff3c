"""Subcommands that read rules and replay the log: rules, score, explain, diff, demo."""

from __future__ import annotations

import argparse
import sys

from .errors import LedgerError


def _load_ruleset(ref: str):  # -> rules.model.Ruleset
    import rules

    try:
        return rules.load(ref)
    except rules.RulesError as exc:
        raise LedgerError(str(exc)) from None


def _cmd_rules_list(args: argparse.Namespace) -> int:
    from rules.render import render_list

    sys.stdout.write(render_list())
    return 0


def _cmd_rules_show(args: argparse.Namespace) -> int:
    from rules.render import render_show

    sys.stdout.write(render_show(_load_ruleset(args.ruleset), args.format))
    return 0


def add_report_commands(sub: argparse._SubParsersAction) -> None:
    """Register the rules and report subcommands on the main parser."""
    p = sub.add_parser("rules", help="the shipped rulesets and their clauses")
    rules_sub = p.add_subparsers(dest="rules_command", metavar="list|show", parser_class=type(p))
    rules_sub.required = True
    q = rules_sub.add_parser("list", help="the shipped rulesets")
    q.set_defaults(run=_cmd_rules_list)
    q = rules_sub.add_parser("show", help="one ruleset with its clauses and source sentences")
    q.add_argument("ruleset", metavar="RULESET", help="a shipped id or a revision file")
    q.add_argument("--format", choices=["text", "json"], default="text")
    q.set_defaults(run=_cmd_rules_show)
