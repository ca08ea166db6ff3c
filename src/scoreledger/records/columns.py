"""Spreadsheet columns and cells: headers to field names, cells to JSON values.

A header names a field of CONTRACT §2 in English (``unit``), by the template's Chinese
label (``单位代码``) or both (``单位代码(unit)``, what the template writes). A cell is read
by its field's type (``ledger.normalize.event_fields``): text stays text, whole numbers
become ints, yes/no becomes a bool, decimals stay decimal *strings* (a number cell is
written with the 15 significant digits a spreadsheet keeps, so the cell typed as 0.1 is
``"0.1"``, never ``0.1000000000000000055…``), dates become ISO-8601 text, naive times
meaning +08:00 as in §2. An empty cell is an absent field. Everything else (codes,
references, ranges) is checked by the same pipeline as a JSON Lines line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import attrs

from ledger.events import EVENT_TYPES
from ledger.normalize import event_fields
from ledger.store import ParseFailure
from vocabulary.suggest import did_you_mean

#: Chinese names of the event types (the template's sheet names and ``类型`` values).
TYPE_LABELS: dict[str, str] = {
    "unit_registered": "单位登记",
    "unit_changed": "单位变更",
    "submission": "报送",
    "adoption": "采用",
    "instruction": "批示",
    "activity": "信息活动",
    "veto": "否决",
    "ranking": "排名",
    "adjustment": "酌情加减分",
    "assessment": "考核",
    "absence": "缺席",
    "retraction": "撤销",
}

#: The template's Chinese header of every field of §2.
FIELD_LABELS: dict[str, str] = {
    "type": "类型",
    "id": "编号",
    "at": "发生时间",
    "note": "备注",
    "evidence": "依据",
    "unit": "单位代码",
    "name": "单位名称",
    "kind": "单位类别",
    "parent": "上级单位",
    "department": "部门",
    "info": "信息编号",
    "title": "标题",
    "category": "信息类别",
    "urgent": "紧急",
    "incident_at": "事发时间",
    "commissioned": "约稿",
    "outlet": "采用载体",
    "mode": "采用方式",
    "level": "批示级别",
    "leader": "批示领导",
    "activity": "活动类型",
    "reason": "原因",
    "source": "排名来源",
    "year": "年度",
    "rank": "名次",
    "points": "分值",
    "ruleset": "规则集",
    "table": "考核表",
    "item": "考核项",
    "score": "得分",
    "self_score": "自评分",
    "assessor": "考核人",
    "meeting": "会议",
    "person": "缺席人员",
    "target": "撤销的事件编号",
}

#: Sheets of the template that hold no events (the import skips them).
README_SHEET = "说明"
CODES_SHEET = "代码表"
NOT_EVENTS = frozenset({README_SHEET, CODES_SHEET})

_COMMON = ("id", "at")  # first columns of every type; note and evidence come last
_LAST = ("note", "evidence")
_BY_LABEL = {label: field for field, label in FIELD_LABELS.items()}
_TYPE_BY_LABEL = {label: kind for kind, label in TYPE_LABELS.items()}
_BOTH = re.compile(r"(?P<label>.*?)\s*[(（]\s*(?P<field>[A-Za-z_]+)\s*[)）]")
_TRUE = frozenset({"true", "yes", "y", "1", "是", "对"})
_FALSE = frozenset({"false", "no", "n", "0", "否", "不"})
_WHOLE = re.compile(r"[+-]?[0-9]+")
# 2016-03-01, 2016/3/1, 2016.3.1, 2016年3月1日, each with an optional 9:30 or 9:30:15:
# what spreadsheets write when they save dates as text.
_LOCAL_TIME = re.compile(
    r"(?P<y>[0-9]{4})(?:[-/.]|年)(?P<m>[0-9]{1,2})(?:[-/.]|月)(?P<d>[0-9]{1,2})日?"
    r"(?:(?:\s+|T)(?P<H>[0-9]{1,2})[:：](?P<M>[0-9]{2})(?:[:：](?P<S>[0-9]{2}))?)?"
)


def header_text(field: str) -> str:
    """The template's header of `field`: Chinese, with the field name recoverable."""
    return f"{FIELD_LABELS[field]}({field})"


def type_label(event_type: str) -> str:
    """The template's name of an event type: Chinese and the code (``采用 adoption``)."""
    return f"{TYPE_LABELS[event_type]} {event_type}"


def columns_of(event_types: Sequence[str], *, with_type: bool) -> list[str]:
    """The template's columns for rows of `event_types`, in a stable order."""
    specific: dict[str, None] = {}
    for kind in event_types:
        for field, _, _ in event_fields(kind):
            if field not in _COMMON and field not in _LAST:
                specific[field] = None
    return [*(("type",) if with_type else ()), *_COMMON, *specific, *_LAST]


def sheet_type(title: str) -> str | None:
    """The event type a sheet holds by its name (``采用 adoption``, ``采用``, ``adoption``)."""
    words = title.split()
    for word in (title.strip(), *(words[-1:]), *(words[:1])):
        if word in EVENT_TYPES:
            return word
        if word in _TYPE_BY_LABEL:
            return _TYPE_BY_LABEL[word]
    return None


def column_letter(index: int) -> str:
    """A 0-based column index as a spreadsheet names it (A … Z, AA …)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class HeaderError(ValueError):
    """A header row that cannot be read; the message says which column and why."""


@attrs.frozen
class Header:
    """The field each column holds (None: a column with no header)."""

    fields: tuple[str | None, ...]

    @classmethod
    def read(cls, cells: Sequence[Any], kind: str | None) -> Header:
        """The header of a row of cells; raises HeaderError naming a bad column.

        `kind` is the event type a sheet's name gives; without one, a type column is needed.
        """
        fields: list[str | None] = []
        seen: dict[str, int] = {}
        for index, cell in enumerate(cells):
            text = _blank_to_none(cell)
            if text is None:
                fields.append(None)
                continue
            field = field_of(str(text))
            where = f"column {column_letter(index)} {str(text).strip()!r}"
            if field is None:
                hint = did_you_mean(str(text).strip(), [*FIELD_LABELS, *_BY_LABEL])
                raise HeaderError(
                    f"{where}: not a field of an event{hint}; expected a field name such as "
                    f"unit or a template header such as {header_text('unit')}"
                )
            if field in seen:
                raise HeaderError(
                    f"{where}: {field} is also column {column_letter(seen[field])}; "
                    "give each field once"
                )
            seen[field] = index
            fields.append(field)
        if not seen:
            raise HeaderError(
                "expected a header row naming the fields (see `scoreledger template`)"
            )
        if kind is None and "type" not in seen:
            raise HeaderError(
                f"no {header_text('type')} column: expected one saying each row's event type"
            )
        return cls(tuple(fields))


def field_of(text: str) -> str | None:
    """The field a header names, or None."""
    text = text.strip()
    both = _BOTH.fullmatch(text)
    if both and both["field"] in FIELD_LABELS:
        return both["field"]
    if text in _BY_LABEL:
        return _BY_LABEL[text]
    lower = text.lower()
    return lower if lower in FIELD_LABELS else None


def row_object(header: Header, cells: Sequence[Any], kind: str | None) -> dict[str, Any] | None:
    """The JSON object of one row, or None when the row is empty.

    `kind` is the event type the sheet holds (None: the row's ``type`` column says).
    Raises :class:`ParseFailed` naming the field of a cell that cannot be read.
    """
    given: dict[str, Any] = {}
    for index, cell in enumerate(cells):
        value = _blank_to_none(cell)
        if value is None:
            continue
        field = header.fields[index] if index < len(header.fields) else None
        if field is None:
            raise ParseFailed("", f"column {column_letter(index)} has a value but no header")
        given[field] = value
    if not given:
        return None
    event_type = _event_type(given.pop("type", None), kind)
    obj: dict[str, Any] = {"type": event_type}
    if event_type not in EVENT_TYPES:  # the pipeline words the error
        return {**obj, **given}
    kinds = {field: value_type for field, value_type, _ in event_fields(event_type)}
    for field, value in given.items():
        if field not in kinds:
            raise ParseFailed(field, f"not a field of {event_type}; leave this cell empty")
        obj[field] = _cell(field, kinds[field], value)
    return obj


class ParseFailed(ValueError):
    """A cell that cannot be read as its field's type."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.failure = ParseFailure(message, field)


def _event_type(given: Any, kind: str | None) -> Any:
    if given is None:
        if kind is None:
            raise ParseFailed("type", "expected the event type (e.g. adoption or 采用)")
        return kind
    text = given.strip() if isinstance(given, str) else given
    text = _TYPE_BY_LABEL.get(text, text)
    if kind is not None and text != kind:
        raise ParseFailed("type", f"this sheet holds {kind} events, not {given!r}")
    return text


def _blank_to_none(cell: Any) -> Any:
    if cell is None:
        return None
    if isinstance(cell, str):
        text = cell.strip()
        return text or None
    return cell


def _cell(field: str, value_type: type, value: Any) -> Any:
    """`value` (a str from CSV, or a typed xlsx cell) as the JSON value of `field`."""
    if value_type is bool:
        return _bool(field, value)
    if value_type is int:
        return _int(field, value)
    if value_type is datetime:
        return _time(field, value)
    # text and decimals: a decimal stays a string for the pipeline's strict check
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or isinstance(value, (datetime, date, time)):
        what = "a decimal" if value_type is Decimal else "text"
        raise ParseFailed(field, f"expected {what}, got {_shown(value)}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(field, value)
    raise ParseFailed(field, f"expected text, got {_shown(value)}")


def _bool(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ParseFailed(field, f"expected 是 or 否 (true or false), got {_shown(value)}")


def _int(field: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ParseFailed(field, f"expected a whole number, got {_shown(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _WHOLE.fullmatch(value):
        return int(value)
    raise ParseFailed(field, f"expected a whole number, got {_shown(value)}")


def _time(field: str, value: Any) -> str:
    """ISO-8601 text; a spreadsheet's date-time has no zone, which §2 reads as +08:00."""
    if isinstance(value, datetime):
        if value.tzinfo is None and value.time() == time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ParseFailed(field, f"expected a date YYYY-MM-DD or a date-time, got {_shown(value)}")
    local = _LOCAL_TIME.fullmatch(value)
    if local is None:
        return value  # ISO-8601 with an offset, or wrong: the pipeline checks and says
    day = f"{local['y']}-{int(local['m']):02}-{int(local['d']):02}"
    if local["H"] is None:
        return day
    return f"{day}T{int(local['H']):02}:{local['M']}:{local['S'] or '00'}"


def _number_text(field: str, value: float) -> str:
    # A spreadsheet keeps 15 significant digits and shows no more: the binary float of the
    # cell typed 0.1 is 0.1000000000000000055…, and the user's number is 0.1.
    if not math.isfinite(value):
        raise ParseFailed(field, f"expected a number, got {value}")
    return format(Decimal(f"{value:.15g}"), "f")


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (datetime, date, time)):
        return f"the date/time {value.isoformat()}"
    return repr(value) if isinstance(value, str) else str(value)
