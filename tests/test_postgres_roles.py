"""On PostgreSQL the database itself keeps the ledger append-only (issue 12 items 2 and 3):
triggers refuse UPDATE, DELETE and TRUNCATE to everyone, the owner included; a writer role
may only append, a reader role only read (ledger.schema_postgres.roles_sql); recorded_by is
the session user, filled in by the database, and a client cannot forge it.

Each test connects as each role to the real server and shows what is refused.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from backends import Server
from ledger import Ledger
from ledger.integrity import chain_hash
from ledger.schema_postgres import roles_sql

psycopg = pytest.importorskip("psycopg", reason="the postgres extra is not installed")

ACTIVITY = {"type": "activity", "at": "2016-03-05", "unit": "gulou", "activity": "meeting"}


def as_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


class Office:
    """A ledger (owned by the test server's user) with a writer and a reader role."""

    def __init__(self, server: Server, base_events: list[dict]):
        tag = secrets.token_hex(3)
        self.writer, self.reader = f"sl_test_writer_{tag}", f"sl_test_reader_{tag}"
        self.server = server
        self.url = server.new_url("office")
        with Ledger.open(self.url, create=True) as ledger:
            ledger.append_many(base_events)
            self.owner = ledger.recorded_by
        self.schema = self.url.rsplit("%3D", 1)[-1]
        with server.connect(self.url) as conn:
            for role in (self.writer, self.reader):
                conn.execute(f'CREATE ROLE "{role}" LOGIN')
            conn.execute(roles_sql(self.writer, self.reader, self.schema))
        self.writer_url = as_user(self.url, self.writer)
        self.reader_url = as_user(self.url, self.reader)

    def connect(self, url: str) -> Any:
        return psycopg.connect(url, autocommit=True)

    def drop(self) -> None:
        with self.server.connect(self.url) as conn:
            for role in (self.writer, self.reader):
                conn.execute(f'DROP OWNED BY "{role}"')
                conn.execute(f'DROP ROLE "{role}"')


@pytest.fixture
def office(pg_server: Server, base_events) -> Iterator[Office]:
    made = Office(pg_server, base_events)
    yield made
    made.drop()


def snapshot(office: Office) -> list[tuple]:
    with office.connect(office.url) as conn:
        return conn.execute("SELECT * FROM events ORDER BY seq").fetchall()


EDITS = [
    "UPDATE events SET payload = replace(payload, 'GL-1', 'GL-2') WHERE seq = 5",
    "UPDATE events SET unit = 'xuanwu' WHERE seq = 999",  # refused even when nothing matches
    "DELETE FROM events WHERE seq = 7",
    "DELETE FROM events",
    "TRUNCATE events",
    "INSERT INTO events SELECT * FROM events WHERE seq = 1 ON CONFLICT (seq) "
    "DO UPDATE SET payload = 'x'",
]


@pytest.mark.parametrize("sql", EDITS)
def test_the_owner_cannot_update_delete_or_truncate(office: Office, sql: str):
    before = snapshot(office)
    with office.connect(office.url) as conn, pytest.raises(psycopg.Error) as caught:
        conn.execute(sql)
    assert "scoreledger: events are append-only" in str(caught.value)
    assert snapshot(office) == before


@pytest.mark.parametrize("sql", EDITS)
def test_the_writer_cannot_either(office: Office, sql: str):
    before = snapshot(office)
    with office.connect(office.writer_url) as conn, pytest.raises(psycopg.Error) as caught:
        conn.execute(sql)
    assert "permission denied for table events" in str(caught.value)
    assert snapshot(office) == before


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE events DISABLE TRIGGER events_no_update",
        "DROP TRIGGER events_no_delete ON events",
        "DROP TABLE events",
        "CREATE OR REPLACE FUNCTION scoreledger_refuse() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NULL; END $$",
    ],
)
def test_the_writer_cannot_touch_the_guards(office: Office, sql: str):
    with office.connect(office.writer_url) as conn, pytest.raises(psycopg.Error) as caught:
        conn.execute(sql)
    assert re.match("must be owner|permission denied for schema", str(caught.value))
    with Ledger.open(office.url) as ledger:
        assert ledger.verify().ok


def test_the_writer_appends_and_is_recorded_as_itself(office: Office, cli, tmp_path):
    with Ledger.open(office.writer_url) as ledger:
        result = ledger.append(ACTIVITY)
        assert ledger.recorded_by == office.writer
        assert ledger.recorded_by_seq([result.last_seq]) == {result.last_seq: office.writer}
    source = tmp_path / "more.jsonl"
    source.write_text(
        '{"type":"activity","at":"2016-03-06","unit":"gulou","activity":"meeting"}\n',
        encoding="utf-8",
    )
    imported = cli("import", office.writer_url, source)
    assert imported.returncode == 0, imported.stderr
    verified = cli("verify", office.reader_url)
    assert (verified.returncode, verified.stdout[:13]) == (0, "OK: 9 events,")
    exported = cli("export", office.reader_url).stdout.splitlines()
    assert [f'"recorded_by":"{office.writer}"' in line for line in exported[-2:]] == [True] * 2
    assert f'"recorded_by":"{office.owner}"' in exported[0]


def test_the_reader_may_only_read(office: Office, cli, tmp_path):
    before = snapshot(office)
    with Ledger.open(office.reader_url) as ledger:
        assert len(ledger) == 7
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            ledger.append(ACTIVITY)
    source = tmp_path / "more.jsonl"
    source.write_text(
        '{"type":"activity","at":"2016-03-06","unit":"gulou","activity":"meeting"}\n',
        encoding="utf-8",
    )
    refused = cli("import", office.reader_url, source)
    assert refused.returncode == 2
    assert refused.stderr == (
        f"scoreledger: {office.reader_url}: database error: permission denied for table events\n"
    )
    with office.connect(office.reader_url) as conn:
        for sql in EDITS:
            with pytest.raises(psycopg.Error, match="permission denied"):
                conn.execute(sql)
    assert snapshot(office) == before


def forged_row(conn: Any, recorded_by: str | None) -> list:
    """A row that extends the chain, sealed as if `recorded_by` had recorded it."""
    seq, head = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    payload = (
        '{"activity":"meeting","at":"2016-05-01T00:00:00+08:00","id":"forged",'
        '"type":"activity","unit":"gulou"}'
    )
    at, when = "2016-05-01T00:00:00+08:00", "2030-01-01T00:00:00.000000+00:00"
    digest = chain_hash(head, payload, seq + 1, when, recorded_by=recorded_by)
    return [seq + 1, "forged", "activity", 1, at, "gulou", None, None, when, payload, head,
            digest, recorded_by]  # fmt: skip


INSERT = "INSERT INTO events VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"


def test_a_client_cannot_forge_recorded_by(office: Office):
    with office.connect(office.writer_url) as conn:
        with pytest.raises(psycopg.Error, match=r"recorded_by is the session user \(sl_test_w"):
            conn.execute(INSERT, forged_row(conn, "the-chairman"))
        with pytest.raises(psycopg.Error, match="recorded_by is the session user"):
            with conn.transaction():  # the copy setting is the owner's alone
                conn.execute("SET LOCAL scoreledger.copy = 'on'")
                conn.execute(INSERT, forged_row(conn, "the-chairman"))
        # Left out, the database fills it in: with the session user, not what was sealed.
        conn.execute(INSERT, forged_row(conn, None))
        assert conn.execute("SELECT recorded_by FROM events WHERE id = 'forged'").fetchone() == (
            office.writer,
        )
    with Ledger.open(office.url) as ledger:
        report = ledger.verify()
    assert (report.ok, report.damaged_seq) == (False, 8)
    assert report.problem == "hash does not match the event's content"


def test_the_owner_may_copy_rows_keeping_their_recorded_by(office: Office):
    with Ledger.open(office.url) as ledger:
        with ledger.recorder.writing(copying=True):
            ledger.recorder.insert([tuple(forged_row(ledger.conn, "a-clerk-in-2016"))])
        assert ledger.verify().ok
        assert ledger.get("forged").recorded_by == "a-clerk-in-2016"
