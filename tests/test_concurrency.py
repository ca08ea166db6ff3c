"""Many writers, one ledger (issue 12 item 4): appends are serialised, so ``seq`` stays
gapless and in commit order, and a follower reading after its position (``Ledger.follow``)
neither loses nor skips an event. On both backends: separate processes, a real server.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from backends import Backend
from ledger import Ledger, LedgerError

WRITERS, EACH, BATCH = 8, 500, 5

WRITER = """
import sys
from ledger import Ledger
where, name, each, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with Ledger.open(where) as ledger:
    for start in range(0, each, batch):
        ledger.append_many(
            {"id": f"{name}-{i}", "type": "activity", "at": "2016-03-05", "unit": "gulou",
             "activity": "meeting", "note": name}
            for i in range(start, start + batch)
        )
"""


def test_eight_writers_lose_nothing_and_a_follower_skips_nothing(backend: Backend, base_events):
    where = backend.new("busy")
    with Ledger.open(where, create=True) as ledger:
        ledger.append_many(base_events)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, where, f"w{n}", str(EACH), str(BATCH)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    seen: list[int] = []
    per_writer: dict[str, list[int]] = {}
    deadline = time.monotonic() + 300
    with Ledger.open(where) as follower:
        for record in follower.follow(after=7, wait=0.5, idle=lambda: time.monotonic() > deadline):
            seen.append(record.seq)
            name, index = record.event.id.split("-")
            per_writer.setdefault(name, []).append(int(index))
            if len(seen) == WRITERS * EACH:
                break
    errors = [w.communicate(timeout=120)[1] for w in writers]
    assert [w.returncode for w in writers] == [0] * WRITERS, errors
    assert seen == list(range(8, 8 + WRITERS * EACH))  # in order, none missed, none twice
    # Each writer's events in its own order, every batch contiguous.
    assert {n: sorted(v) == v == list(range(EACH)) for n, v in per_writer.items()} == {
        f"w{n}": True for n in range(WRITERS)
    }
    with Ledger.open(where) as ledger:
        report = ledger.verify()
        assert (report.ok, report.count) == (True, 7 + WRITERS * EACH)
        # A batch is one transaction: its events are consecutive seqs.
        w0 = [r.seq for r in ledger.events() if r.event.note == "w0"]
        assert all(w0[i + BATCH - 1] - w0[i] == BATCH - 1 for i in range(0, EACH, BATCH))


def test_follow_wakes_for_an_append_and_ends_when_idle_says_so(backend: Backend, base_events):
    where = backend.new("tail")
    with Ledger.open(where, create=True) as ledger:
        ledger.append_many(base_events)

    def later() -> None:
        time.sleep(0.3)
        with Ledger.open(where) as other:
            other.append({"id": "late", "type": "activity", "at": "2016-03-05", "unit": "gulou",
                          "activity": "meeting"})  # fmt: skip

    thread = threading.Thread(target=later)
    thread.start()
    got, idles = [], []
    with Ledger.open(where) as ledger:
        started = time.monotonic()
        for record in ledger.follow(after=5, wait=10.0, idle=lambda: bool(idles.append(1)) or
                                    len(got) == 3):  # fmt: skip
            got.append((record.seq, record.event.id))
        waited = time.monotonic() - started
    thread.join()
    assert got == [(6, "act1"), (7, "r1"), (8, "late")]
    assert waited < 5  # woken by the append, not by the 10 s wait
    assert len(idles) == 2


def test_a_writer_waiting_past_the_lock_timeout_gets_one_clear_error(pg_server, base_events):
    url = pg_server.new_url("locked")
    with Ledger.open(url, create=True) as ledger:
        ledger.append_many(base_events)
    with Ledger.open(url) as holder, Ledger.open(url) as waiter:
        waiter.recorder.lock_timeout = 0.2  # type: ignore[attr-defined]
        with holder.recorder.writing():
            with pytest.raises(LedgerError) as caught:
                waiter.append({"type": "activity", "at": "2016-03-05", "unit": "gulou",
                               "activity": "meeting"})  # fmt: skip
        assert str(caught.value) == (
            f"{waiter.label}: another append held the ledger for more than 0.2 s; "
            "nothing was appended, try again"
        )
        assert len(waiter) == 7
        waiter.append({"type": "activity", "at": "2016-03-05", "unit": "gulou",
                       "activity": "meeting"})  # fmt: skip
        assert len(waiter) == 8
