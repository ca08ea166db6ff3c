"""Projection state in the ledger's SQLite file (``projection*`` tables).

Through the ledger's own connection and write lock (``Ledger.side_tables``: ``BEGIN
IMMEDIATE``, the lock appends take), so a checkpoint and its state are written in one
transaction and never interleave with an append or with another process's state write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .state_records import Key, Loaded, StateUnavailable
from .state_sql import Dialect, SqlStateStore, SqlStateWriter

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


class SQLiteDialect(Dialect):
    def matching(self, column: str, values: Sequence[Any]) -> Iterator[tuple[str, list[Any]]]:
        for i in range(0, len(values), _IN):
            part = list(values[i : i + _IN])
            yield f"{column} IN ({','.join('?' * len(part))})", part


class SQLiteStateStore(SqlStateStore):
    """Projection state in the ledger's SQLite file (module docstring)."""

    dialect = SQLiteDialect()

    def _exists(self) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projection_meta'"
        ).fetchone()
        return row is not None

    def load(self, key: Key, status: str) -> Loaded | None:
        if not self._ensure():
            return None
        if self.conn.in_transaction:  # inside a write: its snapshot already
            return self._load(key, status)
        self.conn.execute("BEGIN")  # one read snapshot (WAL): the row and its groups agree
        try:
            return self._load(key, status)
        finally:
            self.conn.execute("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[SQLiteStateWriter]:
        try:
            with self.side.transaction() as conn:
                for ddl in _SCHEMA:
                    conn.execute(ddl)
                self._ready = True
                yield SQLiteStateWriter(conn, self.dialect)
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc):
                raise StateUnavailable(f"the ledger file is read-only ({exc})") from None
            raise


class SQLiteStateWriter(SqlStateWriter):
    """Writes inside ``BEGIN IMMEDIATE``."""

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def _insert(self, sql: str, params: Sequence[Any]) -> int | None:
        cursor = self.conn.execute(sql, params)
        return int(cursor.lastrowid) if cursor.rowcount == 1 else None
