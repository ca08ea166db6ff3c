"""Live-board benchmark: a score after 10 appends, against process start-up, in one run.

Not a test. Run::

    python benchmarks/bench_live.py --events 100000 --out /tmp/bench-live
    python benchmarks/bench_live.py --events 100000 --tree before=/tmp/old/src   # and main

It builds (or reuses) bench_replay's dalian-2011 ledger of N events (one year, 2012), then
measures, wall time, CPU time (user + system: less moved by other work on a shared machine) and
peak RSS of each child process, median of --repeat runs:

* the floors: ``python -c pass`` (process start-up), ``python -c "import projections"``
  and ``python -c "import scoreledger.cli"`` (what every command imports);
* the command line: the cold ``score`` that builds the kept projection, ``score`` served
  from it, and ``score`` and ``explain --unit c01`` after 10 appends (each a new process);
* in one process (a child): a full replay without state (``keep=False``), and a
  ``projections.LiveBoard`` brought up to date after 10 appends (``wait_for`` the last seq);
* a LiveBoard alone in a child (built from the kept state, then 10 appends and
  ``wait_for``), for its peak RSS and CPU.

``--tree LABEL=SRC`` measures another checkout's ``src`` (an older commit) in the same run,
phase by phase alternating with this one, each on its own copy of the ledger (their kept
state differs). The children run with bytecode caching on (``PYTHONDONTWRITEBYTECODE``
removed: an installed package has its ``.pyc``), warmed by one run first.

The appends are 10 submissions of 10 different units at random dates of the year (so the
groups they dirty are spread like a real day's). Figures are ratios to the floors of the
same run, since this machine is noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_replay import build

RULESET, PERIOD = "dalian-2011", "2012"
HERE = Path(__file__).resolve()


def _env(src: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def _child(args: list[str], src: Path | None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of one child process.
    The child is started by /usr/bin/time, which reports its peak: a child forked straight
    from this (large) process would count this process's pages in its own peak."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        subprocess.run(
            ["/usr/bin/time", "-f", "%M %U %S", "-o", rss.name, *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_env(src),
        )
        wall = time.perf_counter() - start
        peak, user, system = rss.read().split()[-3:]
        return wall, int(peak) / 1024, float(user) + float(system)


def _cli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "scoreledger", *args[:1], str(db), *args[1:]]


def append_ten(db: Path, seed: int, src: Path | None) -> int:
    """10 submissions of 10 units (the same for every tree); returns the last seq."""
    out = subprocess.run(
        [sys.executable, str(HERE), "--append", str(db), "--seed", str(seed)],
        check=True,
        capture_output=True,
        text=True,
        env=_env(src),
    )
    return int(out.stdout.strip())


def _append(db: Path, seed: int) -> int:
    from ledger import Ledger

    rnd = random.Random(seed)
    units = rnd.sample([f"c{i:02d}" for i in range(40)] + [f"p{i:02d}" for i in range(20)], 10)
    batch = []
    for k, unit in enumerate(units):
        n = seed * 100 + k
        at = f"2012-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}T10:00"
        batch.append({"id": f"live-{n}", "type": "submission", "at": at,
                      "unit": unit, "info": f"LIVE-{n}"})  # fmt: skip
    with Ledger.open(db) as ledger:
        return ledger.append_many(batch).last_seq or 0


def _in_process(db: Path, seed: int, repeat: int) -> dict[str, float]:
    """A full replay and a LiveBoard after 10 appends, in this process (a child)."""
    from ledger import Ledger
    from projections import LiveBoard, score

    with Ledger.open(db) as ledger:
        start = time.perf_counter()
        score(ledger, RULESET, PERIOD, keep=False)
        full = time.perf_counter() - start
        live = LiveBoard(ledger, RULESET, PERIOD)
        times = []
        for k in range(repeat):
            last = _append(db, seed + k)
            start = time.perf_counter()
            live.wait_for(last, timeout=120)
            times.append(time.perf_counter() - start)
    return {"full replay": full, "LiveBoard after 10 appends": statistics.median(times)}


def _live_board(db: Path, seed: int) -> None:
    """A LiveBoard served from state, then brought up to date after 10 appends (in a child
    of its own: its peak RSS is the board's, not a full replay's)."""
    from ledger import Ledger
    from projections import LiveBoard

    with Ledger.open(db) as ledger:
        live = LiveBoard(ledger, RULESET, PERIOD)
        live.wait_for(_append(db, seed), timeout=120)


class Tree:
    """One checkout measured on its own copy of the ledger."""

    def __init__(self, label: str, src: Path | None, db: Path) -> None:
        self.label, self.src, self.db = label, src, db
        self.seconds: dict[str, list[float]] = {}
        self.rss: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def run(self, name: str, args: list[str]) -> None:
        wall, rss, cpu = _child(args, self.src)
        self.seconds.setdefault(name, []).append(wall)
        self.rss.setdefault(name, []).append(rss)
        self.cpu.setdefault(name, []).append(cpu)

    def summary(self) -> dict[str, Any]:
        sec = {k: round(statistics.median(v), 3) for k, v in self.seconds.items()}
        floor = sec["start-up"]
        cpu = {k: round(statistics.median(v), 3) for k, v in self.cpu.items()}
        return {
            "seconds": sec,
            "CPU seconds": cpu,
            "peak RSS MiB": {k: round(max(v)) for k, v in self.rss.items()},
            "score after 10 appends - start-up, CPU": round(
                cpu["score after 10 appends"] - cpu["start-up"], 3
            ),
            "score after 10 appends - start-up": round(sec["score after 10 appends"] - floor, 3),
            "explain after 10 appends - start-up": round(
                sec["explain after 10 appends"] - floor, 3
            ),
        }


def run(n: int, out: Path, repeat: int, others: list[tuple[str, Path]]) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    base = out / f"live-{n}.sqlite"
    build(base, n)
    py = sys.executable
    trees = []
    for label, src in [("this", None), *others]:
        db = out / f"live-{n}-{label}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(base, db)
        trees.append(Tree(label, src, db))
    score_args = ("score", "--ruleset", RULESET, "--period", PERIOD)
    explain_args = ("explain", "--ruleset", RULESET, "--period", PERIOD, "--unit", "c01")
    for tree in trees:  # warm: .pyc written, page cache filled
        _child([py, "-c", "import scoreledger.cli"], tree.src)
    floors = {
        "start-up": [py, "-c", "pass"],
        "import projections": [py, "-c", "import projections"],
        "import scoreledger.cli": [py, "-c", "import scoreledger.cli"],
    }
    for name, args in floors.items():
        for _ in range(repeat):
            for tree in trees:
                tree.run(name, args)
    for tree in trees:
        tree.run("cold score (builds the projection)", _cli(tree.db, *score_args))
    for _ in range(repeat):
        for tree in trees:
            tree.run("score served from state", _cli(tree.db, *score_args))
    for k in range(repeat):
        for tree in trees:
            append_ten(tree.db, 1000 + k, tree.src)
            tree.run("score after 10 appends", _cli(tree.db, *score_args))
    for k in range(repeat):
        for tree in trees:
            append_ten(tree.db, 2000 + k, tree.src)
            tree.run("explain after 10 appends", _cli(tree.db, *explain_args))
    for k in range(repeat):
        for tree in trees:
            live = [py, str(HERE), "--live-board", str(tree.db), "--seed", str(4000 + k)]
            tree.run("LiveBoard after 10 appends (own process)", live)
    result: dict[str, Any] = {"events": n, "repeat": repeat}
    for tree in trees:
        inproc = subprocess.run(
            [
                py,
                str(HERE),
                "--in-process",
                str(tree.db),
                "--seed",
                "3000",
                "--repeat",
                str(repeat),
            ],
            check=True,
            capture_output=True,
            text=True,
            env=_env(tree.src),
        )
        figures = json.loads(inproc.stdout)
        summary = tree.summary()
        summary["in one process"] = {k: round(v, 3) for k, v in figures.items()}
        summary["LiveBoard after 10 appends / full replay"] = round(
            figures["LiveBoard after 10 appends"] / figures["full replay"], 3
        )
        result[tree.label] = summary
    (out / f"live-{n}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-live"))
    parser.add_argument("--tree", action="append", default=[], metavar="LABEL=SRC")
    parser.add_argument("--append", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--in-process", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--live-board", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.append is not None:
        print(_append(args.append, args.seed))
        return
    if args.live_board is not None:
        _live_board(args.live_board, args.seed)
        return
    if args.in_process is not None:
        print(json.dumps(_in_process(args.in_process, args.seed, args.repeat)))
        return
    others = [(label, Path(src)) for label, _, src in (t.partition("=") for t in args.tree)]
    result = run(args.events, args.out, args.repeat, others)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
