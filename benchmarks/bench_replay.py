"""Replay benchmark: score a dalian-2011 year of N events against a raw sqlite3 fold.

Not a test. Run::

    python benchmarks/bench_replay.py --events 1000000 --out /tmp/bench

It builds (or reuses) a ledger of N generated events in one year (2012: units,
submissions, adoptions at every level, instructions, a few retractions and
vetoes), then measures in the same process:

* the floor: ``SELECT type, unit, payload`` + ``json.loads`` + a dict fold
  (points per unit by type) over the same rows, plain sqlite3;
* ``projections.score(ledger, "dalian-2011", "2012")``.

Figures are ratios to the floor, since these machines are noisy. Peak memory
is read per phase in a child process (``ru_maxrss``), so the replay's own
footprint is visible, and it is reported for several log sizes to show it
does not grow with the part of the log the period does not need.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import sqlite3
import sys
import time
from collections import defaultdict
from pathlib import Path

from ledger import Ledger
from projections import score

OUTLETS = (
    "city.union.bulletin",
    "city.union.internal",
    "city.union.web.news",
    "city.party_committee",
    "province.union.web",
    "province.party_committee",
    "acftu.bulletin",
    "central.cpc_office",
)


def generate(n: int, seed: int = 7):
    """N events of one year (2012) under a city with 40 districts and 20 direct-report points."""
    rnd = random.Random(seed)
    yield {
        "id": "dalian",
        "type": "unit_registered",
        "at": "2011-06-02",
        "unit": "dalian",
        "name": "大连市总工会",
        "kind": "city",
    }
    counties = [f"c{i:02d}" for i in range(40)]
    for c in counties:
        yield {
            "id": f"reg-{c}",
            "type": "unit_registered",
            "at": "2011-06-02",
            "unit": c,
            "name": f"第{c}区总工会",
            "kind": "county",
            "parent": "dalian",
        }
    points = [f"p{i:02d}" for i in range(20)]
    for i, p in enumerate(points):
        yield {
            "id": f"reg-{p}",
            "type": "unit_registered",
            "at": "2011-06-02",
            "unit": p,
            "name": f"直报点{p}",
            "kind": "direct_report",
            "parent": counties[i],
        }
    units = counties + points
    made, info = 1 + len(units), 0
    recent: list[str] = []
    while made < n:
        info += 1
        unit = rnd.choice(units)
        month, day = rnd.randint(1, 12), rnd.randint(1, 28)
        at = f"2012-{month:02d}-{day:02d}T{rnd.randint(8, 17):02d}:00"
        sid = f"s{info}"
        yield {
            "id": sid,
            "type": "submission",
            "at": at,
            "unit": unit,
            "info": f"I{info}",
            "title": "职工思想动态",
            "commissioned": rnd.random() < 0.05,
        }
        made += 1
        for k in range(rnd.choice((0, 1, 1, 2, 3))):
            if made >= n:
                break
            yield {
                "id": f"a{info}-{k}",
                "type": "adoption",
                "at": at,
                "info": f"I{info}",
                "outlet": rnd.choice(OUTLETS),
                "mode": rnd.choice(("single", "combined")),
            }
            made += 1
            recent.append(f"a{info}-{k}")
        if made < n and rnd.random() < 0.05:
            yield {
                "id": f"i{info}",
                "type": "instruction",
                "at": at,
                "info": f"I{info}",
                "level": rnd.choice(("city", "province_union", "province")),
            }
            made += 1
        if made < n and recent and rnd.random() < 0.01:
            yield {
                "id": f"r{info}",
                "type": "retraction",
                "at": at,
                "target": recent.pop(),
                "reason": "更正",
            }
            made += 1
        recent = recent[-50:]


def build(path: Path, n: int) -> float:
    """Create the benchmark ledger if missing; returns the import seconds (0 if reused)."""
    if path.exists():
        return 0.0
    start = time.perf_counter()
    with Ledger.open(path, create=True) as ledger:
        ledger.append_many(generate(n))
    return time.perf_counter() - start


def floor(path: Path) -> float:
    """Raw sqlite3 SELECT + json.loads + dict fold over the same rows."""
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    totals: dict[tuple[str, str], float] = defaultdict(float)
    cursor = conn.execute("SELECT type, unit, payload FROM events ORDER BY seq")
    while batch := cursor.fetchmany(2000):
        for kind, unit, payload in batch:
            p = json.loads(payload)
            totals[(unit or "", kind)] += 1.0 if p.get("mode") != "combined" else 0.5
    conn.close()
    return time.perf_counter() - start


def replay(path: Path, period: str = "2012") -> float:
    start = time.perf_counter()
    with Ledger.open(path) as ledger:
        score(ledger, "dalian-2011", period)
    return time.perf_counter() - start


def _peak_of(target, path: Path, queue) -> None:  # runs in a child process
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    target(path)
    queue.put((before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def peak_mib(target, path: Path) -> float:
    """Peak resident memory (MiB) of a child process that runs `target(path)`."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_peak_of, args=(target, path, queue))
    child.start()
    _before, after = queue.get()
    child.join()
    return after / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/scoreledger-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"replay-{args.events}.sqlite"
    built = build(path, args.events)
    rows = sqlite3.connect(path).execute("SELECT COUNT(*) FROM events").fetchone()[0]
    print(
        f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} cpus; {rows:,} events" + (f" (built in {built:.0f} s)" if built else "")
    )
    floors = [floor(path) for _ in range(args.repeat)]
    replays = [replay(path) for _ in range(args.repeat)]
    f, r = min(floors), min(replays)
    print(f"floor  SELECT+json.loads+fold: {f:7.2f} s  {rows / f:>10,.0f} rows/s")
    print(
        f"replay dalian-2011 2012:     {r:7.2f} s  {rows / r:>10,.0f} events/s  "
        f"({r / f:.1f}x the floor)"
    )
    print(
        f"peak RSS: floor {peak_mib(floor, path):.0f} MiB, replay {peak_mib(replay, path):.0f} MiB"
    )
    quarter = min(replay_quarter(path) for _ in range(args.repeat))
    print(
        f"replay dalian-2011 2012Q1:   {quarter:7.2f} s  ({quarter / f:.1f}x the floor; "
        "events after the period are read but not kept)"
    )


def replay_quarter(path: Path) -> float:
    return replay(path, "2012Q1")


if __name__ == "__main__":
    main()
