"""The PostgreSQL recorder: a ledger in a database server, for many offices at once.

A ledger is the ``events`` table (and ``schema_version``) in the connection's current
schema; ``ledger.schema_postgres`` creates them with their guards. Appends are serialised
by a transaction-scoped advisory lock taken before the head is read, so ``seq`` stays
gapless and in commit order whatever the number of writers; a writer that waits longer
than the lock timeout gets one clear error and appends nothing.

The driver, psycopg 3, is the optional extra ``scoreledger[postgres]``: it is imported
only when a ``postgresql://`` URL is opened. No message ever shows a URL's password.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeGuard
from urllib.parse import unquote

from .errors import LedgerError
from .events import SCHEMA_VERSION
from .recorder import COLUMNS, ChainRefused, Head, SealedRow, default_lock_timeout
from .recorder_sql import FETCH, SqlRecorder
from .schema import CHAIN_MESSAGE, TIME_GUARD
from .schema_check_postgres import postgres_problems
from .schema_postgres import (
    COPY_SETTING,
    create_statements,
    ident,
    time_guard_statements,
)

#: URL schemes libpq takes.
SCHEMES = ("postgresql://", "postgres://")
#: The advisory-lock class of scoreledger's locks (the first key of the two-key form);
#: the second key is the events table's oid (appends) or 0 (creating the schema).
LOCK_CLASS = 0x5C0E
MINIMUM_SERVER = 130000  # PostgreSQL 13 (CONTRACT §8.1)

_COPY = f"COPY events ({', '.join(COLUMNS)}) FROM STDIN"
#: Secrets seen in URLs opened by this process; messages are scrubbed of them.
_SECRETS: set[str] = set()


def is_url(location: object) -> TypeGuard[str]:
    """Whether a DB argument names a PostgreSQL server rather than a file."""
    return isinstance(location, str) and location.startswith(SCHEMES)


def masked(url: str) -> str:
    """`url` with its password (in the authority or a ``password=`` parameter) as ``***``;
    the rest exactly as given."""
    scheme, sep, rest = url.partition("://")
    authority, slash, tail = _split_authority(rest)
    if "@" in authority:
        auth, host = authority.rsplit("@", 1)
        user, colon, secret = auth.partition(":")
        if colon:
            _SECRETS.update({secret, unquote(secret)})
            authority = f"{user}:***@{host}"

    def hide(match: re.Match[str]) -> str:
        _SECRETS.update({match[2], unquote(match[2])})
        return f"{match[1]}***"

    tail = re.sub(r"([?&]password=)([^&#]*)", hide, tail)
    return f"{scheme}{sep}{authority}{slash}{tail}"


def _split_authority(rest: str) -> tuple[str, str, str]:
    """(authority, separator, the rest): the authority ends at the first / or ?."""
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    return rest[:cut], "", rest[cut:]


def scrub(text: str) -> str:
    """`text` without any secret of a URL this process opened (for error messages)."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "***")
    return text


def _driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise LedgerError(
            "a postgresql:// ledger needs the PostgreSQL driver: "
            "pip install 'scoreledger[postgres]'"
        ) from None
    return psycopg


def database_errors() -> tuple[type[Exception], ...]:
    """The driver's error classes, if it is loaded (the CLI reports them in one line)."""
    import sys

    psycopg = sys.modules.get("psycopg")
    return () if psycopg is None else (psycopg.Error,)


def _one_line(exc: Exception) -> str:
    first = str(exc).strip().splitlines()
    return scrub(re.sub(r"\s+", " ", first[0] if first else type(exc).__name__))


class PostgresRecorder(SqlRecorder):
    """A ledger in a PostgreSQL database (see the module docstring)."""

    def __init__(self, url: str, *, create: bool, lock_timeout: float | None = None):
        self.url = url
        self.label = masked(url)
        # How long an append waits for the others before giving up, in seconds.
        self.lock_timeout = default_lock_timeout() if lock_timeout is None else lock_timeout
        self._pg = _driver()
        self.read_errors: tuple[type[Exception], ...] = (self._pg.Error,)
        self.conn = self._connect()
        self._spare: list[Any] = []  # idle connections for streamed reads
        try:
            self._prepare(create)
        except BaseException:
            self.conn.close()
            raise

    def _connect(self) -> Any:
        try:
            return self._pg.connect(self.url, autocommit=True)
        except self._pg.Error as exc:
            raise LedgerError(f"{self.label}: cannot connect: {_one_line(exc)}") from None
        except Exception as exc:  # a malformed URL is a ProgrammingError or a ValueError
            problem = _one_line(exc)
            raise LedgerError(f"{self.label}: not a usable PostgreSQL URL: {problem}") from None

    def _prepare(self, create: bool) -> None:
        conn = self.conn
        if conn.info.server_version < MINIMUM_SERVER:
            raise LedgerError(f"{self.label}: PostgreSQL 13 or newer is needed")
        encoding = conn.execute("SHOW server_encoding").fetchone()[0]
        if encoding != "UTF8":
            raise LedgerError(f"{self.label}: the database's encoding is {encoding}, not UTF8")
        schema = conn.execute("SELECT current_schema()").fetchone()[0]
        if schema is None:
            raise LedgerError(f"{self.label}: the search_path names no existing schema")
        self.schema: str = schema
        self.table = f"{ident(schema)}.events"  # qualified: no temporary table shadows it
        self.channel = f"scoreledger {schema}"[:63]  # what followers LISTEN to
        if create and self._version() is None:
            self._create()
        version = self._version()
        if version is None:
            raise LedgerError(
                f"{self.label}: no ledger in this database (only import, demo and copy create one)"
            )
        if version > SCHEMA_VERSION:
            raise LedgerError(
                f"{self.label}: written by a newer scoreledger (schema {version}); upgrade"
            )
        if create:
            self._install_time_guard()

    def _install_time_guard(self) -> None:
        """Give a ledger from before the time-order guard its guard, if this session owns
        the table (a writer role cannot; verify does not need it)."""
        conn = self.conn
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_CLASS])
            lacking, owner = conn.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = c.oid "
                "AND tgname = %s), pg_has_role(session_user, c.relowner, 'USAGE') "
                "FROM pg_class c WHERE c.oid = %s::regclass",
                [TIME_GUARD, self.table],
            ).fetchone()
            if lacking and owner:
                conn.execute(";\n".join(time_guard_statements(self.schema)))

    def _version(self) -> int | None:
        """The ledger's schema version, or None when the schema holds no ledger."""
        s = ident(self.schema)
        found = self.conn.execute(
            "SELECT to_regclass(%s), to_regclass(%s)", [f"{s}.events", f"{s}.schema_version"]
        ).fetchone()
        if found[0] is None:
            return None
        if found[1] is None:
            raise LedgerError(
                f"{self.label}: not a scoreledger ledger (an events table of another kind)"
            )
        row = self.conn.execute(f"SELECT MAX(version) FROM {s}.schema_version").fetchone()
        return None if row[0] is None else int(row[0])

    def _create(self) -> None:
        """Create the ledger in an empty schema; two processes doing it at once both succeed."""
        conn = self.conn
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_CLASS])
            if self._version() is not None:  # the other process made it
                return
            others = conn.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
                [self.schema],
            ).fetchone()[0]
            if others:
                raise LedgerError(
                    f"{self.label}: schema {self.schema} already holds {others} other table(s); "
                    "a ledger is created only in an empty database (or schema)"
                )
            # One round trip for the whole schema (no parameters, so several statements).
            conn.execute(";\n".join(create_statements(self.schema)))
            conn.execute(
                "INSERT INTO schema_version VALUES (%s, to_char(now() AT TIME ZONE 'UTC', "
                '\'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\'))',
                [SCHEMA_VERSION],
            )

    def recorder_name(self, requested: str | None) -> str:
        user: str = self.conn.execute("SELECT session_user").fetchone()[0]
        if requested is not None and requested != user:
            raise LedgerError(
                f"{self.label}: --recorded-by: on PostgreSQL the database records its session "
                f"user ({user}); connect as {requested!r} instead"
            )
        return user

    def close(self) -> None:
        for conn in [*self._spare, self.conn]:
            conn.close()
        self._spare.clear()

    # -- writing ---------------------------------------------------------------

    @contextmanager
    def writing(self, *, copying: bool = False) -> Iterator[Head]:
        """One append transaction under the advisory lock. `copying` (the table owner
        only) keeps the rows' own recorded_by (CONTRACT §8.4's copy)."""
        conn = self.conn
        with conn.transaction():
            conn.execute(f"SET LOCAL lock_timeout = '{int(self.lock_timeout * 1000)}ms'")
            if copying:
                conn.execute(f"SET LOCAL {COPY_SETTING} = 'on'")
            try:
                conn.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s::regclass::oid::int)",
                    [LOCK_CLASS, self.table],
                )
            except self._pg.errors.LockNotAvailable:
                raise LedgerError(
                    f"{self.label}: another append held the ledger for more than "
                    f"{self.lock_timeout:g} s; nothing was appended, try again"
                ) from None
            yield self.head()

    @contextmanager
    def appends_signal(self) -> Iterator[Callable[[float], None]]:
        # LISTEN on a connection of its own, entered before the follower reads, so an
        # append committed after that read wakes it at once. Only a hint: the follower
        # re-reads from its durable position whatever woke it.
        conn = self._connect()
        try:
            conn.execute(f"LISTEN {ident(self.channel)}")

            def wait(timeout: float) -> None:
                for _ in conn.notifies(timeout=timeout, stop_after=1):
                    pass

            yield wait
        finally:
            conn.close()

    def side_tables(self) -> PostgresSideTables:
        """This database's connection for tables beside the events (projection state)."""
        return PostgresSideTables(self.conn)

    def large_batch(self) -> None:
        pass  # the server sizes its own buffers

    def insert(self, rows: Sequence[SealedRow]) -> None:
        try:
            with self.conn.cursor() as cur, cur.copy(_COPY) as copy:
                for row in rows:
                    copy.write_row(row)
        except self._pg.errors.IntegrityConstraintViolation as exc:
            if CHAIN_MESSAGE in str(exc):
                raise ChainRefused(_one_line(exc)) from None
            raise
        # Delivered at commit (and not at all on a rollback); repeats in one transaction
        # are folded into one by the server.
        self.conn.execute("SELECT pg_notify(%s, '')", [self.channel])

    # -- reading ---------------------------------------------------------------

    def _sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def _matching(self, column: str, values: Sequence[Any]) -> Iterator[tuple[str, list[Any]]]:
        if values:
            yield f"{column} = ANY(%s)", [list(values)]

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        # On a connection of its own: the main one stays free for lookups (and appends)
        # while a replay is read, and the statement's one snapshot keeps the read consistent.
        conn = self._spare.pop() if self._spare else self._connect()
        try:
            yield from conn.cursor().stream(self._sql(sql), params, size=FETCH)
        finally:
            if conn.info.transaction_status == self._pg.pq.TransactionStatus.IDLE:
                self._spare.append(conn)
            else:
                conn.close()

    def schema_problems(self) -> list[str]:
        s = ident(self.schema)
        tables = [f"{s}.events", f"{s}.schema_version"]
        return postgres_problems(self.conn, self.label, self.schema, tables)

    def unreadable(self, exc: Exception) -> str:
        return f"PostgreSQL cannot read the ledger ({_one_line(exc)})"


class PostgresSideTables:
    """Side tables in the ledger's schema: its main connection, one transaction per write.
    They need not wait for appends (the events table is never touched, and MVCC keeps each
    reader's snapshot): their writers serialise among themselves (projections'
    advisory locks)."""

    dialect = "postgresql"

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.conn.transaction():
            yield self.conn
