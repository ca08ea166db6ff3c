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
        self.url = with_database(url, self.database)
        self._count = itertools.count(1)

    def new_url(self, name: str = "ledger") -> str:
        """The URL of a fresh, empty schema: a new ledger's place."""
        import psycopg

        stem = "".join(c if c.isalnum() else "_" for c in name.lower())[:40]
        schema = f"{stem}_{next(self._count)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return with_schema(self.url, schema)

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

    def new(self, name: str = "ledger") -> str:
        """A place for a new ledger (nothing there yet)."""
        if self.server is not None:
            return self.server.new_url(name)
        return str(self.tmp_path / f"{name}_{next(self._count)}.sqlite")
