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

from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path

import attrs
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

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
    """One data sheet: a title, a header row, and rows of cells.

    `rows` is iterated twice, once for the column widths and once for the cells (a
    write-only sheet states its widths before its first row): a list, or :class:`Rows`
    making them afresh each time."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]


class Rows(Iterable[Sequence[Cell]]):
    """A sheet's rows made anew by `make` at each iteration, none kept: the lines of a
    year's scoreboard are read unit by unit for the widths, then again for the cells,
    rather than held whole (a million events make half a million lines)."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], Iterator[Sequence[Cell]]]) -> None:
        self._make = make

    def __iter__(self) -> Iterator[Sequence[Cell]]:
        return self._make()


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
    with a native line chart of every unit's score by quarter, one chart per kind.

    The workbook is write-only: each sheet's rows go to a temporary file as they are
    appended, so no sheet is held whole (openpyxl's ordinary workbook keeps a cell object
    for each of a year's millions of cells)."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    _fill(book.create_sheet(sheet_title("说明", taken)), ["项目", "内容"], info)
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


def _fill(
    worksheet: WriteOnlyWorksheet, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> None:
    # A write-only sheet writes its widths and panes before its first row: the widths come
    # from a first pass over the rows.
    shape = _Shape()
    shape.measure(header)
    for row in rows:
        shape.measure(row)
        shape.count += 1
    for index, width in enumerate(shape.widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"
    worksheet.append([_bold(worksheet, _text(h)) for h in header])
    for row in rows:
        worksheet.append([_cell(worksheet, v) for v in row])
    if shape.count:
        last = get_column_letter(len(shape.widest))
        worksheet.auto_filter.ref = f"A1:{last}{shape.count + 1}"


class _Shape:
    """What a sheet's widths and filter need of its rows: the widest display width of each
    column's cells (a Chinese character is two of Excel's units) and the count of rows."""

    __slots__ = ("count", "widest")

    def __init__(self) -> None:
        self.count = 0
        self.widest: list[int | None] = []  # None: a column with no value yet

    def measure(self, row: Sequence[Cell]) -> None:
        widest = self.widest
        if len(row) > len(widest):
            widest.extend([None] * (len(row) - len(widest)))
        for index, value in enumerate(row):
            if value is None:
                continue
            known = widest[index]
            if known is not None and known >= _MAX_WIDTH - 2:
                continue  # as wide as a column gets: no cell can widen it
            text = str(_value(value))
            if known is not None and 2 * len(text) <= known:
                continue  # no character is wider than two units
            width = display_width(text)
            if known is None or width > known:
                widest[index] = width

    @property
    def widths(self) -> list[int]:
        """Each column's width: its widest cell and a margin, at most ``_MAX_WIDTH``."""
        return [min(_MAX_WIDTH, (4 if w is None else w) + 2) for w in self.widest]


def _value(value: Cell) -> Cell:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return _text(value)
    return value


def _cell(worksheet: WriteOnlyWorksheet, value: Cell) -> Cell | WriteOnlyCell:
    """A row's value as appended: text as text, so "=..." is never a formula nor "#N/A"
    an error (openpyxl reads both into those from a plain string)."""
    shown = _value(value)
    if isinstance(shown, str) and ((len(shown) > 1 and shown[0] == "=") or shown in ERROR_CODES):
        cell = WriteOnlyCell(worksheet, shown)
        cell.data_type = "s"
        return cell
    return shown


def _bold(worksheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value)
    cell.font = Font(bold=True)
    return cell


def _text(value: str) -> str:
    """Characters a workbook cannot hold (most C0 controls) as visible escapes."""
    return str(ILLEGAL_CHARACTERS_RE.sub(lambda m: visible(m.group()), value))


def _charts(worksheet: WriteOnlyWorksheet, series: Quarterly) -> None:
    """Per kind, a block of data (quarters down, units across) and its line chart beside."""
    worksheet.freeze_panes = None
    worksheet.column_dimensions["A"].width = 10
    row = written = 1  # where the next block starts; the row the next append writes
    for kind in dict.fromkeys(u.kind for u in series.units):
        units = [u for u in series.units if u.kind == kind]
        for _gap in range(written, row):
            worksheet.append([])  # the rows beside the chart above, empty
        names = [_as_text(worksheet, _text(unit.name)) for unit in units]
        worksheet.append([_bold(worksheet, "季度"), *names])
        for offset, quarter in enumerate(series.quarters):
            worksheet.append([quarter, *(unit.totals[offset] for unit in units)])
        chart = LineChart()
        chart.title = f"{kind_label(kind, 'zh')} 各季度得分 ({series.ruleset})"
        chart.y_axis.title = "得分"
        chart.x_axis.title = "季度"
        last = row + len(series.quarters)
        data = Reference(worksheet, min_col=2, max_col=1 + len(units), min_row=row, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(worksheet, min_col=1, min_row=row + 1, max_row=last))
        worksheet.add_chart(chart, f"{get_column_letter(len(units) + 3)}{row}")
        written = last + 1
        row = max(last + 2, row + 17)  # a chart is about 15 rows high


def _as_text(worksheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value)
    cell.data_type = "s"
    return cell
