"""Where projection state is kept: tables beside the events, behind one small interface.

A *kept projection* is what replaying the log under one (ruleset fingerprint, projection
code version, period) gathered, as of a position (the last ``seq`` it covers, anchored by
that event's hash). Its state is one JSON body per *group* of units (``projections.groups``)
and the board is assembled from the bodies. A :class:`StateStore` is the only code that
speaks SQL about it; :class:`SQLiteStateStore` keeps it in the ledger file itself, through
the ledger's connection and write lock (``Ledger.side_tables``), so a checkpoint and its
state are written in one transaction and never interleave with an append.

Guarantees every implementation keeps:

* a position moves only by compare-and-set (:meth:`StateWriter.advance`): two processes
  never interleave their writes or move a checkpoint backwards;
* a rebuild writes a separate ``building`` projection (resumable group by group) and
  replaces the ``ready`` one in one transaction (:meth:`StateWriter.promote`): a reader
  sees the old checkpoint or the new one, never a mix;
* the events table is never written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, Protocol

import attrs
import orjson

from ledger.recorder import SideTables


@attrs.frozen(kw_only=True)
class Key:
    """What a projection's state depends on besides the log."""

    ruleset: str  # the ruleset's id (for people: the fingerprint decides)
    fingerprint: str
    code: str  # the projection code version (projections.keep.CODE_VERSION)
    period: str


@attrs.frozen(kw_only=True)
class Kept:
    """One kept projection, as listed."""

    id: int
    key: Key
    status: str  # "ready" | "building"
    position: int  # the last seq covered (building: the seq it builds to)
    anchor: str  # the hash of the event at `position` ('' at 0)
    groups: int
    pending: int  # building: groups not yet written
    size: int  # bytes of state
    updated_at: str


@attrs.frozen
class Loaded:
    """A kept projection and its state as of one snapshot."""

    kept: Kept
    members: dict[str, list[str]]  # group -> its units
    bodies: dict[str, bytes | None]  # group -> body (None: planned, not built)


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


class StateUnavailable(Exception):
    """The database refuses to keep state (read-only file): the caller replays instead."""


def store_for(side: SideTables | None) -> SQLiteStateStore | None:
    """The state store of a ledger's side tables, or None (no store for that database)."""
    if side is None or side.dialect != "sqlite":
        return None
    return SQLiteStateStore(side)


_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS projection (
        id INTEGER PRIMARY KEY,
        ruleset TEXT NOT NULL, fingerprint TEXT NOT NULL, code TEXT NOT NULL,
        period TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('ready', 'building')),
        position INTEGER NOT NULL, anchor TEXT NOT NULL, updated_at TEXT NOT NULL,
        UNIQUE (fingerprint, code, period, status))""",
    """CREATE TABLE IF NOT EXISTS projection_group (
        projection INTEGER NOT NULL REFERENCES projection(id) ON DELETE CASCADE,
        grp TEXT NOT NULL, members TEXT NOT NULL, body BLOB,
        PRIMARY KEY (projection, grp)) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS projection_link (
        info TEXT NOT NULL, unit TEXT NOT NULL, PRIMARY KEY (info, unit)) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS projection_meta (
        name TEXT PRIMARY KEY, value INTEGER NOT NULL)""",
)
_IN = 900  # bound parameters per statement


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SQLiteStateStore:
    """Projection state in the ledger's SQLite file (``projection*`` tables)."""

    def __init__(self, side: SideTables) -> None:
        self.side = side
        self.conn = side.conn
        self._ready = False

    def _ensure(self) -> bool:
        """Whether the tables exist (reads never create them)."""
        if not self._ready:
            row = self.conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projection_meta'"
            ).fetchone()
            self._ready = row is not None
        return self._ready

    def kept(self) -> list[Kept]:
        if not self._ensure():
            return []
        rows = self.conn.execute(
            "SELECT p.id, p.ruleset, p.fingerprint, p.code, p.period, p.status, p.position, "
            "p.anchor, p.updated_at, COUNT(g.grp), COUNT(g.grp) - COUNT(g.body), "
            "COALESCE(SUM(LENGTH(g.body)), 0) + COALESCE(SUM(LENGTH(g.members)), 0) "
            "FROM projection p LEFT JOIN projection_group g ON g.projection = p.id "
            "GROUP BY p.id ORDER BY p.ruleset, p.period, p.status DESC, p.id"
        ).fetchall()
        return [_kept(row) for row in rows]

    def find(self, key: Key, status: str) -> Kept | None:
        for kept in self.kept():
            if kept.key == key and kept.status == status:
                return kept
        return None

    def load(self, key: Key, status: str) -> Loaded | None:
        if not self._ensure():
            return None
        conn = self.conn
        conn.execute("BEGIN")  # one read snapshot (WAL): the row and its groups agree
        try:
            kept = self.find(key, status)
            if kept is None:
                return None
            return Loaded(kept=kept, members=self.members(kept.id), bodies=self.groups(kept.id))
        finally:
            conn.execute("COMMIT")

    def groups(self, pid: int, only: Iterable[str] | None = None) -> dict[str, bytes | None]:
        if only is None:
            rows = self.conn.execute(
                "SELECT grp, body FROM projection_group WHERE projection = ?", [pid]
            ).fetchall()
            return dict(rows)
        wanted = sorted(set(only))
        out: dict[str, bytes | None] = {}
        for i in range(0, len(wanted), _IN):
            part = wanted[i : i + _IN]
            sql = (
                "SELECT grp, body FROM projection_group WHERE projection = ? "
                f"AND grp IN ({','.join('?' * len(part))})"
            )
            out.update(self.conn.execute(sql, [pid, *part]).fetchall())
        return out

    def members(self, pid: int) -> dict[str, list[str]]:
        rows = self.conn.execute(
            "SELECT grp, members FROM projection_group WHERE projection = ?", [pid]
        ).fetchall()
        return {grp: orjson.loads(members) for grp, members in rows}

    def links_position(self) -> int:
        if not self._ensure():
            return 0
        row = self.conn.execute(
            "SELECT value FROM projection_meta WHERE name = 'links_position'"
        ).fetchone()
        return 0 if row is None else int(row[0])

    def links(self, infos: Iterable[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        if not self._ensure():
            return out
        wanted = sorted(set(infos))
        for i in range(0, len(wanted), _IN):
            part = wanted[i : i + _IN]
            marks = ",".join("?" * len(part))
            sql = f"SELECT info, unit FROM projection_link WHERE info IN ({marks})"
            for info, unit in self.conn.execute(sql, part):
                out.setdefault(info, set()).add(unit)
        return out

    def shared_infos(self) -> list[set[str]]:
        if not self._ensure():
            return []
        rows = self.conn.execute(
            "SELECT group_concat(unit, char(31)) FROM projection_link "
            "GROUP BY info HAVING COUNT(*) > 1"
        ).fetchall()
        return [set(text.split("\x1f")) for (text,) in rows]

    @contextmanager
    def transaction(self) -> Iterator[SQLiteStateWriter]:
        try:
            with self.side.transaction() as conn:
                for ddl in _SCHEMA:
                    conn.execute(ddl)
                self._ready = True
                yield SQLiteStateWriter(conn)
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc):
                raise StateUnavailable(f"the ledger file is read-only ({exc})") from None
            raise


def _kept(row: tuple[Any, ...]) -> Kept:
    pid, ruleset, fp, code, period, status, position, anchor, updated, groups, pending, size = row
    return Kept(
        id=pid,
        key=Key(ruleset=ruleset, fingerprint=fp, code=code, period=period),
        status=status,
        position=position,
        anchor=anchor,
        groups=groups,
        pending=pending,
        size=size,
        updated_at=updated,
    )


class SQLiteStateWriter:
    """:class:`StateWriter` on a connection inside ``BEGIN IMMEDIATE``."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def create(self, key: Key, status: str, position: int, anchor: str) -> int | None:
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO projection (ruleset, fingerprint, code, period, status, "
            "position, anchor, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [key.ruleset, key.fingerprint, key.code, key.period, status, position, anchor, _now()],
        )
        return int(cursor.lastrowid) if cursor.rowcount == 1 else None

    def advance(self, pid: int, expected: int, position: int, anchor: str) -> bool:
        if position < expected:
            return False  # forward only
        cursor = self.conn.execute(
            "UPDATE projection SET position = ?, anchor = ?, updated_at = ? "
            "WHERE id = ? AND position = ?",
            [position, anchor, _now(), pid, expected],
        )
        return bool(cursor.rowcount == 1)

    def put_groups(self, pid: int, groups: dict[str, tuple[list[str], bytes | None]]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO projection_group (projection, grp, members, body) "
            "VALUES (?, ?, ?, ?)",
            [(pid, g, orjson.dumps(sorted(m)), body) for g, (m, body) in groups.items()],
        )

    def fill_group(self, pid: int, group: str, body: bytes) -> None:
        self.conn.execute(
            "UPDATE projection_group SET body = ? WHERE projection = ? AND grp = ?",
            [body, pid, group],
        )

    def drop_groups(self, pid: int, groups: Iterable[str]) -> None:
        self.conn.executemany(
            "DELETE FROM projection_group WHERE projection = ? AND grp = ?",
            [(pid, g) for g in groups],
        )

    def promote(self, pid: int) -> None:
        row = self.conn.execute(
            "SELECT ruleset, period FROM projection WHERE id = ?", [pid]
        ).fetchone()
        if row is None:
            return
        for (old,) in self.conn.execute(
            "SELECT id FROM projection WHERE ruleset = ? AND period = ? AND status = 'ready'",
            list(row),
        ).fetchall():
            self.drop(old)
        self.conn.execute(
            "UPDATE projection SET status = 'ready', updated_at = ? WHERE id = ?", [_now(), pid]
        )

    def drop(self, pid: int) -> None:
        self.conn.execute("DELETE FROM projection_group WHERE projection = ?", [pid])
        self.conn.execute("DELETE FROM projection WHERE id = ?", [pid])

    def add_links(self, pairs: Iterable[tuple[str, str]], position: int) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO projection_link (info, unit) VALUES (?, ?)", pairs
        )
        self.conn.execute(
            "INSERT INTO projection_meta (name, value) VALUES ('links_position', ?) "
            "ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)",
            [position],
        )
