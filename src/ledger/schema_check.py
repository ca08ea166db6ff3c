"""What verify finds wrong with a database's schema: its own objects missing or altered,
and anything attached to the ledger that it did not create (CONTRACT §8.3).

A database's objects are read into a *shape*: ``(kind, name) -> definition``. The expected
shape is read the same way from the ledger's own statements (``ledger.schema``,
``ledger.schema_postgres``) run in a scratch database, so what is created and what is
checked are one list. Differences become one line each.

What counts as attached to the ledger: every trigger in the file (SQLite) or on a table of
the ledger's schema (PostgreSQL), projection state's tables included, since scoreledger
creates none there and one could rewrite a kept board on every rebuild; every view that
reads the ledger's tables; every index on them (an index cannot change what is read, but a
unique one can refuse appends). Projection state's own tables and indexes are the
projections layer's, rebuilt from the log, and are not checked here.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from functools import cache

from .schema import TABLES, TIME_GUARD, create_statements

#: (kind, name) -> definition, as read from a database.
Shape = dict[tuple[str, str], str]

#: How a missing or altered object of ours is named: a trigger and the function it runs
#: are both an append-only guard.
_OURS = {"trigger": "append-only guard", "function": "append-only guard"}


def differences(
    expected: Mapping[tuple[str, str], str], actual: Shape, optional: Iterable[tuple[str, str]]
) -> list[str]:
    """One line per kind of ours missing, one per kind altered, then one per object not
    ours (its kind, name and definition).

    `optional` names objects a ledger made by an earlier release may lack (verify checks
    what they guard by other means).
    """
    skip = set(optional)
    missing: dict[str, list[str]] = {}
    altered: dict[str, list[str]] = {}
    for key in sorted(expected):
        kind, name = key
        if key not in actual:
            if key not in skip:
                missing.setdefault(_OURS.get(kind, kind), []).append(name)
        elif actual[key] != expected[key]:
            altered.setdefault(_OURS.get(kind, kind), []).append(name)
    lines = [f"{word} missing: {', '.join(names)}" for word, names in missing.items()]
    lines += [f"{word} altered: {', '.join(names)}" for word, names in altered.items()]
    lines += [
        printable(f"{kind} {name} {actual[(kind, name)]}: scoreledger did not create it")
        for kind, name in sorted(actual)
        if (kind, name) not in expected
    ]
    return lines


def printable(text: str) -> str:
    """`text` with control, bidi and other invisible characters escaped (a hostile name or
    definition must not rewrite the terminal verify prints to)."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def spacing(text: str) -> str:
    """`text` with every run of white space as one space (how definitions are compared)."""
    return " ".join(text.split())


# -- SQLite ----------------------------------------------------------------------------

#: A word naming one of the ledger's tables, bare or quoted ("events", [events], `events`).
_READS_LEDGER = re.compile(
    r"(?<![\w$])(?:" + "|".join(map(re.escape, TABLES)) + r")(?![\w$])", re.IGNORECASE
)


def sqlite_problems(conn: sqlite3.Connection) -> list[str]:
    """What is wrong with the schema of the ledger file open on `conn`."""
    actual = sqlite_shape(conn)
    expected = _sqlite_expected(("table", "events") in actual and _lacks_recorded_by(conn))
    # A file from before the time-order guard lacks it until its next append; verify
    # checks the order of the rows itself.
    return differences(expected, actual, optional=[("trigger", TIME_GUARD)])


def sqlite_shape(conn: sqlite3.Connection) -> Shape:
    """The ledger's tables, their indexes, every trigger, and the views that read them."""
    shape: Shape = {}
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    for kind, name, table, sql in rows:
        if kind == "table" and name in TABLES:
            shape[("table", name)] = _table_shape(conn, name)
        elif kind == "index" and table in TABLES:
            shape[("index", name)] = _index_shape(conn, name, table, sql)
        elif kind == "trigger":
            shape[("trigger", name)] = f"({_sql_text(sql)})"
        elif kind == "view" and _READS_LEDGER.search(sql or ""):
            shape[("view", name)] = f"reading the ledger ({_sql_text(sql)})"
    return shape


def _sql_text(sql: str | None) -> str:
    """A statement as sqlite_master keeps it, spacing ignored (IF NOT EXISTS is not kept)."""
    return spacing((sql or "").replace("IF NOT EXISTS ", ""))


def _table_shape(conn: sqlite3.Connection, name: str) -> str:
    # Every column with its type, NOT NULL, default, key and whether generated (hidden), and
    # the table's STRICT and WITHOUT ROWID flags: a table recreated otherwise is altered.
    (_, _, kind, _, without_rowid, strict) = conn.execute(f"PRAGMA table_list({name})").fetchone()
    columns = conn.execute(f"PRAGMA table_xinfo({name})").fetchall()
    described = "; ".join(" ".join(map(str, column[1:])) for column in columns)
    return f"on {name} ({kind} strict={strict} without_rowid={without_rowid}: {described})"


def _index_shape(conn: sqlite3.Connection, name: str, table: str, sql: str | None) -> str:
    if sql is not None:
        return f"on {table} ({_sql_text(sql)})"
    # An index SQLite makes for a UNIQUE or PRIMARY KEY constraint has no SQL: its columns.
    columns = [row[2] for row in conn.execute(f"PRAGMA index_info({_quoted(name)})")]
    return f"on {table} (a constraint's, on {', '.join(map(str, columns))})"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lacks_recorded_by(conn: sqlite3.Connection) -> bool:
    return all(row[1] != "recorded_by" for row in conn.execute("PRAGMA table_info(events)"))


@cache
def _sqlite_expected(before_recorded_by: bool) -> Mapping[tuple[str, str], str]:
    """The shape the ledger's own statements make (in a scratch in-memory database); a file
    from before recorded_by (the column comes with its first append) lacks that column."""
    scratch = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for ddl in create_statements():
            scratch.execute(ddl)
        if before_recorded_by:
            scratch.execute("ALTER TABLE events DROP COLUMN recorded_by")
        return sqlite_shape(scratch)
    finally:
        scratch.close()
