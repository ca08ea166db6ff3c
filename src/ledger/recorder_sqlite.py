"""The SQLite recorder: one ledger file, its guarded table, ``BEGIN IMMEDIATE`` appends.

A ledger file is a plain SQLite database anyone can open. The ``events`` table is guarded
by triggers (no UPDATE, no DELETE, no insert that breaks the chain), and every append runs
in a ``BEGIN IMMEDIATE`` transaction, so several processes may append to one file at once
without losing an event or forking the chain.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from itertools import chain
from pathlib import Path
from typing import Any

from .errors import LedgerError
from .events import SCHEMA_VERSION
from .recorder import (
    COLUMNS,
    ChainRefused,
    CreatedElsewhere,
    Head,
    SealedRow,
    default_lock_timeout,
)
from .recorder_sql import SqlRecorder
from .schema import (
    CHAIN_MESSAGE,
    GUARDS,
    TIME_GUARD,
    ensure_schema,
    read_schema_version,
    table_names,
)
from .schema_check import sqlite_problems
from .sqlite_errors import (
    ENVIRONMENT_CODES,
    describe,
    is_damage,
    malformed,
    primary_code,
    why_read_only,
)
from .sqlite_files import put_in_place, remove, remove_stale, staging_name

#: Page cache of a batch longer than one chunk, in KiB (SQLite's default is 2,000). A large
#: import is one transaction: in 2 MiB its dirty pages spill to the WAL and are read back;
#: 64 MiB made 400k-row inserts ~30 % faster (A/B, docs/performance.md). Reads keep the
#: default, which was ~6 % faster for a replay's one pass over the log.
IMPORT_CACHE_KIB = 65536
#: How often a follower looks for appends to a file, in seconds.
POLL = 0.05
#: SQLite's default limit on bound parameters is 999 in old builds; stay under it.
_IN_CHUNK = 900

_INSERT = f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
#: Rows per multi-row INSERT: one statement (one step, one statement journal) inserts many
#: rows, each still checked by the guards as it goes in; 64 x 13 parameters stay under old
#: builds' 999. A 100k import's inserts took ~6 % less CPU than one statement per row (A/B).
_ROWS_PER_INSERT = 64
_INSERT_MANY = _INSERT + f", ({', '.join('?' * len(COLUMNS))})" * (_ROWS_PER_INSERT - 1)


class SQLiteRecorder(SqlRecorder):
    """A ledger in one SQLite file (see the module docstring)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        create: bool,
        durable: bool = True,
        lock_timeout: float | None = None,
    ):
        self.path = Path(path)
        self.label = str(self.path)
        self.lock_timeout = default_lock_timeout() if lock_timeout is None else lock_timeout
        exists = self.path.exists()
        if not create and not exists:
            raise LedgerError(f"{self.path}: no such ledger file (only import and demo create one)")
        if self.path.is_dir():
            raise LedgerError(f"{self.path}: is a folder, not a ledger file")
        #: Why this file cannot be written (None: it can); then it is opened read-only.
        self.read_only = why_read_only(self.path)
        if create and self.read_only:
            what = "read-only" if exists else "cannot create it"
            raise LedgerError(f"{self.path}: {what}: {self.read_only}; nothing was appended")
        self._durable = durable
        if self.read_only is None:  # what creates killed outright left beside it
            remove_stale(self.path)
        #: The file open: a new ledger's staging name until its first commit (sqlite_files).
        self.file = self.path if exists or not create else staging_name(self.path)
        self.conn = self._connect()
        self._cache_before: int | None = None
        try:
            self._prepare(create, durable)
            if create and exists:
                self._refuse_malformed()
        except sqlite3.DatabaseError as exc:
            self.abandon()
            raise LedgerError(self._describe(exc, writing=create)) from None
        except LedgerError:
            self.abandon()
            raise

    def _describe(self, exc: sqlite3.Error, *, writing: bool) -> str:
        return describe(self.path, exc, lock_timeout=self.lock_timeout, writing=writing)

    def _connect(self) -> sqlite3.Connection:
        """A connection: read-write, or read-only when the file or its medium is."""
        try:
            if self.read_only is None:
                return sqlite3.connect(self.file, isolation_level=None, timeout=self.lock_timeout)
            return self._connect_read_only()
        except sqlite3.Error as exc:
            raise LedgerError(self._describe(exc, writing=False)) from None

    def _connect_read_only(self) -> sqlite3.Connection:
        uri = self.path.resolve().as_uri()
        try:
            conn = sqlite3.connect(
                f"{uri}?mode=ro", uri=True, isolation_level=None, timeout=self.lock_timeout
            )
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError as exc:
            if primary_code(exc) != sqlite3.SQLITE_CANTOPEN:
                raise
        # A WAL file needs FILE-shm beside it, which a read-only folder or medium cannot
        # hold; immutable=1 reads the file without it. Safe only when no -wal holds appends
        # not yet checkpointed into the file (a clean close leaves none).
        wal = Path(f"{self.path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise LedgerError(
                f"{self.path}: read-only ({self.read_only}), and appends still in {wal.name} "
                "cannot be read without writing beside it; copy both files to a writable folder"
            )
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)

    def _prepare(self, create: bool, durable: bool) -> None:
        conn = self.conn
        # Guards: REPLACE must fire the DELETE trigger; WAL for concurrent readers.
        conn.execute("PRAGMA recursive_triggers=ON")
        conn.execute(f"PRAGMA busy_timeout={int(self.lock_timeout * 1000)}")
        if create:
            if read_schema_version(conn) is None and table_names(conn):
                # Someone else's SQLite file: do not add our tables to it.
                raise LedgerError(f"{self.path}: not a scoreledger ledger (no events table)")
            import sqlite_utils  # schema work only: reading a ledger needs none of it

            ensure_schema(sqlite_utils.Database(conn))
        version = read_schema_version(conn)
        if version is None:
            raise LedgerError(f"{self.path}: not a scoreledger ledger (no events table)")
        if version > SCHEMA_VERSION:
            raise LedgerError(
                f"{self.path}: written by a newer scoreledger (schema {version}); upgrade"
            )
        conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        self._has_recorded_by = _has_recorded_by(conn)

    def _refuse_malformed(self) -> None:
        """Refuse to append to a file SQLite finds damaged (an append may touch only
        sound pages and succeed, leaving a ledger verify calls DAMAGED). quick_check reads
        every page once but skips the index cross-checks; its cost beside an import is in
        docs/performance.md (benchmarks/bench_quick_check.py)."""
        found = [row[0] for row in self.conn.execute("PRAGMA quick_check(3)")]
        if found != ["ok"]:
            raise LedgerError(malformed(self.path, "; ".join(found), writing=True))

    def recorder_name(self, requested: str | None) -> str:
        if requested is not None:
            return requested
        try:
            return getpass.getuser()
        except (OSError, KeyError):  # no login name, no passwd entry (some containers)
            return f"uid {os.getuid()}"

    def _sql(self, text: str) -> str:
        # A file from before recorded_by reads NULL for it until its first append adds it.
        return text if self._has_recorded_by else text.replace("recorded_by", "NULL")

    def close(self) -> None:
        if self.staged:  # created and never written to: an empty ledger, put in place
            self._put_in_place(reopen=False)
        self.conn.close()

    @property
    def staged(self) -> bool:
        """Whether this is a new ledger not yet in place (under its staging name)."""
        return self.file != self.path

    def abandon(self) -> None:
        """Close; a new ledger not yet in place is removed (a create that failed)."""
        self.conn.close()
        if self.staged:
            remove(self.file)
            self.file = self.path

    def _put_in_place(self, *, reopen: bool) -> list[str] | None:
        """Move the staged ledger to its name; None, or, when another process created the
        ledger first, the payloads committed here, in seq order (to append to theirs)."""
        conn, staged = self.conn, self.file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page into the file itself
        conn.close()
        self.file = self.path
        placed = put_in_place(staged, self.path)
        payloads = None
        if not placed:
            with closing(sqlite3.connect(staged)) as own:
                rows = own.execute("SELECT payload FROM events ORDER BY seq")
                payloads = [row[0] for row in rows]
        remove(staged)
        if reopen:
            self.conn = self._connect()
            self._prepare(False, self._durable)
        return payloads

    # -- writing ---------------------------------------------------------------

    @contextmanager
    def writing(self, *, copying: bool = False) -> Iterator[Head]:
        # `copying` needs nothing here: an SQLite file stores the recorded_by it is given.
        conn = self.conn
        if self.read_only:
            raise LedgerError(f"{self.path}: read-only: {self.read_only}; nothing was appended")
        try:
            conn.execute("BEGIN IMMEDIATE")  # the write lock, taken before the head is read
            if not _has_recorded_by(conn):  # a file from before recorded_by
                conn.execute("ALTER TABLE events ADD COLUMN recorded_by TEXT")
            self._has_recorded_by = True
            # A file from before the time-order guard gains it with its first append (a no-op
            # statement when it is there).
            conn.execute(GUARDS[TIME_GUARD])
            yield self.head()
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if primary_code(exc) in ENVIRONMENT_CODES:
                raise LedgerError(self._describe(exc, writing=True)) from None
            raise
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            if self._cache_before is not None:
                conn.execute(f"PRAGMA cache_size={self._cache_before}")
                self._cache_before = None
        if self.staged:  # a new ledger's first commit: now it may have its name
            payloads = self._put_in_place(reopen=True)
            if payloads is not None:
                raise CreatedElsewhere(self.label, payloads)

    @contextmanager
    def appends_signal(self) -> Iterator[Callable[[float], None]]:
        # A file tells no one of its appends: the follower polls, cheaply (PRAGMA
        # data_version changes when another connection commits).
        seen = self.conn.execute("PRAGMA data_version").fetchone()[0]

        def wait(timeout: float) -> None:
            nonlocal seen
            deadline = time.monotonic() + timeout
            while True:  # self.conn: a new ledger's connection changes at its first commit
                now = self.conn.execute("PRAGMA data_version").fetchone()[0]
                if now != seen or time.monotonic() >= deadline:
                    seen = now
                    return
                time.sleep(min(POLL, max(0.0, deadline - time.monotonic())))

        yield wait

    def side_tables(self) -> SQLiteSideTables:
        """This file's connection for tables beside the events (projection state)."""
        return SQLiteSideTables(self.conn)

    def large_batch(self) -> None:
        if self._cache_before is None:
            self._cache_before = self.conn.execute("PRAGMA cache_size").fetchone()[0]
            self.conn.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")

    def insert(self, rows: Sequence[SealedRow]) -> None:
        whole = len(rows) - len(rows) % _ROWS_PER_INSERT  # rows in full groups
        try:
            if whole:
                self.conn.executemany(_INSERT_MANY, _groups(rows, whole))
            if whole < len(rows):
                self.conn.executemany(_INSERT, rows[whole:])
        except sqlite3.IntegrityError as exc:
            if CHAIN_MESSAGE in str(exc):
                raise ChainRefused(str(exc)) from None
            raise

    def kept_after(self, after_seq: int) -> tuple[int, str | None]:
        if after_seq:
            return super().kept_after(after_seq)
        # Every row of a ledger that was empty: counted in the id index, which SQLite picks
        # for an unconditioned COUNT(*) (a tenth of the table's pages: 0.11 -> 0.006 s of a
        # million rows, warm); seq > 0 holds every row the chain guard lets in.
        row = self._one(
            "SELECT COUNT(*), (SELECT hash FROM events ORDER BY seq DESC LIMIT 1) FROM events"
        )
        assert row is not None  # an aggregate always has its row
        return int(row[0]), row[1]

    # -- reading ---------------------------------------------------------------

    def _matching(self, column: str, values: Sequence[Any]) -> Iterator[tuple[str, list[Any]]]:
        ordered = sorted(values)
        for i in range(0, len(ordered), _IN_CHUNK):
            part = ordered[i : i + _IN_CHUNK]
            yield f"{column} IN ({','.join('?' * len(part))})", part

    def schema_problems(self) -> list[str]:
        return sqlite_problems(self.conn)

    #: What a file SQLite itself cannot read through raises; verify reports it as damage.
    read_errors: tuple[type[Exception], ...] = (sqlite3.DatabaseError,)

    def unreadable(self, exc: Exception) -> str:
        """Damage for a damaged file; a lock, a full disk or an I/O error is not damage
        and raises its own one line (LedgerError) instead."""
        if isinstance(exc, sqlite3.Error) and not is_damage(exc) and primary_code(exc):
            raise LedgerError(self._describe(exc, writing=False)) from None
        return f"SQLite cannot read the file ({exc})"


class SQLiteSideTables:
    """Side tables in the ledger file: its connection, ``BEGIN IMMEDIATE`` transactions
    (the same write lock appends take, so a state write and an append never interleave)."""

    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _groups(rows: Sequence[SealedRow], whole: int) -> Iterator[tuple[Any, ...]]:
    """The parameters of the first `whole` rows, _ROWS_PER_INSERT rows to a tuple, in order."""
    for start in range(0, whole, _ROWS_PER_INSERT):
        yield tuple(chain.from_iterable(rows[start : start + _ROWS_PER_INSERT]))


def _has_recorded_by(conn: sqlite3.Connection) -> bool:
    return any(row[1] == "recorded_by" for row in conn.execute("PRAGMA table_info(events)"))
