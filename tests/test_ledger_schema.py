"""Issue 11.3: verify checks the whole schema, and an append confirms what it reports.

Each tampering is what a writer with the file (or the database's owner) can do: attach a
trigger, a view, an index, a rule or a row-level security policy to the ledger, or alter one
of its own. verify names each in one line (exit 1); an import the database did not keep in
full says so in one line (exit 1) and appends nothing.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any

import pytest

from backends import Backend, Raw

VETO = {"type": "veto", "at": "2016-05-01", "unit": "gulou", "reason": "late_report"}
MEETING = {"type": "activity", "at": "2016-05-02", "unit": "gulou", "activity": "meeting"}

#: A trigger that swallows vetoes, as each backend spells it.
SWALLOW_SQLITE = (
    "CREATE TRIGGER a_swallow BEFORE INSERT ON events WHEN NEW.type = 'veto' "
    "BEGIN SELECT RAISE(IGNORE); END"
)
SWALLOW_POSTGRES = [
    "CREATE FUNCTION swallow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF NEW.type = 'veto' THEN RETURN NULL; END IF; RETURN NEW; END $$",
    "CREATE TRIGGER a_swallow BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION swallow()",
]


def verify_lines(cli: Any, where: str) -> list[str]:
    result = cli("verify", where)
    assert (result.returncode, result.stderr) == (1, ""), result
    lines: list[str] = result.stdout.splitlines()
    return lines


def count(backend: Backend, where: str) -> int:
    with Raw(backend, where) as conn:
        n: int = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        return n


def run(backend: Backend, where: str, *statements: str) -> None:
    with Raw(backend, where) as conn:
        for sql in statements:
            conn.execute(sql)


# -- verify: objects that are not the ledger's -----------------------------------------


def test_a_foreign_trigger_is_damage(backend: Backend, base_ledger: str, cli):
    swallow_vetoes(backend, base_ledger)
    definition = (
        "CREATE TRIGGER a_swallow BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION swallow()"
        if backend.is_postgres
        else SWALLOW_SQLITE
    )
    assert verify_lines(cli, base_ledger) == [
        f"DAMAGED at the file: trigger a_swallow ({definition}): scoreledger did not create it"
    ]


def test_a_view_over_the_events_is_damage(backend: Backend, base_ledger: str, cli):
    run(backend, base_ledger, "CREATE VIEW scores AS SELECT unit, COUNT(*) AS n FROM events "
                              "GROUP BY unit")  # fmt: skip
    [line] = verify_lines(cli, base_ledger)
    if backend.is_postgres:
        schema = base_ledger.rsplit("%3D", 1)[1]
        assert line == (
            f"DAMAGED at the file: view {schema}.scores reading events: "
            "scoreledger did not create it"
        )
    else:
        assert line == (
            "DAMAGED at the file: view scores reading the ledger (CREATE VIEW scores AS SELECT "
            "unit, COUNT(*) AS n FROM events GROUP BY unit): scoreledger did not create it"
        )


def test_a_view_that_does_not_read_the_ledger_is_not_reported(
    backend: Backend, base_ledger: str, cli
):
    run(backend, base_ledger, "CREATE VIEW answer AS SELECT 42 AS n")
    assert cli("verify", base_ledger).returncode == 0


def test_a_foreign_index_and_an_altered_or_missing_one_are_damage(
    backend: Backend, base_ledger: str, cli
):
    run(
        backend,
        base_ledger,
        "CREATE INDEX by_at ON events(at)",
        "DROP INDEX events_retractions",
        "CREATE INDEX events_retractions ON events(ref)",  # no longer partial
        "DROP INDEX events_unit_facts",
    )
    lines = verify_lines(cli, base_ledger)
    assert lines[:2] == [
        "DAMAGED at the file: index missing: events_unit_facts",
        "DAMAGED at the file: index altered: events_retractions",
    ]
    assert len(lines) == 3
    assert lines[2].startswith("DAMAGED at the file: index by_at on events (CREATE INDEX by_at ON")
    assert lines[2].endswith("): scoreledger did not create it")


def test_an_altered_table_is_damage(backend: Backend, base_ledger: str, cli):
    run(backend, base_ledger, "ALTER TABLE events ADD COLUMN note TEXT")
    assert verify_lines(cli, base_ledger) == ["DAMAGED at the file: table altered: events"]


def test_a_trigger_on_projection_state_is_damage(backend: Backend, base_ledger: str, cli):
    """Kept boards are rebuilt from the log; a trigger on their table would rewrite each
    rebuild, so it counts as attached to the ledger."""
    built = cli("score", base_ledger, "--ruleset", "dalian-2011", "--period", "2016")
    assert built.returncode == 0, built.stderr
    if backend.is_postgres:
        statements = (
            "CREATE FUNCTION keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; "
            "END $$",
            "CREATE TRIGGER rewrite BEFORE INSERT ON projection_group FOR EACH ROW "
            "EXECUTE FUNCTION keep()",
        )
        name = "rewrite on projection_group"
    else:
        statements = (
            "CREATE TRIGGER rewrite AFTER INSERT ON projection_group BEGIN SELECT 1; END",
        )
        name = "rewrite"
    run(backend, base_ledger, *statements)
    [line] = verify_lines(cli, base_ledger)
    assert line.startswith(f"DAMAGED at the file: trigger {name} (CREATE TRIGGER rewrite ")
    assert line.endswith("): scoreledger did not create it")


def test_a_trigger_with_control_characters_is_shown_escaped(base_db, cli):
    run_sqlite = Backend("sqlite", base_db.parent, None)
    run(run_sqlite, str(base_db), 'CREATE TRIGGER "x\x1b[31m" AFTER INSERT ON events '
                                  "BEGIN SELECT 1; END")  # fmt: skip
    [line] = verify_lines(cli, str(base_db))
    assert "\x1b" not in line and "x\\x1b[31m" in line


# -- verify: PostgreSQL's own ways to swallow or hide rows -----------------------------


def test_a_rule_is_damage_and_copy_in_appends_past_it(pg_server, cli, make_base, write_jsonl,
                                                      tmp_path):  # fmt: skip
    """A DO INSTEAD NOTHING rule swallows other clients' INSERTs. The ledger appends with
    COPY, which rules do not apply to: its import keeps (and confirms) every event."""
    where = str(make_base(pg_server.new_url("rule")))
    schema = where.rsplit("%3D", 1)[1]
    with pg_server.connect(where) as conn:
        conn.execute("CREATE RULE drop_vetoes AS ON INSERT TO events WHERE NEW.type = 'veto' "
                     "DO INSTEAD NOTHING")  # fmt: skip
    assert verify_lines(cli, where) == [
        "DAMAGED at the file: rule drop_vetoes on events (CREATE RULE drop_vetoes AS ON INSERT "
        f"TO {schema}.events WHERE (new.type = 'veto'::text) DO INSTEAD NOTHING;): "
        "scoreledger did not create it"
    ]
    more = write_jsonl(tmp_path / "more.jsonl", [VETO, MEETING])
    result = cli("import", where, more)
    assert result.returncode == 0, result.stderr
    with pg_server.connect(where) as conn:
        assert conn.execute("SELECT COUNT(*) FROM events WHERE type = 'veto'").fetchone() == (1,)


def test_row_level_security_is_damage(pg_server, cli, make_base):
    """A policy hides rows from whoever reads, verify included: the chain it sees may be
    a prefix that verifies."""
    where = str(make_base(pg_server.new_url("rls")))
    with pg_server.connect(where) as conn:
        conn.execute("ALTER TABLE events ENABLE ROW LEVEL SECURITY")
        conn.execute("ALTER TABLE events FORCE ROW LEVEL SECURITY")
        conn.execute("CREATE POLICY early ON events USING (seq < 5)")
    assert verify_lines(cli, where) == [
        "DAMAGED at the file: row-level security on events (enabled and forced): "
        "scoreledger did not create it",
        "DAMAGED at the file: row-level security policy early on events (USING (seq < 5)): "
        "scoreledger did not create it",
    ]


def test_a_view_in_another_schema_and_a_guard_pointed_elsewhere(pg_server, cli, make_base):
    where = str(make_base(pg_server.new_url("elsewhere")))
    schema = where.rsplit("%3D", 1)[1]
    with pg_server.connect(where) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS spy")
        conn.execute(f'CREATE VIEW spy.everything AS SELECT * FROM "{schema}".events')
        # The same name, firing after the insert: it no longer guards anything.
        conn.execute("DROP TRIGGER events_chain ON events")
        conn.execute("CREATE TRIGGER events_chain AFTER INSERT ON events FOR EACH ROW "
                     "EXECUTE FUNCTION scoreledger_extend()")  # fmt: skip
    assert verify_lines(cli, where) == [
        "DAMAGED at the file: append-only guard altered: events_chain",
        "DAMAGED at the file: view spy.everything reading events: scoreledger did not create it",
    ]


# -- an append confirms what it reports --------------------------------------------------


def swallow_vetoes(backend: Backend, where: str) -> None:
    run(backend, where, *(SWALLOW_POSTGRES if backend.is_postgres else [SWALLOW_SQLITE]))


@pytest.mark.parametrize(
    ("events", "line"),
    [
        ([MEETING, VETO], "the database did not keep 1 of the 2 events appended"),
        ([VETO, MEETING], "the database did not keep this append's events: it dropped one and "
                          "refused the next as not extending the chain"),
        # An SQLite file takes 64 rows to a statement: a row dropped within a statement, and
        # one dropped at a statement's end whose next row comes in the next statement.
        ([MEETING, VETO, *[MEETING] * 70], "the database did not keep this append's events: "
                                           "it dropped one and refused the next as not "
                                           "extending the chain"),
        ([*[MEETING] * 63, VETO, *[MEETING] * 6], "the database did not keep this append's "
                                                  "events: it dropped one and refused the next "
                                                  "as not extending the chain"),
        ([*[MEETING] * 70, VETO], "the database did not keep 1 of the 71 events appended"),
    ],
    ids=["last", "before another", "within a statement", "at a statement's end", "last of many"],
)  # fmt: skip
def test_an_import_the_database_did_not_keep_is_damage_and_appends_nothing(
    backend: Backend, base_ledger: str, cli, write_jsonl, tmp_path, events, line
):
    swallow_vetoes(backend, base_ledger)
    before = count(backend, base_ledger)
    result = cli("import", base_ledger, write_jsonl(tmp_path / "in.jsonl", events))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"scoreledger: {base_ledger}: {line} (a trigger, rule or policy scoreledger did not "
        "create?); nothing was appended; run verify\n"
    )
    assert count(backend, base_ledger) == before


@pytest.mark.parametrize(
    ("tail", "line"),
    [
        ([MEETING, VETO], "the database did not keep 1 of the 3 events appended"),
        ([VETO, MEETING], "the database did not keep this append's events: it dropped one and "
                          "refused the next as not extending the chain"),
    ],
    ids=["last", "before another"],
)  # fmt: skip
def test_an_empty_ledgers_import_the_database_did_not_keep_is_damage(
    cli, write_jsonl, tmp_path, tail, line
):
    """A ledger without events counts what it kept in its id index (SQLite): the same check."""
    where = str(tmp_path / "empty.sqlite")
    assert cli("import", where, write_jsonl(tmp_path / "none.jsonl", [])).returncode == 0
    with closing(sqlite3.connect(where, isolation_level=None)) as conn:
        conn.execute(SWALLOW_SQLITE)
    gulou = {"type": "unit_registered", "at": "2016-01-04", "unit": "gulou", "name": "鼓楼区总工会",
             "kind": "county"}  # fmt: skip
    result = cli("import", where, write_jsonl(tmp_path / "in.jsonl", [gulou, *tail]))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"scoreledger: {where}: {line} (a trigger, rule or policy scoreledger did not "
        "create?); nothing was appended; run verify\n"
    )
    with closing(sqlite3.connect(where)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0


def test_an_import_the_trigger_does_not_touch_is_kept(
    backend: Backend, base_ledger: str, cli, write_jsonl, tmp_path
):
    """The confirmation counts what was written: an append without vetoes goes through."""
    swallow_vetoes(backend, base_ledger)
    result = cli("import", base_ledger, write_jsonl(tmp_path / "in.jsonl", [MEETING]))
    assert result.returncode == 0, result.stderr
    assert count(backend, base_ledger) == 8


def test_a_role_that_may_not_make_the_scratch_tables_is_told_why(pg_server, cli, make_base):
    """Not damage (exit 2): the schema is compared with temporary tables."""
    import secrets

    from ledger.schema_postgres import roles_sql

    where = str(make_base(pg_server.new_url("notemp")))
    schema = where.rsplit("%3D", 1)[1]
    role = f"sl_test_notemp_{secrets.token_hex(3)}"
    with pg_server.connect(where) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(roles_sql(role, role, schema))
        conn.execute(f'REVOKE TEMPORARY ON DATABASE "{pg_server.database}" FROM PUBLIC')
    reader = where.replace("postgresql://postgres@", f"postgresql://{role}@", 1)
    try:
        result = cli("verify", reader)
    finally:
        with pg_server.connect(where) as conn:
            conn.execute(f'GRANT TEMPORARY ON DATABASE "{pg_server.database}" TO PUBLIC')
            conn.execute(f'DROP OWNED BY "{role}"')
            conn.execute(f'DROP ROLE "{role}"')
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(
        f"scoreledger: {reader}: cannot check the ledger's schema: it is compared with "
        "temporary tables, which this session may not create (permission denied"
    )
