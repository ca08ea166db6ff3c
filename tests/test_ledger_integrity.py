"""CONTRACT §5: the database itself refuses edits, and ``verify`` finds what gets past it.

The raw connections here are plain ``sqlite3.connect`` WITHOUT ``recursive_triggers``:
what any other client of the file would use.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from backends import Backend, Raw
from ledger import Ledger
from ledger.integrity import chain_hash
from ledger.schema import GENESIS, GUARDS
from scenario_helpers import pad_and_checkpoint

COLUMNS = "seq, id, type, version, at, unit, info, ref, recorded_at, payload, prev_hash, hash"


def raw(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None)
    assert conn.execute("PRAGMA recursive_triggers").fetchone() == (0,)
    return conn


def rows(db: Path) -> list[tuple]:
    with raw(db) as conn:
        return conn.execute(f"SELECT {COLUMNS} FROM events ORDER BY seq").fetchall()


def next_row(
    conn: sqlite3.Connection | Raw, recorded_by: str | None = None, **change: object
) -> list[object]:
    """A row that would extend the chain properly (sealed with `recorded_by`), with
    `change` applied."""
    seq, head = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    payload = json.dumps(
        {"activity": "meeting", "at": "2016-05-01T00:00:00+08:00", "id": "new",
         "type": "activity", "unit": "gulou"},
        separators=(",", ":"), ensure_ascii=False, sort_keys=True,
    )  # fmt: skip
    recorded_at = "2030-01-01T00:00:00.000000+00:00"
    row = {
        "seq": seq + 1, "id": "new", "type": "activity", "version": 1,
        "at": "2016-05-01T00:00:00+08:00", "unit": "gulou", "info": None, "ref": None,
        "recorded_at": recorded_at, "payload": payload, "prev_hash": head,
        "hash": chain_hash(head, payload, seq + 1, recorded_at, recorded_by=recorded_by),
        "recorded_by": recorded_by,
    }  # fmt: skip
    row.update(change)
    return list(row.values())


INSERT = f"INSERT INTO events ({COLUMNS}, recorded_by) VALUES ({', '.join('?' * 13)})"


# -- the guards ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE events SET payload = replace(payload, 'GL-1', 'GL-2') WHERE seq = 5",
        "UPDATE events SET unit = 'xuanwu'",
        "DELETE FROM events WHERE seq = 7",
        "DELETE FROM events",
    ],
)
def test_update_and_delete_are_refused(backend: Backend, base_ledger: str, sql: str):
    with Raw(backend, base_ledger) as conn:
        before = conn.execute(f"SELECT {COLUMNS} FROM events ORDER BY seq").fetchall()
        with pytest.raises(conn.error, match="append-only"):
            conn.execute(sql)
        assert conn.execute(f"SELECT {COLUMNS} FROM events ORDER BY seq").fetchall() == before


@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
def test_replace_over_an_existing_id_is_refused(base_db: Path, verb: str):
    """REPLACE deletes a conflicting row without firing DELETE triggers (no recursive_triggers)."""
    before = rows(base_db)
    with raw(base_db) as conn, pytest.raises(sqlite3.DatabaseError, match="extend the chain"):
        conn.execute(INSERT.replace("INSERT", verb), next_row(conn, id="s1"))
    assert rows(base_db) == before


def test_replace_over_an_existing_seq_is_refused(base_db: Path):
    before = rows(base_db)
    with raw(base_db) as conn, pytest.raises(sqlite3.DatabaseError, match="extend the chain"):
        conn.execute(INSERT.replace("INSERT", "INSERT OR REPLACE"), next_row(conn, seq=3))
    assert rows(base_db) == before


@pytest.mark.parametrize(
    "change",
    [
        {"prev_hash": GENESIS},  # a fork from the start
        {"prev_hash": "f" * 64},
        {"seq": 9},  # a gap
        {"seq": None},  # let the database choose
        {"seq": 0},
        {"seq": 7},  # over the last one
    ],
    ids=["fork", "foreign prev_hash", "gap", "no seq", "seq 0", "existing seq"],
)
def test_an_insert_that_does_not_extend_the_chain_is_refused(
    backend: Backend, base_ledger: str, change: dict
):
    with Raw(backend, base_ledger) as conn:
        before = conn.execute(f"SELECT {COLUMNS} FROM events ORDER BY seq").fetchall()
        with pytest.raises(conn.error, match="extend the chain"):
            conn.execute(INSERT, next_row(conn, **change))
        assert conn.execute(f"SELECT {COLUMNS} FROM events ORDER BY seq").fetchall() == before


def test_an_insert_that_extends_the_chain_is_accepted_and_verifies(
    backend: Backend, base_ledger: str
):
    """The guards hold the chain's shape; a well-formed foreign append is a legal append."""
    with Raw(backend, base_ledger) as conn:
        # The database fills in recorded_by on PostgreSQL; the row must be sealed with it.
        by = conn.execute("SELECT session_user").fetchone()[0] if backend.is_postgres else None
        conn.execute(INSERT, next_row(conn, recorded_by=by))
    with Ledger.open(base_ledger) as ledger:
        assert ledger.verify().ok
        assert ledger.get("new").event.activity == "meeting"


def test_the_api_connection_refuses_too(base_db: Path):
    with Ledger.open(base_db) as ledger:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            ledger.conn.execute("DELETE FROM events WHERE seq = 1")
        with pytest.raises(sqlite3.DatabaseError, match="extend the chain"):
            ledger.conn.execute(INSERT.replace("INSERT", "REPLACE"), next_row(ledger.conn, id="s1"))
        assert ledger.verify().ok


# -- verify ----------------------------------------------------------------------------


def drop_guards(conn: sqlite3.Connection) -> None:
    for name in GUARDS:
        conn.execute(f"DROP TRIGGER {name}")


def restore_guards(conn: sqlite3.Connection) -> None:
    for ddl in GUARDS.values():
        conn.execute(ddl)


def test_verify_ok_prints_the_head_hash(backend: Backend, base_ledger: str, cli):
    with Ledger.open(base_ledger) as ledger:
        head = ledger.head()
    result = cli("verify", base_ledger)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"OK: 7 events, head hash {head.hash}\n"


def test_verify_finds_a_payload_edited_behind_the_guards(backend: Backend, base_ledger: str, cli):
    with Raw(backend, base_ledger) as conn:
        # Only the hash check can catch it once the guards are back.
        conn.behind_guards(
            "UPDATE events SET payload = replace(payload, 'GL-1', 'GL-2') WHERE seq = 5"
        )

    result = cli("verify", base_ledger)

    assert result.returncode == 1
    assert result.stdout == "DAMAGED at seq 5: hash does not match the event's content\n"
    assert result.stderr == ""


def test_verify_finds_a_rehashed_edit_by_the_broken_link(backend: Backend, base_ledger: str, cli):
    """Rewriting one row's hash to match its edited payload breaks the next row's link."""
    with Raw(backend, base_ledger) as conn:
        prev, payload, recorded_at, recorded_by = conn.execute(
            "SELECT prev_hash, payload, recorded_at, recorded_by FROM events WHERE seq = 5"
        ).fetchone()
        payload = payload.replace("职工书屋", "职工之家")  # the title: no column repeats it
        digest = chain_hash(prev, payload, 5, recorded_at, recorded_by=recorded_by)
        conn.behind_guards(
            "UPDATE events SET payload = ?, hash = ? WHERE seq = 5", [payload, digest]
        )
    result = cli("verify", base_ledger)
    assert result.returncode == 1
    assert result.stdout == "DAMAGED at seq 6: prev_hash does not match the previous event's hash\n"


@pytest.mark.parametrize(
    ("sql", "damaged"),
    [
        ("UPDATE events SET recorded_at = '2099-01-01T00:00:00.000000+00:00' WHERE seq = 3",
         "DAMAGED at seq 3: hash does not match the event's content"),
        ("UPDATE events SET recorded_by = 'someone else' WHERE seq = 3",
         "DAMAGED at seq 3: hash does not match the event's content"),
        ("DELETE FROM events WHERE seq = 4", "DAMAGED at seq 4: expected seq 4: a gap in the log"),
        ("UPDATE events SET unit = 'xuanwu' WHERE seq = 6",
         "DAMAGED at seq 6: column unit ('xuanwu') does not match the event's content ('gulou')"),
        ("UPDATE events SET type = 'veto' WHERE seq = 6",
         "DAMAGED at seq 6: column type ('veto') does not match the event's content ('activity')"),
        ("UPDATE events SET ref = NULL WHERE seq = 7",
         "DAMAGED at seq 7: column ref (None) does not match the event's content ('act1')"),
        ("UPDATE events SET version = 7 WHERE seq = 2",
         "DAMAGED at seq 2: unknown schema version 7"),
    ],
    ids=["recorded_at", "recorded_by", "deleted row", "unit column", "type column", "ref column",
         "version"],
)  # fmt: skip
def test_verify_finds_other_edits(backend: Backend, base_ledger: str, cli, sql: str, damaged: str):
    with Raw(backend, base_ledger) as conn:
        conn.behind_guards(sql)
    result = cli("verify", base_ledger)
    assert result.returncode == 1
    assert result.stdout == damaged + "\n"


def test_verify_reports_missing_guards(backend: Backend, base_ledger: str, cli):
    with Raw(backend, base_ledger) as conn:
        conn.drop_guards()
    result = cli("verify", base_ledger)
    assert result.returncode == 1
    truncate = "events_no_truncate, " if backend.is_postgres else ""
    assert result.stdout == (
        "DAMAGED at the file: append-only guard missing: "
        f"events_chain, events_no_delete, {truncate}events_no_update\n"
    )


def test_verify_reports_a_guard_replaced_by_a_no_op(base_db: Path, cli):
    with raw(base_db) as conn:
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute(
            "CREATE TRIGGER events_no_update BEFORE UPDATE ON events WHEN 0 "
            "BEGIN SELECT RAISE(ABORT, 'never'); END"
        )
    result = cli("verify", base_db)
    assert result.returncode == 1
    assert result.stdout == "DAMAGED at the file: append-only guard altered: events_no_update\n"


def test_verify_reports_a_disabled_or_hollowed_guard_on_postgresql(pg_server, cli, make_base):
    where = str(make_base(pg_server.new_url("hollow")))
    with pg_server.connect(where) as conn:
        conn.execute("ALTER TABLE events DISABLE TRIGGER events_no_delete")
        conn.execute(
            "CREATE OR REPLACE FUNCTION scoreledger_refuse() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RETURN NULL; END $$"
        )
    result = cli("verify", where)
    assert result.returncode == 1
    assert result.stdout == (
        "DAMAGED at the file: append-only guard disabled: events_no_delete\n"
        "DAMAGED at the file: append-only guard altered: scoreledger_refuse\n"
    )


def test_chain_hash_is_sha256_of_prev_and_canonical_envelope():
    """CONTRACT §5, spelled out: anyone can recompute it without scoreledger."""
    payload = '{"id":"x","type":"activity"}'
    envelope = json.dumps(
        {"event": json.loads(payload), "recorded_at": "2016-01-01T00:00:00+00:00", "seq": 3},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )  # fmt: skip
    expected = hashlib.sha256((GENESIS + envelope).encode()).hexdigest()
    assert chain_hash(GENESIS, payload, 3, "2016-01-01T00:00:00+00:00") == expected


def test_a_later_schema_version_is_sealed_by_the_hash(base_db: Path, monkeypatch):
    """An event written by a release with payload version 2 seals its version: lowering it
    (so it would be read without its upcast) is caught, although 1 is a valid version."""
    import ledger.integrity
    import ledger.store

    monkeypatch.setattr(ledger.store, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(ledger.integrity, "SCHEMA_VERSION", 2)
    with Ledger.open(base_db) as opened:
        opened.append({"type": "activity", "at": "2016-05-01", "unit": "gulou",
                       "activity": "meeting", "id": "v2"})  # fmt: skip
        seq, prev, payload, recorded_at, digest, by = (
            raw(base_db)
            .execute(
                "SELECT seq, prev_hash, payload, recorded_at, hash, recorded_by FROM events "
                "WHERE id = 'v2'"
            )
            .fetchone()
        )
        envelope = json.dumps(
            {"event": json.loads(payload), "recorded_at": recorded_at, "recorded_by": by,
             "seq": seq, "version": 2},
            sort_keys=True, separators=(",", ":"), ensure_ascii=False,
        )  # fmt: skip
        assert digest == hashlib.sha256((prev + envelope).encode()).hexdigest()
        assert opened.verify().ok
        with raw(base_db) as conn:
            drop_guards(conn)
            conn.execute("UPDATE events SET version = 1 WHERE id = 'v2'")
            restore_guards(conn)
        report = opened.verify()
    assert (report.ok, report.damaged_seq) == (False, seq)
    assert report.problem == "hash does not match the event's content"


def test_a_file_sqlite_cannot_read_is_damage_to_verify_and_one_line_to_the_rest(base_db: Path, cli):
    """Damaged pages (a bad disk, a careless copy): verify says DAMAGED (exit 1), other
    commands say the file is malformed in one line (exit 2), and nobody gets a traceback."""
    page = pad_and_checkpoint(base_db)  # everything in the main file; damage all but page 1
    data = bytearray(base_db.read_bytes())
    for start in range(page, len(data), page):
        data[start + 8 : start + 64] = b"\xa5" * 56
    base_db.write_bytes(bytes(data))

    verify = cli("verify", base_db)
    assert (verify.returncode, verify.stderr) == (1, "")
    assert verify.stdout.startswith("DAMAGED at the file: SQLite cannot read the file (")
    for command in (["export", base_db], ["score", base_db, "--ruleset", "dalian-2011",
                                          "--period", "2016"]):  # fmt: skip
        result = cli(*command)
        assert result.returncode == 2, result.stderr
        assert result.stderr == (
            f"scoreledger: {base_db}: malformed: the database file is damaged "
            "(SQLite: database disk image is malformed); run verify\n"
        )
