"""What `PRAGMA quick_check` costs an import: the check beside the appends it guards.

Not a test. Run::

    python benchmarks/bench_quick_check.py --events 100000

``import`` (and ``demo``) run ``PRAGMA quick_check`` on an existing ledger before they
append, so a file SQLite reports as malformed is refused instead of appended to (issue
11.6). This builds a ledger of N generated events (bench_import's generator), then times,
alternating and keeping the fastest of ``--repeat`` runs each: the check alone, a cold
import of one event (open, check, append, commit: the smallest import, where the check
weighs most) and an import of 1,000 events. Ratios are what to compare across runs.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_import import write_input


def _time_check(db: Path) -> float:
    conn = sqlite3.connect(db)
    start = time.perf_counter()
    result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    seconds = time.perf_counter() - start
    conn.close()
    assert result == "ok", result
    return seconds


def _time_import(db: Path, lines: list[dict[str, object]]) -> float:
    from ledger import Ledger

    start = time.perf_counter()
    with Ledger.open(db, create=True) as ledger:
        ledger.append_many(lines)
    return time.perf_counter() - start


def _activities(n: int, tag: str) -> list[dict[str, object]]:
    return [
        {"id": f"qc-{tag}-{i}", "type": "activity", "at": "2016-12-30", "unit": "county01",
         "activity": "meeting"}
        for i in range(n)
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="events in the ledger")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each; the fastest kept")
    args = parser.parse_args()
    from ledger import Ledger, read_jsonl

    with tempfile.TemporaryDirectory() as tmp:
        source, db = Path(tmp) / "events.jsonl", Path(tmp) / "ledger.sqlite"
        write_input(source, args.events)
        with Ledger.open(db, create=True) as ledger:
            ledger.append_many(read_jsonl(str(source)))
        check, one, thousand = [], [], []
        for run in range(args.repeat):
            check.append(_time_check(db))
            one.append(_time_import(db, _activities(1, f"one{run}")))
            thousand.append(_time_import(db, _activities(1000, f"k{run}")))
        size = db.stat().st_size
    best = {"check": min(check), "import_1": min(one), "import_1000": min(thousand)}
    print(
        json.dumps(
            {
                "events": args.events,
                "file_mib": round(size / 2**20, 1),
                **{k: round(v, 4) for k, v in best.items()},
                "check_per_import_1": round(best["check"] / best["import_1"], 2),
                "check_per_import_1000": round(best["check"] / best["import_1000"], 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
