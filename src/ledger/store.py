"""The SQLite store: one append-only, hash-chained table of events.

A ledger file is a plain SQLite database anyone can open. The ``events`` table
is guarded by triggers (no UPDATE, no DELETE, no insert that breaks the chain),
and every append runs in a ``BEGIN IMMEDIATE`` transaction, so several
processes may append to one file at once without losing an event or forking
the chain.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import attrs
import sqlite_utils

from .codec import CST, structure, unstructure
from .errors import InputError, LedgerError, Location, Problem
from .events import SCHEMA_VERSION, AnyEvent, Event, Recorded
from .integrity import GENESIS, VerifyReport, chain_sealer, verify_rows
from .normalize import dumps_canonical, normalize, type_problems
from .references import Lookups, ReferenceChecker, Stored, UnitBook
from .schema import ensure_schema, read_schema_version
from .upcast import upcast
from .validate import check_fields

#: Events validated and inserted per round trip inside one import transaction.
CHUNK = 5000
#: Page cache of a batch longer than one chunk, in KiB (SQLite's default is 2,000). A large
#: import is one transaction: in 2 MiB its dirty pages spill to the WAL and are read back;
#: 64 MiB made 400k-row inserts ~30 % faster (A/B, docs/performance.md). Reads keep the
#: default, which was ~6 % faster for a replay's one pass over the log.
IMPORT_CACHE_KIB = 65536
#: SQLite's default limit on bound parameters is 999 in old builds; stay under it.
_IN_CHUNK = 900

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


@attrs.frozen(kw_only=True)
class Head:
    seq: int
    hash: str
    recorded_at: str | None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _in_chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), _IN_CHUNK):
        yield items[i : i + _IN_CHUNK]


class Ledger:
    """An event ledger in one SQLite file.

    >>> with Ledger.open("demo.sqlite", create=True) as ledger:  # doctest: +SKIP
    ...     ledger.append({"type": "unit_registered", "at": "2016-01-04",
    ...                    "unit": "gulou", "name": "鼓楼区总工会", "kind": "county"})
    """

    def __init__(self, path: str | os.PathLike[str], *, create: bool = False, durable: bool = True):
        self.path = Path(path)
        if not create and not self.path.exists():
            raise LedgerError(f"{self.path}: no such ledger file (only import and demo create one)")
        if self.path.is_dir():
            raise LedgerError(f"{self.path}: is a folder, not a ledger file")
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=60.0)
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.path}: cannot open: {exc}") from None
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        try:
            # Guards: REPLACE must fire the DELETE trigger; WAL for concurrent readers.
            conn.execute("PRAGMA recursive_triggers=ON")
            conn.execute("PRAGMA busy_timeout=60000")
            if create:
                if read_schema_version(self.db) is None and self.db.table_names():
                    # Someone else's SQLite file: do not add our tables to it.
                    raise LedgerError(f"{self.path}: not a scoreledger ledger (no events table)")
                ensure_schema(self.db)
            version = read_schema_version(self.db)
            if version is None:
                raise LedgerError(f"{self.path}: not a scoreledger ledger (no events table)")
            if version > SCHEMA_VERSION:
                raise LedgerError(
                    f"{self.path}: written by a newer scoreledger (schema {version}); upgrade"
                )
            conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise LedgerError(f"{self.path}: not a scoreledger ledger ({exc})") from None
        except LedgerError:
            conn.close()
            raise
        self._units = UnitBook()
        self._units_seq = 0

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = False) -> Ledger:
        """Open a ledger file; with ``create=True`` make it (and its schema) if missing."""
        return cls(path, create=create)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------

    def head(self) -> Head:
        """The last event's seq and hash (seq 0 and the genesis hash when empty)."""
        row = self.conn.execute(
            "SELECT seq, hash, recorded_at FROM events ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return (
            Head(seq=0, hash=GENESIS, recorded_at=None)
            if row is None
            else Head(seq=row[0], hash=row[1], recorded_at=row[2])
        )

    def __len__(self) -> int:
        return self.head().seq

    def rows(
        self, *, as_of: datetime | None = None, after_seq: int = 0
    ) -> Iterator[tuple[int, str, str, str, str | None, str, str]]:
        """Raw rows in seq order: (seq, id, type, at, unit, recorded_at, payload JSON).

        The replay path reads these directly so it never builds objects it does
        not need; :meth:`events` is the friendly form.
        """
        sql = "SELECT seq, id, type, at, unit, recorded_at, payload FROM events WHERE seq > ?"
        params: list[Any] = [after_seq]
        if as_of is not None:
            sql += " AND recorded_at <= ?"
            params.append(_utc_text("as_of", as_of))
        cursor = self.conn.execute(sql + " ORDER BY seq", params)
        while batch := cursor.fetchmany(2000):
            yield from batch

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
        sql = "SELECT seq, type, unit, recorded_at, payload, version, hash, prev_hash FROM events"
        params: list[Any] = []
        if as_of is not None:
            sql += " WHERE recorded_at <= ?"
            params.append(_utc_text("as_of", as_of))
        cursor = self.conn.execute(sql + " ORDER BY seq", params)
        while batch := cursor.fetchmany(2000):
            for row in batch:
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

    def get(self, event_id: str) -> Recorded | None:
        """The recorded event with this id, or None."""
        row = self.conn.execute(
            "SELECT seq, type, unit, recorded_at, payload, version, hash, prev_hash "
            "FROM events WHERE id = ?",
            [event_id],
        ).fetchone()
        return None if row is None else self._record(row)

    def _record(self, row: tuple[Any, ...]) -> Recorded:
        seq, _kind, unit, recorded_at, payload, version, digest, prev = row
        event, issues = structure(upcast(json.loads(payload), version))
        if event is None:
            raise LedgerError(f"{self.path}: seq {seq} does not decode ({issues}); run verify")
        return Recorded(
            seq=seq,
            recorded_at=datetime.fromisoformat(recorded_at),
            hash=digest,
            prev_hash=prev,
            event=event,
            unit=unit,
        )

    def verify(self) -> VerifyReport:
        """Recompute the hash chain and check the append-only guards.

        A file SQLite itself cannot read through (damaged pages) is reported as damage too.
        """
        try:
            return verify_rows(self.conn)
        except sqlite3.DatabaseError as exc:
            return VerifyReport(
                ok=False, count=0, head_hash="", problem=f"SQLite cannot read the file ({exc})"
            )

    # -- appending -------------------------------------------------------------

    def append(self, event: AnyEvent | dict[str, Any]) -> AppendResult:
        """Append one event (an Event or its JSON object); raises InputError if refused."""
        return self.append_many([event])

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
        return self._append(entries, progress)

    def _append(
        self,
        entries: Iterable[AnyEvent | dict[str, Any] | Entry],
        progress: Callable[[int], None] | None,
    ) -> AppendResult:
        problems: list[Problem] = []
        conn = self.conn
        cache_before: int | None = None
        conn.execute("BEGIN IMMEDIATE")
        try:
            head = self.head()
            units = self._catch_up_units(head.seq).copy()
            checker = ReferenceChecker(units)
            recorded_at = max(_now(), head.recorded_at or "")
            seal = chain_sealer(recorded_at)
            seq, prev = head.seq, head.hash
            first_seq: int | None = None
            duplicates = done = 0
            it = iter(entries)
            while chunk := list(islice(it, CHUNK)):
                if done == CHUNK:  # a second chunk: a large batch (see IMPORT_CACHE_KIB)
                    cache_before = conn.execute("PRAGMA cache_size").fetchone()[0]
                    conn.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
                found: list[tuple[int, Problem]] = []  # sorted into line order below
                parsed = _parse(chunk, found, done)
                seen = self._lookups([p for _, _, p in parsed])
                rows: list[tuple[Any, ...]] = []
                for index, loc, p in parsed:
                    try:
                        payload = dumps_canonical(p)
                    except ValueError:  # a lone surrogate (e.g. "\ud800") has no UTF-8 form
                        message = "text with a lone surrogate (\\ud800-\\udfff) cannot be stored"
                        found.append((index, Problem(loc, "", message)))
                        continue
                    stored = seen.ids.get(p["id"])
                    if stored is not None:
                        if stored.payload == payload:
                            duplicates += 1
                        else:
                            message = (
                                f"id {p['id']!r} is already recorded (seq {stored.seq}) "
                                "with different content"
                            )
                            found.append((index, Problem(loc, "id", message)))
                        continue
                    issues = check_fields(p)
                    resolved = None
                    if not issues:
                        issues, resolved = checker.check(p, seen)
                    if issues:
                        found.extend((index, Problem(loc, f, m)) for f, m in issues)
                        continue
                    seq += 1
                    first_seq = first_seq or seq
                    digest = seal(prev, payload, seq, SCHEMA_VERSION)
                    rows.append(
                        (
                            seq,
                            p["id"],
                            p["type"],
                            SCHEMA_VERSION,
                            p["at"],
                            resolved,
                            p.get("info"),
                            p.get("target"),
                            recorded_at,
                            payload,
                            prev,
                            digest,
                        )
                    )
                    prev = digest
                    seen.remember(p, seq, payload, units)
                problems.extend(p for _, p in sorted(found, key=lambda f: f[0]))
                if rows:  # inserted even after a problem, so later lines see them; rolled back
                    conn.executemany(_INSERT, rows)
                done += len(chunk)
                if progress is not None:
                    progress(done)
            if problems:
                raise InputError(problems)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            if cache_before is not None:
                conn.execute(f"PRAGMA cache_size={cache_before}")
        self._units, self._units_seq = units, seq
        appended = seq - head.seq
        return AppendResult(
            appended=appended,
            duplicates=duplicates,
            first_seq=first_seq,
            last_seq=seq if appended else None,
            head_hash=prev,
        )

    def _lookups(self, payloads: list[dict[str, Any]]) -> Lookups:
        """Bulk-read what this chunk refers to: ids, submissions, retractions."""
        seen = Lookups()
        ids = {p["id"] for p in payloads}
        ids.update(p["target"] for p in payloads if p["type"] == "retraction")
        infos = {i for p in payloads if (i := p.get("info")) is not None}
        conn = self.conn
        submissions = seen.submissions
        for part in _in_chunks(sorted(ids)):
            marks = ",".join("?" * len(part))
            for seq, id_, kind, payload in conn.execute(
                f"SELECT seq, id, type, payload FROM events WHERE id IN ({marks})", part
            ):
                seen.ids[id_] = Stored(seq, kind, payload)
        for part in _in_chunks(sorted(infos)):
            marks = ",".join("?" * len(part))
            for info, unit, id_, seq in conn.execute(
                f"SELECT info, unit, id, seq FROM events WHERE type = 'submission' "
                f"AND info IN ({marks})",
                part,
            ):
                # The latest submission counts (an earlier one was retracted); no ORDER BY:
                # it would sort what the covering index hands over in (info, unit, id) order.
                known = submissions.get(info)
                if known is None or seq > known[2]:
                    submissions[info] = (unit, id_, seq)
        maybe_retracted = sorted(set(seen.ids) | {s[1] for s in seen.submissions.values()})
        for part in _in_chunks(maybe_retracted):
            marks = ",".join("?" * len(part))
            seen.retracted.update(
                r
                for (r,) in conn.execute(
                    f"SELECT ref FROM events WHERE type = 'retraction' AND ref IN ({marks})", part
                )
            )
        return seen

    def _catch_up_units(self, head_seq: int) -> UnitBook:
        """Bring the cached unit attributes up to `head_seq` (other writers may have appended)."""
        if self._units_seq > head_seq:  # the file was replaced under us: start over
            self._units, self._units_seq = UnitBook(), 0
        if self._units_seq < head_seq:
            rows = self.conn.execute(
                "SELECT seq, payload FROM events WHERE type IN ('unit_registered', 'unit_changed') "
                "AND seq > ? ORDER BY seq",
                [self._units_seq],
            )
            for seq, payload in rows:
                self._units.apply(json.loads(payload), seq)
            self._units_seq = head_seq
        return self._units


_INSERT = (
    "INSERT INTO events (seq, id, type, version, at, unit, info, ref, recorded_at, payload, "
    "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _parse(
    chunk: list[Any], found: list[tuple[int, Problem]], before: int
) -> list[tuple[int, Location, Any]]:
    """Canonical payloads of a chunk's entries; what does not parse goes to `found`.

    An entry is a ``(Location, object)`` pair or a bare object; a bare object is located
    as ``<api>:N``, N its 1-based position in the batch (`before` entries came earlier).
    """
    parsed: list[tuple[int, Location, Any]] = []
    for index, entry in enumerate(chunk):
        if type(entry) is tuple and len(entry) == 2 and isinstance(entry[0], Location):
            loc, obj = entry
        else:
            loc, obj = Location("<api>", before + index + 1), entry
        if isinstance(obj, ParseFailure):
            found.append((index, Problem(loc, obj.field, obj.message)))
            continue
        if isinstance(obj, Event):
            # attrs does not check types: check them, then the JSON form goes through the
            # same checks as a line of a file.
            wrong = type_problems(obj)
            if wrong:
                found.extend((index, Problem(loc, f, m)) for f, m in wrong)
                continue
            try:
                obj = unstructure(obj)
            except Exception as exc:
                found.append((index, Problem(loc, "", f"cannot encode {obj!r}: {exc}")))
                continue
        if type(obj) is dict and "id" not in obj:
            obj = {**obj, "id": new_event_id()}
        payload = normalize(obj)
        if payload is None:
            # Not on the fast path: cattrs says what is wrong (or, defensively, accepts it).
            event, issues = structure(obj)
            if event is None:
                found.extend((index, Problem(loc, f, m)) for f, m in issues)
                continue
            payload = unstructure(event)
        parsed.append((index, loc, payload))
    return parsed


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
