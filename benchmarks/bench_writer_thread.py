"""Would a writer thread overlap the import's SQLite inserts with its Python checks?

Not a test. Run::

    python benchmarks/bench_writer_thread.py --rows 200000

An import spends about a third of its time inside SQLite (``executemany`` of the sealed
rows) and the rest in Python (parse, normalize, checks, hash). CPython's sqlite3 releases
the GIL inside each ``sqlite3_step``, so on two cores a writer thread could, in principle,
insert chunk k while the main thread checks chunk k+1. This script measures whether it
does: the same rows into a real ledger schema (guards, indexes, WAL, ``synchronous=FULL``)
and the same Python work (``normalize`` + ``check_fields`` of real events), alone and then
at once with the inserts in a thread. ``hidden`` is the share of the shorter job that the
overlap hid (1.0 = perfect overlap, 0 = none, negative = slower than one after the other).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench_import import _fresh, generate
from ledger import Ledger
from ledger.events import SCHEMA_VERSION
from ledger.integrity import chain_sealer
from ledger.normalize import dumps_canonical, normalize
from ledger.store import _INSERT, CHUNK
from ledger.validate import check_fields


def sealed_rows(payloads: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows an import would insert for these payloads, chained from the genesis hash."""
    recorded_at = "2026-01-01T00:00:00.000000+00:00"
    seal = chain_sealer(recorded_at)
    rows, prev = [], "0" * 64
    for seq, p in enumerate(payloads, start=1):
        text = dumps_canonical(p)
        digest = seal(prev, text, seq, SCHEMA_VERSION)
        rows.append((seq, p["id"], p["type"], SCHEMA_VERSION, p["at"], p.get("unit"),
                     p.get("info"), p.get("target"), recorded_at, text, prev, digest))  # fmt: skip
        prev = digest
    return rows


def insert(path: Path, rows: list[tuple[Any, ...]]) -> None:
    with Ledger.open(path) as ledger:
        conn = ledger.conn
        conn.execute("BEGIN IMMEDIATE")
        for i in range(0, len(rows), CHUNK):
            conn.executemany(_INSERT, rows[i : i + CHUNK])
        conn.execute("COMMIT")


def checks(objects: list[dict[str, Any]]) -> None:
    for obj in objects:
        check_fields(normalize(obj))


def fresh_ledger(path: Path) -> Path:
    _fresh(path)
    Ledger.open(path, create=True).close()
    return path


def timed(fn: Any, *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args(argv)
    objects = list(generate(args.rows))
    payloads = [normalize(obj) for obj in objects]
    rows = sealed_rows(payloads)
    with tempfile.TemporaryDirectory(prefix="bench-writer-") as scratch:
        db = Path(scratch) / "ledger.sqlite"
        # Sequential first, then concurrent; both twice, the faster of each kept.
        alone_insert = min(timed(insert, fresh_ledger(db), rows) for _ in range(2))
        alone_python = min(timed(checks, objects) for _ in range(2))
        both = []
        for _ in range(2):
            fresh_ledger(db)
            start = time.perf_counter()
            writer = threading.Thread(target=insert, args=(db, rows))
            writer.start()
            checks(objects)
            writer.join()
            both.append(time.perf_counter() - start)
    together = min(both)
    hidden = (alone_insert + alone_python - together) / min(alone_insert, alone_python)
    n = args.rows
    print(f"{n:,} rows; switch interval {sys.getswitchinterval() * 1e3:g} ms")
    for label, seconds in (
        ("inserts alone (main thread)", alone_insert),
        ("python checks alone", alone_python),
        ("one after the other", alone_insert + alone_python),
        ("at once (inserts in a thread)", together),
    ):
        print(f"{label:32} {seconds:6.2f} s  {seconds / n * 1e6:6.2f} µs/row")
    print(f"hidden: {hidden:.2f} of the shorter job (1 = perfect overlap)")


if __name__ == "__main__":
    main()
