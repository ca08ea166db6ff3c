"""``scoreledger copy SRC DST`` (CONTRACT §8.4, issue 11 item 4, issue 12 item 2): a copy
keeps every seq, recorded_at, recorded_by and hash, so the copy verifies with the same head
and ``--as-of`` answers the same; a line whose hash does not follow is refused, nothing
written. Every run is the real command line in a subprocess."""

from __future__ import annotations

import copy
import hashlib
import json
import sqlite3
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from backends import Backend
from ledger import Ledger, copier
from ledger.copier import copy_ledger
from ledger.errors import InputError, LedgerError
from ledger.integrity import chain_hash
from ledger.recorder import GENESIS
from ledger.schema import GUARDS, INDEXES, TABLES
from ledger.schema_postgres import roles_sql

LATER = [
    {"id": "a1", "type": "adoption", "at": "2016-03-04", "info": "GL-1",
     "outlet": "province.union.express"},
    {"id": "s2", "type": "submission", "at": "2016-03-05T10:00", "unit": "xuanwu",
     "info": "XW-1", "title": "玄武区职工运动会"},
]  # fmt: skip
LAST = [
    {"id": "i1", "type": "instruction", "at": "2016-03-08", "info": "XW-1", "level": "province"},
    {"id": "adj1", "type": "adjustment", "at": "2016-03-09", "unit": "gulou", "points": "-0.5",
     "reason": "late"},
]  # fmt: skip
SCORE = ("--ruleset", "jiangsu-2016", "--period", "2016Q1", "--format", "json")


def ok(out: Any) -> Any:
    assert out.returncode == 0, out.stderr
    return out


class Source:
    """An SQLite ledger of 11 events in three appends by three recorders, and what the
    command line says of it (each run once: tests only read it)."""

    def __init__(self, cli, where: str):
        self.where = where
        with Ledger.open(where) as ledger:
            self.head = ledger.head()
            self.as_of = ledger.get("r1").recorded_at.isoformat()  # type: ignore[union-attr]
        self.export = export(cli, where)
        self.verify = ok(cli("verify", where)).stdout
        self.then = score(cli, where, self.as_of)  # the board as of the first append
        self.lines = [json.loads(line) for line in self.export.splitlines()]


@pytest.fixture(scope="module")
def source(cli, make_base, write_jsonl, tmp_path_factory) -> Source:
    folder = tmp_path_factory.mktemp("source")
    where = str(make_base(folder / "source.sqlite"))
    for name, events, by in (("two", LATER, "李强"), ("three", LAST, "王芳")):
        ok(cli("import", where, write_jsonl(folder / f"{name}.jsonl", events),
               "--recorded-by", by))  # fmt: skip
    return Source(cli, where)


def export(cli, where: str) -> str:
    return ok(cli("export", where)).stdout


def score(cli, where: str, as_of: str | None = None) -> str:
    when = () if as_of is None else ("--as-of", as_of)
    return ok(cli("score", where, *SCORE, *when)).stdout


def test_a_copy_keeps_every_seq_time_recorder_and_hash(cli, source: Source, tmp_path: Path):
    dst = tmp_path / "copy.sqlite"
    out = ok(cli("copy", source.where, dst))
    assert out.stdout == f"copied 11 events, head 11:{source.head.hash}\n"
    assert export(cli, str(dst)) == source.export  # seq, recorded_at, recorded_by, hash
    assert len({line["recorded_by"] for line in source.lines}) == 3
    # The copy is a ledger like any other: it verifies and takes appends after the head.
    ok(cli("import", dst, "-", stdin=b'{"type":"activity","at":"2016-03-10","unit":"gulou",'
                                     b'"activity":"training"}'))  # fmt: skip
    assert ok(cli("verify", dst)).stdout.startswith("OK: 12 events")


def test_sqlite_to_postgres_and_back_keeps_the_head(cli, source: Source, tmp_path, pg_server):
    on_server = pg_server.new_url("copied")
    ok(cli("copy", source.where, on_server))
    back = tmp_path / "back.sqlite"
    ok(cli("copy", on_server, back))
    assert export(cli, on_server) == source.export
    assert export(cli, str(back)) == source.export
    for where in (on_server, str(back)):
        assert ok(cli("verify", where)).stdout == source.verify
    assert score(cli, on_server, source.as_of) == source.then


def test_as_of_answers_the_same_on_the_source_and_the_copy(cli, source: Source, tmp_path):
    dst = str(tmp_path / "copy.sqlite")
    ok(cli("copy", source.where, dst))
    now = score(cli, dst)
    assert now != source.then  # the later appends changed the board: the test can fail
    assert score(cli, dst, source.as_of) == source.then
    assert now == score(cli, source.where)
    # An import of the export is still allowed: it appends anew, and --as-of then answers
    # from the new times (nothing was recorded by the old as-of).
    anew = str(tmp_path / "anew.sqlite")
    ok(cli("import", anew, "-", stdin=source.export.encode()))
    assert score(cli, anew, source.as_of) != source.then


def test_export_piped_into_copy_restores_the_ledger(cli, source: Source, tmp_path: Path):
    dst = tmp_path / "restored.sqlite"
    ok(cli("copy", "-", dst, stdin=source.export.encode()))
    assert export(cli, str(dst)) == source.export


def rechained(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines with every hash recomputed from their content: what a forger who knows the
    algorithm writes (only the checks beyond the chain, and anchors, can catch it)."""
    prev = GENESIS
    for line in lines:
        payload = {k: v for k, v in line.items()
                   if k not in ("seq", "recorded_at", "recorded_by", "hash")}  # fmt: skip
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        line["hash"] = prev = chain_hash(
            prev, text, line["seq"], line["recorded_at"], recorded_by=line.get("recorded_by")
        )
    return lines


def _edit_payload(lines):
    lines[5]["activity"] = "training"
    return lines


def _drop(lines):
    del lines[7]
    return lines


def _swap(lines):
    lines[8], lines[9] = lines[9], lines[8]
    return lines


def _recorder(lines):
    lines[8]["recorded_by"] = "the-chairman"
    return lines


def _backwards(lines):
    lines[9]["recorded_at"] = "2000-01-01T00:00:00.000000+00:00"
    return rechained(lines)


def _other_form(lines):
    # The last event's own time, but not in the ledger's one form (--as-of compares
    # them as text), under a recomputed chain.
    lines[-1]["recorded_at"] = lines[-1]["recorded_at"].replace("+00:00", "Z")
    return rechained(lines)


def _invalid_points(lines):
    lines[10]["points"] = "abc"
    return rechained(lines)


def _unregistered(lines):
    lines[5]["unit"] = "nowhere"
    return rechained(lines)


def _no_hash(lines):
    del lines[3]["hash"]
    return lines


TAMPERINGS = [
    (_edit_payload, "6: hash: does not follow from the events before"),
    (_drop, "8: seq: 9 where 8 was expected"),
    (_swap, "9: seq: 10 where 9 was expected"),
    (_recorder, "9: hash: does not follow from the events before"),
    (_backwards, "10: recorded_at: 2000-01-01T00:00:00.000000+00:00 goes backwards"),
    (_other_form, "11: recorded_at: '20"),
    (_invalid_points, "11: points: expected a decimal string"),
    (_unregistered, "6: unit: unit 'nowhere' is not registered"),
    (_no_hash, "4: hash: required in a copy"),
]


@pytest.mark.parametrize(("tamper", "message"), TAMPERINGS, ids=[t.__name__ for t, _ in TAMPERINGS])
def test_a_line_that_does_not_follow_is_refused_and_nothing_written(
    cli, source, tmp_path: Path, write_jsonl, tamper, message: str
):
    tampered = write_jsonl(tmp_path / "tampered.jsonl", tamper(copy.deepcopy(source.lines)))
    dst = tmp_path / "copy.sqlite"
    out = cli("copy", tampered, dst)
    assert out.returncode == 2
    first = out.stderr.splitlines()[0]
    assert first.startswith(f"scoreledger: {tampered}:{message}"), out.stderr
    assert out.stderr.endswith("nothing was appended\n")
    assert not dst.exists() and not list(tmp_path.glob("copy.sqlite*"))  # no file left behind


def test_a_refused_copy_writes_nothing_on_postgres(cli, source, tmp_path, write_jsonl, pg_server):
    src = source.where
    tampered = write_jsonl(tmp_path / "tampered.jsonl", _edit_payload(copy.deepcopy(source.lines)))
    dst = pg_server.new_url("refused")
    out = cli("copy", tampered, dst)
    assert out.returncode == 2 and f"{tampered}:6: hash:" in out.stderr
    with pg_server.connect(dst) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (0,)
    ok(cli("copy", src, dst))  # the empty ledger left behind takes the copy
    assert export(cli, dst) == source.export


def test_a_destination_with_events_is_refused(cli, source, backend: Backend):
    src = source.where
    dst = backend.new("full")
    ok(cli("copy", src, dst))
    before = export(cli, dst)
    out = cli("copy", src, dst)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1
    assert "holds 11 events; copy writes only into a new or empty ledger" in out.stderr
    assert export(cli, dst) == before


def test_a_missing_source_is_one_line(cli, tmp_path: Path):
    out = cli("copy", tmp_path / "nothing.jsonl", tmp_path / "dst.sqlite")
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "nothing.jsonl: cannot read" in out.stderr
    assert not (tmp_path / "dst.sqlite").exists()


def test_an_import_file_without_the_ledger_fields_is_not_a_copy(cli, tmp_path, write_jsonl):
    event = {"type": "unit_registered", "id": "u", "at": "2016-01-04", "unit": "u",
             "name": "U", "kind": "county"}  # fmt: skip
    plain = write_jsonl(tmp_path / "plain.jsonl", [event])
    out = cli("copy", plain, tmp_path / "dst.sqlite")
    assert out.returncode == 2
    assert f"{plain}:1: seq: required in a copy (export writes it); to append events anew, " \
           "use import" in out.stderr  # fmt: skip


def _old_file(path: Path) -> str:
    """A ledger file from before recorded_by (no such column, hashes without it)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT "
        "NULL, version INTEGER NOT NULL, at TEXT NOT NULL, unit TEXT, info TEXT, ref TEXT, "
        "recorded_at TEXT NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL, "
        "hash TEXT NOT NULL) STRICT"
    )
    # Its indexes, guards and schema_version as scoreledger made them then (as now).
    for ddl in [*INDEXES.values(), *GUARDS.values(), TABLES["schema_version"]]:
        conn.execute(ddl)
    conn.execute("INSERT INTO schema_version VALUES (1, '2020-01-01T00:00:00+00:00')")
    payload = ('{"at":"2016-01-04T00:00:00+08:00","id":"u1","kind":"county","name":"鼓楼",'
               '"type":"unit_registered","unit":"gulou"}')  # fmt: skip
    when = "2020-01-01T00:00:00.000000+00:00"
    digest = chain_hash(GENESIS, payload, 1, when)
    conn.execute(
        "INSERT INTO events VALUES (1, 'u1', 'unit_registered', 1, '2016-01-04T00:00:00+08:00', "
        "'gulou', NULL, NULL, ?, ?, ?, ?)",
        [when, payload, GENESIS, digest],
    )
    conn.close()
    return digest


def test_events_from_before_recorded_by_keep_their_hash_on_postgres(cli, tmp_path, pg_server):
    old = tmp_path / "old.sqlite"
    digest = _old_file(old)
    dst = pg_server.new_url("old")
    assert ok(cli("copy", old, dst)).stdout == f"copied 1 events, head 1:{digest}\n"
    with Ledger.open(dst) as ledger:
        assert ledger.verify().ok and ledger.get("u1").recorded_by is None  # type: ignore[union-attr]
    assert export(cli, dst) == export(cli, str(old))


def test_a_writer_role_cannot_copy_to_forge_recorded_by(cli, source, tmp_path, pg_server):
    """The copy is the one write keeping a row's recorded_by; only the table's owner may make
    it. A writer role (roles_sql) copying an export recorded by others is refused."""
    dst = pg_server.new_url("office")
    with Ledger.open(dst, create=True):
        pass  # the owner makes the empty ledger and grants the roles
    tag = hashlib.sha256(str(tmp_path).encode()).hexdigest()[:6]
    writer, reader = f"sl_test_cw_{tag}", f"sl_test_cr_{tag}"
    schema = dst.rsplit("%3D", 1)[-1]
    with pg_server.connect(dst) as conn:
        for role in (writer, reader):
            conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(roles_sql(writer, reader, schema))
    try:
        as_writer = dst.replace("postgres@", f"{writer}@", 1)
        exported = tmp_path / "events.jsonl"
        exported.write_text(source.export, encoding="utf-8")
        out = cli("copy", exported, as_writer)
        assert out.returncode == 2 and out.stderr.count("\n") == 1
        assert f"recorded_by is the session user ({writer}), not " in out.stderr
        with pg_server.connect(dst) as conn:
            assert conn.execute("SELECT count(*) FROM events").fetchone() == (0,)
    finally:
        with pg_server.connect(dst) as conn:
            for role in (writer, reader):
                conn.execute(f'DROP OWNED BY "{role}"')
                conn.execute(f'DROP ROLE "{role}"')


def test_the_api_copies_and_refuses_like_the_command(source, tmp_path: Path):
    src = source.where
    result = copy_ledger(src, tmp_path / "api.sqlite")
    with Ledger.open(src) as a, Ledger.open(tmp_path / "api.sqlite") as b:
        assert result.copied == 11 and result.head.hash == a.head().hash == b.head().hash
    with pytest.raises(LedgerError, match="holds 11 events"):
        copy_ledger(src, tmp_path / "api.sqlite")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type":"veto"}\n', encoding="utf-8")
    with pytest.raises(InputError):
        copy_ledger(bad, tmp_path / "api2.sqlite")
    assert not (tmp_path / "api2.sqlite").exists()


def _big_export(tmp_path: Path, units: int, per_unit: int) -> Path:
    """An export of `units` registrations and `per_unit` activities each, in one import."""
    events: list[dict[str, Any]] = [
        {"id": f"u{u}", "type": "unit_registered", "at": "2016-01-04", "unit": f"u{u}",
         "name": f"单位{u}", "kind": "county"} for u in range(units)
    ]  # fmt: skip
    events += [
        {"id": f"a{u}-{i}", "type": "activity", "at": "2016-03-02", "unit": f"u{u}",
         "activity": "meeting"} for u in range(units) for i in range(per_unit)
    ]  # fmt: skip
    db = tmp_path / f"big{per_unit}.sqlite"
    with Ledger.open(db, create=True) as ledger:
        ledger.append_many(events)
    return db


def test_memory_does_not_grow_with_the_ledger(tmp_path: Path, monkeypatch):
    """A copy streams: the peak memory of copying 24,100 events is about that of 6,100.
    Chunks of 500 (not 5,000) so that both are many chunks at a test's size; holding the
    events would make the larger peak four times the smaller."""
    monkeypatch.setattr(copier, "CHUNK", 500)
    sources = {n: _big_export(tmp_path, 100, n) for n in (60, 240)}
    copy_ledger(sources[60], tmp_path / "warm.sqlite")  # first-use caches out of the way
    peaks = []
    for per_unit, src in sources.items():
        tracemalloc.start()
        copy_ledger(src, tmp_path / f"copy{per_unit}.sqlite")
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1.3 * peaks[0], peaks
