"""Excel workbooks (CONTRACT §8.6): ``--format xlsx --output FILE``.

openpyxl writes them (chosen over XlsxWriter by ``benchmarks/bench_xlsx.py``: as fast at
a circular's size, and the same library reads ``.xlsx`` imports, so one dependency does
both). Every workbook opens with a 说明 sheet (what the report is and the ledger's head),
then its data sheets: Chinese headers in a frozen first row, numbers as numbers
(Decimal points are written exactly), widths fitted to Chinese text, one sheet per unit
kind. A string is always text, never a formula, and characters a workbook cannot hold
are written as visible escapes. The page header of every sheet prints the head, so a
printed circular carries its anchor.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import attrs
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ledger.errors import LedgerError
from projections.quarterly import Quarterly

from .labels import kind_label
from .safe import visible
from .text import display_width

Cell = str | int | Decimal | bool | None

_MAX_WIDTH = 60  # columns wider than this wrap in Excel rather than push the rest away
_BAD_TITLE = str.maketrans({c: "_" for c in "[]:*?/\\"})


@attrs.frozen(kw_only=True)
class Sheet:
    """One data sheet: a title, a header row, and rows of cells."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def sheet_title(text: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of ``[]:*?/\\``, unique."""
    base = text.translate(_BAD_TITLE)[:31] or "sheet"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" {n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def kind_title(kind: str) -> str:
    """The data sheet of a unit kind: its Chinese name (the code when it has none)."""
    return kind_label(kind, "zh")


def write_workbook(
    path: str | Path,
    info: Sequence[tuple[str, str]],
    sheets: Sequence[Sheet],
    *,
    head: str,
    chart: Quarterly | None = None,
) -> None:
    """Write `sheets` after a 说明 sheet listing `info`; with `chart`, a 季度得分 sheet
    with a native line chart of every unit's score by quarter, one chart per kind."""
    book = Workbook()
    taken: set[str] = set()
    first = book.active
    assert first is not None
    first.title = sheet_title("说明", taken)
    _fill(first, ["项目", "内容"], [list(pair) for pair in info])
    for sheet in sheets:
        _fill(book.create_sheet(sheet_title(sheet.title, taken)), sheet.header, sheet.rows)
    if chart is not None and chart.units:
        _charts(book.create_sheet(sheet_title("季度得分", taken)), chart)
    for worksheet in book.worksheets:
        worksheet.oddHeader.center.text = f"链头 head {head}"
    try:
        book.save(path)
    except OSError as exc:
        raise LedgerError(f"--output {path}: cannot write ({exc.strerror})") from None


def _fill(worksheet: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    worksheet.append([_text(h) for h in header])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        worksheet.append([_value(v) for v in row])
        for cell in worksheet[worksheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text as text: "=..." is never a formula
    worksheet.freeze_panes = "A2"
    if rows:
        worksheet.auto_filter.ref = worksheet.dimensions
    _widths(worksheet, [header, *rows])


def _value(value: Cell) -> Cell:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return _text(value)
    return value


def _text(value: str) -> str:
    """Characters a workbook cannot hold (most C0 controls) as visible escapes."""
    return str(ILLEGAL_CHARACTERS_RE.sub(lambda m: visible(m.group()), value))


def _widths(worksheet: Worksheet, rows: Sequence[Sequence[Cell]]) -> None:
    """Column widths from display width: a Chinese character is two of Excel's units."""
    count = max((len(r) for r in rows), default=0)
    for index in range(count):
        widest = max(
            (
                display_width(str(_value(r[index])))
                for r in rows
                if index < len(r) and r[index] is not None
            ),
            default=4,
        )
        worksheet.column_dimensions[get_column_letter(index + 1)].width = min(
            _MAX_WIDTH, widest + 2
        )


def _charts(worksheet: Worksheet, series: Quarterly) -> None:
    """Per kind, a block of data (quarters down, units across) and its line chart beside."""
    row = 1
    for kind in dict.fromkeys(u.kind for u in series.units):
        units = [u for u in series.units if u.kind == kind]
        worksheet.cell(row=row, column=1, value="季度").font = Font(bold=True)
        for col, unit in enumerate(units, start=2):
            worksheet.cell(row=row, column=col, value=_text(unit.name)).data_type = "s"
        for offset, quarter in enumerate(series.quarters, start=1):
            worksheet.cell(row=row + offset, column=1, value=quarter)
            for col, unit in enumerate(units, start=2):
                worksheet.cell(row=row + offset, column=col, value=unit.totals[offset - 1])
        chart = LineChart()
        chart.title = f"{kind_label(kind, 'zh')} 各季度得分 ({series.ruleset})"
        chart.y_axis.title = "得分"
        chart.x_axis.title = "季度"
        last = row + len(series.quarters)
        data = Reference(worksheet, min_col=2, max_col=1 + len(units), min_row=row, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(worksheet, min_col=1, min_row=row + 1, max_row=last))
        worksheet.add_chart(chart, f"{get_column_letter(len(units) + 3)}{row}")
        row = max(last + 2, row + 17)  # a chart is about 15 rows high
    worksheet.freeze_panes = None
    worksheet.column_dimensions["A"].width = 10
