"""Records in: CSV and xlsx import against the JSON Lines import and their readers alone.

The same generated events (``bench_import.generate``: units first, then a year of
submissions, adoptions, instructions, activities, absences, adjustments, assessments and
retractions) are written three ways: JSON Lines, a CSV with a type column (UTF-8 with a
BOM, as Excel saves it) and an xlsx workbook with one sheet and a type column. Each phase
runs in a fresh child process that times only its own work (the interpreter's start-up
aside), in the same run:

* floor, CSV: the file's bytes decoded and every row read by ``csv.reader``
* floor, xlsx: ``openpyxl.load_workbook(read_only=True, data_only=True)`` and every row of
  every sheet by ``iter_rows(values_only=True)`` (openpyxl's import included, as in the
  import)
* import JSON Lines, CSV, xlsx: ``scoreledger import DB FILE`` (``scoreledger.cli.main``)
  into a new ledger

Reported: seconds and events/s of each, the CSV and xlsx imports as a ratio to the JSON
Lines import's time, and each import as a ratio to its reader's floor.

    python benchmarks/bench_records.py [--events 20000] [--repeat 3] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_import import generate
from scoreledger.records.columns import columns_of

CHILD = {
    "floor csv": """
import csv, io
text = open(FILE, "rb").read().decode("utf-8-sig")
rows = sum(1 for _ in csv.reader(io.StringIO(text, newline="")))
""",
    "floor xlsx": """
from openpyxl import load_workbook
book = load_workbook(FILE, read_only=True, data_only=True)
rows = sum(1 for ws in book.worksheets for _ in ws.iter_rows(values_only=True))
book.close()
""",
    "import": """
import contextlib, io
from scoreledger.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    assert main(["import", DB, FILE]) == 0
rows = None
""",
}


def write_inputs(folder: Path, n: int) -> dict[str, Path]:
    events = list(generate(n))
    columns = columns_of(list(dict.fromkeys(e["type"] for e in events)), with_type=True)
    paths = {fmt: folder / f"events.{fmt}" for fmt in ("jsonl", "csv", "xlsx")}
    with paths["jsonl"].open("w", encoding="utf-8") as out:
        for event in events:
            out.write(json.dumps(event, ensure_ascii=False) + "\n")
    rows = [[_cell(event.get(c)) for c in columns] for event in events]
    with paths["csv"].open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(rows)
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("events")
    sheet.append(columns)
    for row in rows:
        sheet.append([cell if cell != "" else None for cell in row])
    book.save(paths["xlsx"])
    return paths


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def run_child(phase: str, file: Path, db: Path | None = None) -> float:
    """Seconds the child spent on `phase` (timed inside it: start-up aside)."""
    code = (
        f"import time\nFILE = {str(file)!r}\nDB = {str(db)!r}\nstart = time.perf_counter()\n"
        f"{CHILD[phase]}\nprint(time.perf_counter() - start)\n"
    )
    if db is not None and db.exists():
        db.unlink()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{phase} {file.name}: {done.stderr.strip()}")
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000, help="events to generate")
    parser.add_argument("--repeat", type=int, default=3, help="runs per phase; the fastest kept")
    parser.add_argument("--out", type=Path, help="keep the inputs and ledgers here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.out or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        paths = write_inputs(folder, args.events)
        phases = {
            "floor csv": ("floor csv", paths["csv"], None),
            "floor xlsx": ("floor xlsx", paths["xlsx"], None),
            "import jsonl": ("import", paths["jsonl"], folder / "jsonl.sqlite"),
            "import csv": ("import", paths["csv"], folder / "csv.sqlite"),
            "import xlsx": ("import", paths["xlsx"], folder / "xlsx.sqlite"),
        }
        best = {name: float("inf") for name in phases}
        for _ in range(args.repeat):  # interleaved, so a spell of load falls on every phase
            for name, (phase, file, db) in phases.items():
                best[name] = min(best[name], run_child(phase, file, db))
        _check_same_events(folder)
    n = args.events
    print(f"{n:,} events, fastest of {args.repeat} interleaved runs each")
    print(f"{'phase':14} {'seconds':>8} {'events/s':>10}")
    for name, seconds in best.items():
        print(f"{name:14} {seconds:8.2f} {n / seconds:10,.0f}")
    jsonl = best["import jsonl"]
    print(f"\nimport csv  / import jsonl time: {best['import csv'] / jsonl:.2f}")
    print(f"import xlsx / import jsonl time: {best['import xlsx'] / jsonl:.2f}")
    print(f"import csv  / floor csv time:    {best['import csv'] / best['floor csv']:.1f}")
    print(f"import xlsx / floor xlsx time:   {best['import xlsx'] / best['floor xlsx']:.1f}")


def _check_same_events(folder: Path) -> None:
    """The three ledgers hold the same events (ids and payloads), or the race is unfair."""
    from ledger.store import Ledger

    seen = []
    for name in ("jsonl", "csv", "xlsx"):
        with Ledger.open(folder / f"{name}.sqlite") as ledger:
            seen.append([repr(r.event) for r in ledger.events()])
    assert seen[0] == seen[1] == seen[2], "the formats imported different events"


if __name__ == "__main__":
    main()
