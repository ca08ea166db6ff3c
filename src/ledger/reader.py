"""One way to read an event back: rows by name, payloads through the upcaster chain.

Every reader of the log — ``Ledger.events``/``get`` (which build ``Event`` objects), the
replays and the projection catch-up (which only need a few fields) — decodes a stored
payload here, so an upcaster registered in ``ledger.upcast`` is seen by all of them.
The replays take the same rows as plain tuples (:func:`tuples`): they unpack each row once,
and a named row built only to be unpacked is one more Python call per event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from .normalize import loads
from .upcast import upcast

Payload = dict[str, Any]


class EventRow(NamedTuple):
    """A stored event as scoring reads it: its columns by name, the payload upcast."""

    seq: int
    id: str
    type: str
    at: str
    unit: str | None  # the unit it scores for (an adoption's submitter, resolved at append)
    recorded_at: str
    payload: Payload


#: An :class:`EventRow` as a plain tuple, in the same order (what :func:`tuples` yields).
RowTuple = tuple[int, str, str, str, str | None, str, Payload]


def decode(text: str | bytes, version: int) -> Payload:
    """A stored payload, parsed and lifted to today's schema (``ledger.upcast``)."""
    return upcast(loads(text), version)


def named(rows: Iterable[tuple[Any, ...]]) -> Iterator[EventRow]:
    """A recorder's replay rows (``REPLAY_COLUMNS``: seq, id, type, at, unit, recorded_at,
    payload, version) as named rows, each payload decoded once."""
    for seq, id_, kind, at, unit, recorded_at, text, version in rows:
        yield EventRow(seq, id_, kind, at, unit, recorded_at, decode(text, version))


def tuples(rows: Iterable[tuple[Any, ...]]) -> Iterator[RowTuple]:
    """:func:`named`'s rows as plain tuples (``tuple(row)`` of each): the same fields in the
    same order, each payload decoded once by :func:`decode`."""
    for seq, id_, kind, at, unit, recorded_at, text, version in rows:
        yield (seq, id_, kind, at, unit, recorded_at, decode(text, version))
