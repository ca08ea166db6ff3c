"""Projection state on PostgreSQL: the ``projection*`` tables in the ledger's schema.

The same tables as in an SQLite file, in the connection's current schema beside the
events, reached through the ledger's own connection. Every write is one transaction, so a
checkpoint moves with the state it covers. Each write transaction first takes a
transaction-scoped advisory lock on its projection (the schema, ruleset id and period,
whatever the fingerprint or code version): one runner at a time writes a projection, and
its compare-and-set on the position is decided under that lock. A projection and its
groups are read in one REPEATABLE READ snapshot. A role that may not create or write
these tables (the reader role, the append-only writer role) gets StateUnavailable, and
its scores replay the log instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .state_records import Key, Loaded, StateUnavailable
from .state_sql import Dialect, SqlStateStore, SqlStateWriter

#: The advisory-lock class of projection writes (appends use ledger.recorder_postgres's).
LOCK_CLASS = 0x5C0F
#: The lock's key: a projection's schema, ruleset id and period (as the SQL below spells it).
_BY_NAME = "hashtext(current_schema() || ' ' || ?)"
_BY_ROW = "hashtext(current_schema() || ' ' || ruleset || ' ' || period)"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS projection (
    id bigserial PRIMARY KEY,
    ruleset text COLLATE "C" NOT NULL, fingerprint text COLLATE "C" NOT NULL,
    code text COLLATE "C" NOT NULL, period text COLLATE "C" NOT NULL,
    status text NOT NULL CHECK (status IN ('ready', 'building')),
    position bigint NOT NULL, anchor text NOT NULL, updated_at text NOT NULL,
    UNIQUE (fingerprint, code, period, status));
CREATE TABLE IF NOT EXISTS projection_group (
    projection bigint NOT NULL REFERENCES projection(id) ON DELETE CASCADE,
    grp text COLLATE "C" NOT NULL, members text NOT NULL, body bytea,
    PRIMARY KEY (projection, grp));
CREATE TABLE IF NOT EXISTS projection_link (
    info text COLLATE "C" NOT NULL, unit text COLLATE "C" NOT NULL, PRIMARY KEY (info, unit));
CREATE TABLE IF NOT EXISTS projection_meta (name text PRIMARY KEY, value bigint NOT NULL)
"""

_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE: no transaction open
#: insufficient_privilege, read_only_sql_transaction (a standby).
_REFUSED = ("42501", "25006")


class PostgresDialect(Dialect):
    length = "octet_length"
    concat = "string_agg(unit, chr(31))"
    greatest = "GREATEST"

    def q(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def matching(self, column: str, values: Sequence[Any]) -> Iterator[tuple[str, list[Any]]]:
        if values:
            yield f"{column} = ANY(?)", [list(values)]


class PostgresStateStore(SqlStateStore):
    """Projection state in the ledger's PostgreSQL schema (module docstring)."""

    dialect = PostgresDialect()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with _refusals():
            return super()._rows(sql, params)

    def _exists(self) -> bool:
        return self.conn.execute("SELECT to_regclass('projection_meta')").fetchone()[0] is not None

    def load(self, key: Key, status: str) -> Loaded | None:
        if not self._ensure():
            return None
        if self.conn.info.transaction_status != _IDLE:  # inside a write: its own snapshot
            return self._load(key, status)
        with self.conn.transaction():
            # One snapshot: the row and its groups agree, whatever commits meanwhile.
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            return self._load(key, status)

    @contextmanager
    def transaction(self) -> Iterator[PostgresStateWriter]:
        with _refusals(), self.side.transaction() as conn:
            if not self._ensure():
                # Concurrent CREATE TABLE IF NOT EXISTS race in the catalog: one at a time.
                conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_CLASS])
                conn.execute(_SCHEMA)
            yield PostgresStateWriter(conn, self.dialect)
        self._ready = True


@contextmanager
def _refusals() -> Iterator[None]:
    """A statement the database refuses for want of a privilege: StateUnavailable."""
    try:
        yield
    except Exception as exc:
        if getattr(exc, "sqlstate", None) not in _REFUSED:
            raise
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StateUnavailable(f"this role may not keep projection state ({first})") from None


class PostgresStateWriter(SqlStateWriter):
    """Writes inside one transaction, each projection under its advisory lock."""

    def __init__(self, conn: Any, dialect: Dialect) -> None:
        super().__init__(conn, dialect)
        self._locked: set[int] = set()

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = list(rows)
        if batch:
            with self.conn.cursor() as cursor:
                cursor.executemany(self.dialect.q(sql), batch)

    def _lock(self, pid: int) -> None:
        if pid not in self._locked:
            self._execute(
                f"SELECT pg_advisory_xact_lock(?, {_BY_ROW}) FROM projection WHERE id = ?",
                [LOCK_CLASS, pid],
            )
            self._locked.add(pid)

    def _insert(self, sql: str, params: Sequence[Any]) -> int | None:
        ruleset, period = params[0], params[3]
        name = f"{ruleset} {period}"
        self._execute(f"SELECT pg_advisory_xact_lock(?, {_BY_NAME})", [LOCK_CLASS, name])
        row = self._execute(sql + " RETURNING id", params).fetchone()
        return None if row is None else int(row[0])
