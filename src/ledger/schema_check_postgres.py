"""What verify finds wrong with a PostgreSQL ledger's schema (see ``ledger.schema_check``).

Read from the catalogs: the ledger's tables (columns, constraints), their indexes, the
non-internal triggers, rules and row-level security (policies, relrowsecurity) of every
table in the ledger's schema, the guards' functions, and every view in the database that
reads the ledger's tables. The expected tables and indexes are the ledger's own
statements (``ledger.schema_postgres``) run on temporary tables in a transaction that is
rolled back; the triggers are compared with the statements that create them, the
functions with their bodies.
"""

from __future__ import annotations

from typing import Any

from .errors import LedgerError
from .schema import TIME_GUARD
from .schema_check import Shape, differences, spacing
from .schema_postgres import GUARDS, INDEXES, TABLES, TIME_FUNCTION, functions, trigger_statement

#: A table's columns (type, NOT NULL, collation, default, generated, identity) and constraints.
_TABLES = """
SELECT c.relname,
       (SELECT string_agg(concat_ws(' ', quote_ident(a.attname),
                  pg_catalog.format_type(a.atttypid, a.atttypmod),
                  CASE WHEN a.attnotnull THEN 'NOT NULL' END,
                  'COLLATE ' || quote_ident(co.collname),
                  'DEFAULT ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid),
                  NULLIF(a.attgenerated::text, '') || ' generated',
                  NULLIF(a.attidentity::text, '') || ' identity'), ', ' ORDER BY a.attnum)
          FROM pg_catalog.pg_attribute a
          LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
          LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
       (SELECT string_agg(quote_ident(k.conname) || ' ' || pg_catalog.pg_get_constraintdef(k.oid),
                          ', ' ORDER BY k.conname)
          FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid),
       c.relkind
  FROM pg_catalog.pg_class c
 WHERE c.oid = ANY(%s::regclass[])
"""

#: The indexes on those tables, their definitions without the table's schema (a temporary
#: table's is printed pg_temp).
_INDEXES = """
SELECT i.relname, t.relname,
       replace(replace(pg_catalog.pg_get_indexdef(i.oid),
               ' ON ' || quote_ident(n.nspname) || '.', ' ON '), ' ON pg_temp.', ' ON ')
  FROM pg_catalog.pg_index x
  JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
  JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
 WHERE x.indrelid = ANY(%s::regclass[])
"""

#: Every non-internal trigger on a table of the schema, as CREATE TRIGGER without the
#: schema (the functions' names too), and whether it fires.
_TRIGGERS = """
SELECT t.tgname, c.relname, t.tgenabled,
       replace(replace(pg_catalog.pg_get_triggerdef(t.oid),
               ' ON ' || quote_ident(n.nspname) || '.', ' ON '),
               'EXECUTE FUNCTION ' || quote_ident(n.nspname) || '.', 'EXECUTE FUNCTION ')
  FROM pg_catalog.pg_trigger t
  JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = %s AND NOT t.tgisinternal
"""

#: The guards' functions: body, language, SECURITY DEFINER, settings, return type.
_FUNCTIONS = """
SELECT p.proname, p.prosrc, l.lanname, p.prosecdef, p.proconfig, p.prorettype::regtype::text
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_catalog.pg_language l ON l.oid = p.prolang
 WHERE n.nspname = %s AND p.proname = ANY(%s) AND p.pronargs = 0
"""

#: Rules (a DO INSTEAD NOTHING swallows inserts), policies and row-level security (which
#: hide rows from the reader, verify included) on any table of the schema.
_RULES = """
SELECT r.rulename || ' on ' || r.tablename, r.definition
  FROM pg_catalog.pg_rules r WHERE r.schemaname = %s
"""
_POLICIES = """
SELECT p.polname || ' on ' || c.relname, pg_catalog.pg_get_expr(p.polqual, p.polrelid)
  FROM pg_catalog.pg_policy p
  JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = %s
"""
_SECURITY = """
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = %s AND (c.relrowsecurity OR c.relforcerowsecurity)
"""

#: Views (and materialized views), in any schema of the database, that read those tables.
_VIEWS = """
SELECT DISTINCT quote_ident(vn.nspname) || '.' || quote_ident(v.relname), t.relname
  FROM pg_catalog.pg_depend d
  JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
  JOIN pg_catalog.pg_class v ON v.oid = r.ev_class
  JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
  JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
 WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass
   AND d.refclassid = 'pg_catalog.pg_class'::regclass
   AND d.refobjid = ANY(%s::regclass[]) AND v.relkind IN ('v', 'm')
"""


def postgres_problems(conn: Any, label: str, schema: str, qualified: list[str]) -> list[str]:
    """What is wrong with the schema of the ledger `label` in `schema` (its tables
    `qualified`)."""
    actual = postgres_shape(conn, schema, qualified)
    expected = {**_scratch_shape(conn, label), **_guards_shape(schema)}
    # A ledger from before the time-order guard lacks it and its function until its owner's
    # next import; verify checks the order of the rows itself.
    optional = [("trigger", TIME_GUARD), ("function", TIME_FUNCTION)]
    lines = differences(expected, actual, optional)
    disabled = sorted(name for name, state in _states(conn, schema).items() if state in "DR")
    if disabled:
        lines.insert(0, f"append-only guard disabled: {', '.join(disabled)}")
    return lines


def postgres_shape(conn: Any, schema: str, qualified: list[str]) -> Shape:
    """The ledger's tables and indexes, and everything attached to its schema's tables."""
    shape = _tables_shape(conn, qualified)
    for name, table, _state, definition in conn.execute(_TRIGGERS, [schema]):
        key = name if table == "events" else f"{name} on {table}"
        shape[("trigger", key)] = f"({spacing(definition)})"
    for name, body, language, definer, config, returns in conn.execute(
        _FUNCTIONS, [schema, list(functions(schema))]
    ):
        shape[("function", name)] = _function_text(body, language, definer, config, returns)
    for name, definition in conn.execute(_RULES, [schema]):
        shape[("rule", name)] = f"({spacing(definition)})"
    for name, using in conn.execute(_POLICIES, [schema]):
        shape[("row-level security policy", name)] = f"(USING {using})"
    for name, enabled, forced in conn.execute(_SECURITY, [schema]):
        what = "enabled and forced" if enabled and forced else "enabled" if enabled else "forced"
        shape[("row-level security", f"on {name}")] = f"({what})"
    for name, table in conn.execute(_VIEWS, [qualified]):
        shape[("view", name)] = f"reading {table}"
    return shape


def _tables_shape(conn: Any, qualified: list[str]) -> Shape:
    shape: Shape = {}
    for name, columns, constraints, kind in conn.execute(_TABLES, [qualified]):
        shape[("table", name)] = f"({kind}: {columns}; constraints {constraints})"
    for name, table, definition in conn.execute(_INDEXES, [qualified]):
        shape[("index", name)] = f"on {table} ({spacing(definition)})"
    return shape


def _states(conn: Any, schema: str) -> dict[str, str]:
    """Our guards' enabled states (O: origin and local, D: disabled, R: replica only)."""
    rows = conn.execute(_TRIGGERS, [schema]).fetchall()
    return {name: state for name, table, state, _ in rows if table == "events" and name in GUARDS}


def _function_text(body: str, language: str, definer: bool, config: Any, returns: str) -> str:
    return f"({language} returns {returns} definer={definer} config={config}: {spacing(body)})"


def _guards_shape(schema: str) -> Shape:
    """Our triggers as their statements, our functions as their bodies."""
    shape: Shape = {("trigger", name): f"({trigger_statement(name)})" for name in GUARDS}
    for name, body in functions(schema).items():
        shape[("function", name)] = _function_text(body, "plpgsql", False, None, "trigger")
    return shape


def _scratch_shape(conn: Any, label: str) -> Shape:
    """The tables and indexes the ledger's own statements make, as temporary tables in a
    transaction rolled back (a role that may only read the ledger may still do this)."""
    import psycopg

    try:
        with conn.transaction(force_rollback=True):
            for ddl in TABLES.values():
                conn.execute(ddl.replace("CREATE TABLE ", "CREATE TEMPORARY TABLE ", 1))
            for ddl in INDEXES.values():
                conn.execute(ddl.replace(" ON events", " ON pg_temp.events", 1))
            return _tables_shape(conn, [f"pg_temp.{name}" for name in TABLES])
    except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ReadOnlySqlTransaction) as exc:
        # Not damage: this session cannot make the scratch copy to compare with.
        reason = " ".join(str(exc).split())
        raise LedgerError(
            f"{label}: cannot check the ledger's schema: it is compared with temporary "
            f"tables, which this session may not create ({reason}); verify as a role with "
            "TEMPORARY on the database, or on the primary"
        ) from None
