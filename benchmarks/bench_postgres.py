"""PostgreSQL beside SQLite: import, cold score and catch-up, each beside its raw floor.

Not a test. Run (a server you may create a database on; it is dropped afterwards)::

    python benchmarks/bench_postgres.py --events 100000 \\
        --server postgresql://postgres@127.0.0.1:5432/postgres --out /tmp/bench-pg

One run, one machine, the same generated JSON Lines (bench_import.generate: units, then
submissions, adoptions, instructions, activities, absences, adjustments, assessments and
retractions through 2016). Phases alternate between the backends, each in a fresh child
process (so no cache of one helps the other), and are repeated ``--repeat`` times; the
best of each is kept:

* floors: the same lines into a two-column table (``seq, line``) in one transaction —
  SQLite ``executemany``; PostgreSQL ``COPY`` and ``executemany`` (psycopg 3 pipelines it);
* import: ``Ledger.open(place, create=True).append_many(read_jsonl(file))``;
* cold score: a fresh process opens the ledger and scores jiangsu-2016 for 2016;
* catch-up: a fresh process reads every event after seq 0 by name with its payload decoded
  (``Ledger.read``, what a follower or a projection catching up reads), against the floor
  of fetching the same rows' payloads and ``json.loads`` on each.

Targets (issue 12): PostgreSQL import >= 50 % of SQLite's rate; scores within 1.5x of
SQLite's. Ratios are what to compare: these machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg

from bench_import import write_input
from ledger import Ledger
from ledger.jsonl import read_jsonl
from projections import score


def _schema_url(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def _database_url(server: str, database: str) -> str:
    head, _, _ = server.rpartition("/")
    query = server.partition("?")[2]
    return f"{head}/{database}" + (f"?{query}" if query else "")


# -- phases (each runs in a child process) ----------------------------------------------


def floor_sqlite(source: Path, db: Path) -> dict[str, Any]:
    db.unlink(missing_ok=True)
    lines = source.read_text(encoding="utf-8").splitlines()
    start = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE raw (seq INTEGER PRIMARY KEY, line TEXT NOT NULL)")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO raw VALUES (?, ?)", enumerate(lines, 1))
    conn.execute("COMMIT")
    conn.close()
    return {"seconds": time.perf_counter() - start, "events": len(lines)}


def floor_postgres(source: Path, url: str, how: str) -> dict[str, Any]:
    lines = source.read_text(encoding="utf-8").splitlines()
    start = time.perf_counter()
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE raw (seq bigint PRIMARY KEY, line text NOT NULL)")
        with conn.cursor() as cur:
            if how == "copy":
                with cur.copy("COPY raw (seq, line) FROM STDIN") as copy:
                    for row in enumerate(lines, 1):
                        copy.write_row(row)
            else:
                cur.executemany("INSERT INTO raw VALUES (%s, %s)", list(enumerate(lines, 1)))
    return {"seconds": time.perf_counter() - start, "events": len(lines)}


def do_import(source: Path, place: str) -> dict[str, Any]:
    start = time.perf_counter()
    with Ledger.open(place, create=True) as ledger:
        result = ledger.append_many(read_jsonl(str(source)))
    return {"seconds": time.perf_counter() - start, "events": result.appended}


def cold_score(place: str) -> dict[str, Any]:
    start = time.perf_counter()
    with Ledger.open(place) as ledger:
        board = score(ledger, "jiangsu-2016", "2016")
    total = sum(unit.total for unit in board.units)
    return {"seconds": time.perf_counter() - start, "total": str(total)}


def catch_up(place: str) -> dict[str, Any]:
    start = time.perf_counter()
    with Ledger.open(place) as ledger:
        count = sum(1 for _ in ledger.read(after_seq=0))
    return {"seconds": time.perf_counter() - start, "events": count}


def catch_up_floor(place: str) -> dict[str, Any]:
    start = time.perf_counter()
    count = 0
    if place.startswith("postgresql://"):
        with psycopg.connect(place) as conn, conn.cursor() as cur:
            for (payload,) in cur.stream("SELECT payload FROM events ORDER BY seq", size=2000):
                json.loads(payload)
                count += 1
    else:
        conn = sqlite3.connect(place)
        for (payload,) in conn.execute("SELECT payload FROM events ORDER BY seq"):
            json.loads(payload)
            count += 1
        conn.close()
    return {"seconds": time.perf_counter() - start, "events": count}


def _child(fn: Callable[..., dict[str, Any]], args: tuple[Any, ...], queue: Any) -> None:
    queue.put(fn(*args))


def run_phase(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue))
    proc.start()
    result: dict[str, Any] = queue.get()
    proc.join()
    return result


# -- the run -------------------------------------------------------------------------------


def run(n: int, server: str, out: Path, repeat: int) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    source = out / f"events-{n}.jsonl"
    if not source.exists():
        write_input(source, n)
    database = f"hpg_bench_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    base = _database_url(server, database)
    best: dict[str, float] = {}
    facts: dict[str, Any] = {}

    def keep(name: str, result: dict[str, Any]) -> None:
        best[name] = min(best.get(name, float("inf")), result["seconds"])
        facts[name] = {k: v for k, v in result.items() if k != "seconds"}

    try:
        for attempt in range(repeat):
            lite = str(out / f"ledger-{attempt}.sqlite")
            Path(lite).unlink(missing_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(lite + suffix).unlink(missing_ok=True)
            with psycopg.connect(base, autocommit=True) as conn:
                for name in (f"floor_copy_{attempt}", f"floor_many_{attempt}", f"l_{attempt}"):
                    conn.execute(f'CREATE SCHEMA "{name}"')
            pg = _schema_url(base, f"l_{attempt}")
            keep("floor sqlite executemany", run_phase(floor_sqlite, source, out / "raw.sqlite"))
            copy_url = _schema_url(base, f"floor_copy_{attempt}")
            keep("floor postgres COPY", run_phase(floor_postgres, source, copy_url, "copy"))
            many_url = _schema_url(base, f"floor_many_{attempt}")
            keep("floor postgres executemany", run_phase(floor_postgres, source, many_url, "many"))
            keep("import sqlite", run_phase(do_import, source, lite))
            keep("import postgres", run_phase(do_import, source, pg))
            keep("cold score sqlite", run_phase(cold_score, lite))
            keep("cold score postgres", run_phase(cold_score, pg))
            keep("catch-up sqlite", run_phase(catch_up, lite))
            keep("catch-up postgres", run_phase(catch_up, pg))
            keep("catch-up floor sqlite", run_phase(catch_up_floor, lite))
            keep("catch-up floor postgres", run_phase(catch_up_floor, pg))
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    assert facts["cold score sqlite"] == facts["cold score postgres"], "the boards differ"
    ratios = {
        "import: postgres rate / sqlite rate": best["import sqlite"] / best["import postgres"],
        "import: postgres / COPY floor (x slower)": best["import postgres"]
        / best["floor postgres COPY"],
        "import: sqlite / executemany floor (x slower)": best["import sqlite"]
        / best["floor sqlite executemany"],
        "cold score: postgres / sqlite (x)": best["cold score postgres"]
        / best["cold score sqlite"],
        "catch-up: postgres / sqlite (x)": best["catch-up postgres"] / best["catch-up sqlite"],
        "catch-up: postgres / its floor (x)": best["catch-up postgres"]
        / best["catch-up floor postgres"],
        "catch-up: sqlite / its floor (x)": best["catch-up sqlite"] / best["catch-up floor sqlite"],
    }
    report = {"events": n, "repeat": repeat, "seconds": best, "ratios": ratios, "facts": facts}
    (out / "results.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--server",
        default=os.environ.get(
            "SCORELEDGER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1/postgres"
        ),
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-postgres"))
    args = parser.parse_args(argv)
    report = run(args.events, args.server, args.out, args.repeat)
    n = report["events"]
    for name, seconds in report["seconds"].items():
        print(f"{name:32} {seconds:8.3f} s  {n / seconds:10,.0f} events/s")
    for name, ratio in report["ratios"].items():
        print(f"{name:48} {ratio:6.2f}")


if __name__ == "__main__":
    main()
