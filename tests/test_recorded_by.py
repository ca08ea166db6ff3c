"""CONTRACT §8.2: every stored event says who recorded it, sealed in its hash."""

from __future__ import annotations

import getpass
import json
import sqlite3
from pathlib import Path

import pytest

from ledger import Ledger
from ledger.errors import LedgerError
from ledger.integrity import chain_hash
from ledger.schema import GENESIS, GUARDS, INDEXES, TABLES

# The events table as scoreledger wrote it before recorded_by existed.
_OLD_TABLE = """
CREATE TABLE events (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
    version INTEGER NOT NULL, at TEXT NOT NULL, unit TEXT, info TEXT, ref TEXT,
    recorded_at TEXT NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT
"""


def _old_ledger(path: Path) -> str:
    """A ledger file of the old layout holding two events; returns its head hash."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(_OLD_TABLE)
    # Its indexes, guards and schema_version as scoreledger made them then (as now).
    for ddl in [*INDEXES.values(), *GUARDS.values(), TABLES["schema_version"]]:
        conn.execute(ddl)
    conn.execute("INSERT INTO schema_version VALUES (1, '2020-01-01T00:00:00+00:00')")
    prev, at = GENESIS, "2020-01-01T00:00:00.000000+00:00"
    for seq, (unit, name) in enumerate([("city", "市总工会"), ("gulou", "鼓楼区总工会")], 1):
        payload = json.dumps(
            {"at": "2016-01-04T00:00:00+08:00", "id": f"u{seq}", "kind": "county",
             "name": name, "type": "unit_registered", "unit": unit},
            separators=(",", ":"), ensure_ascii=False, sort_keys=True,
        )  # fmt: skip
        digest = chain_hash(prev, payload, seq, at)
        conn.execute(
            "INSERT INTO events VALUES (?, ?, 'unit_registered', 1, '2016-01-04T00:00:00+08:00', "
            "?, NULL, NULL, ?, ?, ?, ?)",
            [seq, f"u{seq}", unit, at, payload, prev, digest],
        )
        prev = digest
    conn.close()
    return prev


def test_a_file_from_before_recorded_by_verifies_reads_and_takes_appends(tmp_path: Path):
    db = tmp_path / "old.sqlite"
    head = _old_ledger(db)
    with Ledger.open(db) as ledger:
        assert ledger.verify().ok and ledger.head().hash == head
        assert ledger.get("u1").recorded_by is None
    with Ledger.open(db, recorded_by="王芳") as ledger:
        ledger.append({"type": "activity", "at": "2016-03-02", "unit": "gulou",
                       "activity": "meeting", "id": "a1"})  # fmt: skip
        assert ledger.verify().ok
        assert [r.recorded_by for r in ledger.events()] == [None, None, "王芳"]
        assert ledger.get("a1").prev_hash == head  # the old rows' hashes did not change


def test_recorded_by_is_sealed_so_an_edit_breaks_the_chain(tmp_path: Path, cli, base_events):
    db = tmp_path / "l.sqlite"
    with Ledger.open(db, create=True, recorded_by="alice") as ledger:
        ledger.append_many(base_events)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET recorded_by = 'mallory' WHERE seq = 3")
    conn.execute(GUARDS["events_no_update"])
    conn.close()
    result = cli("verify", db)
    assert (result.returncode, result.stdout) == (
        1,
        "DAMAGED at seq 3: hash does not match the event's content\n",
    )


def test_import_records_the_given_name_or_the_os_user_and_export_writes_it(
    tmp_path: Path, cli, write_jsonl, base_events
):
    db = tmp_path / "l.sqlite"
    events = write_jsonl(tmp_path / "e.jsonl", base_events[:4])
    assert cli("import", db, events, "--recorded-by", "李明").returncode == 0
    more = write_jsonl(tmp_path / "f.jsonl", base_events[4:])
    assert cli("import", db, more).returncode == 0
    lines = [json.loads(line) for line in cli("export", db).stdout.splitlines()]
    assert [line["recorded_by"] for line in lines] == ["李明"] * 4 + [getpass.getuser()] * 3
    # An export re-imports: its recorded_by is the ledger's to set, not the input's.
    again = tmp_path / "again.sqlite"
    exported = tmp_path / "x.jsonl"
    exported.write_text(cli("export", db).stdout, encoding="utf-8")
    assert cli("import", again, exported, "--recorded-by", "bob").returncode == 0
    with Ledger.open(again) as ledger:
        assert {r.recorded_by for r in ledger.events()} == {"bob"}
        assert ledger.verify().ok


def test_explain_shows_who_recorded_each_event(tmp_path: Path, cli):
    db = tmp_path / "demo.sqlite"
    assert cli("demo", db, "--recorded-by", "office-7").returncode == 0
    args = ("explain", db, "--ruleset", "dalian-2011", "--period", "2011Q3", "--unit", "shahekou")
    text = cli(*args).stdout
    section = text.split("events considered:\n")[1].split("\n\n")[0]
    considered = section.replace("\n      ", " ").splitlines()  # an event's continuation lines
    assert considered and all(line.endswith(" (recorded by office-7)") for line in considered)
    doc = json.loads(cli(*args, "--format", "json").stdout)
    assert {t["recorded_by"] for t in doc["unit"]["trace"]} == {"office-7"}


@pytest.mark.parametrize("name", ["", " alice", "a\nb", "x" * 101, "\ud800"])
def test_a_bad_recorder_name_is_refused_before_anything_is_opened(tmp_path: Path, name: str):
    with pytest.raises(LedgerError, match="recorded_by: expected a name"):
        Ledger.open(tmp_path / "l.sqlite", create=True, recorded_by=name)
    assert not (tmp_path / "l.sqlite").exists()


def test_a_bad_recorder_name_on_the_command_line_is_one_line_exit_2(tmp_path: Path, cli):
    result = cli("demo", tmp_path / "d.sqlite", "--recorded-by", "")
    assert result.returncode == 2
    assert result.stderr.startswith("scoreledger: recorded_by: expected a name")
    assert len(result.stderr.splitlines()) == 1
