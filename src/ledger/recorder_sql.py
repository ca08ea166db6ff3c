"""The reads both SQL recorders share: the same statements, each database's placeholders.

Statements are written with ``?`` placeholders; a recorder for a database that uses
another style rewrites them in :meth:`SqlRecorder._sql`, and says how to match a column
against many values in :meth:`SqlRecorder._matching`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .recorder import (
    CHAIN_COLUMNS,
    EMPTY_HEAD,
    EXPORT_COLUMNS,
    RECORD_COLUMNS,
    REPLAY_COLUMNS,
    Head,
)

#: Rows fetched per round trip when streaming the log.
FETCH = 2000


class SqlRecorder:
    """Reads over a DB-API connection whose ``execute`` returns a cursor."""

    label: str
    conn: Any

    def _sql(self, text: str) -> str:
        return text

    def _matching(self, column: str, values: Sequence[Any]) -> Iterator[tuple[str, list[Any]]]:
        """(SQL condition, parameters) pairs that together match `column` against `values`."""
        raise NotImplementedError

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self.conn.execute(self._sql(sql), params).fetchone()
        return row

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        cursor = self.conn.execute(self._sql(sql), params)
        while batch := cursor.fetchmany(FETCH):
            yield from batch

    def _each_matching(self, sql: str, column: str, values: Sequence[Any]) -> Iterator[Any]:
        for condition, params in self._matching(column, values):
            yield from self.conn.execute(self._sql(f"{sql} AND {condition}"), params)

    def head(self) -> Head:
        row = self._one("SELECT seq, hash, recorded_at FROM events ORDER BY seq DESC LIMIT 1")
        return EMPTY_HEAD if row is None else Head(seq=row[0], hash=row[1], recorded_at=row[2])

    def kept_after(self, after_seq: int) -> tuple[int, str | None]:
        row = self._one(
            "SELECT COUNT(*), (SELECT hash FROM events ORDER BY seq DESC LIMIT 1) "
            "FROM events WHERE seq > ?",
            [after_seq],
        )
        assert row is not None  # an aggregate always has its row
        return int(row[0]), row[1]

    def find_ids(self, ids: Sequence[str]) -> Iterable[tuple[int, str, str, str]]:
        sql = "SELECT seq, id, type, payload FROM events WHERE TRUE"
        return self._each_matching(sql, "id", ids)

    def records_of(self, ids: Sequence[str], types: Sequence[str]) -> Iterable[tuple[Any, ...]]:
        kinds = ",".join("?" * len(types)) or "NULL"
        sql = f"SELECT {RECORD_COLUMNS} FROM events WHERE type IN ({kinds})"
        for condition, params in self._matching("id", ids):
            yield from self.conn.execute(self._sql(f"{sql} AND {condition}"), [*types, *params])

    def find_submissions(self, infos: Sequence[str]) -> Iterable[tuple[str, str, str, int]]:
        # No ORDER BY: it would sort what the covering index hands over in (info, unit, id).
        sql = "SELECT info, unit, id, seq FROM events WHERE type = 'submission'"
        return self._each_matching(sql, "info", infos)

    def find_retractions(self, targets: Sequence[str]) -> Iterable[tuple[str, int]]:
        sql = "SELECT ref, seq FROM events WHERE type = 'retraction'"
        return self._each_matching(sql, "ref", targets)

    def unit_facts(self, after_seq: int) -> Iterable[tuple[int, str, int]]:
        return self._stream(
            "SELECT seq, payload, version FROM events "
            "WHERE type IN ('unit_registered', 'unit_changed') AND seq > ? ORDER BY seq",
            [after_seq],
        )

    def replay_rows(
        self,
        after_seq: int,
        as_of: str | None,
        until_day: str | None = None,
        always: Sequence[str] = (),
        *,
        through_seq: int | None = None,
        units: Sequence[str] | None = None,
        every: Sequence[str] = (),
    ) -> Iterator[tuple[Any, ...]]:
        sql = f"SELECT {REPLAY_COLUMNS} FROM events WHERE seq > ?"
        params: list[Any] = [after_seq]
        if through_seq is not None:
            sql += " AND seq <= ?"
            params.append(through_seq)
        if as_of is not None:
            sql += " AND recorded_at <= ?"
            params.append(as_of)
        if units is not None:
            # One group of units (a projection's re-run): their rows, rows without a unit
            # when '' is asked, and the `every` types of any unit. Served by a scan in seq
            # order (0.2 s CPU of a million rows a batch): an index on unit, read as one
            # UNION ALL per unit merged by seq, was measured and not kept: a batch of
            # 139,000 rows of 1M 0.43 -> 0.36 s, but the import 19.1 -> 21.2 s (+11 %).
            marks = ",".join("?" * len(units)) or "NULL"
            kinds = ",".join("?" * len(every)) or "NULL"
            empty = " OR unit IS NULL" if "" in units else ""
            sql += f" AND (unit IN ({marks}){empty} OR type IN ({kinds}))"
            params += [*units, *every]
        if until_day is not None:
            # Later events are skipped here, never parsed; `always` types are read whatever
            # their date.
            marks = ",".join("?" * len(always)) or "NULL"
            sql += f" AND (substr(at, 1, 10) <= ? OR type IN ({marks}))"
            params += [until_day, *always]
        return self._stream(sql + " ORDER BY seq", params)

    def seq_hash(self, seq: int) -> str | None:
        row = self._one("SELECT hash FROM events WHERE seq = ?", [seq])
        return None if row is None else str(row[0])

    def last_seq_as_of(self, as_of: str) -> int:
        row = self._one("SELECT MAX(seq) FROM events WHERE recorded_at <= ?", [as_of])
        return 0 if row is None or row[0] is None else int(row[0])

    def unit_counts(self, through_seq: int) -> Iterable[tuple[str | None, int]]:
        sql = "SELECT unit, COUNT(*) FROM events WHERE seq <= ? GROUP BY unit"
        return self._stream(sql, [through_seq])

    def info_units(self, after_seq: int, through_seq: int) -> Iterable[tuple[str, str | None]]:
        sql = (
            "SELECT DISTINCT info, unit FROM events WHERE seq > ? AND seq <= ? AND info IS NOT NULL"
        )
        return self._stream(sql, [after_seq, through_seq])

    def find_units(self, ids: Sequence[str]) -> Iterable[tuple[str, str, str | None]]:
        sql = "SELECT id, type, unit FROM events WHERE TRUE"
        return self._each_matching(sql, "id", ids)

    def record_rows(self, as_of: str | None) -> Iterator[tuple[Any, ...]]:
        if as_of is None:
            return self._stream(f"SELECT {RECORD_COLUMNS} FROM events ORDER BY seq")
        sql = f"SELECT {RECORD_COLUMNS} FROM events WHERE recorded_at <= ? ORDER BY seq"
        return self._stream(sql, [as_of])

    def records_after(self, after_seq: int) -> Iterator[tuple[Any, ...]]:
        sql = f"SELECT {RECORD_COLUMNS} FROM events WHERE seq > ? ORDER BY seq"
        return self._stream(sql, [after_seq])

    def record_row(self, event_id: str) -> tuple[Any, ...] | None:
        return self._one(f"SELECT {RECORD_COLUMNS} FROM events WHERE id = ?", [event_id])

    def chain_rows(self) -> Iterator[tuple[Any, ...]]:
        return self._stream(f"SELECT {CHAIN_COLUMNS} FROM events ORDER BY seq")

    def export_rows(self) -> Iterator[tuple[Any, ...]]:
        return self._stream(f"SELECT {EXPORT_COLUMNS} FROM events ORDER BY seq")

    def recorded_by_seq(self, seqs: Sequence[int]) -> Iterable[tuple[int, str | None]]:
        return self._each_matching("SELECT seq, recorded_by FROM events WHERE TRUE", "seq", seqs)

    def is_registered(self, unit: str) -> bool:
        sql = "SELECT 1 FROM events WHERE type = 'unit_registered' AND unit = ? LIMIT 1"
        return self._one(sql, [unit]) is not None
