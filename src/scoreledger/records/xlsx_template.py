"""The xlsx template: a 说明 sheet, one sheet per event type, a 代码表 of every code.

Drop-downs are list validations over the 代码表 ranges (a literal list is limited to 255
characters, which the outlets exceed); Excel 2010+ and WPS accept a list on another
sheet. A drop-down is a help, not the check: ``import`` validates every code again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ledger.errors import LedgerError
from ledger.normalize import event_fields

from ..render.text import display_width
from .code_lists import CodeList, code_key, code_lists, required_fields
from .columns import (
    CODES_SHEET,
    FIELD_LABELS,
    README_SHEET,
    column_letter,
    columns_of,
    header_text,
    type_label,
)

_LAST_ROW = 1_048_576  # Excel's last row: validations and formats cover the whole column
_REQUIRED = Font(bold=True, color="C00000")
_OPTIONAL = Font(bold=True)
_FORMATS = {str: "@", int: "0", datetime: "yyyy-mm-dd hh:mm"}

_README = [
    ("用法", "每个事件类型一张工作表，每行一个事件；填好后运行 scoreledger import DB 本文件.xlsx"),
    ("How", "one sheet per event type, one event per row; then: scoreledger import DB FILE.xlsx"),
    ("表头", "中文名(英文字段名)；红色表头必填，黑色可空。空单元格即不填该字段"),
    ("Headers", "Chinese name (field name); red headers are required, an empty cell is absent"),
    ("编号 id", "可空(自动生成)；填写编号后重复导入同一文件不会重复记账"),
    ("id", "may be empty (generated), but with ids a file imported twice is recorded once"),
    ("时间 times", "日期或日期时间；不带时区的时间按北京时间(+08:00)计"),
    ("Times", "a date or a date-time; a time without an offset is +08:00 (CONTRACT §2)"),
    ("代码", f"单位类别、载体、级别等填代码，下拉选择；代码及中文名见「{CODES_SHEET}」"),
    ("Codes", f"kinds, outlets, levels…: pick the code from the drop-down; see '{CODES_SHEET}'"),
    ("是/否", "紧急、约稿填 是 或 否 (true/false)"),
    ("出错", "导入时任何一行有错，整个文件都不记账；错误写明 文件:工作表!行: 字段"),
    ("Errors", "one bad row and nothing is recorded; errors read FILE:SHEET!ROW: field: ..."),
]


def write_xlsx_template(output: str, kinds: Sequence[str]) -> None:
    """Write the workbook template of event types `kinds` to `output`."""
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = README_SHEET
    _rows(readme, [("项目 item", "说明 notes"), *_README])
    lists = code_lists()
    ranges = _codes_sheet(book.create_sheet(CODES_SHEET), lists)
    for kind in kinds:
        _event_sheet(
            book.create_sheet(type_label(kind), index=len(book.worksheets) - 1), kind, ranges
        )
    try:
        book.save(output)
    except OSError as exc:
        raise LedgerError(f"--output {output}: cannot write ({exc.strerror})") from None


def _event_sheet(sheet: Worksheet, kind: str, ranges: dict[str, str]) -> None:
    types = {field: value_type for field, value_type, _ in event_fields(kind)}
    required = required_fields(kind)
    for index, field in enumerate(columns_of([kind], with_type=False)):
        letter = column_letter(index)
        cell = sheet.cell(row=1, column=index + 1, value=header_text(field))
        cell.font = _REQUIRED if field in required else _OPTIONAL
        body = f"{letter}2:{letter}{_LAST_ROW}"
        value_type = types[field]
        number_format = _FORMATS.get(value_type)
        if field == "at":
            number_format = "yyyy-mm-dd"  # most events are dated by the day
        if number_format is not None:
            sheet.column_dimensions[letter].number_format = number_format
        key = code_key(kind, field)
        if key is not None:
            _validate(sheet, body, ranges[key], f"{FIELD_LABELS[field]}: 请从下拉列表选择代码")
        elif value_type is bool:
            _validate(sheet, body, '"是,否"', f"{FIELD_LABELS[field]}: 请填 是 或 否")
        elif value_type is Decimal:
            sheet.column_dimensions[letter].number_format = "General"
        width = max(display_width(header_text(field)), 12 if value_type is str else 10) + 2
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _validate(sheet: Worksheet, cells: str, formula: str, message: str) -> None:
    rule = DataValidation(type="list", formula1=formula, allow_blank=True)
    rule.error, rule.errorTitle, rule.showErrorMessage = message, "代码", True
    rule.add(cells)
    sheet.add_data_validation(rule)


def _codes_sheet(sheet: Worksheet, lists: dict[str, CodeList]) -> dict[str, str]:
    """Two columns per list (code, Chinese name); the ranges of the code columns by key."""
    ranges = {}
    for index, (key, entries) in enumerate(lists.items()):
        code_col, name_col = column_letter(2 * index), column_letter(2 * index + 1)
        label = "否决原因" if key == "reason" else FIELD_LABELS[key]
        sheet[f"{code_col}1"] = f"{label}({key})"
        sheet[f"{name_col}1"] = "名称"
        sheet[f"{code_col}1"].font = sheet[f"{name_col}1"].font = _OPTIONAL
        for row, (code, name) in enumerate(entries, start=2):
            sheet[f"{code_col}{row}"] = code
            sheet[f"{name_col}{row}"] = name
        ranges[key] = f"'{CODES_SHEET}'!${code_col}$2:${code_col}${len(entries) + 1}"
        widest = max(display_width(c) for c, _ in entries)
        sheet.column_dimensions[code_col].width = max(widest, display_width(label) + 8) + 2
        sheet.column_dimensions[name_col].width = (
            min(max(display_width(n) for _, n in entries), 40) + 2
        )
    sheet.freeze_panes = "A2"
    return ranges


def _rows(sheet: Worksheet, rows: Sequence[tuple[str, str]]) -> None:
    for row in rows:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = _OPTIONAL
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 90
