"""Where projection state is kept: tables beside the events, behind one small interface.

A *kept projection* is what replaying the log under one (ruleset fingerprint, projection
code version, period) gathered, as of a position (the last ``seq`` it covers, anchored by
that event's hash). Its state is one JSON body per *group* of units (``projections.groups``)
and the board is assembled from the bodies. A :class:`StateStore` is the only code that
speaks SQL about it, in tables beside the events, through the ledger's own connection
(``Ledger.side_tables``), so a checkpoint and its state are written in one transaction:
``state_sqlite.SQLiteStateStore`` in the ledger file (under the write lock appends take),
``state_postgres.PostgresStateStore`` in the ledger's PostgreSQL schema (under an advisory
lock per projection). The SQL they share is written once (``state_sql``).

The tables: ``projection`` (one row per kept projection: key, status, position, anchor),
``projection_group`` (its groups: member units and JSON body), ``projection_link`` (the
(info, unit) pairs of the log, shared by all projections) and ``projection_meta`` (the
position those links cover).

Guarantees every implementation keeps:

* a position moves only by compare-and-set (:meth:`StateWriter.advance`): two processes
  never interleave their writes or move a checkpoint backwards;
* a rebuild writes a separate ``building`` projection (resumable group by group) and
  replaces the ``ready`` one in one transaction (:meth:`StateWriter.promote`): a reader
  sees the old checkpoint or the new one, never a mix;
* the events table is never written.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Protocol

from ledger.recorder import SideTables

from .state_postgres import PostgresStateStore
from .state_records import Kept, Key, Loaded, StateUnavailable
from .state_sqlite import SQLiteStateStore

__all__ = [
    "Kept",
    "Key",
    "Loaded",
    "PostgresStateStore",
    "SQLiteStateStore",
    "StateStore",
    "StateUnavailable",
    "StateWriter",
    "store_for",
]


class StateWriter(Protocol):
    """Writes inside one transaction (:meth:`StateStore.transaction`)."""

    def create(self, key: Key, status: str, position: int, anchor: str) -> int | None:
        """A new projection row; returns its id (None: one with that key and status exists)."""
        ...

    def advance(self, pid: int, expected: int, position: int, anchor: str) -> bool:
        """Compare-and-set the position: from `expected` to `position` (>= expected);
        False (nothing written) when another process moved it first."""
        ...

    def put_groups(self, pid: int, groups: dict[str, tuple[list[str], bytes | None]]) -> None:
        """Write groups: id -> (member units, body; None: planned, not yet built)."""
        ...

    def fill_group(self, pid: int, group: str, body: bytes) -> None:
        """Write the body of a planned group (a rebuild's step)."""
        ...

    def drop_groups(self, pid: int, groups: Iterable[str]) -> None: ...

    def promote(self, pid: int) -> None:
        """Make building projection `pid` the ready one: the previous ready projection of
        the same ruleset id and period (any fingerprint or code version) goes."""
        ...

    def drop(self, pid: int) -> None: ...

    def add_links(self, pairs: Iterable[tuple[str, str]], position: int) -> None:
        """Record (info, unit) pairs of the log up to `position` (forward-only)."""
        ...


class StateStore(Protocol):
    """Projection state in one database (see the module docstring)."""

    def kept(self) -> list[Kept]:
        """Every kept projection (ready and building)."""
        ...

    def find(self, key: Key, status: str) -> Kept | None: ...

    def load(self, key: Key, status: str) -> Loaded | None:
        """A projection with its groups' members and bodies, read in one snapshot."""
        ...

    def groups(self, pid: int, only: Iterable[str] | None = None) -> dict[str, bytes | None]:
        """Group id -> body (None: not yet built), of all groups or of `only`."""
        ...

    def members(self, pid: int) -> dict[str, list[str]]:
        """Group id -> its member units."""
        ...

    def links_position(self) -> int:
        """The last seq whose (info, unit) pairs are recorded."""
        ...

    def links(self, infos: Iterable[str]) -> dict[str, set[str]]:
        """info -> the units whose events name it."""
        ...

    def shared_infos(self) -> list[set[str]]:
        """The unit sets of infos named by events of more than one unit."""
        ...

    def transaction(self) -> AbstractContextManager[StateWriter]:
        """One write transaction, yielding a writer (committed on a normal exit)."""
        ...


def store_for(side: SideTables | None) -> StateStore | None:
    """The state store of a ledger's side tables, or None (no store for that database)."""
    if side is None:
        return None
    if side.dialect == "sqlite":
        return SQLiteStateStore(side)
    if side.dialect == "postgresql":
        return PostgresStateStore(side)
    return None
