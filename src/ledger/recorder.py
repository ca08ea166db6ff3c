"""What a database must do to hold a ledger: store, lock and read sealed rows.

The ledger's rules (validation, normalisation, references, hashing, upcasting) live in
:mod:`ledger.store` and are written once. A *recorder* is the database behind it: it
creates or checks its schema, serialises appends, inserts rows the store has already
sealed, and reads them back. ``recorder_sqlite`` is one; ``recorder_postgres`` another.

Rows cross this interface as plain tuples in the column orders below, so both backends
hand the replay exactly what SQLite always did.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import attrs

from .errors import LedgerError

GENESIS = "0" * 64

#: How long an append waits for another writer's lock, in seconds, unless this names
#: another number (a test, or a batch job that would rather fail fast).
LOCK_TIMEOUT_ENV = "SCORELEDGER_LOCK_TIMEOUT"
LOCK_TIMEOUT = 60.0


def default_lock_timeout() -> float:
    """The lock timeout: ``$SCORELEDGER_LOCK_TIMEOUT`` seconds, else 60."""
    text = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not text:
        return LOCK_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 86400:  # NaN fails too
        raise LedgerError(f"{LOCK_TIMEOUT_ENV}: expected seconds from 0 to 86400, got {text!r}")
    return value


class CreatedElsewhere(Exception):
    """A new ledger's first append committed, but another process had created the ledger
    meanwhile: `payloads` (canonical JSON, in order) must be appended to that one."""

    def __init__(self, label: str, payloads: list[str]) -> None:
        super().__init__(f"{label}: created by another process meanwhile")
        self.payloads = payloads


class ChainRefused(Exception):
    """The chain guard refused a row sealed to extend the chain (``Recorder.insert``): the
    database dropped a row before it (ledger.confirm)."""


#: The stored columns, in insert order.
COLUMNS = (
    "seq",
    "id",
    "type",
    "version",
    "at",
    "unit",
    "info",
    "ref",
    "recorded_at",
    "payload",
    "prev_hash",
    "hash",
    "recorded_by",
)

#: ``recorded_by`` (CONTRACT §8.2) is NULL on rows written before it existed; it is sealed
#: in the hash only when set (ledger.integrity), so those rows keep their hashes.
#: What the replay reads (Ledger.rows, ledger.reader): seq, id, type, at, unit, recorded_at,
#: payload, version (the version decides the payload's upcasting).
REPLAY_COLUMNS = "seq, id, type, at, unit, recorded_at, payload, version"
#: What a Recorded is built from.
RECORD_COLUMNS = "seq, type, unit, recorded_at, payload, version, hash, prev_hash, recorded_by"
#: What verify re-checks, in this order.
CHAIN_COLUMNS = (
    "seq, payload, recorded_at, prev_hash, hash, id, type, at, unit, info, ref, version, "
    "recorded_by"
)
#: What export writes.
EXPORT_COLUMNS = "seq, recorded_at, payload, hash, recorded_by"


#: One event as stored, a tuple in COLUMNS order: its indexed columns, canonical payload and
#: chain link. (A plain tuple: an import builds a million of them.)
SealedRow = tuple[
    int, str, str, int, str, str | None, str | None, str | None, str, str, str, str, str | None
]


@attrs.frozen(kw_only=True)
class Head:
    """The last event's seq, hash and recording time (seq 0, the genesis hash when empty)."""

    seq: int
    hash: str
    recorded_at: str | None


EMPTY_HEAD = Head(seq=0, hash=GENESIS, recorded_at=None)


class SideTables(Protocol):
    """Tables kept beside the events in the same database (projection state), reached
    through the ledger's own connection so their writes can be one transaction.

    ``dialect`` names the SQL spoken (``"sqlite"``, ``"postgresql"``); ``conn`` is the
    DB-API connection; ``transaction()`` is one write transaction on it (committed on a
    normal exit, rolled back on an exception). It never touches the events table.
    """

    dialect: str
    conn: Any

    def transaction(self) -> AbstractContextManager[Any]:
        """One write transaction on ``conn`` (serialised with appends)."""
        ...


class Recorder(Protocol):
    """A database holding one ledger's rows. Every method but ``writing`` may run anywhere.

    ``label`` names the ledger in messages (a path, or a URL with any password removed).
    """

    label: str

    def close(self) -> None: ...

    def recorder_name(self, requested: str | None) -> str:
        """Who the rows appended through this connection are recorded by (CONTRACT §8.2).

        `requested` is what the caller asked for (``--recorded-by``); a database that
        knows its session user refuses it.
        """
        ...

    def head(self) -> Head:
        """The last row's seq, hash and recorded_at."""
        ...

    def writing(self, *, copying: bool = False) -> AbstractContextManager[Head]:
        """One serialised write transaction: yields the head read under the lock.

        No other append can start until this one commits (on a normal exit) or rolls back
        (on an exception), so ``seq`` stays gapless and in commit order. With `copying`,
        inserted rows keep the ``recorded_by`` they carry (a copy, CONTRACT §8.4; a database
        that sets it itself allows this only to the table's owner).
        """
        ...

    def large_batch(self) -> None:
        """A hint, inside ``writing``: this transaction will insert many chunks."""
        ...

    def insert(self, rows: Sequence[SealedRow]) -> None:
        """Insert rows sealed by the store, inside ``writing``; raises ChainRefused when the
        chain guard refuses one."""
        ...

    def kept_after(self, after_seq: int) -> tuple[int, str | None]:
        """How many rows are above `after_seq`, and the last row's hash (what an append
        confirms before it commits, ledger.confirm)."""
        ...

    def find_ids(self, ids: Sequence[str]) -> Iterable[tuple[int, str, str, str]]:
        """(seq, id, type, payload) of the stored events with these ids."""
        ...

    def records_of(self, ids: Sequence[str], types: Sequence[str]) -> Iterable[tuple[Any, ...]]:
        """RECORD_COLUMNS rows of the stored events with these ids and of these types, in no
        order."""
        ...

    def find_submissions(self, infos: Sequence[str]) -> Iterable[tuple[str, str, str, int]]:
        """(info, unit, id, seq) of every submission of these infos, in no order."""
        ...

    def find_retractions(self, targets: Sequence[str]) -> Iterable[tuple[str, int]]:
        """(target, seq of the retraction) of the targets among these that some retraction
        names."""
        ...

    def unit_facts(self, after_seq: int) -> Iterable[tuple[int, str, int]]:
        """(seq, payload, version) of unit registrations and changes after `after_seq`, in
        order."""
        ...

    def replay_rows(
        self,
        after_seq: int,
        as_of: str | None,
        until_day: str | None = None,
        always: Sequence[str] = (),
        *,
        through_seq: int | None = None,
        units: Sequence[str] | None = None,
        every: Sequence[str] = (),
    ) -> Iterator[tuple[Any, ...]]:
        """REPLAY_COLUMNS rows after `after_seq` (up to `through_seq`, recorded at or before
        `as_of`), in order; with `until_day` (YYYY-MM-DD), without those dated later unless
        of a type in `always`; with `units`, only rows of those units (``''``: of none) or
        of a type in `every`."""
        ...

    def seq_hash(self, seq: int) -> str | None:
        """The hash of the event at `seq`, or None past the head."""
        ...

    def last_seq_as_of(self, as_of: str) -> int:
        """The seq of the last event recorded at or before `as_of` (0 if none)."""
        ...

    def unit_counts(self, through_seq: int) -> Iterable[tuple[str | None, int]]:
        """(unit, number of events) up to `through_seq`, per unit column value."""
        ...

    def info_units(self, after_seq: int, through_seq: int) -> Iterable[tuple[str, str | None]]:
        """The distinct (info, unit) pairs of events in (after_seq, through_seq]."""
        ...

    def find_units(self, ids: Sequence[str]) -> Iterable[tuple[str, str, str | None]]:
        """(id, type, unit) of the stored events with these ids."""
        ...

    def record_rows(self, as_of: str | None) -> Iterator[tuple[Any, ...]]:
        """RECORD_COLUMNS rows (recorded at or before `as_of`), in order."""
        ...

    def records_after(self, after_seq: int) -> Iterator[tuple[Any, ...]]:
        """RECORD_COLUMNS rows after `after_seq`, in order (what ``follow`` reads)."""
        ...

    def appends_signal(self) -> AbstractContextManager[Callable[[float], None]]:
        """A wait for other appends: the function it yields returns when some append may
        have committed since it was entered (a hint: the caller re-reads from its position)
        or after at most the seconds given."""
        ...

    def record_row(self, event_id: str) -> tuple[Any, ...] | None:
        """The RECORD_COLUMNS row of this id."""
        ...

    def chain_rows(self) -> Iterator[tuple[Any, ...]]:
        """CHAIN_COLUMNS rows, in order."""
        ...

    def export_rows(self) -> Iterator[tuple[Any, ...]]:
        """EXPORT_COLUMNS rows, in order."""
        ...

    def recorded_by_seq(self, seqs: Sequence[int]) -> Iterable[tuple[int, str | None]]:
        """(seq, recorded_by) of these events."""
        ...

    def is_registered(self, unit: str) -> bool:
        """Whether some registration names this unit."""
        ...

    def schema_problems(self) -> list[str]:
        """What is wrong with the database's schema, one line each: the ledger's tables,
        indexes and guards missing or altered, and whatever is attached to them that the
        ledger did not create (``ledger.schema_check``)."""
        ...

    #: What reading a damaged database raises; verify reports it with ``unreadable``.
    read_errors: tuple[type[Exception], ...]

    def unreadable(self, exc: Exception) -> str:
        """A damage report's problem for a read that failed with `exc`."""
        ...
