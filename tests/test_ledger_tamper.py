"""Issue 11: what a writer with the file (or the database) can try, and what stops it.

Time order (CONTRACT §8.3): the insert guards refuse a ``recorded_at`` earlier than the
head's or in any other form than the ledger's own, and ``verify`` finds a correctly chained
row that goes backwards anyway (written with the guards dropped).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from backends import Backend, Raw
from ledger import Ledger
from ledger.integrity import chain_hash
from ledger.schema import GUARDS, TIME_GUARD

INSERT = (
    "INSERT INTO events (seq, id, type, version, at, unit, info, ref, recorded_at, payload, "
    "prev_hash, hash, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def forged_row(
    conn: Raw, recorded_at: str, payload: dict[str, Any] | None = None, **columns: Any
) -> list[Any]:
    """The next row of the chain, correctly sealed, recorded at `recorded_at`."""
    seq, head = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    event = payload or {"activity": "meeting", "at": "2016-05-01T00:00:00+08:00", "id": "new",
                        "type": "activity", "unit": "gulou"}  # fmt: skip
    text = json.dumps(event, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    # The database fills in recorded_by on PostgreSQL: the row is sealed with it.
    by = conn.execute("SELECT session_user").fetchone()[0] if conn.backend.is_postgres else None
    row = {
        "seq": seq + 1, "id": event["id"], "type": event["type"], "version": 1,
        "at": event["at"], "unit": event.get("unit"), "info": event.get("info"),
        "ref": event.get("target"), "recorded_at": recorded_at, "payload": text,
        "prev_hash": head, "hash": chain_hash(head, text, seq + 1, recorded_at, recorded_by=by),
        "recorded_by": by,
    }  # fmt: skip
    row.update(columns)
    return list(row.values())


def head_recorded_at(conn: Raw) -> str:
    at: str = conn.execute("SELECT recorded_at FROM events ORDER BY seq DESC LIMIT 1").fetchone()[0]
    return at


def earlier(recorded_at: str) -> str:
    """The same instant's form, one year earlier (the ledger was made this year)."""
    return f"{int(recorded_at[:4]) - 1}{recorded_at[4:]}"


# -- time order --------------------------------------------------------------------------


def test_the_guard_refuses_a_recorded_at_earlier_than_the_heads(backend: Backend, base_ledger):
    with Raw(backend, base_ledger) as conn:
        before = conn.execute("SELECT COUNT(*) FROM events").fetchone()
        with pytest.raises(conn.error, match=r"recorded_at must be UTC .* never go backwards"):
            conn.execute(INSERT, forged_row(conn, earlier(head_recorded_at(conn))))
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone() == before
        # The head's own instant is allowed: one append's rows share it.
        conn.execute(INSERT, forged_row(conn, head_recorded_at(conn)))
    with Ledger.open(base_ledger) as ledger:
        assert ledger.verify().ok and len(ledger) == 8


@pytest.mark.parametrize(
    "when",
    [
        "2099-01-01T00:00:00+00:00",  # no microseconds: '+' sorts before '.'
        "2099-01-01T00:00:00.000000+01:00",  # another zone: text order is not time order
        "2099-01-01 00:00:00.000000+00:00",
        "2099-01-01T00:00:00.000000Z",
        "9999-99-99T99:99:99.999999+00:00x",
    ],
)
def test_the_guard_refuses_a_recorded_at_in_another_form(backend: Backend, base_ledger, when):
    with Raw(backend, base_ledger) as conn:
        with pytest.raises(conn.error, match="recorded_at must be UTC"):
            conn.execute(INSERT, forged_row(conn, when))


def test_verify_finds_a_correctly_chained_row_that_goes_backwards(
    backend: Backend, base_ledger: str, cli
):
    """The attack: drop the guards, append a sealed row recorded in the past, put them back.
    It would rewrite what --as-of answers for that past instant."""
    with Raw(backend, base_ledger) as conn:
        last = head_recorded_at(conn)
        past = earlier(last)
        conn.behind_guards(INSERT, forged_row(conn, past))
    result = cli("verify", base_ledger)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (
        f"DAMAGED at seq 8: recorded_at {past} goes backwards (the event before: {last})\n"
    )


@pytest.mark.parametrize(
    ("when", "problem"),
    [
        ("2099-13-01T00:00:00.000000+00:00", "is not a valid time"),
        ("2099-12-01T00:00:00.000000+01:00", "is not UTC as YYYY-MM-DDTHH:MM:SS.ffffff+00:00"),
    ],
)
def test_verify_finds_a_recorded_at_in_another_form(
    backend: Backend, base_ledger: str, cli, when: str, problem: str
):
    with Raw(backend, base_ledger) as conn:
        conn.behind_guards(INSERT, forged_row(conn, when))
    result = cli("verify", base_ledger)
    assert (result.returncode, result.stdout) == (
        1,
        f"DAMAGED at seq 8: recorded_at {when!r} {problem}\n",
    )


def test_a_ledger_from_before_the_time_guard_verifies_and_gains_it(
    backend: Backend, base_ledger: str, cli, write_jsonl, tmp_path
):
    """Made before issue 11.2: its guards lack the time order. verify does not require it
    (it checks the rows' order itself); the next import installs it."""
    drop = (
        f"DROP TRIGGER {TIME_GUARD} ON events; DROP FUNCTION scoreledger_in_order()"
        if backend.is_postgres
        else f"DROP TRIGGER {TIME_GUARD}"
    )
    with Raw(backend, base_ledger) as conn:
        for statement in drop.split("; "):
            conn.execute(statement)
    assert cli("verify", base_ledger).returncode == 0
    more = write_jsonl(tmp_path / "more.jsonl", [
        {"type": "activity", "at": "2016-05-01", "unit": "gulou", "activity": "meeting"}
    ])  # fmt: skip
    assert cli("import", base_ledger, more).returncode == 0
    with Raw(backend, base_ledger) as conn:
        with pytest.raises(conn.error, match="never go backwards"):
            conn.execute(INSERT, forged_row(conn, earlier(head_recorded_at(conn))))
    assert cli("verify", base_ledger).returncode == 0


def test_an_api_append_to_an_old_file_installs_the_time_guard(base_db):
    import sqlite3

    with sqlite3.connect(base_db) as conn:
        conn.execute(f"DROP TRIGGER {TIME_GUARD}")
    with Ledger.open(base_db) as ledger:
        ledger.append({"type": "activity", "at": "2016-05-01", "unit": "gulou",
                       "activity": "meeting"})  # fmt: skip
        names = {n for (n,) in ledger.conn.execute("SELECT name FROM sqlite_master")}
    assert set(GUARDS) <= names
