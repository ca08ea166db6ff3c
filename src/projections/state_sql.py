"""The SQL both state stores share: the same statements, each database's dialect.

Statements are written once with ``?`` placeholders; a store for a database that uses
another style rewrites them (:meth:`SqlStateStore.q`), says how to match a column against
many values (:meth:`SqlStateStore.matching`) and names its few differing functions. The
tables are the same on every database (``projections.state_store`` says what they hold).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from ledger.recorder import SideTables

from .state_records import Kept, Key, Loaded


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Dialect:
    """How one database spells what the statements below need."""

    #: Bytes of a text or blob column.
    length = "LENGTH"
    #: The units of one info, separated by U+001F.
    concat = "group_concat(unit, char(31))"
    #: The larger of two values.
    greatest = "MAX"

    def q(self, sql: str) -> str:
        """`sql` in this database's placeholder style."""
        return sql

    def matching(self, column: str, values: Sequence[Any]) -> Iterator[tuple[str, list[Any]]]:
        """(condition, parameters) pairs that together match `column` against `values`."""
        raise NotImplementedError


class SqlStateStore:
    """:class:`~projections.state_store.StateStore`'s reads over a DB-API connection."""

    dialect: Dialect

    def __init__(self, side: SideTables) -> None:
        self.side = side
        self.conn = side.conn
        self._ready = False

    def _exists(self) -> bool:
        raise NotImplementedError

    def _ensure(self) -> bool:
        """Whether the tables exist (reads never create them)."""
        if not self._ready:
            self._ready = self._exists()
        return self._ready

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self.conn.execute(self.dialect.q(sql), params).fetchall()
        return rows

    def kept(self) -> list[Kept]:
        if not self._ensure():
            return []
        length = self.dialect.length
        rows = self._rows(
            "SELECT p.id, p.ruleset, p.fingerprint, p.code, p.period, p.status, p.position, "
            "p.anchor, p.updated_at, COUNT(g.grp), COUNT(g.grp) - COUNT(g.body), "
            f"COALESCE(SUM({length}(g.body)), 0) + COALESCE(SUM({length}(g.members)), 0) "
            "FROM projection p LEFT JOIN projection_group g ON g.projection = p.id "
            "GROUP BY p.id ORDER BY p.ruleset, p.period, p.status DESC, p.id"
        )
        return [kept_row(row) for row in rows]

    def find(self, key: Key, status: str) -> Kept | None:
        for kept in self.kept():
            if kept.key == key and kept.status == status:
                return kept
        return None

    def _load(self, key: Key, status: str) -> Loaded | None:
        """`load`'s reads; the store runs them in one snapshot."""
        kept = self.find(key, status)
        if kept is None:
            return None
        return Loaded(kept=kept, members=self.members(kept.id), bodies=self.groups(kept.id))

    def groups(self, pid: int, only: Iterable[str] | None = None) -> dict[str, bytes | None]:
        sql = "SELECT grp, body FROM projection_group WHERE projection = ?"
        if only is None:
            rows = self._rows(sql, [pid])
        else:
            rows = []
            for condition, params in self.dialect.matching("grp", sorted(set(only))):
                rows += self._rows(f"{sql} AND {condition}", [pid, *params])
        return {grp: None if body is None else bytes(body) for grp, body in rows}

    def members(self, pid: int) -> dict[str, list[str]]:
        rows = self._rows("SELECT grp, members FROM projection_group WHERE projection = ?", [pid])
        return {grp: orjson.loads(members) for grp, members in rows}

    def links_position(self) -> int:
        if not self._ensure():
            return 0
        rows = self._rows("SELECT value FROM projection_meta WHERE name = 'links_position'")
        return int(rows[0][0]) if rows else 0

    def links(self, infos: Iterable[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        if not self._ensure():
            return out
        for condition, params in self.dialect.matching("info", sorted(set(infos))):
            for info, unit in self._rows(
                f"SELECT info, unit FROM projection_link WHERE {condition}", params
            ):
                out.setdefault(info, set()).add(unit)
        return out

    def shared_infos(self) -> list[set[str]]:
        if not self._ensure():
            return []
        rows = self._rows(
            f"SELECT {self.dialect.concat} FROM projection_link GROUP BY info HAVING COUNT(*) > 1"
        )
        return [set(text.split("\x1f")) for (text,) in rows]


def kept_row(row: tuple[Any, ...]) -> Kept:
    pid, ruleset, fp, code, period, status, position, anchor, updated, groups, pending, size = row
    return Kept(
        id=int(pid),
        key=Key(ruleset=ruleset, fingerprint=fp, code=code, period=period),
        status=status,
        position=int(position),
        anchor=anchor,
        groups=int(groups),
        pending=int(pending),
        size=int(size),
        updated_at=updated,
    )


class SqlStateWriter:
    """:class:`~projections.state_store.StateWriter` inside one write transaction."""

    def __init__(self, conn: Any, dialect: Dialect) -> None:
        self.conn = conn
        self.dialect = dialect

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(self.dialect.q(sql), params)

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def _lock(self, pid: int) -> None:
        """Before writing projection `pid` (a database with row-independent writers locks)."""

    def _insert(self, sql: str, params: Sequence[Any]) -> int | None:
        """Run an INSERT … ON CONFLICT DO NOTHING; the new row's id, or None."""
        raise NotImplementedError

    def create(self, key: Key, status: str, position: int, anchor: str) -> int | None:
        return self._insert(
            "INSERT INTO projection (ruleset, fingerprint, code, period, status, "
            "position, anchor, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [key.ruleset, key.fingerprint, key.code, key.period, status, position, anchor, now()],
        )

    def advance(self, pid: int, expected: int, position: int, anchor: str) -> bool:
        if position < expected:
            return False  # forward only
        self._lock(pid)
        cursor = self._execute(
            "UPDATE projection SET position = ?, anchor = ?, updated_at = ? "
            "WHERE id = ? AND position = ?",
            [position, anchor, now(), pid, expected],
        )
        return bool(cursor.rowcount == 1)

    def put_groups(self, pid: int, groups: dict[str, tuple[list[str], bytes | None]]) -> None:
        self._lock(pid)
        self._executemany(
            "INSERT INTO projection_group (projection, grp, members, body) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (projection, grp) DO UPDATE "
            "SET members = excluded.members, body = excluded.body",
            [(pid, g, orjson.dumps(sorted(m)).decode(), body) for g, (m, body) in groups.items()],
        )

    def fill_group(self, pid: int, group: str, body: bytes) -> None:
        self._lock(pid)
        self._execute(
            "UPDATE projection_group SET body = ? WHERE projection = ? AND grp = ?",
            [body, pid, group],
        )

    def drop_groups(self, pid: int, groups: Iterable[str]) -> None:
        self._lock(pid)
        self._executemany(
            "DELETE FROM projection_group WHERE projection = ? AND grp = ?",
            [(pid, g) for g in groups],
        )

    def promote(self, pid: int) -> None:
        self._lock(pid)
        rows = self._execute("SELECT ruleset, period FROM projection WHERE id = ?", [pid])
        found = rows.fetchone()
        if found is None:
            return
        olds = self._execute(
            "SELECT id FROM projection WHERE ruleset = ? AND period = ? AND status = 'ready'",
            list(found),
        ).fetchall()
        for (old,) in olds:
            self.drop(old)
        self._execute(
            "UPDATE projection SET status = 'ready', updated_at = ? WHERE id = ?", [now(), pid]
        )

    def drop(self, pid: int) -> None:
        self._lock(pid)
        self._execute("DELETE FROM projection_group WHERE projection = ?", [pid])
        self._execute("DELETE FROM projection WHERE id = ?", [pid])

    def add_links(self, pairs: Iterable[tuple[str, str]], position: int) -> None:
        self._executemany(
            "INSERT INTO projection_link (info, unit) VALUES (?, ?) ON CONFLICT DO NOTHING",
            pairs,
        )
        self._execute(
            "INSERT INTO projection_meta (name, value) VALUES ('links_position', ?) "
            "ON CONFLICT (name) DO UPDATE SET value = "
            f"{self.dialect.greatest}(projection_meta.value, excluded.value)",
            [position],
        )
