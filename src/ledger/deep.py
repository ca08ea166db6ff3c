"""``verify --deep``: every stored payload re-validated against CONTRACT §2 (issue 11.3).

The hash chain proves the log was not edited after the fact; it says nothing about rows a
writer with the file appended, correctly chained, past the guards: a unit never
registered, points ``"abc"``, an unknown outlet. This reads the log in seq order, in
chunks (memory stays flat: the units, and one chunk's lookups), and puts each payload
through the checks an import makes, in the same functions: parsing and normal form
(``ledger.store._parse``), fields and codes (``ledger.validate``), references against the
events before it (``ledger.references``, the store's bulk lookups bounded by seq). An
event that fails is reported and then left out, as an import would have left it out.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

import attrs

from .errors import Location, Problem, invalid_stored
from .reader import decode
from .references import ReferenceChecker, UnitBook
from .schema_check import printable
from .store import Ledger, ParseFailure, _parse
from .validate import check_fields

#: Stored events checked per round of lookups.
CHUNK = 5000


@attrs.frozen
class StoredProblem:
    """One thing wrong with one stored event."""

    seq: int
    id: str
    field: str
    message: str

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        return printable(f"seq {self.seq} (id {self.id}):{field} {self.message}")


def deep_problems(ledger: Ledger) -> Iterator[StoredProblem]:
    """Every problem an import would find in the stored events, in seq order."""
    units = UnitBook()
    checker = ReferenceChecker(units)
    rows = ledger.recorder.replay_rows(0, None)
    while chunk := list(islice(rows, CHUNK)):
        yield from _chunk_problems(ledger, chunk, units, checker)


def deep_lines(ledger: Ledger) -> list[str]:
    """`deep_problems` as verify prints them; a database that cannot be read through is
    one more line of damage."""
    recorder = ledger.recorder
    try:
        return [f"DAMAGED at {problem}" for problem in deep_problems(ledger)]
    except recorder.read_errors as exc:
        return [f"DAMAGED at the file: {recorder.unreadable(exc)}"]


def first_damage(ledger: Ledger) -> str | None:
    """The one line for the first stored event an import would refuse, if any (what a
    command that failed on the ledger reports instead of an internal error)."""
    problem = next(deep_problems(ledger), None)
    if problem is None:
        return None
    field = f"{problem.field}: " if problem.field else ""
    return invalid_stored(ledger.label, problem.seq, printable(f"{field}{problem.message}"))


def _chunk_problems(
    ledger: Ledger, chunk: list[tuple[Any, ...]], units: UnitBook, checker: ReferenceChecker
) -> Iterator[StoredProblem]:
    stored: list[tuple[int, str, str, Any]] = []
    entries: list[tuple[Location, Any]] = []
    for seq, id_, _kind, _at, _unit, _when, text, version in chunk:
        try:
            obj: Any = decode(text, version)
        except (ValueError, TypeError, KeyError) as exc:  # not JSON, or no upcast for it
            obj = ParseFailure(f"does not decode ({exc})")
        stored.append((seq, id_, text, obj))
        entries.append((Location("", seq), obj))
    found: list[tuple[int, Problem]] = []
    parsed = _parse(entries, found, 0)
    bad = {index: problem for index, problem in reversed(found)}  # the first of each line
    seen = ledger._lookups([p for _, _, p in parsed], before_seq=chunk[0][0])
    checked = {index: p for index, _, p in parsed}
    for index, (seq, id_, text, obj) in enumerate(stored):
        if index in bad:
            problem = bad[index]
            yield StoredProblem(seq, id_, problem.field, problem.message)
            continue
        p = checked[index]
        issues = check_fields(p) or checker.check(p, seen)[0] or _form_issues(obj, p)
        if issues:
            field, message = issues[0]
            yield StoredProblem(seq, id_, field, message)
        else:
            seen.remember(p, seq, text, units)


def _form_issues(obj: dict[str, Any], p: dict[str, Any]) -> list[tuple[str, str]]:
    """Whether the stored payload is in the normal form an import stores: a field in
    another form (a date for a date-time, a code's alias) is read differently by replays."""
    for name in sorted(obj.keys() | p.keys()):
        if name not in obj and name == "id":
            return [("id", "missing; every stored event carries its id")]
        if obj.get(name) != p.get(name):
            have = "missing" if name not in obj else repr(obj[name])
            return [(name, f"stored as {have}; an import stores {p.get(name)!r}")]
    return []
