"""Where the tests put their ledgers: an SQLite file, or a schema on a real PostgreSQL server.

``SCORELEDGER_TEST_POSTGRES`` names the server (a libpq URL of a database the tests may
create databases from, e.g. ``postgresql://postgres@127.0.0.1:5432/postgres``). Unset,
every PostgreSQL test skips with one reason; with ``CI=true`` (or
``SCORELEDGER_REQUIRE_POSTGRES=1``) a skipped PostgreSQL test is a failure instead.

One database (``sl_test_<pid>_<hex>``) per test session, dropped at its end; each ledger is
a fresh schema in it, named by its URL's ``search_path`` (creating a database per test
took ~0.35 s; a schema ~0.02 s).
"""

from __future__ import annotations

import itertools
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

ENV = "SCORELEDGER_TEST_POSTGRES"
SKIP_REASON = f"{ENV} is unset: no PostgreSQL server to test against"


def required() -> bool:
    """Whether a skipped PostgreSQL test must fail the run (CI)."""
    return (
        os.environ.get("CI", "").lower() == "true"
        or os.environ.get("SCORELEDGER_REQUIRE_POSTGRES") == "1"
    )


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def with_schema(url: str, schema: str) -> str:
    parts = urlsplit(url)
    option = quote(f"-csearch_path={schema}")
    query = f"{parts.query}&options={option}" if parts.query else f"options={option}"
    return urlunsplit(parts._replace(query=query))


class Server:
    """The test session's database on the server, and the schemas made in it."""

    def __init__(self, url: str):
        import psycopg

        self.admin_url = url
        self.database = f"sl_test_{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
            # A crash may lose the last commits of a test database: nothing of value, and
            # each commit stops waiting for the disk (the tests commit thousands of times).
            conn.execute(f'ALTER DATABASE "{self.database}" SET synchronous_commit = off')
        self.url = with_database(url, self.database)
        self._count = itertools.count(1)
        self._emptied: dict[str, str] = {}

    def new_url(self, name: str = "ledger") -> str:
        """The URL of a fresh, empty schema: a new ledger's place."""
        import psycopg

        stem = "".join(c if c.isalnum() else "_" for c in name.lower())[:40]
        schema = f"{stem}_{next(self._count)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return with_schema(self.url, schema)

    def emptied_url(self, name: str) -> str:
        """The URL of a ledger emptied for reuse: made once per name, then its rows deleted
        through the owner's maintenance path (the guard disabled inside the deleting
        transaction, so no other session ever sees it off). A new ledger costs ~60 ms of
        DDL; this ~1 ms, for the property suite's thousand little ledgers."""
        url = self._emptied.get(name)
        if url is None:
            url = self._emptied[name] = self.new_url(name)
            return url
        with self.connect(url) as conn, conn.transaction():
            if conn.execute("SELECT to_regclass('events')").fetchone()[0] is not None:
                conn.execute("ALTER TABLE events DISABLE TRIGGER events_no_delete")
                conn.execute("DELETE FROM events")
                conn.execute("ALTER TABLE events ENABLE TRIGGER events_no_delete")
            # Projection state is of the log that was deleted: it goes with it.
            conn.execute(
                "DROP TABLE IF EXISTS projection_group, projection, projection_link, "
                "projection_meta"
            )
        return url

    def connect(self, url: str | None = None, **kw: Any) -> Any:
        import psycopg

        return psycopg.connect(url or self.url, autocommit=True, **kw)

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


class Backend:
    """One backend's ledger places: ``new()`` gives a path or URL for Ledger.open/the CLI."""

    def __init__(self, name: str, tmp_path: Path, server: Server | None):
        self.name = name
        self.tmp_path = tmp_path
        self.server = server
        self._count = itertools.count(1)

    def __repr__(self) -> str:
        return self.name

    @property
    def is_postgres(self) -> bool:
        return self.server is not None

    def emptied(self, name: str) -> str:
        """A place for a ledger that starts empty, reused (on PostgreSQL) by later calls
        with the same name: the earlier ledger there is gone."""
        if self.server is not None:
            return self.server.emptied_url(name)
        return self.new(name)

    def new(self, name: str = "ledger") -> str:
        """A place for a new ledger (nothing there yet)."""
        if self.server is not None:
            return self.server.new_url(name)
        return str(self.tmp_path / f"{name}_{next(self._count)}.sqlite")


class Raw:
    """A plain connection to a backend's ledger, as any other client would open it: ``?``
    placeholders on both, ``behind_guards`` for the owner's way around the triggers."""

    def __init__(self, backend: Backend, where: str):
        self.backend = backend
        self.where = where
        if backend.is_postgres:
            import psycopg

            self.conn: Any = psycopg.connect(where, autocommit=True)
            self.error: type[Exception] = psycopg.Error
        else:
            import sqlite3

            self.conn = sqlite3.connect(where, isolation_level=None)
            self.error = sqlite3.DatabaseError

    def __enter__(self) -> Raw:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()

    def execute(self, sql: str, params: Any = ()) -> Any:
        if self.backend.is_postgres:
            sql = sql.replace("?", "%s")
        return self.conn.execute(sql, params)

    def drop_guards(self) -> None:
        if self.backend.is_postgres:
            from ledger.schema_postgres import GUARDS as PG_GUARDS

            for name in PG_GUARDS:
                self.conn.execute(f"DROP TRIGGER {name} ON events")
        else:
            from ledger.schema import GUARDS

            for name in GUARDS:
                self.conn.execute(f"DROP TRIGGER {name}")

    def behind_guards(self, sql: str, params: Any = ()) -> None:
        """Run `sql` with the guards out of the way, then put them back as they were (what a
        file's owner, or a database's, can do)."""
        if self.backend.is_postgres:
            self.conn.execute("ALTER TABLE events DISABLE TRIGGER USER")
            self.execute(sql, params)
            self.conn.execute("ALTER TABLE events ENABLE TRIGGER USER")
        else:
            from ledger.schema import GUARDS

            self.drop_guards()
            self.execute(sql, params)
            for ddl in GUARDS.values():
                self.conn.execute(ddl)
