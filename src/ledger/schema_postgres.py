"""A PostgreSQL ledger's schema: the events table, its guards, and the roles SQL.

The tables live in the connection's current schema (the first of its ``search_path``,
usually ``public``), so one database may hold a ledger per schema. Text columns use the
``"C"`` collation: comparisons and ordering are by code point, as in SQLite, whatever the
database's locale.

The guards are triggers, so they hold for every client and for the table's owner:
UPDATE, DELETE and TRUNCATE are refused; an insert must extend the chain; ``recorded_by``
is the session user, filled in by the database and never taken from a client, except in
a copy by the table's owner (``SET LOCAL scoreledger.copy = 'on'``), which keeps the
source's values, none included: rows recorded before ``recorded_by`` existed have none, and
their hashes do not seal one (CONTRACT §8.4). Anyone else setting it changes nothing.
"""

from __future__ import annotations

from .recorder import GENESIS
from .schema import CHAIN_MESSAGE, TIME_GUARD, TIME_ORDER_MESSAGE

#: The function of the time-order guard (``TIME_GUARD``, issue 11.2): ledgers made before
#: it lack both; an owner's next import installs them, and verify does not require them.
TIME_FUNCTION = "scoreledger_in_order"
#: The one form of recorded_at (ledger.store: UTC, microseconds), as a POSIX regex.
RECORDED_AT_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{6}[+]00:00$"

#: A copy keeps each row's recorded_by when the owner sets this (transaction-locally).
COPY_SETTING = "scoreledger.copy"


def functions(schema: str) -> dict[str, str]:
    """The functions the guards run, by name, with their bodies (verify compares them).

    The chain check names its table with the schema, so a client's ``search_path`` (or a
    temporary table called ``events``) cannot show it another table's head.
    """
    table = f"{ident(schema)}.events"
    return {
        "scoreledger_refuse": """
BEGIN
    RAISE EXCEPTION 'scoreledger: events are append-only (no %)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
""",
        "scoreledger_extend": f"""
DECLARE
    last_seq bigint;
    last_hash text;
    owner oid;
    copying boolean := false;
BEGIN
    SELECT seq, hash INTO last_seq, last_hash FROM {table} ORDER BY seq DESC LIMIT 1;
    IF NEW.seq IS DISTINCT FROM COALESCE(last_seq, 0) + 1
       OR NEW.prev_hash IS DISTINCT FROM COALESCE(last_hash, '{GENESIS}') THEN
        RAISE EXCEPTION '{CHAIN_MESSAGE}'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF pg_catalog.current_setting('{COPY_SETTING}', true) IS NOT DISTINCT FROM 'on' THEN
        SELECT relowner INTO owner FROM pg_catalog.pg_class WHERE oid = TG_RELID;
        copying := pg_catalog.pg_has_role(session_user, owner, 'USAGE');
    END IF;
    IF copying THEN
        NULL;  -- the owner's copy keeps the row's recorded_by, even none
    ELSIF NEW.recorded_by IS NULL THEN
        NEW.recorded_by := session_user;
    ELSIF NEW.recorded_by IS DISTINCT FROM session_user::text THEN
        RAISE EXCEPTION 'scoreledger: recorded_by is the session user (%), not %',
            session_user, NEW.recorded_by
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
""",
        TIME_FUNCTION: f"""
DECLARE
    last_at text;
BEGIN
    SELECT recorded_at INTO last_at FROM {table} ORDER BY seq DESC LIMIT 1;
    IF NEW.recorded_at !~ '{RECORDED_AT_PATTERN}' OR NEW.recorded_at < last_at COLLATE "C" THEN
        RAISE EXCEPTION 'scoreledger: {TIME_ORDER_MESSAGE}'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
""",
    }


#: Trigger name -> its definition. Statement-level refusals fire even when no row matches.
GUARDS = {
    "events_no_update": "BEFORE UPDATE ON events FOR EACH STATEMENT "
    "EXECUTE FUNCTION scoreledger_refuse()",
    "events_no_delete": "BEFORE DELETE ON events FOR EACH STATEMENT "
    "EXECUTE FUNCTION scoreledger_refuse()",
    "events_no_truncate": "BEFORE TRUNCATE ON events FOR EACH STATEMENT "
    "EXECUTE FUNCTION scoreledger_refuse()",
    "events_chain": "BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION scoreledger_extend()",
    TIME_GUARD: f"BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION {TIME_FUNCTION}()",
}

_TEXT = 'text COLLATE "C"'

_EVENTS = f"""
CREATE TABLE events (
    seq         bigint  PRIMARY KEY,  -- 1, 2, 3 ... without gaps (events_chain)
    id          {_TEXT} NOT NULL UNIQUE,
    type        {_TEXT} NOT NULL,
    version     integer NOT NULL,     -- schema version of payload (ledger.upcast)
    at          {_TEXT} NOT NULL,     -- business time, ISO-8601 in +08:00
    unit        {_TEXT},              -- the unit the event scores for
    info        {_TEXT},
    ref         {_TEXT},              -- a retraction's target id
    recorded_at {_TEXT} NOT NULL,     -- UTC wall clock of the append
    payload     {_TEXT} NOT NULL,     -- canonical JSON (sealed by hash)
    prev_hash   {_TEXT} NOT NULL,
    hash        {_TEXT} NOT NULL,
    recorded_by {_TEXT}               -- the session user (events_chain)
)
"""

#: The ledger's tables, by name (ledger.schema_check_postgres checks them against these).
TABLES = {
    "events": _EVENTS,
    "schema_version": "CREATE TABLE schema_version "
    "(version integer PRIMARY KEY, applied_at text NOT NULL)",
}

#: The SQLite file's partial indexes, the same ones, by name.
INDEXES = {
    "events_unit_facts": "CREATE INDEX events_unit_facts ON events(seq) "
    "WHERE type IN ('unit_registered', 'unit_changed')",
    "events_submissions": "CREATE INDEX events_submissions ON events(info, unit, id) "
    "INCLUDE (seq) WHERE type = 'submission'",
    "events_retractions": "CREATE INDEX events_retractions ON events(ref) "
    "WHERE type = 'retraction'",
}


def create_statements(schema: str) -> list[str]:
    """Every statement that creates a ledger in an empty `schema`, in order."""
    statements = [*TABLES.values(), *INDEXES.values()]
    statements += [_function(name, body) for name, body in functions(schema).items()]
    statements += [trigger_statement(name) for name in GUARDS]
    return statements


def trigger_statement(name: str) -> str:
    """The statement that creates the guard `name` (as pg_get_triggerdef prints it, once
    the table's schema is taken out: verify compares the two)."""
    return f"CREATE TRIGGER {name} {GUARDS[name]}"


def time_guard_statements(schema: str) -> list[str]:
    """What gives a ledger made before the time-order guard that guard (its owner runs it)."""
    return [
        _function(TIME_FUNCTION, functions(schema)[TIME_FUNCTION], replace=True),
        trigger_statement(TIME_GUARD),
    ]


def _function(name: str, body: str, *, replace: bool = False) -> str:
    create = "CREATE OR REPLACE" if replace else "CREATE"
    return f"{create} FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body${body}$body$"


def roles_sql(writer: str, reader: str, schema: str = "public") -> str:
    """SQL that lets `writer` only append to (and read) the ledger and `reader` only read it.

    Run it as the table's owner. The roles must exist (``CREATE ROLE office_clerk LOGIN``);
    the names are quoted as identifiers.
    """
    w, r, s = ident(writer), ident(reader), ident(schema)
    return "\n".join(
        [
            f"GRANT USAGE ON SCHEMA {s} TO {w}, {r};",
            f"REVOKE ALL ON {s}.events, {s}.schema_version FROM {w}, {r};",
            f"GRANT SELECT ON {s}.events, {s}.schema_version TO {w}, {r};",
            f"GRANT INSERT ON {s}.events TO {w};",
        ]
    )


def ident(name: str) -> str:
    """`name` quoted as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
