"""The ledger: validation, normalisation, references, hashing and upcasting, written once.

A :class:`Ledger` checks and seals events and hands the sealed rows to a *recorder*, the
database that stores, locks and reads them (``ledger.recorder``): an SQLite file
(``recorder_sqlite``, the embedded default). Whatever the database, the same input gives
the same rows, the same hashes and the same errors.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any, cast

import attrs

from .codec import CST, structure, unstructure
from .confirm import confirm_appended, insert_sealed
from .errors import (
    DamageError,
    InputError,
    LedgerError,
    Location,
    Locations,
    Problem,
    invalid_stored,
)
from .events import SCHEMA_VERSION, AnyEvent, Event, Recorded
from .gcpause import collect_young, gc_paused
from .integrity import VerifyReport, chain_sealer, verify_chain
from .normalize import dumps_canonical, normalize, type_problems
from .reader import EventRow, RowTuple, decode, named, tuples
from .recorder import CreatedElsewhere, Head, Recorder, SealedRow, SideTables
from .recorder_postgres import PostgresRecorder, is_url, masked
from .recorder_sqlite import _INSERT, IMPORT_CACHE_KIB, SQLiteRecorder
from .references import Lookups, ReferenceChecker, Stored, UnitBook
from .validate import check_fields

__all__ = ["CHUNK", "IMPORT_CACHE_KIB", "_INSERT", "AppendResult", "Head", "Ledger"]

#: Events validated and inserted per round trip inside one import transaction.
CHUNK = 5000

Entry = tuple[Location, Any]  # (where it came from, a dict, an Event, or a ParseFailure)


@attrs.frozen
class ParseFailure:
    """A line that was not even JSON; carried to the checker so it is reported in order."""

    message: str
    field: str = ""


@attrs.frozen(kw_only=True)
class AppendResult:
    """What an append did: counts, the seq range written and the new head."""

    appended: int
    duplicates: int
    first_seq: int | None
    last_seq: int | None
    head_hash: str


def shown(location: str | os.PathLike[str]) -> str:
    """A DB argument as messages show it: a URL without its password (CONTRACT §8.1)."""
    return masked(location) if is_url(location) else str(location)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Ledger:
    """An event ledger, in an SQLite file or a PostgreSQL database (a ``postgresql://`` URL).

    >>> with Ledger.open("demo.sqlite", create=True) as ledger:  # doctest: +SKIP
    ...     ledger.append({"type": "unit_registered", "at": "2016-01-04",
    ...                    "unit": "gulou", "name": "鼓楼区总工会", "kind": "county"})
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        create: bool = False,
        durable: bool = True,
        recorded_by: str | None = None,
    ):
        if recorded_by is not None:
            _check_name(recorded_by)
        self.recorder: Recorder
        if is_url(path):
            self.recorder = PostgresRecorder(str(path), create=create)
        else:
            self.recorder = SQLiteRecorder(path, create=create, durable=durable)
        self.label = self.recorder.label
        try:
            self.recorded_by = self.recorder.recorder_name(recorded_by)
        except BaseException:
            self._abandon()
            raise
        self._units = UnitBook()
        self._units_seq = 0

    @property
    def path(self) -> Any:
        """The SQLite file's path."""
        return getattr(self.recorder, "path", None)

    @property
    def conn(self) -> Any:
        """The database connection (SQLite's ``sqlite3.Connection``), for tests and tools."""
        return getattr(self.recorder, "conn", None)

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], *, create: bool = False, recorded_by: str | None = None
    ) -> Ledger:
        """Open a ledger: a file path (SQLite) or a ``postgresql://`` URL (libpq URI); with
        ``create=True`` make it (and its schema) if missing (CONTRACT §8.1).

        What this Ledger appends is recorded by `recorded_by` (CONTRACT §8.2; in an SQLite
        file, by default the operating-system user; on PostgreSQL always the session user,
        so `recorded_by` may only name that user).
        """
        return cls(path, create=create, recorded_by=recorded_by)

    def close(self) -> None:
        self.recorder.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.close()
        else:  # a create that failed leaves no file behind (ledger.sqlite_files)
            self._abandon()

    def _abandon(self) -> None:
        abandon = getattr(self.recorder, "abandon", None)
        (abandon or self.recorder.close)()

    # -- reading ---------------------------------------------------------------

    def head(self) -> Head:
        """The last event's seq and hash (seq 0 and the genesis hash when empty)."""
        return self.recorder.head()

    def __len__(self) -> int:
        return self.head().seq

    def rows(
        self, *, as_of: datetime | None = None, after_seq: int = 0
    ) -> Iterator[tuple[int, str, str, str, str | None, str, str, int]]:
        """Raw rows in seq order: (seq, id, type, at, unit, recorded_at, payload JSON,
        version), the payload as stored (not upcast).

        :meth:`read` gives the same rows by name with their payloads upcast (what the
        replays read); :meth:`events` is the friendly form.
        """
        when = None if as_of is None else _utc_text("as_of", as_of)
        return self.recorder.replay_rows(after_seq, when)

    def read(
        self,
        *,
        as_of: datetime | None = None,
        after_seq: int = 0,
        until_day: str | None = None,
        always: Iterable[str] = (),
        through_seq: int | None = None,
        units: Iterable[str] | None = None,
        every: Iterable[str] = (),
    ) -> Iterator[EventRow]:
        """Events in seq order as named rows, payloads upcast (``ledger.reader``): what the
        replays read. `until_day` skips, unparsed, events dated after it (YYYY-MM-DD) but
        those of the types in `always`; `through_seq` stops at that seq; `units` keeps only
        the events of those units (``''``: events without one) and those of the types in
        `every` (a projection re-running one group of units)."""
        return named(
            self._replay_rows(as_of, after_seq, until_day, always, through_seq, units, every)
        )

    def read_tuples(
        self,
        *,
        as_of: datetime | None = None,
        after_seq: int = 0,
        until_day: str | None = None,
        always: Iterable[str] = (),
        through_seq: int | None = None,
        units: Iterable[str] | None = None,
        every: Iterable[str] = (),
    ) -> Iterator[RowTuple]:
        """:meth:`read`'s rows as plain tuples (seq, id, type, at, unit, recorded_at,
        payload), the same arguments selecting the same rows: the replays unpack each row
        once and need no object per event."""
        return tuples(
            self._replay_rows(as_of, after_seq, until_day, always, through_seq, units, every)
        )

    def _replay_rows(
        self,
        as_of: datetime | None,
        after_seq: int,
        until_day: str | None,
        always: Iterable[str],
        through_seq: int | None,
        units: Iterable[str] | None,
        every: Iterable[str],
    ) -> Iterator[tuple[Any, ...]]:
        when = None if as_of is None else _utc_text("as_of", as_of)
        return self.recorder.replay_rows(
            after_seq,
            when,
            until_day,
            tuple(always),
            through_seq=through_seq,
            units=None if units is None else sorted(units),
            every=tuple(every),
        )

    # -- what projections read besides events (projections.state) ----------------

    def seq_hash(self, seq: int) -> str | None:
        """The hash of the event at `seq` (None past the head): a checkpoint's anchor."""
        return self.recorder.seq_hash(seq)

    def last_seq_as_of(self, as_of: datetime) -> int:
        """The seq of the last event recorded at or before `as_of` (recorded_at never goes
        backwards, so the events recorded by then are exactly seq 1 … this)."""
        return self.recorder.last_seq_as_of(_utc_text("as_of", as_of))

    def unit_counts(self, through_seq: int) -> dict[str | None, int]:
        """How many events up to `through_seq` each unit column value has."""
        return dict(self.recorder.unit_counts(through_seq))

    def info_units(self, after_seq: int, through_seq: int) -> list[tuple[str, str | None]]:
        """The distinct (info, unit) pairs of the events in (after_seq, through_seq]."""
        return list(self.recorder.info_units(after_seq, through_seq))

    def find_units(self, ids: Iterable[str]) -> dict[str, tuple[str, str | None]]:
        """id -> (type, unit) of the stored events with these ids."""
        return {i: (k, u) for i, k, u in self.recorder.find_units(sorted(set(ids)))}

    def side_tables(self) -> SideTables | None:
        """The database connection and write transaction for tables kept beside the events
        (projection state), or None when this database offers none (then projections
        replay). The events table itself stays append-only: its guards still hold."""
        opener = getattr(self.recorder, "side_tables", None)
        return None if opener is None else cast(SideTables, opener())

    def events(
        self,
        *,
        types: Iterable[str] | None = None,
        unit: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        as_of: datetime | None = None,
    ) -> Iterator[Recorded]:
        """Stream recorded events in log order, optionally filtered.

        `since`/`until` bound business time ``at`` (inclusive); `as_of` keeps
        events recorded at or before that instant; `unit` matches the unit an
        event scores for (adoptions and instructions resolve to their submitter).
        """
        wanted = set(types) if types is not None else None
        since, until = _business("since", since), _business("until", until)
        when = None if as_of is None else _utc_text("as_of", as_of)
        for row in self.recorder.record_rows(when):
            if wanted is not None and row[1] not in wanted:
                continue
            if unit is not None and row[2] != unit:
                continue
            record = self._record(row)
            if since is not None and record.event.at < since:
                continue
            if until is not None and record.event.at > until:
                continue
            yield record

    def follow(
        self, *, after: int = 0, wait: float = 1.0, idle: Callable[[], bool] | None = None
    ) -> Generator[Recorded, None, None]:
        """Committed events after seq `after`, in order, as they are appended (by anyone).

        Never ends by itself: when it has yielded everything committed it waits for more
        (PostgreSQL: LISTEN/NOTIFY wakes it; SQLite: a cheap poll), at most `wait` seconds at
        a time, and calls `idle` (if given) each time it found nothing new; a true answer
        ends it. A wake-up is only a hint: it always re-reads from its own position, so it
        neither skips nor repeats an event.
        """
        position = after
        with self.recorder.appends_signal() as signal:
            while True:
                found = False
                for row in self.recorder.records_after(position):
                    record = self._record(row)
                    position, found = record.seq, True
                    yield record
                if not found:
                    if idle is not None and idle():
                        return
                    signal(wait)

    def events_of(self, ids: Iterable[str], types: Iterable[str]) -> Iterator[Recorded]:
        """The recorded events with these ids and of these types, in no order: a lookup by id
        (the unique index), so a report asking for some thousands of events reads those,
        not the log."""
        for row in self.recorder.records_of(sorted(set(ids)), tuple(types)):
            yield self._record(row)

    def get(self, event_id: str) -> Recorded | None:
        """The recorded event with this id, or None."""
        row = self.recorder.record_row(event_id)
        return None if row is None else self._record(row)

    def _record(self, row: tuple[Any, ...]) -> Recorded:
        seq, _kind, unit, recorded_at, payload, version, digest, prev, recorded_by = row
        event, issues = structure(decode(payload, version))
        if event is None:
            raise DamageError(invalid_stored(self.label, seq, str(issues)))
        return Recorded(
            seq=seq,
            recorded_at=datetime.fromisoformat(recorded_at),
            hash=digest,
            prev_hash=prev,
            event=event,
            unit=unit,
            recorded_by=recorded_by,
        )

    def is_registered(self, unit: str) -> bool:
        """Whether some event registered this unit id."""
        return self.recorder.is_registered(unit)

    def recorded_by_seq(self, seqs: Iterable[int]) -> dict[int, str | None]:
        """Who recorded each of these events (None: recorded before the ledger kept it)."""
        return dict(self.recorder.recorded_by_seq(sorted(set(seqs))))

    def export_rows(self) -> Iterator[tuple[int, str, str, str, str | None]]:
        """(seq, recorded_at, payload, hash, recorded_by) of every event, in order."""
        return self.recorder.export_rows()

    def verify(self) -> VerifyReport:
        """Check the schema (ledger.schema_check) and recompute the hash chain.

        Each schema problem is a line of the report's `schema`; the chain's first damage is
        its `problem`. A database that cannot be read through (an SQLite file's damaged
        pages) is reported as damage too.
        """
        recorder = self.recorder
        try:
            schema = tuple(recorder.schema_problems())
            report = verify_chain(recorder.chain_rows())
        except recorder.read_errors as exc:
            return VerifyReport(ok=False, count=0, head_hash="", problem=recorder.unreadable(exc))
        if schema:
            return attrs.evolve(report, ok=False, schema=schema)
        return report

    # -- appending -------------------------------------------------------------

    def append(self, event: AnyEvent | dict[str, Any]) -> AppendResult:
        """Append one event (an Event or its JSON object); raises InputError if refused."""
        return self.append_many([event])

    @gc_paused
    def append_many(
        self,
        entries: Iterable[AnyEvent | dict[str, Any] | Entry],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> AppendResult:
        """Append a batch atomically: all of it, or (on any problem) none of it.

        Entries are Events, JSON objects, or ``(Location, object)`` pairs; the
        location is what error messages name. Problems are collected over the
        whole batch and raised together as one :class:`InputError`.
        """
        try:
            with self.recorder.writing() as head:
                batch = _Batch(self, head)
                self._fill(batch, entries, progress)
        except CreatedElsewhere as moved:
            return self._append_elsewhere(moved, batch)
        self._units, self._units_seq = batch.units, batch.seq
        return batch.result(head)

    def _fill(
        self, batch: _Batch, entries: Iterable[Any], progress: Callable[[int], None] | None
    ) -> None:
        """Check and insert the entries chunk by chunk; raise their problems at the end."""
        done = 0
        it = iter(entries)
        while taken := self._chunk(batch, list(islice(it, CHUNK)), done):
            done += taken
            collect_young()  # what the chunk's refused lines left in cycles (ledger.gcpause)
            if progress is not None:
                progress(done)
        if batch.problems:
            raise InputError(batch.problems)
        recorder = self.recorder
        confirm_appended(recorder, self.label, batch.start, batch.seq - batch.start, batch.prev)

    def _chunk(self, batch: _Batch, chunk: list[Any], done: int) -> int:
        """Check and insert one chunk (`done` entries came before it); how many it held."""
        if not chunk:
            return 0
        if done == CHUNK:  # a second chunk: a large batch (see IMPORT_CACHE_KIB)
            self.recorder.large_batch()
        rows = batch.check(chunk, done)
        if rows:  # inserted even after a problem, so later lines see them; rolled back
            insert_sealed(self.recorder, self.label, rows)
        return len(chunk)

    def _append_elsewhere(self, moved: CreatedElsewhere, first: _Batch) -> AppendResult:
        """A new ledger's first append went to its staging file, and another process had
        created the ledger meanwhile: append the same events to that one, checked against
        what it holds (as if this append had come second), with their own locations."""
        self._units, self._units_seq = UnitBook(), 0  # the cache described the staging file
        entries = zip(first.locations or [], map(json.loads, moved.payloads), strict=True)
        again = self.append_many(entries)
        return attrs.evolve(again, duplicates=again.duplicates + first.duplicates)

    def _lookups(self, payloads: list[dict[str, Any]], before_seq: int | None = None) -> Lookups:
        """Bulk-read what this chunk refers to: ids, submissions, retractions (of the events
        before `before_seq` only, when given: ``verify --deep`` re-checks stored events as
        their import saw the log)."""
        seen = Lookups()
        recorder = self.recorder
        bound = before_seq if before_seq is not None else float("inf")
        ids = {p["id"] for p in payloads}
        ids.update(p["target"] for p in payloads if p["type"] == "retraction")
        infos = sorted({i for p in payloads if (i := p.get("info")) is not None})
        for seq, id_, kind, payload in recorder.find_ids(sorted(ids)):
            if seq < bound:
                seen.ids[id_] = Stored(seq, kind, payload)
        submissions = seen.submissions
        for info, unit, id_, seq in recorder.find_submissions(infos):
            # The latest submission counts (an earlier one was retracted).
            known = submissions.get(info)
            if seq < bound and (known is None or seq > known[2]):
                submissions[info] = (unit, id_, seq)
        maybe_retracted = sorted(set(seen.ids) | {s[1] for s in seen.submissions.values()})
        retractions = recorder.find_retractions(maybe_retracted)
        seen.retracted.update(ref for ref, seq in retractions if seq < bound)
        return seen

    def _catch_up_units(self, head_seq: int) -> UnitBook:
        """Bring the cached unit attributes up to `head_seq` (other writers may have appended)."""
        if self._units_seq > head_seq:  # the file was replaced under us: start over
            self._units, self._units_seq = UnitBook(), 0
        if self._units_seq < head_seq:
            for seq, payload, version in self.recorder.unit_facts(self._units_seq):
                self._units.apply(decode(payload, version), seq)
            self._units_seq = head_seq
        return self._units


class _Batch:
    """One append transaction: the chain's running end, the references, what was wrong."""

    def __init__(self, ledger: Ledger, head: Head):
        self.ledger = ledger
        self.units = ledger._catch_up_units(head.seq).copy()
        self.checker = ReferenceChecker(self.units)
        self.recorded_at = max(_now(), head.recorded_at or "")
        self.recorded_by = ledger.recorded_by
        self.seal = chain_sealer(self.recorded_at, self.recorded_by)
        self.seq, self.prev = head.seq, head.hash
        self.start = head.seq  # the head this append extends
        self.first_seq: int | None = None
        self.duplicates = 0
        self.problems: list[Problem] = []
        #: Where each sealed row came from, kept for a new ledger only (_append_elsewhere).
        self.locations: Locations | None = (
            Locations() if getattr(ledger.recorder, "staged", False) else None
        )

    def check(self, chunk: list[Any], before: int) -> list[SealedRow]:
        """The sealed rows of a chunk's acceptable entries; its problems kept in line order."""
        found: list[tuple[int, Problem]] = []  # sorted into line order below
        parsed = _parse(chunk, found, before)
        seen = self.ledger._lookups([p for _, _, p in parsed])
        rows: list[SealedRow] = []
        locations = self.locations
        for index, loc, p in parsed:
            row, issues = self._entry(p, seen)
            if issues:
                where = loc or _api_location(before, index)
                found.extend((index, Problem(where, f, m)) for f, m in issues)
            elif row is not None:
                rows.append(row)
                if locations is not None:
                    if loc is None:
                        locations.add(API, before + index + 1)
                    else:
                        locations.append(loc)
        self.problems.extend(p for _, p in sorted(found, key=lambda f: f[0]))
        return rows

    def _entry(
        self, p: dict[str, Any], seen: Lookups
    ) -> tuple[SealedRow | None, list[tuple[str, str]]]:
        """One entry's sealed row, or its problems (neither: it is already recorded)."""
        try:
            payload = dumps_canonical(p)
        except ValueError:  # a lone surrogate (e.g. "\ud800") has no UTF-8 form
            return None, [("", "text with a lone surrogate (\\ud800-\\udfff) cannot be stored")]
        stored = seen.ids.get(p["id"])
        if stored is not None:
            if stored.payload == payload:
                self.duplicates += 1
                return None, []
            message = (
                f"id {p['id']!r} is already recorded (seq {stored.seq}) with different content"
            )
            return None, [("id", message)]
        issues = check_fields(p)
        resolved = None
        if not issues:
            issues, resolved = self.checker.check(p, seen)
        if issues:
            return None, issues
        return self._seal(p, payload, resolved, seen), []

    def _seal(self, p: dict[str, Any], payload: str, unit: str | None, seen: Lookups) -> SealedRow:
        self.seq = seq = self.seq + 1
        self.first_seq = self.first_seq or seq
        digest = self.seal(self.prev, payload, seq, SCHEMA_VERSION)
        row = (
            seq,
            p["id"],
            p["type"],
            SCHEMA_VERSION,
            p["at"],
            unit,
            p.get("info"),
            p.get("target"),
            self.recorded_at,
            payload,
            self.prev,
            digest,
            self.recorded_by,
        )
        self.prev = digest
        seen.remember(p, seq, payload, self.units)
        return row

    def result(self, head: Head) -> AppendResult:
        appended = self.seq - head.seq
        return AppendResult(
            appended=appended,
            duplicates=self.duplicates,
            first_seq=self.first_seq,
            last_seq=self.seq if appended else None,
            head_hash=self.prev,
        )


#: Where a bare object given to append_many comes from, as messages name it (``<api>:N``).
API = "<api>"


def _api_location(before: int, index: int) -> Location:
    """The location of the bare object at `index` of a chunk that `before` entries preceded."""
    return Location(API, before + index + 1)


def _parse(
    chunk: list[Any], found: list[tuple[int, Problem]], before: int
) -> list[tuple[int, Location | None, Any]]:
    """Canonical payloads of a chunk's entries; what does not parse goes to `found`.

    An entry is a ``(Location, object)`` pair or a bare object; a bare object is located
    as ``<api>:N``, N its 1-based position in the batch (`before` entries came earlier).
    A bare object's location is None here: made only if it is needed (a problem, or a new
    ledger's list of locations), since making one per object was 4 % of an import's CPU.
    """
    parsed: list[tuple[int, Location | None, Any]] = []
    loc: Location | None
    for index, entry in enumerate(chunk):
        if type(entry) is tuple and len(entry) == 2 and isinstance(entry[0], Location):
            loc, obj = entry
        else:
            loc, obj = None, entry
        if isinstance(obj, (ParseFailure, Event)):
            obj = _from_object(obj, loc or _api_location(before, index), index, found)
            if obj is None:
                continue
        if type(obj) is dict and "id" not in obj:
            obj = {**obj, "id": new_event_id()}
        payload = normalize(obj)
        if payload is None:
            # Not on the fast path: cattrs says what is wrong (or, defensively, accepts it).
            event, issues = structure(obj)
            if event is None:
                where = loc or _api_location(before, index)
                found.extend((index, Problem(where, f, m)) for f, m in issues)
                continue
            payload = unstructure(event)
        parsed.append((index, loc, payload))
    return parsed


def _from_object(
    obj: ParseFailure | Event, loc: Location, index: int, found: list[tuple[int, Problem]]
) -> dict[str, Any] | None:
    """The JSON form of an Event, or None with its problems put in `found` (a ParseFailure
    is only its problem)."""
    if isinstance(obj, ParseFailure):
        found.append((index, Problem(loc, obj.field, obj.message)))
        return None
    # attrs does not check types: check them, then the JSON form goes through the same
    # checks as a line of a file.
    wrong = type_problems(obj)
    if wrong:
        found.extend((index, Problem(loc, f, m)) for f, m in wrong)
        return None
    try:
        return unstructure(obj)
    except Exception as exc:
        found.append((index, Problem(loc, "", f"cannot encode {obj!r}: {exc}")))
        return None


def _check_name(name: object) -> None:
    """A recorder's name: printable text of 1 to 100 characters (CONTRACT §8.2)."""
    if not isinstance(name, str):
        raise TypeError(f"recorded_by: expected a string, got {type(name).__name__} {name!r}")
    printable = name.isprintable() and name.strip() == name
    try:
        name.encode()
    except UnicodeEncodeError:
        printable = False
    if not (1 <= len(name) <= 100 and printable):
        raise LedgerError(
            f"recorded_by: expected a name of 1 to 100 printable characters without leading "
            f"or trailing spaces, got {name!r}"
        )


def _must_be_datetime(name: str, moment: object, naive: str) -> None:
    # A date or a string would fail deep inside a comparison; say which argument and why.
    if not isinstance(moment, datetime):
        raise TypeError(
            f"{name}: expected a datetime (naive means {naive}), got {type(moment).__name__} "
            f"{moment!r}"
        )


def _business(name: str, moment: datetime | None) -> datetime | None:
    """A business-time bound: naive means +08:00 (CONTRACT §2), like `at` itself."""
    if moment is None:
        return None
    _must_be_datetime(name, moment, "+08:00")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=CST)
    return moment


def _utc_text(name: str, moment: datetime) -> str:
    _must_be_datetime(name, moment, "UTC")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


_last_ms = 0
_counter = 0


def new_event_id() -> str:
    """A time-ordered UUID (version 7 layout): sorted inserts keep the id index fast."""
    global _last_ms, _counter
    ms = time.time_ns() // 1_000_000
    if ms == _last_ms:
        _counter += 1
    else:
        _last_ms, _counter = ms, int.from_bytes(os.urandom(2), "big") & 0x3FF
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | ((_counter & 0xFFF) << 64) | (0b10 << 62) | rand
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
