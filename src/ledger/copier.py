"""Copies that keep the chain (CONTRACT §8.4): backup, restore, migration between backends.

:func:`copy_ledger` writes every event of a source into a new or empty ledger with the
source's own ``seq``, ``recorded_at``, ``recorded_by`` and hash, so the copy verifies with
the same head and ``--as-of`` answers the same on both. The source is a ledger (a file or
a ``postgresql://`` URL) or an export (JSON Lines as ``export`` writes it; ``-`` reads
standard input).

Nothing is taken on trust: each event's hash is recomputed from its content and the hash
before it, its time must not go backwards, and its payload must pass the checks an import
makes (fields, codes, references), so a copy holds only what an import could have
appended. Any problem refuses the whole copy, one transaction, nothing written. The rows
go through the destination's own insert guards; on PostgreSQL the copy is the one write
that keeps a row's ``recorded_by``, and the database allows it only to the table's owner.

It streams: the source is read, checked and inserted in chunks, so memory does not grow
with the ledger (what the references need stays in the database, looked up per chunk).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

import attrs

from .confirm import confirm_appended, insert_sealed
from .errors import InputError, LedgerError, Location, Problem
from .events import SCHEMA_VERSION
from .integrity import chain_sealer, time_problem
from .jsonl import read_jsonl
from .normalize import dumps_canonical, loads
from .recorder import GENESIS, Head, SealedRow
from .recorder_postgres import is_url
from .references import Lookups, ReferenceChecker, UnitBook
from .store import CHUNK, Ledger, ParseFailure, _parse
from .validate import check_fields

__all__ = ["CopyResult", "copy_ledger"]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_HEX = frozenset("0123456789abcdef")

#: (where it came from, the event's JSON object, (seq, recorded_at, recorded_by, hash)) or,
#: for a line that is not even an object, (where, a ParseFailure, None).
SourceEntry = tuple[Location, Any, tuple[Any, Any, Any, Any] | None]


@attrs.frozen(kw_only=True)
class CopyResult:
    """What a copy wrote: the number of events and the head (the source's own)."""

    copied: int
    head: Head


def copy_ledger(
    source: str | os.PathLike[str],
    destination: str | os.PathLike[str],
    *,
    progress: Callable[[int], None] | None = None,
) -> CopyResult:
    """Copy `source` into the new or empty ledger `destination`, keeping the chain.

    `source` is a ledger (an SQLite file or a ``postgresql://`` URL) or an export (a JSON
    Lines file as ``export`` writes it, ``"-"`` for standard input); `destination` a file
    path or URL where no ledger is, or an empty ledger (it is created when missing).

    Raises :class:`InputError` (``FILE:LINE: field: …`` for each refused event; nothing is
    written) when an event's hash does not follow from the ones before, its ``recorded_at``
    goes backwards or its payload would not be accepted by an import, and
    :class:`LedgerError` when the destination already holds events. `progress`, if given,
    is called with the number of events read so far after each chunk.
    """
    created = _new_file(destination)
    try:
        with _entries(source) as entries, Ledger.open(destination, create=True) as target:
            return _copy(target, entries, progress)
    except BaseException:
        if created is not None:  # a refused copy leaves no new file behind
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{created}{suffix}").unlink(missing_ok=True)
        raise


def _new_file(destination: str | os.PathLike[str]) -> Path | None:
    """The destination's path when it is a file this copy will create, else None."""
    if is_url(destination):
        return None
    path = Path(destination)
    return None if path.exists() else path


def _copy(
    target: Ledger, entries: Iterator[SourceEntry], progress: Callable[[int], None] | None
) -> CopyResult:
    recorder = target.recorder
    with recorder.writing(copying=True) as head:
        if head.seq:
            raise LedgerError(
                f"{target.label}: holds {head.seq} events; copy writes only into a new or "
                "empty ledger (import appends events anew)"
            )
        chain = _Chain(target)
        done = 0
        while chunk := list(islice(entries, CHUNK)):
            if done == CHUNK:
                recorder.large_batch()
            rows = chain.check(chunk)
            if chain.problems:  # a later chunk could not extend this one: stop here
                raise InputError(chain.problems)
            insert_sealed(recorder, target.label, rows)
            done += len(chunk)
            if progress is not None:
                progress(done)
        confirm_appended(recorder, target.label, 0, chain.seq, chain.prev)
    return CopyResult(copied=chain.seq, head=chain.head())


class _Chain:
    """The copy's running end: the chain so far, the units, what was wrong."""

    def __init__(self, target: Ledger) -> None:
        self.target = target
        self.units = UnitBook()
        self.checker = ReferenceChecker(self.units)
        self.seq, self.prev, self.recorded_at = 0, GENESIS, ""
        self.problems: list[Problem] = []
        self.lost = False  # the last line's seq and hash were unreadable
        self._sealers: dict[tuple[str, str | None], Callable[[str, str, int, int], str]] = {}

    def head(self) -> Head:
        return Head(seq=self.seq, hash=self.prev, recorded_at=self.recorded_at or None)

    def check(self, chunk: list[SourceEntry]) -> list[SealedRow]:
        """The rows of a chunk, each checked against the chain and the import's rules."""
        found: list[tuple[int, Problem]] = []
        parsed = {i: (loc, p) for i, loc, p in _parse([e[:2] for e in chunk], found, 0)}
        seen = self.target._lookups([p for _, p in parsed.values()])
        rows: list[SealedRow] = []
        for index, (_, _, meta) in enumerate(chunk):
            if index not in parsed:  # its problem is in `found`; the chain goes on past it
                self._skip(meta)
                continue
            loc, p = parsed[index]
            assert loc is not None  # every entry of a copy comes with its location
            row, issues = self._entry(p, meta, seen)
            found.extend((index, Problem(loc, f, m)) for f, m in issues)
            if row is not None:
                rows.append(row)
        self.problems.extend(p for _, p in sorted(found, key=lambda f: f[0]))
        return rows

    def _entry(
        self, p: dict[str, Any], meta: Any, seen: Lookups
    ) -> tuple[SealedRow | None, list[tuple[str, str]]]:
        seq, recorded_at, recorded_by, digest = meta
        try:
            payload = dumps_canonical(p)
        except ValueError:
            self._skip(meta)
            return None, [("", "text with a lone surrogate (\\ud800-\\udfff) cannot be stored")]
        prev = self.prev
        issues = self._link(payload, seq, recorded_at, recorded_by, digest)
        stored = seen.ids.get(p["id"])
        if stored is not None:
            issues.append(("id", f"id {p['id']!r} is given twice (seq {stored.seq} and {seq})"))
            return None, issues
        issues += check_fields(p)
        unit = None
        if not issues:
            more, unit = self.checker.check(p, seen)
            issues += more
        if issues:
            return None, issues
        row = (seq, p["id"], p["type"], SCHEMA_VERSION, p["at"], unit, p.get("info"),
               p.get("target"), recorded_at, payload, prev, digest, recorded_by)  # fmt: skip
        seen.remember(p, seq, payload, self.units)
        return row, []

    def _skip(self, meta: Any) -> None:
        """Go on past an event whose payload was refused: from its own seq and hash, or,
        when even those are unreadable, from whatever the next event says."""
        if meta is None:
            self.lost = True
        else:
            seq, recorded_at, _, digest = meta
            self.seq, self.prev, self.lost = seq, digest, False
            self.recorded_at = max(recorded_at, self.recorded_at)

    def _link(
        self, payload: str, seq: int, recorded_at: str, recorded_by: str | None, digest: str
    ) -> list[tuple[str, str]]:
        """Whether this event follows the one before: its seq, its time, its hash.

        The chain then goes on from this event's own seq and hash, so one edited line is
        reported once, not with every line after it.
        """
        issues: list[tuple[str, str]] = []
        expected = self.seq + 1
        if self.lost:
            pass  # the line before was unreadable: nothing to link this one to
        elif seq != expected:
            issues.append(
                ("seq", f"{seq} where {expected} was expected (an event missing or out of place)")
            )
        elif (late := time_problem(recorded_at, self.recorded_at)) is not None:
            # verify's own check, so a copy refuses exactly what verify would call damaged
            issues.append(("recorded_at", late.removeprefix("recorded_at ")))
        elif self._sealer(recorded_at, recorded_by)(self.prev, payload, seq, 1) != digest:
            issues.append(
                ("hash", "does not follow from the events before (edited or out of place)")
            )
        self._skip((seq, recorded_at, recorded_by, digest))
        return issues

    def _sealer(
        self, recorded_at: str, recorded_by: str | None
    ) -> Callable[[str, str, int, int], str]:
        key = (recorded_at, recorded_by)
        seal = self._sealers.get(key)
        if seal is None:
            self._sealers.clear()  # one per append transaction of the source: keep one
            seal = self._sealers[key] = chain_sealer(recorded_at, recorded_by)
        return seal


@contextmanager
def _entries(source: str | os.PathLike[str]) -> Iterator[Iterator[SourceEntry]]:
    """The source's events, streamed: a ledger's rows or an export's lines."""
    if is_url(source) or _is_sqlite(source):
        with Ledger.open(source) as ledger:
            yield _ledger_entries(ledger)
    else:
        yield _export_entries(str(source))


def _is_sqlite(source: str | os.PathLike[str]) -> bool:
    if str(source) == "-":
        return False
    try:
        with open(source, "rb") as stream:
            return stream.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:
        return False  # read_jsonl says why it cannot be read


def _ledger_entries(ledger: Ledger) -> Iterator[SourceEntry]:
    label = ledger.label
    for (
        seq,
        payload,
        recorded_at,
        _prev,
        digest,
        *_columns,
        version,
        by,
    ) in ledger.recorder.chain_rows():
        where = Location(f"{label} seq", seq)
        if version != SCHEMA_VERSION:
            yield where, ParseFailure(f"payload schema version {version!r} is not copied"), None
            continue
        try:
            obj = loads(payload)
        except ValueError:
            yield where, ParseFailure("the stored payload is not JSON; run verify"), None
            continue
        yield where, obj, (seq, recorded_at, by, digest)


#: Which ledger fields an export line must carry, and what each must be.
_META_FIELDS = ("seq", "recorded_at", "hash")


def _export_entries(name: str) -> Iterator[SourceEntry]:
    for where, obj in read_jsonl(name):
        if type(obj) is not dict:
            yield where, obj, None  # _parse says what it is
            continue
        problem = _meta_problem(obj)
        if problem is not None:
            yield where, ParseFailure(problem[1], problem[0]), None
            continue
        meta = (obj["seq"], obj["recorded_at"], obj.get("recorded_by"), obj["hash"])
        yield where, obj, meta


def _meta_problem(obj: dict[str, Any]) -> tuple[str, str] | None:
    """(field, message) when an export line's ledger fields are missing or malformed."""
    for name in ("id", *_META_FIELDS):
        if name not in obj:
            return name, (
                "required in a copy (export writes it); to append events anew, use import"
            )
    seq, recorded_at, digest = obj["seq"], obj["recorded_at"], obj["hash"]
    if type(seq) is not int or seq < 1:
        return "seq", f"expected a whole number from 1, got {seq!r}"
    form = time_problem(recorded_at, "")  # its form only: nothing comes before ""
    if form is not None:
        return "recorded_at", form.removeprefix("recorded_at ")
    if type(digest) is not str or len(digest) != 64 or not _HEX.issuperset(digest):
        return "hash", "expected 64 lowercase hexadecimal digits"
    by = obj.get("recorded_by")
    if by is not None and (type(by) is not str or not by):
        return "recorded_by", f"expected a name, got {by!r}"
    return None
