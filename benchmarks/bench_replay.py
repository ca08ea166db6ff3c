"""Replay benchmark: score a dalian-2011 year of N events against a raw floor and a peer.

Not a test. Run::

    python benchmarks/bench_replay.py --events 1000000 --out /tmp/bench

It builds (or reuses) a ledger of N generated events in one year (2012: units,
submissions, adoptions at every level, instructions, a few retractions), then runs each
phase in a fresh child process (started by ``/usr/bin/time``, which gives its peak RSS),
``--repeat`` times alternating, and keeps the fastest wall time of each:

* floor: ``SELECT type, unit, payload`` + ``json.loads`` + a dict fold (points per unit
  by type) over the same rows, plain sqlite3;
* the peer (``peer_eventsourcing``, the `eventsourcing` library, a benchmark-only
  dependency): its batched append of the same events into its SQLite store, and an
  Application replaying them through the same fold;
* ``import``: ``Ledger.open(path, create=True).append_many(...)`` of the same events;
* the command line, cold (the kept projection dropped first, so the command builds it):
  ``score --format json``, ``score`` (text), ``explain --unit c01``; and ``score`` of the
  first quarter (events after it are read but not kept).

Every figure is a child's whole wall time (interpreter start-up included, for the floor
and the peer too), so the ratios compare like with like. These machines are noisy: read
the ratios of one run, not the seconds.

``--only import,es-append`` runs only those phases (keys: ``floor``, ``es-append``,
``es-replay``, ``import``, ``score-json``, ``score-text``, ``explain``, ``quarter``,
``startup``). ``--tree LABEL=SRC`` adds, for each chosen phase that runs scoreledger (the
import and the command lines), the same phase on another checkout's ``src`` (an older
commit, on ``PYTHONPATH``; the projection dropped by that code too), alternating with the
rest in the same run: a change's before and after, side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ledger import Ledger

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


def _phase(name: str, path: Path, n: int) -> None:  # runs in a child process
    if name == "floor":
        floor(path)
    elif name == "import":
        target = path.with_name(f"import-{n}.sqlite")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        build(target, n)
    elif name.startswith("es-"):
        import peer_eventsourcing as peer

        store = path.with_name(f"es-{n}.sqlite")
        if name == "es-append":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{store}{suffix}").unlink(missing_ok=True)
            peer.append(store, generate(n))
        else:
            peer.replay(store)


def _child(args: list[str], src: Path | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds of a child started by /usr/bin/time
    (with `src` first on its PYTHONPATH when given: another checkout's code)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        subprocess.run(
            ["/usr/bin/time", "-f", "%M %U %S", "-o", rss.name, *args],
            check=True,
            stdout=subprocess.DEVNULL,
            env=_env(src),
        )
        wall = time.perf_counter() - start
        peak, user, system = rss.read().split()[-3:]
        return wall, int(peak) / 1024, float(user) + float(system)


def _env(src: Path | None) -> dict[str, str]:
    """The children's environment: `src` first on PYTHONPATH when given."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


#: The phases whose commands run scoreledger's code (--tree runs them on another checkout).
OURS = ("import", "score-json", "score-text", "explain", "quarter")


def _cli(path: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "scoreledger", args[0], str(path), *args[1:]]


IMPORT = "import (append_many)"
ES_APPEND = "eventsourcing: batched append"


def _phases(path: Path, me: list[str]) -> dict[str, tuple[str, list[str] | None, list[str]]]:
    """Each phase's name -> (its --only key, the command run before it, its command)."""
    drop = _cli(path, "projections", "--drop")
    ruleset = ("--ruleset", "dalian-2011")
    return {
        "floor: SELECT + json.loads + fold": ("floor", None, [*me, "--phase", "floor"]),
        ES_APPEND: ("es-append", None, [*me, "--phase", "es-append"]),
        "eventsourcing: replay + fold": ("es-replay", None, [*me, "--phase", "es-replay"]),
        IMPORT: ("import", None, [*me, "--phase", "import"]),
        "cold score --format json": (
            "score-json",
            drop,
            _cli(path, "score", *ruleset, "--period", "2012", "--format", "json"),
        ),
        "cold score (text)": (
            "score-text",
            drop,
            _cli(path, "score", *ruleset, "--period", "2012"),
        ),
        "cold explain --unit c01": (
            "explain",
            drop,
            _cli(path, "explain", *ruleset, "--period", "2012", "--unit", "c01"),
        ),
        "cold score 2012Q1 (text)": (
            "quarter",
            drop,
            _cli(path, "score", *ruleset, "--period", "2012Q1"),
        ),
        "python -c pass (start-up)": ("startup", None, [sys.executable, "-c", "pass"]),
    }


def _ratio(of: dict[str, float], top: str, bottom: str) -> float | None:
    """of[top] / of[bottom], or None when a phase was left out (--only)."""
    if top not in of or bottom not in of:
        return None
    return round(of[top] / of[bottom], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/scoreledger-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="comma-separated phase keys (see the docstring)")
    parser.add_argument("--tree", action="append", default=[], metavar="LABEL=SRC")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"replay-{args.events}.sqlite"
    if args.phase:
        _phase(args.phase, path, args.events)
        return
    built = build(path, args.events)
    rows = sqlite3.connect(path).execute("SELECT COUNT(*) FROM events").fetchone()[0]
    print(
        f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} cpus; {rows:,} events" + (f" (built in {built:.0f} s)" if built else "")
    )
    me = [sys.executable, str(Path(__file__).resolve()), "--events", str(args.events)]
    me += ["--out", str(args.out)]
    every = _phases(path, me)
    keys = {key for key, _, _ in every.values()}
    only = keys if args.only is None else set(args.only.split(","))
    if only - keys:
        parser.error(f"--only: unknown {', '.join(sorted(only - keys))}; known: {', '.join(keys)}")
    phases: dict[str, tuple[Path | None, list[str] | None, list[str]]] = {
        name: (None, before, command)
        for name, (key, before, command) in every.items()
        if key in only
    }
    for label, _, src in (t.partition("=") for t in args.tree):
        for name, (key, before, command) in every.items():
            if key in only and key in OURS:
                phases[f"{name} [{label}]"] = (Path(src), before, command)
        _child([sys.executable, "-c", "import ledger"], Path(src))  # its .pyc written first
    seconds: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    peak: dict[str, float] = defaultdict(float)
    for _ in range(args.repeat):
        for name, (src, before, command) in phases.items():
            if before is not None:
                subprocess.run(before, check=True, stdout=subprocess.DEVNULL, env=_env(src))
            wall, rss, used = _child(command, src)
            seconds[name].append(wall)
            cpu[name].append(used)
            peak[name] = max(peak[name], rss)
    best = {name: min(times) for name, times in seconds.items()}
    least = {name: min(times) for name, times in cpu.items()}
    f = best.get("floor: SELECT + json.loads + fold")
    es = best.get("eventsourcing: replay + fold")
    width = max(map(len, best))
    for name, wall in best.items():
        print(
            f"{name:<{width}}  {wall:8.2f} s  CPU {least[name]:8.2f} s"
            + (f"  {wall / f:6.2f}x floor" if f else "")
            + (f"  {wall / es:6.2f}x es replay" if es else "")
            + f"  peak {peak[name]:6.0f} MiB"
        )
    summary = {
        "events": rows,
        "seconds": {k: round(v, 3) for k, v in best.items()},
        "CPU seconds": {k: round(v, 3) for k, v in least.items()},
        "peak RSS MiB": {k: round(v) for k, v in peak.items()},
    }
    for ratios, of in (("wall ratios", best), ("CPU ratios", least)):
        summary[ratios] = {
            "cold score json / floor": _ratio(
                of, "cold score --format json", "floor: SELECT + json.loads + fold"
            ),
            "cold score json / eventsourcing replay": _ratio(
                of, "cold score --format json", "eventsourcing: replay + fold"
            ),
            "cold explain / cold score (text)": _ratio(
                of, "cold explain --unit c01", "cold score (text)"
            ),
            **{
                f"eventsourcing batched append / {name}": _ratio(of, ES_APPEND, name)
                for name in of
                if name.startswith(IMPORT)
            },
        }
    (args.out / f"replay-{args.events}.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
