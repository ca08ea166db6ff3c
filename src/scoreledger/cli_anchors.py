"""``verify --expect SEQ:HASH`` and ``--anchors FILE`` (CONTRACT §8.3): the ledger checked
against heads held outside it, which is what catches a truncation or a consistently
recomputed chain (ledger.anchors)."""

from __future__ import annotations

import argparse


def add_anchor_options(parser: argparse.ArgumentParser) -> None:
    """verify's anchor options; both repeatable, checked after the chain."""
    parser.add_argument(
        "--expect",
        action="append",
        default=[],
        metavar="SEQ:HASH",
        help="a head the ledger must still hold (the seq, a colon, the 64-hex hash, as a "
        "report's first line gives it); repeatable; exit 1 if the ledger was truncated "
        "before that seq or holds another hash there",
    )
    parser.add_argument(
        "--anchors",
        action="append",
        default=[],
        metavar="FILE",
        help="heads to expect, from a file: a text report (its first line, head SEQ:HASH), "
        'a JSON report (its "head"), or SEQ:HASH lines (# comments); - for standard '
        "input; repeatable",
    )
