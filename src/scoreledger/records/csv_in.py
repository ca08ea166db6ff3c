"""CSV records in: one event per row, errors as ``FILE:ROW: field: …``.

The encoding is found, not assumed, because offices' files come from Excel and WPS: a
UTF-8 file (with or without the BOM Excel writes), UTF-16 with a BOM (Excel's "Unicode
text"), else GB18030, the superset of GBK that Chinese Windows saves in; ``--encoding``
names any other. A row's number is the one a spreadsheet shows (the header is row 1),
whatever line breaks its cells hold.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator

import attrs

from ledger.errors import LedgerError, Location
from ledger.store import Entry, ParseFailure

from .columns import Header, HeaderError, ParseFailed, row_object

#: Tried, in order, when the file is not UTF-8 and no --encoding is given.
FALLBACK = "gb18030"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@attrs.frozen
class Decoded:
    """A file's text and the encoding it was read with."""

    text: str
    encoding: str


def decode(name: str, raw: bytes, encoding: str | None) -> Decoded:
    """The text of a CSV file; LedgerError (with a hint naming --encoding) when it has none."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise LedgerError(f"--encoding {encoding}: not an encoding Python knows") from None
        try:
            return Decoded(raw.decode(encoding).removeprefix("\ufeff"), encoding)
        except UnicodeDecodeError as exc:
            raise LedgerError(_not(name, raw, exc, encoding)) from None
    for bom, bom_encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return Decoded(raw.decode(bom_encoding), bom_encoding.removesuffix("-sig"))
            except UnicodeDecodeError as exc:
                raise LedgerError(_not(name, raw, exc, bom_encoding)) from None
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as first:
        try:
            return Decoded(raw.decode(FALLBACK), FALLBACK)
        except UnicodeDecodeError:
            raise LedgerError(
                f"{_not(name, raw, first, 'UTF-8')}, nor GBK/GB18030; name the file's "
                "encoding with --encoding (e.g. --encoding big5), or save it as UTF-8"
            ) from None


def _not(name: str, raw: bytes, exc: UnicodeDecodeError, encoding: str) -> str:
    """``FILE:ROW: not ENCODING (byte N)``: the row of the first byte that does not decode."""
    row = raw.count(b"\n", 0, exc.start) + 1
    return f"{name}:{row}: not {encoding} (byte {exc.start + 1})"


def _delimiter(text: str) -> str:
    """Comma, or a tab when the header has tabs and no commas (Excel's "Unicode text")."""
    first = text.split("\n", 1)[0]
    return "\t" if "\t" in first and "," not in first else ","


@attrs.frozen
class CsvRecords:
    """The rows of one CSV file, read and decoded up front (so they can be counted)."""

    name: str
    encoding: str
    rows: list[list[str]]
    failure: tuple[int, str] | None  # (row, message): where the CSV itself broke

    def __len__(self) -> int:
        return max(len(self.rows) - 1, 0)

    def __iter__(self) -> Iterator[Entry]:
        if not self.rows:
            yield (
                Location(self.name, 1),
                ParseFailure(
                    "empty file: expected a header row naming the fields (`scoreledger template`)"
                ),
            )
            return
        try:
            header = Header.read(self.rows[0], None)
        except HeaderError as exc:
            yield Location(self.name, 1), ParseFailure(str(exc))
            return
        for number, cells in enumerate(self.rows[1:], start=2):
            try:
                obj = row_object(header, cells, None)
            except ParseFailed as exc:
                yield Location(self.name, number), exc.failure
                continue
            if obj is not None:
                yield Location(self.name, number), obj
        if self.failure is not None:
            row, message = self.failure
            yield Location(self.name, row), ParseFailure(message)


def read_csv(
    name: str, *, encoding: str | None = None, notice: Callable[[str], None] | None = None
) -> CsvRecords:
    """Read a CSV file's rows; `notice` hears which encoding was used when it was guessed."""
    try:
        with open(name, "rb") as stream:
            raw = stream.read()
    except OSError as exc:
        raise LedgerError(f"{name}: cannot read: {exc.strerror}") from None
    decoded = decode(name, raw, encoding)
    if encoding is None and decoded.encoding == FALLBACK and notice is not None:
        notice(f"{name}: not UTF-8; read as GB18030 (GBK). If that is wrong, give --encoding")
    rows: list[list[str]] = []
    failure = None
    reader = csv.reader(io.StringIO(decoded.text, newline=""), delimiter=_delimiter(decoded.text))
    try:
        rows.extend(reader)
    except csv.Error as exc:
        failure = (len(rows) + 1, f"cannot read the CSV: {exc}")
    return CsvRecords(name, decoded.encoding, rows, failure)
