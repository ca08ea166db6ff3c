"""Live-board benchmark: a score after 10 appends, against process start-up, in one run.

Not a test. Run::

    python benchmarks/bench_live.py --events 100000 --out /tmp/bench-live

It builds (or reuses) bench_replay's dalian-2011 ledger of N events (one year, 2012), then
measures, wall time, median of --repeat runs:

* the floor: ``python -c pass`` (process start-up) and ``python -c "import projections"``;
* the command line: the cold ``score`` that builds the kept projection, ``score`` served
  from it, and ``score`` and ``explain --unit c01`` after 10 appends (each a new process);
* in one process: a full replay without state (``keep=False``), and a
  ``projections.LiveBoard`` brought up to date after 10 appends (``wait_for`` the last seq).

The appends are 10 submissions of 10 different units at random dates of the year (so the
groups they dirty are spread like a real day's). Figures are ratios to the floors of the
same run, since this machine is noisy.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_replay import build
from ledger import Ledger
from projections import LiveBoard, score

RULESET, PERIOD = "dalian-2011", "2012"
_appended = 0


def _wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _cli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "scoreledger", *args[:1], str(db), *args[1:]]


def append_ten(db: Path, rnd: random.Random) -> int:
    """10 submissions of 10 units; returns the last seq."""
    global _appended
    units = rnd.sample([f"c{i:02d}" for i in range(40)] + [f"p{i:02d}" for i in range(20)], 10)
    batch = []
    for unit in units:
        _appended += 1
        at = f"2012-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}T10:00"
        batch.append({"id": f"live-{_appended}", "type": "submission", "at": at,
                      "unit": unit, "info": f"LIVE-{_appended}"})  # fmt: skip
    with Ledger.open(db) as ledger:
        return ledger.append_many(batch).last_seq or 0


def median(fn: Any, repeat: int) -> float:
    return statistics.median(fn() for _ in range(repeat))


def run(n: int, out: Path, repeat: int) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    db = out / f"live-{n}.sqlite"
    build(db, n)
    rnd = random.Random(10)
    py = sys.executable
    score_args = ("score", "--ruleset", RULESET, "--period", PERIOD)
    explain_args = ("explain", "--ruleset", RULESET, "--period", PERIOD, "--unit", "c01")
    figures: dict[str, float] = {
        "start-up": median(lambda: _wall([py, "-c", "pass"]), repeat),
        "import projections": median(lambda: _wall([py, "-c", "import projections"]), repeat),
    }
    _wall(_cli(db, "projections", "--drop"))  # a reused ledger starts without state
    figures["cold score (builds the projection)"] = _wall(_cli(db, *score_args))
    figures["score served from state"] = median(lambda: _wall(_cli(db, *score_args)), repeat)

    def after_ten(args: tuple[str, ...]) -> float:
        append_ten(db, rnd)
        return _wall(_cli(db, *args))

    figures["score after 10 appends"] = median(lambda: after_ten(score_args), repeat)
    figures["explain after 10 appends"] = median(lambda: after_ten(explain_args), repeat)
    with Ledger.open(db) as ledger:
        start = time.perf_counter()
        score(ledger, RULESET, PERIOD, keep=False)
        figures["in-process full replay"] = time.perf_counter() - start
        live = LiveBoard(ledger, RULESET, PERIOD)

        def live_after_ten() -> float:
            last = append_ten(db, rnd)
            start = time.perf_counter()
            live.wait_for(last, timeout=60)
            return time.perf_counter() - start

        figures["in-process LiveBoard after 10 appends"] = median(live_after_ten, repeat)
    floor = figures["start-up"]
    result = {
        "events": n,
        "seconds": {k: round(v, 3) for k, v in figures.items()},
        "score after 10 appends - start-up": round(figures["score after 10 appends"] - floor, 3),
        "explain after 10 appends - start-up": round(
            figures["explain after 10 appends"] - floor, 3
        ),
        "LiveBoard after 10 appends / full replay": round(
            figures["in-process LiveBoard after 10 appends"] / figures["in-process full replay"],
            3,
        ),
    }
    (out / f"live-{n}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-live"))
    args = parser.parse_args(argv)
    print(json.dumps(run(args.events, args.out, args.repeat), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
