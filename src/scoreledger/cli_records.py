"""``import`` (JSON Lines, CSV, xlsx) and ``template`` (CONTRACT §4, §8.6).

Every file of one import forms one transaction: a bad row or line anywhere appends
nothing. CSV and xlsx rows become the JSON objects a JSON Lines line is and go through
the same checks (``scoreledger.records``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator, Sized
from pathlib import Path
from typing import Any

from ledger.errors import LedgerError
from ledger.jsonl import read_jsonl
from ledger.store import Entry, Ledger

from .cli_progress import on_terminal, progress_bar
from .cli_reports import NEW_DB_HELP, RECORDED_BY_HELP

SPREADSHEETS = (".csv", ".xlsx", ".xlsm")


def _notice(text: str) -> None:
    print(f"scoreledger: {text}", file=sys.stderr)


def _lines(name: str) -> int | None:
    """The number of lines of a file (a progress bar's length), None for stdin."""
    if name == "-":
        return None
    count = 0
    try:
        with open(name, "rb") as stream:
            while block := stream.read(1 << 20):
                count += block.count(b"\n")
    except OSError:
        return None  # read_jsonl says why
    return count


def _source(name: str, encoding: str | None) -> Iterable[Entry]:
    """The entries of one input file, by its name's suffix."""
    suffix = Path(name).suffix.lower() if name != "-" else ""
    if suffix == ".csv":
        # Imported when the command runs: a score need not load it.
        from .records.csv_in import read_csv

        return read_csv(name, encoding=encoding, notice=_notice)
    if suffix in (".xlsx", ".xlsm"):
        from .records.xlsx_in import read_xlsx  # openpyxl loads only for a workbook

        return read_xlsx(name)
    if suffix == ".xls":
        raise LedgerError(f"{name}: .xls (Excel 97-2003) is not read; save it as .xlsx or .csv")
    return read_jsonl(name)


class _Tally:
    """Counts the spreadsheet rows without an id as they pass (they get a new id each time)."""

    def __init__(self) -> None:
        self.without_id = 0

    def entries(self, sources: list[tuple[str, Iterable[Entry]]]) -> Iterator[Entry]:
        for name, source in sources:
            spreadsheet = Path(name).suffix.lower() in SPREADSHEETS
            for entry in source:
                obj: Any = entry[1]
                if spreadsheet and type(obj) is dict and not obj.get("id"):
                    self.without_id += 1
                yield entry


def cmd_import(args: argparse.Namespace) -> int:
    """Append the events of every file in one transaction."""
    sources = [(name, _source(name, args.encoding)) for name in args.files]
    total = None
    if on_terminal():
        sizes = [len(s) if isinstance(s, Sized) else _lines(n) for n, s in sources]
        total = None if None in sizes else sum(n or 0 for n in sizes)
    tally = _Tally()
    with (
        Ledger.open(args.db, create=True, recorded_by=args.recorded_by) as ledger,
        progress_bar(total, "importing") as progress,
    ):
        result = ledger.append_many(tally.entries(sources), progress=progress)
    print(f"appended {result.appended}, duplicates {result.duplicates}")
    if result.appended:
        print(f"seq {result.first_seq}…{result.last_seq}, head hash {result.head_hash}")
    if tally.without_id:
        _notice(
            f"note: {tally.without_id} row{'s' * (tally.without_id > 1)} had no id (编号) and "
            "got a new one; importing the same rows again would record them again"
        )
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    """Write an empty template."""
    # Imported when the command runs: a score need not load it.
    from .records.template import write_template

    write_template(args.output, args.types)
    if args.output != "-":
        print(f"wrote {args.output}")
    return 0


def add_import_command(sub: Any) -> None:
    """The ``import`` subcommand."""
    p = sub.add_parser(
        "import",
        help="append events from JSON Lines, CSV or xlsx files (- for stdin)",
        description="Append events from JSON Lines files (one event a line, CONTRACT §2), "
        "CSV or xlsx files (one event a row under a header row, as `scoreledger template` "
        "writes) as one transaction: one bad line or row anywhere appends nothing. An event "
        "already in the ledger (same id, same content) is counted as a duplicate.",
    )
    p.add_argument("db", metavar="DB", help=NEW_DB_HELP)
    p.add_argument(
        "files",
        metavar="FILE",
        nargs="+",
        help="FILE.csv, FILE.xlsx, or JSON Lines (any other name; - for standard input)",
    )
    p.add_argument("--recorded-by", dest="recorded_by", metavar="NAME", help=RECORDED_BY_HELP)
    p.add_argument(
        "--encoding",
        metavar="NAME",
        help="the encoding of .csv files (default: UTF-8 with or without BOM, else GB18030/GBK)",
    )
    p.set_defaults(run=cmd_import)


def add_template_command(sub: Any) -> None:
    """The ``template`` subcommand."""
    p = sub.add_parser(
        "template",
        help="write an empty CSV or xlsx template to fill and import",
        description="Write an empty template for `import`: Chinese headers with the field "
        "names, 单位代码(unit); in xlsx one sheet per event type, a 代码表 sheet of every code "
        "and drop-down lists of them. Fill it in Excel or WPS, then import it.",
    )
    p.add_argument(
        "--output",
        required=True,
        metavar="FILE",
        help="FILE.csv, FILE.xlsx, or - (CSV on standard output)",
    )
    p.add_argument(
        "types",
        metavar="TYPE",
        nargs="*",
        help="event types to include (e.g. adoption or 采用); default: all",
    )
    p.set_defaults(run=cmd_template)
