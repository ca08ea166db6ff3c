"""Import, export and the file handling of the CLI, on real files and real subprocesses."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ledger import Ledger


def activity(i: int, unit: str = "gulou", **extra: Any) -> dict[str, Any]:
    return {"id": f"a{i}", "type": "activity", "at": "2016-05-01", "unit": unit,
            "activity": "meeting", **extra}  # fmt: skip


def count(db: Path) -> int:
    with Ledger.open(db) as ledger:
        return len(ledger)


def payloads(export: str) -> list[dict[str, Any]]:
    """Exported events without what the ledger sets anew on import."""
    out = []
    for line in export.split("\n")[:-1]:  # not splitlines(): U+2028 may appear raw
        obj = json.loads(line)
        assert set(obj) >= {"seq", "recorded_at", "hash"}
        out.append({k: v for k, v in obj.items() if k not in ("seq", "recorded_at", "hash")})
    return out


# -- idempotency -----------------------------------------------------------------------


def test_reimporting_a_file_appends_nothing(base_db: Path, tmp_path: Path, cli, write_jsonl):
    events = write_jsonl(tmp_path / "e.jsonl", [activity(i) for i in range(40)])
    first = cli("import", base_db, events)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == "appended 40, duplicates 0"
    with Ledger.open(base_db) as ledger:
        head = ledger.head()

    again = cli("import", base_db, events)

    assert again.returncode == 0, again.stderr
    assert again.stdout == "appended 0, duplicates 40\n"
    with Ledger.open(base_db) as ledger:
        assert ledger.head() == head


def test_same_id_with_different_content_is_an_error(
    base_db: Path, tmp_path: Path, cli, write_jsonl
):
    lines = [activity(1), activity(2, unit="xuanwu"), {**activity(3), "id": "s1"}]
    result = cli(
        "import", base_db.name, write_jsonl(tmp_path / "c.jsonl", lines).name, cwd=tmp_path
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "scoreledger: c.jsonl:3: id: id 's1' is already recorded (seq 5) with different content",
        "scoreledger: nothing was appended",
    ]
    assert count(base_db) == 7


def test_a_reformatted_duplicate_is_still_a_duplicate(
    base_db: Path, tmp_path: Path, cli, write_jsonl
):
    # Same content, other spelling: key order, a naive time, an explicit default.
    line = (
        '{"unit": "gulou", "info": "GL-1", "at": "2016-03-01T09:00:00+08:00", "type": '
        '"submission", "id": "s1", "title": "鼓楼区推进职工书屋建设", "urgent": false}'
    )
    result = cli("import", base_db, write_jsonl(tmp_path / "d.jsonl", [line]))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "appended 0, duplicates 1\n"


def test_duplicates_inside_one_file(base_db: Path, tmp_path: Path, cli, write_jsonl):
    lines = [activity(1), activity(2), activity(1), activity(2)]
    result = cli("import", base_db, write_jsonl(tmp_path / "d.jsonl", lines))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "appended 2, duplicates 2"

    lines = [activity(5), {**activity(5), "note": "changed"}]
    result = cli(
        "import", base_db.name, write_jsonl(tmp_path / "e.jsonl", lines).name, cwd=tmp_path
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "scoreledger: e.jsonl:2: id: id 'a5' is already recorded (seq 10) with different content"
    )
    assert count(base_db) == 9


def test_events_without_id_get_one(base_db: Path, tmp_path: Path, cli, write_jsonl):
    line = {k: v for k, v in activity(0).items() if k != "id"}
    result = cli("import", base_db, write_jsonl(tmp_path / "n.jsonl", [line, line]))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "appended 2, duplicates 0"
    with Ledger.open(base_db) as ledger:
        ids = [r.event.id for r in ledger.events(types=["activity"])][1:]
    assert len(set(ids)) == 2 and all(len(i) == 36 for i in ids)


# -- atomicity -------------------------------------------------------------------------


def test_a_bad_line_deep_in_a_large_file_appends_nothing(
    base_db: Path, tmp_path: Path, cli, write_jsonl
):
    lines: list[Any] = [activity(i) for i in range(12_000)]
    lines[7_499] = activity(7_499, unit="nobody")  # line 7,500: in the second 5,000-line chunk
    with Ledger.open(base_db) as ledger:
        head = ledger.head()

    result = cli("import", base_db, write_jsonl(tmp_path / "big.jsonl", lines))

    assert result.returncode == 2
    assert result.stderr.splitlines()[0].endswith(
        "big.jsonl:7500: unit: unit 'nobody' is not registered earlier in the log or this import"
    )
    with Ledger.open(base_db) as ledger:
        assert ledger.head() == head
        assert ledger.get("a0") is None
        assert ledger.verify().ok


def test_references_reach_across_chunks(base_db: Path, tmp_path: Path, cli, write_jsonl):
    lines: list[Any] = [
        {"id": "u-new", "type": "unit_registered", "at": "2016-01-05", "unit": "new",
         "name": "新单位", "kind": "grassroots", "parent": "gulou"},
        {"id": "s-new", "type": "submission", "at": "2016-05-01", "unit": "new", "info": "N-1"},
    ]  # fmt: skip
    lines += [activity(i) for i in range(11_000)]
    lines += [
        {
            "id": "ad",
            "type": "adoption",
            "at": "2016-05-09",
            "info": "N-1",
            "outlet": "acftu.other",
        },
        {"id": "rt", "type": "retraction", "at": "2016-05-09", "target": "a3", "reason": "dup"},
        {"id": "rt2", "type": "retraction", "at": "2016-05-09", "target": "a3", "reason": "dup"},
    ]
    result = cli("import", base_db, write_jsonl(tmp_path / "x.jsonl", lines))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].endswith(
        "x.jsonl:11005: target: 'a3' is already retracted"
    )

    result = cli("import", base_db, write_jsonl(tmp_path / "y.jsonl", lines[:-1]))
    assert result.returncode == 0, result.stderr
    with Ledger.open(base_db) as ledger:
        assert ledger.get("ad").unit == "new"


def test_several_files_are_one_transaction(base_db: Path, tmp_path: Path, cli, write_jsonl):
    register = {"id": "u-q", "type": "unit_registered", "at": "2016-01-05", "unit": "qinhuai",
                "name": "秦淮区总工会", "kind": "county"}  # fmt: skip
    one = write_jsonl(tmp_path / "one.jsonl", [register, activity(1)])
    two = write_jsonl(tmp_path / "two.jsonl", [activity(2, unit="qinhuai"), activity(3, unit="x")])

    result = cli("import", base_db.name, one.name, two.name, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "scoreledger: two.jsonl:2: unit: unit 'x' is not registered earlier in the log or "
        "this import",
        "scoreledger: nothing was appended",
    ]
    assert count(base_db) == 7

    fixed = write_jsonl(tmp_path / "two.jsonl", [activity(2, unit="qinhuai")])
    result = cli("import", base_db, one, fixed)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "appended 3, duplicates 0"


def test_import_from_stdin(base_db: Path, tmp_path: Path, cli):
    body = "\n".join(json.dumps(activity(i)) for i in range(3)) + "\n\n"
    result = cli("import", base_db, "-", stdin=body.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "appended 3, duplicates 0"

    result = cli("import", base_db, "-", stdin=b'{"type": "activity"}\n')
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith("scoreledger: <stdin>:1: ")


def test_a_byte_order_mark_is_skipped(base_db: Path, tmp_path: Path, cli, write_jsonl):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(activity(1)).encode() + b"\r\n")
    result = cli("import", base_db, path)
    assert result.returncode == 0, result.stderr


def test_a_missing_input_file_is_one_line(base_db: Path, tmp_path: Path, cli):
    result = cli("import", base_db, tmp_path / "nope.jsonl")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "nope.jsonl: cannot read" in result.stderr


# -- export ----------------------------------------------------------------------------


def test_export_reimports_into_a_new_file_identically(
    base_db: Path, tmp_path: Path, cli, write_jsonl
):
    extra = [
        {"id": "adj", "type": "adjustment", "at": "2016-06-01", "unit": "gulou",
         "points": "0.0000001", "reason": "微调"},
        {"id": "asm", "type": "assessment", "at": "2016-06-01", "unit": "gulou",
         "table": "county/township", "item": "1.4", "score": "1.50", "self_score": "2"},
        {"id": "ad", "type": "adoption", "at": "2016-06-02", "info": "GL-1",
         "outlet": "province.union.web", "note": "控制字符\t\u0001 and \u2028"},
    ]  # fmt: skip
    assert cli("import", base_db, write_jsonl(tmp_path / "x.jsonl", extra)).returncode == 0
    exported = cli("export", base_db)
    assert exported.returncode == 0, exported.stderr
    dump = tmp_path / "dump.jsonl"
    dump.write_text(exported.stdout, encoding="utf-8")

    copy = tmp_path / "copy.sqlite"
    result = cli("import", copy, dump)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "appended 10, duplicates 0"

    again = cli("export", copy)
    assert payloads(again.stdout) == payloads(exported.stdout)
    assert [json.loads(x)["seq"] for x in again.stdout.split("\n")[:-1]] == list(range(1, 11))
    assert cli("verify", copy).returncode == 0
    # ... and the export re-imported into its own ledger is all duplicates.
    result = cli("import", base_db, dump)
    assert result.stdout == "appended 0, duplicates 10\n"


def test_export_of_an_empty_ledger_is_empty(tmp_path: Path, cli):
    Ledger.open(tmp_path / "e.sqlite", create=True).close()
    result = cli("export", tmp_path / "e.sqlite")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


# -- which files are ledgers -----------------------------------------------------------


REPORTS = ["--ruleset", "dalian-2011", "--period", "2011"]


@pytest.mark.parametrize(
    "command",
    [
        ["export"],
        ["export", "--format", "jsonl"],
        ["verify"],
        ["score", *REPORTS],
        ["explain", *REPORTS, "--unit", "gulou"],
        ["diff", *REPORTS, "--against", "dalian-2011"],
    ],
    ids=["export", "export jsonl", "verify", "score", "explain", "diff"],
)
def test_commands_other_than_import_refuse_a_missing_file(tmp_path: Path, cli, command):
    result = cli(command[0], tmp_path / "nope.sqlite", *command[1:])
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"scoreledger: {tmp_path / 'nope.sqlite'}: no such ledger file "
        "(only import and demo create one)"
    ]
    assert list(tmp_path.iterdir()) == []  # not even -wal or -shm files


@pytest.mark.parametrize("command", ["import", "export", "verify"])
def test_a_non_ledger_sqlite_file_is_refused_and_left_alone(
    tmp_path: Path, cli, write_jsonl, command
):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    files = [write_jsonl(tmp_path / "e.jsonl", [])] if command == "import" else []

    result = cli(command, other, *files)

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"scoreledger: {other}: not a scoreledger ledger (no events table)"
    ]
    with sqlite3.connect(other) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]


@pytest.mark.parametrize("command", ["import", "export", "verify"])
def test_a_text_file_is_refused(tmp_path: Path, cli, write_jsonl, command):
    text = tmp_path / "notes.txt"
    text.write_text("not a database, just words\n" * 20)
    files = [write_jsonl(tmp_path / "e.jsonl", [])] if command == "import" else []
    result = cli(command, text, *files)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"scoreledger: {text}: not a scoreledger ledger (file is not a database)"
    ]
    assert text.read_text() == "not a database, just words\n" * 20


def test_a_folder_is_refused(tmp_path: Path, cli):
    result = cli("verify", tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1


def test_import_creates_a_missing_file(tmp_path: Path, cli, write_jsonl):
    events = write_jsonl(tmp_path / "e.jsonl", [])
    result = cli("import", tmp_path / "new.sqlite", events)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "appended 0, duplicates 0\n"
    assert cli("verify", tmp_path / "new.sqlite").stdout.startswith("OK: 0 events, head hash 000")


def test_usage_errors_are_one_line(tmp_path: Path, cli):
    for args in (["import", str(tmp_path / "x.sqlite")], ["frobnicate"], []):
        result = cli(*args)
        assert result.returncode == 2, args
        assert len(result.stderr.splitlines()) == 1, (args, result.stderr)


# -- concurrency -----------------------------------------------------------------------


def _spawn(db: Path, path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ledger", "import", str(db), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_four_processes_importing_at_once_lose_nothing(
    base_db: Path, tmp_path: Path, cli, write_jsonl
):
    per_process = 3_000
    files = []
    for w in range(4):
        unit = ("gulou", "xuanwu", "office", "city")[w]
        lines: list[dict[str, Any]] = []
        for i in range(per_process // 3):
            info = f"W{w}-{i}"
            lines += [
                {"id": f"w{w}-s{i}", "type": "submission", "at": "2016-05-01", "unit": unit,
                 "info": info},
                {"id": f"w{w}-a{i}", "type": "adoption", "at": "2016-05-02", "info": info,
                 "outlet": "city.union.web.grassroots"},
                {"id": f"w{w}-r{i}", "type": "retraction", "at": "2016-05-03",
                 "target": f"w{w}-a{i}", "reason": "withdrawn"},
            ]  # fmt: skip
        files.append(write_jsonl(tmp_path / f"w{w}.jsonl", lines))

    procs = [_spawn(base_db, f) for f in files]
    outs = [p.communicate(timeout=120) for p in procs]

    for proc, (out, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, err.decode()
        assert out.decode().startswith(f"appended {per_process}, duplicates 0\n")
    with Ledger.open(base_db) as ledger:
        seqs = [row[0] for row in ledger.conn.execute("SELECT seq FROM events ORDER BY seq")]
        ids = {row[0] for row in ledger.conn.execute("SELECT id FROM events")}
        assert ledger.get("w3-a999").unit == "city"
    assert seqs == list(range(1, 7 + 4 * per_process + 1))
    assert all(f"w{w}-r{i}" in ids for w in range(4) for i in range(per_process // 3))
    result = cli("verify", base_db)
    assert result.returncode == 0
    assert result.stdout.startswith(f"OK: {7 + 4 * per_process} events, head hash ")


def test_four_processes_creating_one_file_at_once(tmp_path: Path, cli, write_jsonl):
    files = []
    for w in range(4):
        lines = [
            {"id": f"u{w}", "type": "unit_registered", "at": "2016-01-04", "unit": f"unit{w}",
             "name": f"单位{w}", "kind": "grassroots"},
            *({**activity(i, unit=f"unit{w}"), "id": f"w{w}-{i}"} for i in range(500)),
        ]  # fmt: skip
        files.append(write_jsonl(tmp_path / f"w{w}.jsonl", lines))
    db = tmp_path / "fresh.sqlite"

    procs = [_spawn(db, f) for f in files]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()

    assert cli("verify", db).stdout.startswith("OK: 2004 events")
