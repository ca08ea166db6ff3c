"""The ``scoreledger`` command line (CONTRACT §4).

Exit status: 0 success; 1 ``verify`` found damage, or any command met it (an append the
database did not keep, a stored event that is invalid: ``cli_damage``); 2 bad input or usage, with
one line per problem on stderr and never a traceback; 3 an internal error
(also one line, with a request to report it).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from ledger.anchors import check_anchors, gather
from ledger.errors import InputError, LedgerError
from ledger.jsonl import write_jsonl
from ledger.recorder_postgres import database_errors, scrub
from ledger.sqlite_errors import describe
from ledger.store import Ledger, shown
from rules.errors import RulesError

from .cli_anchors import add_anchor_options
from .cli_circular import add_circular_command
from .cli_copy import add_copy_command
from .cli_damage import EXIT_DAMAGE, add_deep_option, is_damage, stored_damage
from .cli_help import Parser as _Parser
from .cli_help import UsageError as UsageError
from .cli_help import add_examples
from .cli_projections import add_projections_command
from .cli_records import add_import_command, add_template_command
from .cli_reports import DB_HELP, add_report_commands
from .render.safe import visible

EXIT_USAGE = 2
EXIT_INTERNAL = 3


def _cmd_export(args: argparse.Namespace) -> int:
    with Ledger.open(args.db) as ledger:
        write_jsonl(ledger, sys.stdout)
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    anchors = gather(args.expect, args.anchors)  # a malformed one: exit 2 before any work
    with Ledger.open(args.db) as ledger:
        report = ledger.verify()
        held = check_anchors(ledger, anchors)
    print(report)
    for line in held.lines():  # none without anchors
        print(line)
    return 0 if report.ok and held.ok else EXIT_DAMAGE


def _version() -> str:
    # importlib.metadata costs more to import than a served score takes: only for --version.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scoreledger")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


class _VersionAction(argparse.Action):
    """``--version``: the installed version, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings, dest, nargs=0, help="show program's version number and exit"
        )

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kw: object) -> None:
        print(f"scoreledger {_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(
        prog="scoreledger",
        description="An event-sourced ledger of trade-union information-work scores: "
        "append events, replay them under a regulation, explain every point.",
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    add_import_command(sub)

    p = sub.add_parser(
        "export",
        help="write the log back out as JSON Lines, in order",
        description="Write every event to standard output as JSON Lines, in seq order, with "
        "seq, recorded_at, recorded_by and hash.",
    )
    p.add_argument("db", metavar="DB", help=DB_HELP)
    p.add_argument("--format", choices=["jsonl"], default="jsonl", help="jsonl (the only one)")
    p.set_defaults(run=_cmd_export)

    p = sub.add_parser(
        "verify",
        help="re-check the hash chain and the append-only guards",
        description="Recompute the hash chain and check the append-only guards; print OK "
        "with the head (SEQ:HASH), or the first damaged seq (exit 1). Then check each "
        "anchor (--expect, --anchors): a head published elsewhere, such as a circular's "
        "first line, that the ledger must still hold at its seq; a ledger cut short "
        "before it is truncated, another hash there rewritten (exit 1).",
    )
    p.add_argument("db", metavar="DB", help=DB_HELP)
    add_anchor_options(p)
    p.set_defaults(run=_cmd_verify)
    add_deep_option(p)

    add_copy_command(sub)
    add_report_commands(sub)
    add_circular_command(sub)
    add_template_command(sub)
    add_projections_command(sub)
    add_examples(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it)."""
    # JSON Lines, JSON and CSV are UTF-8 by contract, whatever the locale says.
    for stream, errors in ((sys.stdout, "strict"), (sys.stderr, "backslashreplace")):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors=errors)
    args = None
    try:
        args = build_parser().parse_args(argv)
        run: Callable[[argparse.Namespace], int] = args.run
        return run(args)
    except InputError as exc:
        for line in exc.lines():
            print(f"scoreledger: {visible(scrub(line))}", file=sys.stderr)
        return EXIT_USAGE
    except (LedgerError, RulesError) as exc:  # a RulesError names its file and key path
        print(f"scoreledger: {visible(scrub(str(exc)))}", file=sys.stderr)
        return EXIT_DAMAGE if is_damage(exc) else EXIT_USAGE
    except sqlite3.DatabaseError as exc:
        # The file or its disk, not scoreledger: read-only, full, locked past the timeout,
        # damaged pages (by SQLite's error code). A write in progress was rolled back.
        where = getattr(args, "db", None)
        if where:
            line = describe(Path(where), exc, lock_timeout=None, writing=False)
        else:
            line = f"database error: {exc}"
        print(f"scoreledger: {visible(line)}", file=sys.stderr)
        return EXIT_USAGE
    except database_errors() as exc:
        # The server, not scoreledger: gone away, out of space, a lock or a permission
        # refused. The transaction in progress was rolled back.
        db = getattr(args, "db", None)
        text = scrub(" ".join(str(exc).split()))
        where = f"{shown(db)}: " if db else ""
        print(f"scoreledger: {where}database error: {text}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error of ours.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("scoreledger: interrupted; nothing was appended", file=sys.stderr)
        return 130
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    except Exception as exc:
        damage = stored_damage(getattr(args, "db", None))
        if damage is not None:
            print(f"scoreledger: {visible(scrub(damage))}", file=sys.stderr)
            return EXIT_DAMAGE
        print(
            f"scoreledger: internal error: {type(exc).__name__}: {scrub(str(exc))} "
            "(please report it with the command that caused it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def run() -> NoReturn:
    sys.exit(main())
