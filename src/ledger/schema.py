"""The SQLite ledger file's schema: the events table, its guards, and the schema version.

What the ledger creates is named once, here: ``TABLES``, ``INDEXES`` and ``GUARDS``.
``ensure_schema`` creates them and ``ledger.schema_check`` checks a file against them
(verify: nothing missing, altered or added). Everything is created with ``IF NOT EXISTS``
inside one ``BEGIN IMMEDIATE`` transaction, so two processes creating the same file at
once both succeed.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a schema is created: reading a ledger needs none of it
    import sqlite_utils

from .events import SCHEMA_VERSION
from .recorder import GENESIS

#: The guard that keeps recorded_at in order (issue 11.2). Ledgers made before it lack it:
#: their next append installs it (SQLiteRecorder.writing), and verify does not require it,
#: since verify checks the order of the stored rows itself (ledger.integrity).
TIME_GUARD = "events_time_order"
#: The one form of recorded_at (ledger.store: UTC, microseconds), as a GLOB pattern.
RECORDED_AT_GLOB = (
    "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]."
    "[0-9][0-9][0-9][0-9][0-9][0-9]+00:00"
)
TIME_ORDER_MESSAGE = (
    "recorded_at must be UTC (YYYY-MM-DDTHH:MM:SS.ffffff+00:00) and never go backwards"
)

#: What the chain guard says when it refuses an insert (both backends).
CHAIN_MESSAGE = "scoreledger: an insert must extend the chain"

#: Triggers that make the table append-only and its chain unforkable in SQLite
#: itself, whatever client writes to the file. ``events_chain`` also refuses an
#: existing id: ``INSERT OR REPLACE`` deletes the old row without firing the
#: DELETE trigger on a connection without ``recursive_triggers``.
GUARDS = {
    "events_no_update": """
        CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'scoreledger: events are append-only (no UPDATE)'); END""",
    "events_no_delete": """
        CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'scoreledger: events are append-only (no DELETE)'); END""",
    "events_chain": f"""
        CREATE TRIGGER IF NOT EXISTS events_chain BEFORE INSERT ON events
        WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM events)
          OR NEW.prev_hash IS NOT COALESCE(
               (SELECT hash FROM events ORDER BY seq DESC LIMIT 1), '{GENESIS}')
          OR EXISTS (SELECT 1 FROM events WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, '{CHAIN_MESSAGE}'); END""",
    # recorded_at is what --as-of compares, as text: one fixed-width UTC form (so text order
    # is time order), never earlier than the head's (so "recorded by then" is a prefix).
    TIME_GUARD: f"""
        CREATE TRIGGER IF NOT EXISTS {TIME_GUARD} BEFORE INSERT ON events
        WHEN NEW.recorded_at NOT GLOB '{RECORDED_AT_GLOB}'
          OR NEW.recorded_at < (SELECT recorded_at FROM events ORDER BY seq DESC LIMIT 1)
        BEGIN SELECT RAISE(ABORT, 'scoreledger: {TIME_ORDER_MESSAGE}'); END""",
}

_EVENTS = """
CREATE TABLE IF NOT EXISTS events (
    seq         INTEGER PRIMARY KEY,  -- 1, 2, 3 ... without gaps (events_chain)
    id          TEXT    NOT NULL UNIQUE,
    type        TEXT    NOT NULL,
    version     INTEGER NOT NULL,     -- schema version of payload (ledger.upcast)
    at          TEXT    NOT NULL,     -- business time, ISO-8601 in +08:00
    unit        TEXT,                 -- the unit the event scores for (submitter resolved)
    info        TEXT,
    ref         TEXT,                 -- a retraction's target id
    recorded_at TEXT    NOT NULL,     -- UTC wall clock of the append
    payload     TEXT    NOT NULL,     -- canonical JSON (sealed by hash)
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    recorded_by TEXT                  -- who appended it (NULL: before the ledger kept it)
) STRICT
"""

#: The ledger's tables, by name.
TABLES = {
    "events": _EVENTS,
    "schema_version": "CREATE TABLE IF NOT EXISTS schema_version "
    "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
}

#: The ledger's indexes, by name. Partial: the reference checks look up units, submissions
#: and retractions; indexing only those rows keeps every other insert cheap.
INDEXES = {
    "events_unit_facts": "CREATE INDEX IF NOT EXISTS events_unit_facts ON events(seq) "
    "WHERE type IN ('unit_registered', 'unit_changed')",
    # Covering (info, unit, id; seq is the rowid): an import's chunk finds the submitter of
    # thousands of infos without a table read each (that lookup 1.5x faster, measured).
    "events_submissions": "CREATE INDEX IF NOT EXISTS events_submissions "
    "ON events(info, unit, id) WHERE type = 'submission'",
    "events_retractions": "CREATE INDEX IF NOT EXISTS events_retractions ON events(ref) "
    "WHERE type = 'retraction'",
}


def create_statements() -> list[str]:
    """Every statement that creates (or completes) a ledger file's schema, in order."""
    return [*TABLES.values(), *INDEXES.values(), *GUARDS.values()]


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create (or complete) the schema of a ledger file; WAL mode for concurrent readers."""
    conn = db.conn
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            pass  # another process holds the file; it switched (or will switch) it
    conn.execute("BEGIN IMMEDIATE")
    try:
        for ddl in create_statements():
            conn.execute(ddl)
        if db.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == 0:
            db.table("schema_version").insert(
                {"version": SCHEMA_VERSION, "applied_at": datetime.now(UTC).isoformat()}
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def table_names(conn: sqlite3.Connection) -> set[str]:
    """The tables of the file (plain SQL: no sqlite-utils on the read path)."""
    return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def read_schema_version(conn: sqlite3.Connection) -> int | None:
    """The file's schema version, or None when it is not a ledger file."""
    if not {"events", "schema_version"} <= table_names(conn):
        return None
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return None if row is None or row[0] is None else int(row[0])
