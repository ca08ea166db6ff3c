"""Empty templates (``scoreledger template``) that ``import`` reads back.

CSV: one file, a header row only (UTF-8 with a BOM, so Excel and WPS open the Chinese
headers right), a 类型(type) column and the union of the asked types' fields.
xlsx: a 说明 sheet, one sheet per event type (named ``采用 adoption``; no type column),
and a 代码表 sheet listing every code with its Chinese name; code columns carry
drop-down lists drawn from it, yes/no columns a 是/否 list, text columns the text format
(so Excel keeps ``001`` and item ``1.10`` as typed) and time columns a date format.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path

from ledger.errors import LedgerError
from ledger.events import EVENT_TYPES
from vocabulary.suggest import did_you_mean

from .columns import TYPE_LABELS, columns_of, header_text, sheet_type


def event_types(names: Sequence[str]) -> list[str]:
    """The event types asked for (codes or Chinese names), all of them when none is."""
    if not names:
        return list(EVENT_TYPES)
    found = []
    for name in names:
        kind = sheet_type(name)
        if kind is None or name.strip() not in (kind, TYPE_LABELS[kind]):
            listed = ", ".join(f"{code} ({label})" for code, label in TYPE_LABELS.items())
            hint = did_you_mean(name, [*TYPE_LABELS, *TYPE_LABELS.values()])
            raise LedgerError(
                f"template: unknown event type {name!r}{hint}; expected one of {listed}"
            )
        found.append(kind)
    return list(dict.fromkeys(found))


def write_template(output: str, names: Sequence[str]) -> None:
    """Write the template of the asked event types to `output` (``.csv``, ``.xlsx``, ``-``)."""
    kinds = event_types(names)
    suffix = Path(output).suffix.lower()
    if output == "-" or suffix == ".csv":
        text = csv_template(kinds)
        if output == "-":
            sys.stdout.write(text)
            return
        _save(output, text.encode("utf-8-sig"))
    elif suffix == ".xlsx":
        from .xlsx_template import write_xlsx_template  # openpyxl loads only here

        write_xlsx_template(output, kinds)
    else:
        raise LedgerError(f"template: --output {output}: expected a .csv or .xlsx file name")


def csv_template(kinds: Sequence[str]) -> str:
    """The CSV template's text: its header row."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(
        header_text(field) for field in columns_of(kinds, with_type=True)
    )
    return buffer.getvalue()


def _save(output: str, data: bytes) -> None:
    try:
        with open(output, "wb") as out:
            out.write(data)
    except OSError as exc:
        raise LedgerError(f"--output {output}: cannot write ({exc.strerror})") from None
