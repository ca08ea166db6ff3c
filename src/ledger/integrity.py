"""The hash chain: how each stored event is sealed, and how ``verify`` re-checks it.

``hash = sha256(prev_hash + canonical JSON of the event)``, where the event's
canonical JSON is the envelope ``{"event": <payload>, "recorded_at": "...",
"seq": N}`` with sorted keys, no spaces, UTF-8 (not ASCII-escaped). Sealing
``seq`` and ``recorded_at`` with the payload means an edit to any of them, or
a reordering, breaks the chain. The first event's ``prev_hash`` is 64 zeros.

An event stored under a payload schema ``version`` other than 1 (a later
release's) also seals it, as a fourth key: ``{"event": ..., "recorded_at": ...,
"seq": N, "version": V}``. The version decides how the payload is upcast when
read, so it must not be editable either; version-1 envelopes keep the short form,
so every hash written so far stays what it was.

Likewise ``recorded_by`` (who recorded the event, CONTRACT §8.2) is sealed as a key of its
own, ``{"event": ..., "recorded_at": ..., "recorded_by": "NAME", "seq": N}``, only when the
row has one: events recorded before it existed have none and keep their hashes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import attrs

from .events import SCHEMA_VERSION
from .normalize import loads
from .recorder import GENESIS

__all__ = ["GENESIS", "VerifyReport", "chain_hash", "chain_sealer", "time_problem", "verify_chain"]

#: The one form of recorded_at (ledger.store._now; the schemas' guards hold the same).
_RECORDED_AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00")


def chain_hash(
    prev_hash: str,
    payload: str,
    seq: int,
    recorded_at: str,
    version: int = 1,
    recorded_by: str | None = None,
) -> str:
    """The hash of one event given the previous hash and its canonical payload."""
    return chain_sealer(recorded_at, recorded_by)(prev_hash, payload, seq, version)


def chain_sealer(
    recorded_at: str, recorded_by: str | None = None
) -> Callable[[str, str, int, int], str]:
    """A hash function for events sharing one ``recorded_at`` and ``recorded_by`` (one
    append transaction)."""
    # The envelope's keys are already in sorted order (event < recorded_at < recorded_by <
    # seq < version), and `payload` is canonical, so this string is the canonical JSON of
    # the envelope.
    by = "" if recorded_by is None else f',"recorded_by":{_json_text(recorded_by)}'
    middle = f',"recorded_at":{json.dumps(recorded_at)}{by},"seq":'
    sha256 = hashlib.sha256

    def seal(prev_hash: str, payload: str, seq: int, version: int = 1) -> str:
        if version == 1:
            text = f'{prev_hash}{{"event":{payload}{middle}{seq}}}'
        else:
            text = f'{prev_hash}{{"event":{payload}{middle}{seq},"version":{version}}}'
        return sha256(text.encode()).hexdigest()

    return seal


def _json_text(text: str) -> str:
    """A JSON string as canonical JSON writes it: UTF-8, not ASCII-escaped."""
    return json.dumps(text, ensure_ascii=False)


@attrs.frozen(kw_only=True)
class VerifyReport:
    """The outcome of ``verify``: OK with the head, or the first damaged seq and why."""

    ok: bool
    count: int
    head_hash: str
    damaged_seq: int | None = None
    problem: str | None = None
    #: What is wrong with the database's schema (ledger.schema_check), one line each; the
    #: chain's damage, if any, is `problem`.
    schema: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.ok:
            return f"OK: {self.count} events, head hash {self.head_hash}"
        lines = [f"DAMAGED at the file: {line}" for line in self.schema]
        if self.problem is not None:
            where = f"seq {self.damaged_seq}" if self.damaged_seq is not None else "the file"
            lines.append(f"DAMAGED at {where}: {self.problem}")
        return "\n".join(lines)


def verify_chain(rows: Iterable[tuple[Any, ...]]) -> VerifyReport:
    """Re-check every row's link, hash and indexed columns, in order.

    `rows` are (seq, payload, recorded_at, prev_hash, hash, id, type, at, unit, info, ref,
    version, recorded_by) in seq order, from any recorder (ledger.recorder.CHAIN_COLUMNS).
    """
    prev, expected_seq = GENESIS, 1
    submitters: dict[str, str | None] = {}  # info -> unit of its latest submission
    seal, sealed = chain_sealer(""), ("", None)  # one sealer per append transaction
    last_at = ""  # the recorded_at before this row's (checked when it changes)
    for seq, payload, recorded_at, prev_hash, digest, *columns, version, recorded_by in rows:
        problem = None
        if seq != expected_seq:
            problem = f"expected seq {expected_seq}: a gap in the log"
            seq = expected_seq
        elif prev_hash != prev:
            problem = "prev_hash does not match the previous event's hash"
        else:
            changed = (recorded_at, recorded_by) != sealed
            if changed:
                seal, sealed = chain_sealer(recorded_at, recorded_by), (recorded_at, recorded_by)
            if type(version) is not int or not 1 <= version <= SCHEMA_VERSION:
                problem = f"unknown schema version {version!r}"
            elif seal(prev, payload, seq, version) != digest:
                problem = "hash does not match the event's content"
            else:
                problem = _columns_problem(payload, columns, submitters)
            if not problem and changed:
                problem = time_problem(recorded_at, last_at)
                last_at = recorded_at
        if problem:
            return VerifyReport(
                ok=False, count=seq - 1, head_hash=prev, damaged_seq=seq, problem=problem
            )
        prev, expected_seq = digest, expected_seq + 1
    return VerifyReport(ok=True, count=expected_seq - 1, head_hash=prev)


def time_problem(recorded_at: object, before: str) -> str | None:
    """Whether a row's `recorded_at` breaks time order after `before` (the previous row's).

    ``--as-of`` compares recorded_at as text and takes the rows recorded by then as a
    prefix of the log, so it must be in its one form (UTC, microseconds, what the ledger
    writes) and never go backwards, even in a correctly chained row (CONTRACT §8.3).
    """
    if not isinstance(recorded_at, str) or not _RECORDED_AT.fullmatch(recorded_at):
        return f"recorded_at {recorded_at!r} is not UTC as YYYY-MM-DDTHH:MM:SS.ffffff+00:00"
    try:
        datetime.fromisoformat(recorded_at)
    except ValueError:
        return f"recorded_at {recorded_at!r} is not a valid time"
    if recorded_at < before:
        return f"recorded_at {recorded_at} goes backwards (the event before: {before})"
    return None


def _columns_problem(
    payload: str, columns: list[Any], submitters: dict[str, str | None]
) -> str | None:
    """Whether the indexed columns say what the sealed payload says.

    Queries and replays read ``type``, ``at``, ``unit``, ``info`` and ``ref``
    from their own columns, which the hash does not cover: an edit there would
    change a score while the chain still verifies.
    """
    id_, kind, at, unit, info, ref = columns
    try:
        p = loads(payload)
    except ValueError:
        return "payload is not JSON"
    if type(p) is not dict:
        return "payload is not a JSON object"
    if p.get("type") in ("adoption", "instruction") and p.get("info") in submitters:
        expected_unit = submitters[p["info"]]  # the submitter, resolved at append time
    else:
        expected_unit = p.get("unit")
    if p.get("type") == "submission":
        submitters[p.get("info")] = p.get("unit")  # type: ignore[index]
    expected = (p.get("id"), p.get("type"), p.get("at"), expected_unit, p.get("info"))
    for name, have, want in zip(
        ("id", "type", "at", "unit", "info", "ref"),
        (id_, kind, at, unit, info, ref),
        (*expected, p.get("target")),
        strict=True,
    ):
        if have != want:
            return f"column {name} ({have!r}) does not match the event's content ({want!r})"
    return None
