"""``copy SRC DST`` (CONTRACT §8.4): a copy that keeps the chain, for backup, restore and
moving a ledger between SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
from typing import Any


def cmd_copy(args: argparse.Namespace) -> int:
    """Copy every event, with its seq, recorded_at, recorded_by and hash."""
    # Imported when the command runs: a score need not load it.
    from ledger.copier import copy_ledger

    result = copy_ledger(args.src, args.db)
    head = result.head
    print(f"copied {result.copied} events, head {head.seq}:{head.hash}")
    return 0


def add_copy_command(sub: Any) -> None:
    """The ``copy`` subcommand."""
    p = sub.add_parser(
        "copy",
        help="copy a ledger or an export into a new ledger, keeping seq, times and hashes",
        description="Copy every event of SRC into DST keeping its seq, recorded_at, "
        "recorded_by and hash, so DST verifies with the same head and --as-of answers the "
        "same on both: the backup and restore (with export), and the move between SQLite "
        "and PostgreSQL. Every event's hash is recomputed and its payload checked as an "
        "import would; any problem refuses the whole copy (exit 2, nothing written).",
    )
    p.add_argument(
        "src",
        metavar="SRC",
        help="a ledger (file path or postgresql:// URL) or an export (JSON Lines as export "
        "writes it; - for standard input)",
    )
    p.add_argument(
        "db",
        metavar="DST",
        help="a new or empty ledger: a file path (SQLite) or a postgresql:// URL",
    )
    p.set_defaults(run=cmd_copy)
