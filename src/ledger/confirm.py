"""An append confirms what it reports (issue 11.3): every row it sealed is in the table.

A trigger, rule or policy the ledger did not create can make the database drop a row it
was given (SQLite: ``BEFORE INSERT ... RAISE(IGNORE)``; PostgreSQL: a row trigger
returning NULL) while the statement succeeds. Before its transaction commits, an append
counts the rows above the head it started from and reads the new head's hash (one query on
the primary key); anything short is damage, and the whole append is rolled back. A row
dropped before another of the same append makes the chain guard refuse the next one: that
is the same damage.
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import DamageError
from .recorder import ChainRefused, Recorder, SealedRow

_CAUSE = "a trigger, rule or policy scoreledger did not create?"


def insert_sealed(recorder: Recorder, label: str, rows: Sequence[SealedRow]) -> None:
    """Insert rows sealed to extend the chain; a refusal by the chain guard is damage."""
    try:
        recorder.insert(rows)
    except ChainRefused:
        raise DamageError(
            f"{label}: the database did not keep this append's events: it dropped one and "
            f"refused the next as not extending the chain ({_CAUSE}); nothing was appended; "
            "run verify"
        ) from None


def confirm_appended(recorder: Recorder, label: str, after_seq: int, sent: int, last: str) -> None:
    """Raise DamageError unless the `sent` rows after `after_seq` are there, ending in `last`."""
    if not sent:
        return
    kept, head_hash = recorder.kept_after(after_seq)
    if kept != sent or head_hash != last:
        lost = sent - kept if kept < sent else "some"
        raise DamageError(
            f"{label}: the database did not keep {lost} of the {sent} events appended "
            f"({_CAUSE}); nothing was appended; run verify"
        )
