"""A live board for embedders (issue 10.2, 12.5): refresh, position, read-your-writes.

A writer in another process appends batches (late-dated submissions, adoptions, a
retraction, a unit_changed) while a LiveBoard waits for the last seq: wait_for returns
once it is reflected, with the board a fresh full replay gives; a seq nobody appends
times out with one clear error. On SQLite files and on the real PostgreSQL server.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from backends import Backend
from ledger import Ledger
from ledger.builders import adopt, changed, reg, retract, sub
from projections import LiveBoard, NotReflected, explain, score
from projections.engine import replay_points
from projections.periods import parse_period
from rules import PointsRuleset, load
from scoreledger.render.reports import board_data, explain_data, to_json

UNITS = [
    reg("city", "大连市总工会", "city"),
    reg("a", "甲区总工会", "county", parent="city"),
    reg("b", "乙区总工会", "county", parent="city"),
    reg("pa", "甲直报点", "direct_report", parent="a"),
]
OUTLETS = ("city.union.bulletin", "province.party_committee", "city.party_committee")


def batches(seed: int, count: int, size: int, tag: str = "") -> list[list[dict[str, Any]]]:
    """`count` batches of submissions and adoptions in 2011Q3 (some dated before the
    events already recorded), a retraction and a unit_changed; ids start with `tag`."""
    rnd = random.Random(seed)
    out: list[list[dict[str, Any]]] = []
    n = 0
    for b in range(count):
        batch = []
        for _ in range(size):
            n += 1
            unit = rnd.choice(("a", "b", "pa"))
            day = rnd.randint(1, 60)
            at = f"2011-{7 + day // 31:02d}-{1 + day % 30:02d}T{rnd.randint(8, 17):02d}:00"
            batch.append(sub(f"{tag}s{n}", unit, f"{tag}I{n}", at))
            if rnd.random() < 0.6:
                batch.append(adopt(f"{tag}a{n}", f"{tag}I{n}", rnd.choice(OUTLETS), at[:8] + "28"))
        if b == count // 2:
            batch.append(retract(f"{tag}r1", f"{tag}s1", "2011-09-29", "错录"))
        if b == count - 1:
            batch.append(changed(f"{tag}c1", "pa", "2011-08-15", parent="b" if b % 2 else "a"))
        out.append(batch)
    return out


WRITER = """
import json, sys, time
from ledger import Ledger
from ledger.builders import adopt, changed, reg, retract, sub
where, path, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
with Ledger.open(where) as ledger:
    for batch in json.loads(open(path, encoding="utf-8").read()):
        time.sleep(pause)
        ledger.append_many(batch)
"""


def _json(board: Any) -> str:
    return to_json(board_data(board))


def _writer(where: str, tmp_path: Path, todo: list[list[dict[str, Any]]], pause: float) -> Any:
    path = tmp_path / "batches.json"
    path.write_text(json.dumps(todo, ensure_ascii=False), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, where, str(path), str(pause)],
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def where(backend: Backend) -> str:
    place = backend.new("live")
    with Ledger.open(place, create=True) as ledger:
        ledger.append_many(UNITS)
        for batch in batches(1, 3, 10):
            ledger.append_many(batch)
    return place


def test_wait_for_a_write_in_another_process(where: str, tmp_path: Path) -> None:
    todo = batches(2, 6, 8, "w")
    expected_last = None
    with Ledger.open(where) as ledger:
        live = LiveBoard(ledger, "dalian-2011", "2011Q3")
        start = live.position
        assert start == ledger.head().seq
        expected_last = start + sum(len(b) for b in todo)
        writer = _writer(where, tmp_path, todo, 0.15)
        board = live.wait_for(expected_last, timeout=60)
        assert writer.wait(timeout=60) == 0, writer.stderr.read() if writer.stderr else ""
        assert live.position == expected_last == ledger.head().seq
        assert board is live.board
    with Ledger.open(where) as fresh:  # another connection, no state used
        full = score(fresh, "dalian-2011", "2011Q3", keep=False)
        assert _json(board) == _json(full)
        assert {u.unit for u in board.units} == {"a", "b", "pa"}


def test_wait_for_an_earlier_seq_returns_once_it_is_reflected(where: str, tmp_path: Path) -> None:
    todo = batches(3, 4, 5, "x")
    with Ledger.open(where) as ledger:
        live = LiveBoard(ledger, "dalian-2011", "2011Q3")
        first = live.position + len(todo[0])
        writer = _writer(where, tmp_path, todo, 0.4)
        board = live.wait_for(first, timeout=60)
        at = live.position
        assert at >= first
        # Whatever else had arrived by then, the board is a replay up to its position.
        rules = load("dalian-2011")
        assert isinstance(rules, PointsRuleset)
        upto = replay_points(ledger, rules, parse_period("2011Q3"), through_seq=at)
        assert _json(board) == _json(upto)
        assert writer.wait(timeout=60) == 0
        assert live.position == at  # nothing moves it but refresh or wait_for
        live.refresh()
        assert live.position == ledger.head().seq
        assert _json(live.board) == _json(score(ledger, "dalian-2011", "2011Q3", keep=False))


def test_a_seq_nobody_appends_times_out_with_one_clear_error(where: str) -> None:
    with Ledger.open(where) as ledger:
        live = LiveBoard(ledger, "dalian-2011", "2011Q3")
        head = ledger.head().seq
        started = time.monotonic()
        with pytest.raises(NotReflected) as caught:
            live.wait_for(head + 5, timeout=0.6)
        elapsed = time.monotonic() - started
    assert 0.6 <= elapsed < 3.0
    assert isinstance(caught.value, TimeoutError)
    message = str(caught.value)
    assert "\n" not in message
    assert f"seq {head + 5} was not reflected within 0.6 s" in message
    assert f"the ledger's head is seq {head}" in message
    assert f"dalian-2011 2011Q3 stands at seq {head}" in message


def test_explain_and_refresh_follow_the_board(where: str) -> None:
    with Ledger.open(where) as ledger:
        said: list[str] = []
        live = LiveBoard(ledger, "dalian-2011", "2011Q3", log=said.append)
        before = live.position
        held = to_json(explain_data(live.explain("a")))
        assert held == to_json(explain_data(explain(ledger, "dalian-2011", "2011Q3", "a",
                                                    keep=False)))  # fmt: skip
        ledger.append({"id": "late", "type": "submission", "at": "2011-07-01T07:00",
                       "unit": "a", "info": "LATE"})  # fmt: skip
        # Not refreshed: the board and its explanation stay at their position.
        assert live.position == before
        assert to_json(explain_data(live.explain("a"))) == held
        assert live.refresh() is live.board and live.position == before + 1
        now = to_json(explain_data(live.explain("a")))
        assert "LATE" in now
        assert now == to_json(explain_data(explain(ledger, "dalian-2011", "2011Q3", "a",
                                                   keep=False)))  # fmt: skip
        said.clear()
        live.refresh()  # at the head already: nothing read, nothing said
        assert said == []


def test_updates_yield_each_move(where: str, tmp_path: Path) -> None:
    todo = batches(4, 3, 4, "y")
    with Ledger.open(where) as ledger:
        live = LiveBoard(ledger, "dalian-2011", "2011Q3")
        last = live.position + sum(len(b) for b in todo)
        writer = _writer(where, tmp_path, todo, 0.3)
        deadline = time.monotonic() + 60
        positions = []
        for board in live.updates(wait=0.2, idle=lambda: time.monotonic() > deadline):
            positions.append(live.position)
            assert board is live.board
            if live.position == last:
                break
        assert writer.wait(timeout=60) == 0
    assert positions[-1] == last and positions == sorted(set(positions)) and len(positions) >= 2


def test_a_checklist_board_is_replayed_up_to_its_position(backend: Backend) -> None:
    place = backend.new("checklist")
    with Ledger.open(place, create=True) as ledger:
        ledger.append({"id": "u1", "type": "unit_registered", "at": "2015-01-05",
                       "unit": "gulou", "name": "鼓楼区总工会", "kind": "county"})  # fmt: skip
        said: list[str] = []
        live = LiveBoard(ledger, "suzhou-2015", "2015", log=said.append)
        assert live.position == 1 and "checklist ruleset" in said[0]
        done = ledger.append({"id": "m1", "type": "activity", "at": "2015-03-02",
                              "unit": "gulou", "activity": "meeting"})  # fmt: skip
        board = live.wait_for(done.last_seq or 0, timeout=10)
        assert live.position == 2
        assert _json(board) == _json(score(ledger, "suzhou-2015", "2015", keep=False))
