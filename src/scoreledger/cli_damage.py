"""The command line meeting a damaged ledger (issue 11.3): ``verify --deep``, an append
the database did not keep, a stored event that an import would have refused.

Each is damage, not bad input: one line, exit 1 (CONTRACT §4), like verify's findings.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ledger.deep import deep_lines, first_damage
from ledger.errors import DamageError
from ledger.store import Ledger

#: The exit status of damage found (by verify, or met by any command).
EXIT_DAMAGE = 1

Command = Callable[[argparse.Namespace], int]


def add_deep_option(verify: argparse.ArgumentParser) -> None:
    """verify's ``--deep``: after verify's own checks, every stored payload re-validated
    (ledger.deep), one line per invalid event, exit 1 if any."""
    verify.add_argument(
        "--deep",
        action="store_true",
        help="also re-check every stored event as an import would (fields, codes, decimals, "
        "references): one line per invalid event (exit 1)",
    )
    verify.set_defaults(run=_and_deep(verify.get_default("run")))


def _and_deep(verify: Command) -> Command:
    def run(args: argparse.Namespace) -> int:
        status = verify(args)  # the schema, the chain (and anchors), printed as ever
        if not args.deep:
            return status
        with Ledger.open(args.db) as ledger:
            lines = deep_lines(ledger)
        if lines:
            print("\n".join(lines))
        return EXIT_DAMAGE if lines else status

    return run


def is_damage(exc: Exception) -> bool:
    """Whether a LedgerError is damage to the stored ledger (exit 1), not bad input."""
    return isinstance(exc, DamageError)


def stored_damage(where: str | None) -> str | None:
    """After an unexpected error on the ledger at `where`: the line for the first stored
    event an import would have refused, if there is one (a writer with the file appended
    it past the guards, chained correctly). That is damage, not an internal error."""
    if not where:
        return None
    try:
        with Ledger.open(where) as ledger:
            return first_damage(ledger)
    except Exception:  # the ledger cannot even be re-read: the first error stands as it was
        return None
