"""Excel writers side by side: openpyxl (normal and write-only) against XlsxWriter.

Each writes the same workbook a large circular would be: ROWS units x 16 columns (a
rank, a code, a Chinese name, twelve counts, a decimal total), a frozen header row and
column widths, plus a line chart over 4 quarters of 40 units. Reported: the fastest of
--repeat runs per writer, peak Python memory (tracemalloc), the file's size, each as a
ratio to openpyxl write-only (the floor of what this project uses), and the cost of
importing each library in a fresh interpreter (a CLI pays it on every xlsx command).

    python benchmarks/bench_xlsx.py [--rows 20000] [--repeat 3]

XlsxWriter is not a dependency: install it beside the project to run this comparison.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

HEADER = ["名次", "代码", "单位", *[f"L{i}" for i in range(12)], "得分"]


def rows(count: int) -> list[list[object]]:
    return [
        [i + 1, f"unit-{i}", f"第{i}区总工会", *[(i * k) % 7 for k in range(12)], Decimal(i) / 2]
        for i in range(count)
    ]


def with_openpyxl(path: Path, data: list[list[object]], write_only: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference

    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("circular") if write_only else book.active
    assert sheet is not None
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["C"].width = 24
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    chart_sheet = book.create_sheet("chart")
    chart_sheet.append(["unit", "Q1", "Q2", "Q3", "Q4"])
    for i in range(40):
        chart_sheet.append([f"unit-{i}", i, i + 1, i + 2, i + 3])
    chart = LineChart()
    values = Reference(chart_sheet, min_col=2, min_row=1, max_col=5, max_row=41)
    chart.add_data(values, titles_from_data=True)
    chart_sheet.add_chart(chart, "G2")
    book.save(path)


def with_xlsxwriter(path: Path, data: list[list[object]]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("circular")
    sheet.freeze_panes(1, 0)
    sheet.set_column(2, 2, 24)
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(data, start=1):
        sheet.write_row(r, 0, [float(c) if isinstance(c, Decimal) else c for c in row])
    chart_sheet = book.add_worksheet("chart")
    chart_sheet.write_row(0, 0, ["unit", "Q1", "Q2", "Q3", "Q4"])
    for i in range(40):
        chart_sheet.write_row(i + 1, 0, [f"unit-{i}", i, i + 1, i + 2, i + 3])
    chart = book.add_chart({"type": "line"})
    for i in range(40):
        chart.add_series({"values": ["chart", i + 1, 1, i + 1, 4], "name": ["chart", i + 1, 0]})
    chart_sheet.insert_chart("G2", chart)
    book.close()


def measure(write: Callable[[Path], None], repeat: int) -> tuple[float, int, int]:
    """Best time of `repeat` plain runs; then one run under tracemalloc for the peak (it
    slows the run several times over, so it is not timed)."""
    best = float("inf")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.xlsx"
        for _ in range(repeat):
            start = time.perf_counter()
            write(path)
            best = min(best, time.perf_counter() - start)
        size = path.stat().st_size
        tracemalloc.start()
        write(path)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return best, peak, size


def import_cost(module: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = rows(args.rows)
    writers: dict[str, Callable[[Path], None]] = {
        "openpyxl write-only": lambda p: with_openpyxl(p, data, write_only=True),
        "openpyxl normal": lambda p: with_openpyxl(p, data, write_only=False),
    }
    try:
        import xlsxwriter  # noqa: F401

        writers["XlsxWriter"] = lambda p: with_xlsxwriter(p, data)
    except ImportError:
        print("XlsxWriter not installed: only openpyxl measured", file=sys.stderr)
    results = {name: measure(write, args.repeat) for name, write in writers.items()}
    floor = results["openpyxl write-only"]
    print(f"{args.rows} rows x {len(HEADER)} columns, best of {args.repeat}, cpus {os.cpu_count()}")
    print(f"{'writer':<22}{'seconds':>9}{'ratio':>7}{'peak MiB':>10}{'ratio':>7}{'KiB':>8}")
    for name, (seconds, peak, size) in results.items():
        print(
            f"{name:<22}{seconds:>9.3f}{seconds / floor[0]:>7.2f}"
            f"{peak / 2**20:>10.1f}{peak / floor[1]:>7.2f}{size / 1024:>8.0f}"
        )
    python = import_cost("sys")
    for module in ("openpyxl", "xlsxwriter") if "XlsxWriter" in results else ("openpyxl",):
        print(f"import {module}: {import_cost(module) - python:.3f} s beyond a bare interpreter")


if __name__ == "__main__":
    main()
