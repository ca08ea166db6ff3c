"""Integrity benchmark (issue 11.3): an append's confirmation, verify and verify --deep.

Not a test. Run::

    python benchmarks/bench_integrity.py --events 100000
    python benchmarks/bench_integrity.py --events 20000 --postgres postgresql://postgres@127.0.0.1/postgres

On the events bench_import.py generates (the same seed), in one run, each figure the
fastest of ``--repeat`` tries, alternating the two sides of every comparison:

1. the confirmation's cost: the import with it against the same import with
   ``ledger.confirm.confirm_appended`` made a no-op, and the confirming query alone
   (``kept_after`` over the whole import) against the import's time;
2. ``verify`` (schema check + chain) against its floor, reading the same chain rows and
   doing nothing with them; the schema check alone;
3. ``verify --deep`` (``ledger.deep.deep_problems``) against the same floor, and against
   ``verify``.

With ``--postgres URL`` the ledgers are schemas in a scratch database made from URL (and
dropped afterwards). Ratios are what to compare across runs: these machines are noisy.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).parent))

import ledger.store
from bench_import import generate
from ledger import Ledger


class Places:
    """Fresh ledger places: files in a folder, or schemas in a scratch PostgreSQL database."""

    def __init__(self, folder: Path, postgres: str | None) -> None:
        self.folder, self.count = folder, 0
        self.url: str | None = None
        self.admin = postgres
        if postgres:
            import psycopg

            self.database = f"sl_bench_{secrets.token_hex(3)}"
            with psycopg.connect(postgres, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.database}"')
            self.url = urlunsplit(urlsplit(postgres)._replace(path=f"/{self.database}"))

    def new(self) -> str:
        self.count += 1
        if self.url is None:
            return str(self.folder / f"ledger_{self.count}.sqlite")
        import psycopg

        schema = f"bench_{self.count}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return f"{self.url}?options={quote(f'-csearch_path={schema}')}"

    def close(self) -> None:
        if self.admin:
            import psycopg

            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def import_into(where: str, events: list[dict[str, Any]]) -> None:
    with Ledger.open(where, create=True) as ledger:
        ledger.append_many(events)


def import_unconfirmed(where: str, events: list[dict[str, Any]]) -> None:
    confirm = ledger.store.confirm_appended
    ledger.store.confirm_appended = lambda *args: None  # type: ignore[assignment]
    try:
        import_into(where, events)
    finally:
        ledger.store.confirm_appended = confirm


def confirm_query(where: str) -> float:
    with Ledger.open(where) as opened, opened.recorder.writing():
        return timed(lambda: opened.recorder.kept_after(0))


def floor(where: str) -> float:
    with Ledger.open(where) as opened:
        return timed(lambda: sum(1 for _ in opened.recorder.chain_rows()))


def verify(where: str) -> float:
    with Ledger.open(where) as opened:
        took = timed(lambda: _must_be_ok(opened.verify()))
    return took


def schema_check(where: str) -> float:
    with Ledger.open(where) as opened:
        return timed(lambda: _must_be_empty(opened.recorder.schema_problems()))


def deep(where: str) -> float | None:
    try:
        from ledger.deep import deep_problems
    except ImportError:
        return None
    with Ledger.open(where) as opened:
        return timed(lambda: _must_be_empty(list(deep_problems(opened))))


def _must_be_ok(report: Any) -> None:
    assert report.ok, str(report)


def _must_be_empty(found: list[Any]) -> None:
    assert not found, found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="measure a PostgreSQL ledger instead")
    args = parser.parse_args(argv)
    events = list(generate(args.events))
    with tempfile.TemporaryDirectory() as folder:
        places = Places(Path(folder), args.postgres)
        try:
            print_results(measure(places, events, args.repeat), args)
        finally:
            places.close()


def measure(places: Places, events: list[dict[str, Any]], repeat: int) -> dict[str, float]:
    best: dict[str, float] = {}

    def keep(name: str, seconds: float | None) -> None:
        if seconds is not None:
            best[name] = min(best.get(name, seconds), seconds)

    where = ""
    for _ in range(repeat):
        keep("import, unconfirmed", timed(lambda: import_unconfirmed(places.new(), events)))
        where = places.new()
        keep("import", timed(lambda place=where: import_into(place, events)))
    for _ in range(repeat):
        keep("confirming query", confirm_query(where))
        keep("floor: read the chain rows", floor(where))
        keep("verify", verify(where))
        keep("schema check", schema_check(where))
        keep("verify --deep", deep(where))
    return best


def print_results(best: dict[str, float], args: argparse.Namespace) -> None:
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{backend}, {args.events} events, fastest of {args.repeat}")
    for name, seconds in best.items():
        print(f"  {name:28} {seconds * 1000:10.1f} ms")
    ratios = [
        ("import / import unconfirmed", "import", "import, unconfirmed"),
        ("confirming query / import", "confirming query", "import"),
        ("verify / floor", "verify", "floor: read the chain rows"),
        ("schema check / verify", "schema check", "verify"),
        ("verify --deep / floor", "verify --deep", "floor: read the chain rows"),
        ("verify --deep / verify", "verify --deep", "verify"),
        ("verify --deep / import", "verify --deep", "import"),
    ]
    for label, top, bottom in ratios:
        if top in best and bottom in best:
            print(f"  {label:28} {best[top] / best[bottom]:10.3f}")


if __name__ == "__main__":
    main()
