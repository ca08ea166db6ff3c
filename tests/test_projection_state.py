"""Kept projections (issue 10): state beside the events, caught up from its position, exact.

Each case appends after a checkpoint what could make a kept state wrong — an event dated
earlier (caps are allocated in business order), a retraction of a checkpointed event, a
unit_changed, a revision, an as-of before the checkpoint — and holds the kept answer equal
to a replay without state, and says which path answered.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from backends import Backend, Server
from ledger import Ledger
from ledger.builders import adopt, changed, reg, retract, sub
from projections import diff, explain, score
from projections.keep import CODE_VERSION, Projection
from projections.model import Lines
from projections.periods import parse_period
from projections.state_postgres import LOCK_CLASS
from projections.state_store import store_for
from rules import load
from scoreledger.render.reports import board_data, explain_data, to_json

UNITS: list[dict[str, Any]] = [
    reg("city", "大连市总工会", "city", at="2011-06-02"),
    reg("a", "甲区总工会", "county", parent="city", at="2011-06-02"),
    reg("b", "乙区总工会", "county", parent="city", at="2011-06-02"),
    reg("pa", "甲直报点", "direct_report", parent="a", at="2011-06-02"),
]


def _sub(i: int, unit: str, at: str) -> dict[str, Any]:
    return sub(f"s{i}", unit, f"I{i}", at, title=None)


def _adopt(i: int, outlet: str, at: str) -> dict[str, Any]:
    return adopt(f"a{i}", f"I{i}", outlet, at)


def _events() -> list[dict[str, Any]]:
    out = list(UNITS)
    for i in range(22):  # 22 × 0.5 in 2011Q3: past a's cap of 10
        out.append(_sub(i, "a", f"2011-07-{1 + i:02d}T10:00"))
    for i in range(22, 26):
        out.append(_sub(i, "b", f"2011-08-{1 + i - 22:02d}T10:00"))
        out.append(_adopt(i, "city.union.bulletin", f"2011-08-{2 + i - 22:02d}"))
    out.append(_sub(30, "pa", "2011-09-01T10:00"))
    out.append(_adopt(30, "province.party_committee", "2011-09-02"))
    return out


@pytest.fixture
def where(backend: Backend) -> str:
    """The ledger's place: an SQLite file, or a PostgreSQL schema (its URL)."""
    return backend.new("kept")


@pytest.fixture
def ledger(where: str) -> Any:
    with Ledger.open(where, create=True) as opened:
        opened.append_many(_events())
        yield opened


def _tables(ledger: Ledger) -> set[str]:
    if ledger.path is not None:
        return {r[0] for r in ledger.conn.execute("SELECT name FROM sqlite_master")}
    rows = ledger.conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    return {r[0] for r in rows}


def _json(board: Any) -> str:
    return to_json(board_data(board))


def _check(ledger: Ledger, ruleset: Any = "dalian-2011", period: str = "2011Q3", **kw: Any) -> str:
    """The kept board equals a replay's; returns what the kept path said."""
    said: list[str] = []
    kept = score(ledger, ruleset, period, log=said.append, **kw)
    assert _json(kept) == _json(score(ledger, ruleset, period, keep=False, **kw))
    return " | ".join(said)


def _explains(ledger: Ledger, unit: str, period: str = "2011Q3") -> None:
    kept = explain(ledger, "dalian-2011", period, unit)
    full = explain(ledger, "dalian-2011", period, unit, keep=False)
    assert to_json(explain_data(kept)) == to_json(explain_data(full))


def test_first_score_builds_then_serves_from_state(ledger: Ledger) -> None:
    assert "built at seq 36" in _check(ledger)
    assert _check(ledger).endswith("served from state at seq 36")
    assert {"projection", "projection_group", "projection_link", "projection_meta"} <= _tables(
        ledger
    )
    assert ledger.verify().ok  # the events table and its guards are untouched


def test_a_build_counts_the_units_events_once(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Counting every unit's events scans the whole log: the plan and the batches share one.
    asked: list[int] = []
    count = Ledger.unit_counts

    def counting(self: Ledger, through_seq: int) -> dict[str | None, int]:
        asked.append(through_seq)
        return count(self, through_seq)

    monkeypatch.setattr(Ledger, "unit_counts", counting)
    said: list[str] = []
    score(ledger, "dalian-2011", "2011Q3", log=said.append)
    assert "built at seq 36" in said[0] and asked == [36]


def test_late_dated_submission_reallocates_the_cap(ledger: Ledger) -> None:
    _check(ledger)
    before = score(ledger, "dalian-2011", "2011Q3").unit("a")
    # Dated before every other submission of a in the quarter: it takes a place under the
    # cap that s20 and s21 (the latest) held.
    ledger.append(_sub(40, "a", "2011-07-01T08:00"))
    said = _check(ledger)
    assert "caught up from seq 36 to 37 (1 events read, 1 of" in said
    after = score(ledger, "dalian-2011", "2011Q3").unit("a")
    assert before.total == after.total
    assert after.lines[0].clause == "submission" and after.lines[0].points == 10
    assert "s40" in after.lines[0].events
    _explains(ledger, "a")
    capped = {t.event for t in explain(ledger, "dalian-2011", "2011Q3", "a").unit.trace
              if t.status == "capped"}  # fmt: skip
    assert "s40" not in capped and {"s20", "s21"} <= capped


def test_retraction_of_a_checkpointed_event(ledger: Ledger) -> None:
    _check(ledger)
    ledger.append(retract("r1", "a22", "2011-09-10", "错录"))
    assert "caught up" in _check(ledger)
    assert "a22" not in {e for line in score(ledger, "dalian-2011", "2011Q3").unit("b").lines
                         for e in line.events}  # fmt: skip
    _explains(ledger, "b")


def test_unit_changed_after_the_checkpoint_reruns_every_group(ledger: Ledger) -> None:
    _check(ledger)
    # pa moves under b: its points are handed to b from the change on.
    ledger.append(changed("c1", "pa", "2011-08-15", parent="b"))
    ledger.append(_adopt(30, "city.party_committee", "2011-09-03") | {"id": "a30b"})
    said = _check(ledger)
    assert "every group re-run" in said
    _explains(ledger, "b")
    _explains(ledger, "pa")


def test_an_item_resubmitted_by_another_unit_joins_their_groups(ledger: Ledger) -> None:
    _check(ledger)
    # b's item I22 (adopted for b) is retracted and submitted again by a: the standing
    # submission of I22 is now a's, and the info links the two units' groups.
    ledger.append(retract("r2", "s22", "2011-09-05", "报错单位"))
    _check(ledger)
    ledger.append(_sub(22, "a", "2011-09-06T09:00") | {"id": "s22b"})
    _check(ledger)
    ledger.append(_adopt(22, "province.party_committee", "2011-09-07") | {"id": "a22b"})
    said = _check(ledger)
    assert "1 of 2 groups re-run" in said, said
    _explains(ledger, "a")
    _explains(ledger, "b")


def test_a_revision_keeps_its_own_projection(ledger: Ledger, tmp_path: Path) -> None:
    revision = tmp_path / "r.toml"
    revision.write_text(
        'id = "dalian-2011-r1"\nextends = "dalian-2011"\n\n[override."submission"]\n'
        'points = "1"\ncap = "20"\n',
        encoding="utf-8",
    )
    _check(ledger)
    assert "built" in _check(ledger, str(revision))
    ledger.append(_sub(41, "b", "2011-09-20T10:00"))
    assert "caught up" in _check(ledger, str(revision))
    assert "caught up" in _check(ledger)
    store = store_for(ledger.side_tables())
    assert store is not None
    kept = {(k.key.ruleset, k.key.fingerprint[:8]) for k in store.kept()}
    assert len(kept) == 2 and {r for r, _ in kept} == {"dalian-2011", "dalian-2011-r1"}
    a = diff(ledger, "2011Q3", "dalian-2011", str(revision))
    b = diff(ledger, "2011Q3", "dalian-2011", str(revision), keep=False)
    assert a == b


def test_as_of_before_the_checkpoint_replays_and_after_it_serves(ledger: Ledger) -> None:
    first = ledger.head().recorded_at
    ledger.append(_sub(42, "b", "2011-09-21T10:00"))
    _check(ledger)  # the checkpoint is at 37
    said = _check(ledger, as_of=first)
    assert "replayed the log: --as-of" in said and "(seq 36)" in said
    ledger.append(_sub(43, "b", "2011-09-22T10:00"))
    now = ledger.head().recorded_at
    assert "caught up from seq 37 to 38" in _check(ledger, as_of=now)
    board = score(ledger, "dalian-2011", "2011Q3", as_of=now)
    assert board.as_of is not None


def test_a_mismatched_code_version_is_rebuilt_never_used(ledger: Ledger) -> None:
    _check(ledger)
    ledger.conn.execute("UPDATE projection SET code = 'old'")
    ledger.conn.execute('UPDATE projection_group SET body = \'{"units": [], "warnings": []}\'')
    assert "built at seq 36" in _check(ledger)
    codes = {r[0] for r in ledger.conn.execute("SELECT code FROM projection")}
    assert codes == {CODE_VERSION}  # the stale one was replaced


def test_a_stale_writer_never_regresses_the_checkpoint(ledger: Ledger, where: str) -> None:
    _check(ledger)
    rules = load("dalian-2011")
    with Ledger.open(where) as other:
        ledger.append(_sub(44, "b", "2011-09-23T10:00"))
        slow = Projection(other, _store(other), rules, parse_period("2011Q3"))
        loaded = slow.load()
        assert loaded is not None and loaded.kept.position == 36
        _check(ledger)  # the first process moves it to 37
        answer = slow._catch_up(loaded, 37)  # the second, still holding 36
        assert "another process moved the checkpoint first" in answer.how
        assert _json(answer.board) == _json(score(ledger, "dalian-2011", "2011Q3", keep=False))
    positions = [r[0] for r in ledger.conn.execute("SELECT position FROM projection")]
    assert positions == [37]


def _store(ledger: Ledger) -> Any:
    store = store_for(ledger.side_tables())
    assert store is not None
    return store


def test_cli_lists_rebuilds_and_drops(ledger: Ledger, where: str, cli: Callable[..., Any]) -> None:
    db = where
    out = cli("score", db, "--ruleset", "dalian-2011", "--period", "2011Q3", "--verbose")
    assert out.returncode == 0 and "scoreledger: projection dalian-2011 2011Q3: built" in out.stderr
    out = cli("explain", db, "--ruleset", "dalian-2011", "--period", "2011Q3", "--unit", "a", "-v")
    assert out.returncode == 0 and "served from state at seq 36" in out.stderr
    out = cli("diff", db, "--ruleset", "dalian-2011", "--period", "2011Q3", "--against-as-of",
              "2000-01-01", "-v")  # fmt: skip
    assert out.returncode == 0 and "replayed the log: --as-of" in out.stderr
    listed = cli("projections", db)
    assert listed.returncode == 0
    assert listed.stdout.split("\n")[1].split()[:6] == [
        "dalian-2011", "2011Q3", load_fp()[:12], CODE_VERSION, "36", "3"
    ]  # fmt: skip
    doc = json.loads(cli("projections", db, "--format", "json").stdout)
    assert doc["projections"][0]["status"] == "ready"
    rebuilt = cli("projections", db, "--rebuild")
    assert rebuilt.stdout.strip() == "projection dalian-2011 2011Q3: built at seq 36 (3 groups)"
    assert cli("projections", db, "--drop").stdout.strip() == "dropped 1 projection"
    assert cli("projections", db).stdout.strip() == "(no projections kept)"
    out = cli("score", db, "--ruleset", "suzhou-2015", "--period", "2015", "--verbose")
    assert "checklist ruleset (no projection is kept)" in out.stderr


def load_fp() -> str:
    from rules import fingerprint

    return fingerprint(load("dalian-2011"))


@pytest.fixture
def sqlite_ledger(tmp_path: Path) -> Any:
    with Ledger.open(tmp_path / "l.sqlite", create=True) as opened:
        opened.append_many(_events())
        yield opened


def test_read_only_file_still_scores(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    ledger = sqlite_ledger
    uri = f"file:{ledger.path}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    conn.close()
    ledger.close()
    readonly = Ledger.open(tmp_path / "l.sqlite")
    readonly.recorder.conn.close()  # type: ignore[attr-defined]
    readonly.recorder.conn = sqlite3.connect(uri, uri=True, isolation_level=None)  # type: ignore[attr-defined]
    said: list[str] = []
    board = score(readonly, "dalian-2011", "2011Q3", log=said.append)
    assert "read-only" in said[-1]
    assert _json(board) == _json(score(readonly, "dalian-2011", "2011Q3", keep=False))
    readonly.close()


# -- PostgreSQL: who may keep state, one runner per projection ----------------------------


def _as_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{user}@{parts.netloc.rsplit('@', 1)[-1]}"))


def test_a_role_that_may_not_keep_state_replays(pg_server: Server) -> None:
    from ledger.schema_postgres import roles_sql

    url = pg_server.new_url("roles")
    with Ledger.open(url, create=True) as owner:
        owner.append_many(_events())
        assert "built at seq 36" in _check(owner)  # the owner keeps the state
        schema = owner.conn.execute("SELECT current_schema()").fetchone()[0]
    tag = secrets.token_hex(3)
    writer, reader = f"sl_test_w_{tag}", f"sl_test_r_{tag}"
    with pg_server.connect(url) as conn:
        for role in (writer, reader):
            conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(roles_sql(writer, reader, schema))
    try:
        for role in (reader, writer):  # neither may read or write the projection tables
            with Ledger.open(_as_user(url, role)) as ledger:
                said = _check(ledger)
                assert said.startswith("replayed the log: this role may not keep projection state")
                assert "\n" not in said
        with Ledger.open(url) as owner:
            assert _check(owner).endswith("served from state at seq 36")
    finally:
        with pg_server.connect(url) as conn:
            for role in (writer, reader):
                conn.execute(f'DROP OWNED BY "{role}"')
                conn.execute(f'DROP ROLE "{role}"')


def test_one_runner_per_projection_on_postgres(pg_server: Server) -> None:
    """While another transaction holds a projection's advisory lock, a catch-up computes
    but cannot write its checkpoint; it writes once the lock is released, from the position
    it read (compare-and-set under the lock)."""
    url = pg_server.new_url("runner")
    with Ledger.open(url, create=True) as ledger:
        ledger.append_many(_events())
        _check(ledger)
        ledger.append(_sub(45, "b", "2011-09-24T10:00"))
        schema = ledger.conn.execute("SELECT current_schema()").fetchone()[0]
    said: list[str] = []
    with pg_server.connect(url) as holder:
        holder.execute("BEGIN")
        holder.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
            [LOCK_CLASS, f"{schema} dalian-2011 2011Q3"],
        )

        def catch_up() -> None:
            with Ledger.open(url) as other:
                score(other, "dalian-2011", "2011Q3", log=said.append)

        runner = threading.Thread(target=catch_up)
        started = time.monotonic()
        runner.start()
        runner.join(1.0)
        assert runner.is_alive() and not said  # waiting for the lock
        holder.execute("COMMIT")
        runner.join(30)
    assert not runner.is_alive() and time.monotonic() - started >= 1.0
    assert "caught up from seq 36 to 37" in said[-1]
    with Ledger.open(url) as ledger:
        assert [r[0] for r in ledger.conn.execute("SELECT position FROM projection")] == [37]


def test_lines_are_parsed_on_first_use_and_equal_a_replays(ledger: Ledger) -> None:
    # A body is lines of JSON (the units, then one line per unit's lines): a note holding a
    # newline must not split it. An adjustment's reason is its line's note.
    ledger.append({"id": "adj-nl", "type": "adjustment", "at": "2011-08-20", "unit": "a",
                   "points": "1.5", "reason": "补报\n第二行"})  # fmt: skip
    _check(ledger)
    kept = score(ledger, "dalian-2011", "2011Q3").unit("a")
    full = score(ledger, "dalian-2011", "2011Q3", keep=False).unit("a")
    assert isinstance(kept.lines, Lines) and not isinstance(full.lines, Lines)
    assert kept == full and hash(kept.lines) == hash(full.lines)
    assert [x.note for x in kept.lines if x.clause == "adjustment"] == ["补报\n第二行"]
    assert kept.lines[-1] == full.lines[-1] and kept.lines[:2] == full.lines[:2]


def test_a_late_dated_submission_of_a_handing_unit_moves_its_parents_attribution(
    ledger: Ledger,
) -> None:
    # pa hands its points to a (a direct report): fill pa's 2011Q3 cap, checkpoint, then a
    # submission of pa dated before all of them takes a place under the cap, so the events
    # behind a's attribution line from pa change while the totals stay.
    ledger.append_many([_sub(100 + i, "pa", f"2011-08-{1 + i:02d}T10:00") for i in range(22)])
    _check(ledger)
    before = score(ledger, "dalian-2011", "2011Q3").unit("a")
    ledger.append(_sub(140, "pa", "2011-07-01T08:00"))
    said = _check(ledger)
    assert "caught up from seq" in said and "1 events read" in said, said
    after = score(ledger, "dalian-2011", "2011Q3").unit("a")
    assert after.total == before.total
    handed = [x for x in after.lines if x.clause == "attribution" and x.note == "pa"]
    assert len(handed) == 1 and "s140" in handed[0].events
    _explains(ledger, "a")
    _explains(ledger, "pa")


def test_a_catch_up_bigger_than_a_batch_re_runs_its_groups_in_several(ledger: Ledger) -> None:
    # Groups {a, pa}, {b} and {city}; a limit of 5 events holds none of the first two, so
    # each dirty group is re-run alone (its trace taken on the way), in one transaction.
    _check(ledger)
    ledger.append_many(
        [
            _sub(60, "a", "2011-07-15T08:00"),  # under a's cap, before most of a's items
            _sub(61, "b", "2011-08-20T10:00"),
            _adopt(61, "province.party_committee", "2011-08-21"),
            _sub(62, "pa", "2011-09-03T10:00"),
        ]
    )
    head = ledger.head().seq
    small = Projection(
        ledger, _store(ledger), load("dalian-2011"), parse_period("2011Q3"),
        batch_events=5, trace_unit="pa",
    )  # fmt: skip
    answer = small.answer(head)
    assert answer is not None
    assert "4 events read, 2 of 3 groups re-run in 2 batches" in answer.how, answer.how
    full = score(ledger, "dalian-2011", "2011Q3", keep=False)
    assert _json(answer.board) == _json(full)
    traced = small.traced("pa", head)
    replayed = explain(ledger, "dalian-2011", "2011Q3", "pa", keep=False).unit
    assert traced is not None and traced.trace == replayed.trace and traced.trace
    said = _check(ledger)
    assert said.endswith(f"served from state at seq {head}"), said
    _explains(ledger, "a")
    _explains(ledger, "b")
