"""A killed rebuild or catch-up leaves the previous checkpoint or the new one (issue 10.2).

A real subprocess rebuilds (then catches up) the kept projection of a ledger of some
thousands of events, in many small batches, and is killed with SIGKILL at random moments:
after a random number of committed batches, a random fraction of a batch later (so some
kills land inside a transaction, some between). After every kill the ready projection is
exactly the old checkpoint or exactly the new one (position, groups, bodies), a building
one holds only bodies the finished build also has, what was built is never built again
(the next run resumes), and in the end the board equals a full replay.
"""

from __future__ import annotations

import itertools
import random
import signal
import subprocess
import sys
import time
from typing import Any

from backends import Backend
from ledger import Ledger
from ledger.builders import adopt, changed, reg, sub
from projections import score
from projections.engine import replay_points
from projections.heads import head_at_seq
from projections.keep import Projection
from projections.periods import parse_period
from projections.state_store import Loaded, store_for
from rules import PointsRuleset, load
from scoreledger.render.reports import board_data, to_json

RULESET, PERIOD = "dalian-2011", "2011"
COUNTIES, PER_COUNTY = 120, 50  # each county and its direct-report point: one group
BATCH_EVENTS = 400  # a rebuild of the whole ledger: some 30 committed batches
OUTLETS = ("city.union.bulletin", "province.party_committee", "city.party_committee")

RUNNER = """
import sys
from ledger import Ledger
from projections.keep import Projection
from projections.periods import parse_period
from projections.state_store import store_for
from rules import load
where, mode, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
with Ledger.open(where) as ledger:
    if ledger.path is None:  # PostgreSQL: the server session to wait for after a kill
        print("backend", ledger.conn.execute("SELECT pg_backend_pid()").fetchone()[0], flush=True)
    store = store_for(ledger.side_tables())
    projection = Projection(ledger, store, load("dalian-2011"), parse_period("2011"),
                            batch_events=batch)
    head = ledger.head().seq
    if mode == "rebuild":
        said = projection.rebuild(head, log=lambda text: print(text, flush=True))
    else:
        said = projection.answer(head).how
    print("done:", said, flush=True)
"""


def ledger_events(seed: int, rounds: int, tag: str) -> list[dict[str, Any]]:
    """Submissions (and most adopted) of every county and direct-report point, dated over
    the year at random (later batches reach back before earlier ones)."""
    rnd = random.Random(seed)
    out = []
    for n in range(rounds):
        for c in range(COUNTIES):
            unit = rnd.choice((f"c{c}", f"p{c}"))
            day = rnd.randint(0, 330)
            at = f"2011-{1 + day // 30:02d}-{1 + day % 28:02d}T09:00"
            info = f"{tag}{n}-{c}"
            out.append(sub(f"{tag}s{n}-{c}", unit, info, at))
            if rnd.random() < 0.7:
                out.append(adopt(f"{tag}a{n}-{c}", info, rnd.choice(OUTLETS), at[:8] + "28"))
    return out


def units() -> list[dict[str, Any]]:
    out = [reg("city", "大连市总工会", "city")]
    for c in range(COUNTIES):
        out.append(reg(f"c{c}", f"第{c}区总工会", "county", parent="city"))
        out.append(reg(f"p{c}", f"第{c}直报点", "direct_report", parent=f"c{c}"))
    return out


def _projection(ledger: Ledger) -> Projection:
    store = store_for(ledger.side_tables())
    assert store is not None
    rules = load(RULESET)
    return Projection(ledger, store, rules, parse_period(PERIOD), batch_events=BATCH_EVENTS)  # type: ignore[arg-type]


State = tuple[int, int, dict[str, Any]]  # (projection id, position, group -> (members, body))


def _state(loaded: Loaded | None) -> State | None:
    if loaded is None:
        return None
    groups = {g: (loaded.members[g], loaded.bodies[g]) for g in sorted(loaded.members)}
    return loaded.kept.id, loaded.kept.position, groups


def _board(where: str, state: State) -> str:
    """The board a kept state assembles to."""
    with Ledger.open(where) as ledger:
        bodies = {g: body for g, (_m, body) in state[2].items()}
        head = head_at_seq(ledger, state[1])  # the head of the position the state covers
        return to_json(board_data(_projection(ledger)._assemble(bodies, head)))


def _replayed(where: str, through: int) -> str:
    """A full replay's board up to seq `through`, without any kept state."""
    with Ledger.open(where) as ledger:
        rules = load(RULESET)
        assert isinstance(rules, PointsRuleset)
        return to_json(board_data(replay_points(ledger, rules, parse_period(PERIOD),
                                                through_seq=through)))  # fmt: skip


def _one_or_the_other(where: str, ready: State | None, old: State, boards: dict[int, str]) -> None:
    """`ready` is exactly the `old` checkpoint, or a complete later one (all its groups
    built) whose board is a full replay's up to its position: never a mix."""
    assert ready is not None
    if ready == old:
        return
    assert ready[1] in boards and ready[1] > old[1], ready[1]
    assert all(body is not None for _m, body in ready[2].values())
    assert _board(where, ready) == boards[ready[1]], "a mix of the old and the new"


def _snapshot(where: str) -> tuple[Any, Any]:
    """(ready state, building state) as another process would read them now."""
    with Ledger.open(where) as ledger:
        projection = _projection(ledger)
        ready = _state(projection.store.load(projection.key, "ready"))
        building = _state(projection.store.load(projection.key, "building"))
        assert ledger.verify().ok
    return ready, building


def _run(where: str, mode: str, rnd: random.Random | None) -> tuple[str | None, list[str]]:
    """Run the runner; with `rnd`, SIGKILL it at a random moment. (its last line, lines)"""
    proc = subprocess.Popen(
        [sys.executable, "-c", RUNNER, where, mode, str(BATCH_EVENTS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    if rnd is not None:
        after = rnd.randint(0, 12)  # committed batches to let by (0: kill while planning)
        started = time.monotonic()
        while len(lines) < after:
            line = proc.stdout.readline()
            if not line or line.startswith("done"):
                break
            lines.append(line)
        per_batch = (time.monotonic() - started) / max(1, len(lines))
        time.sleep(rnd.uniform(0, per_batch if lines else 1.0))
        proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    lines += out.splitlines(keepends=True)
    _gone(where, lines)
    if rnd is None or proc.returncode != -signal.SIGKILL:
        assert proc.returncode == 0, err
    done = next((line for line in lines if line.startswith("done")), None)
    return done, lines


def _gone(where: str, lines: list[str]) -> None:
    """Wait until a killed client's server session has ended (its transaction rolled back,
    or committed if its COMMIT was already sent): only then is the state what it left."""
    pid = next((int(line.split()[1]) for line in lines if line.startswith("backend")), None)
    if pid is None:
        return
    deadline = time.monotonic() + 30
    with Ledger.open(where) as ledger:
        while time.monotonic() < deadline:
            row = ledger.conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
            if row.fetchone() is None:
                return
            time.sleep(0.05)
    raise AssertionError(f"the killed client's session {pid} did not end")


def test_killed_rebuilds_and_catch_ups_leave_the_old_or_the_new_checkpoint(
    backend: Backend,
) -> None:
    rnd = random.Random(20110)
    where = backend.new("killed")
    with Ledger.open(where, create=True) as ledger:
        ledger.append_many(units())
        ledger.append_many(ledger_events(1, PER_COUNTY // 2, "x"))
        assert "built" in _projection(ledger).answer(ledger.head().seq).how  # type: ignore[union-attr]
        # After the checkpoint: more of everything, and a unit event (every group re-run).
        ledger.append_many(ledger_events(2, PER_COUNTY // 2, "y"))
        ledger.append(changed("move", "p0", "2011-06-01", parent="c1"))
    old, none = _snapshot(where)
    assert old is not None and none is None

    n1 = old[1]
    with Ledger.open(where) as ledger:
        n2 = ledger.head().seq
    boards = {n1: _replayed(where, n1), n2: _replayed(where, n2)}
    assert _board(where, old) == boards[n1]

    # Rebuilds, killed: each leaves the old ready checkpoint untouched or a complete new
    # one, and a building one that only grows until it is promoted; the next run resumes it.
    states = [(old, None)]
    for _ in range(5):
        _run(where, "rebuild", rnd)
        states.append(_snapshot(where))
    done, lines = _run(where, "rebuild", None)
    states.append(_snapshot(where))
    assert states[-1][0] is not None and states[-1][0][1] == n2 and states[-1][1] is None
    grew = 0
    for (_ready, building_a), (ready_b, building_b) in itertools.pairwise(states):
        _one_or_the_other(where, ready_b, old, boards)
        if building_a is None:
            continue
        filled = {g: v for g, v in building_a[2].items() if v[1] is not None}
        assert building_a[1] == n2 and set(building_a[2]) == set(states[-1][0][2])
        if building_b is not None and building_b[0] == building_a[0]:  # still building
            assert all(building_b[2][g] == v for g, v in filled.items()), "kept as built"
            grew += len(filled) > 0
        else:  # it was promoted: the ready one is that build
            assert ready_b is not None and ready_b[0] == building_a[0]
            assert all(ready_b[2][g] == v for g, v in filled.items()), "kept as built"
    assert grew > 0, "no kill landed inside a rebuild"
    left = states[-2][1]  # what the last killed run left building, the unkilled one resumes
    if left is not None:
        resumed = sum(body is not None for _m, body in left[2].values())
        assert done is not None and f"resumed with {resumed} already built" in done, lines

    # Catch-ups, killed: one transaction each, so the old checkpoint or the new one.
    before = states[-1][0]
    with Ledger.open(where) as ledger:
        ledger.append_many(ledger_events(3, 4, "z"))
        n3 = ledger.head().seq
    boards[n3] = _replayed(where, n3)
    for _ in range(4):
        _run(where, "answer", rnd)
        _one_or_the_other(where, _snapshot(where)[0], before, boards)
    _run(where, "answer", None)
    after, _ = _snapshot(where)
    assert after is not None and after[1] == n3 and _board(where, after) == boards[n3]

    with Ledger.open(where) as ledger:
        kept = to_json(board_data(score(ledger, RULESET, PERIOD)))
        assert kept == to_json(board_data(score(ledger, RULESET, PERIOD, keep=False)))
        # A build from nothing has the same groups and answers the same board (bodies may
        # differ in their warnings' tie-breaking counters: they depend on the batches).
        fresh = _projection(ledger)
        held = fresh.load()
        assert held is not None
        with fresh.store.transaction() as w:
            w.drop(held.kept.id)
        fresh.rebuild(ledger.head().seq)
        anew = fresh.load()
        assert anew is not None and anew.members == held.members
        assert anew.kept.position == held.kept.position == n3
        assert to_json(board_data(score(ledger, RULESET, PERIOD))) == kept
