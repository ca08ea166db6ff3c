"""xlsx records in: one event per row, errors as ``FILE:SHEET!ROW: field: …``.

A sheet named after an event type (``采用 adoption``, ``采用`` or ``adoption``, as the
template names them) holds events of that type; any other sheet needs a type column.
The template's 说明 and 代码表 sheets and empty sheets are skipped. Cells are read by
type (``records.columns``): a number cell in a decimal field keeps the 15 significant
digits Excel keeps, a date cell becomes a date (a date-time, which has no zone, means
+08:00 as in CONTRACT §2). A formula is read by the value Excel last computed and saved.

openpyxl is imported by the caller's first use of this module, not at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
from openpyxl import load_workbook

from ledger.errors import LedgerError, Location
from ledger.store import Entry, ParseFailure

from .columns import NOT_EVENTS, Header, HeaderError, ParseFailed, row_object, sheet_type


@attrs.frozen
class XlsxRecords:
    """The event sheets of one workbook, read row by row as they are iterated."""

    name: str
    book: Any  # an openpyxl read-only Workbook

    def __len__(self) -> int:
        """Data rows as the sheets' dimensions say (a workbook's own count, not a scan)."""
        return sum(max((ws.max_row or 1) - 1, 0) for ws in self._sheets())

    def _sheets(self) -> list[Any]:
        return [ws for ws in self.book.worksheets if ws.title.strip() not in NOT_EVENTS]

    def __iter__(self) -> Iterator[Entry]:
        try:
            for worksheet in self._sheets():
                yield from self._sheet(worksheet)
        finally:
            self.book.close()

    def _sheet(self, worksheet: Any) -> Iterator[Entry]:
        title = worksheet.title
        kind = sheet_type(title)
        rows = worksheet.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None or all(_empty(cell) for cell in first):
            return  # an empty sheet (a template's unused one)
        try:
            header = Header.read(first, kind)
        except HeaderError as exc:
            hint = "" if kind is not None else ", or name the sheet after one (e.g. 采用 adoption)"
            yield Location(self.name, 1, title), ParseFailure(f"{exc}{hint}")
            return
        for number, cells in enumerate(rows, start=2):
            try:
                obj = row_object(header, cells, kind)
            except ParseFailed as exc:
                yield Location(self.name, number, title), exc.failure
                continue
            if obj is not None:
                yield Location(self.name, number, title), obj


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_xlsx(name: str) -> XlsxRecords:
    """Open a workbook for reading its event sheets."""
    try:
        book = load_workbook(name, read_only=True, data_only=True)
    except OSError as exc:
        raise LedgerError(f"{name}: cannot read: {exc.strerror}") from None
    except Exception as exc:  # openpyxl raises zipfile, KeyError, its own: all say "not xlsx"
        raise LedgerError(f"{name}: not an .xlsx workbook ({type(exc).__name__}: {exc})") from None
    return XlsxRecords(name, book)
