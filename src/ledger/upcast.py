"""The upcaster chain: old stored payloads are lifted to today's schema when read.

A stored event keeps the ``version`` it was written with. When a later release
changes an event type, it registers ``(type, old_version) -> function`` here;
reading applies the functions in turn until the payload reaches
``SCHEMA_VERSION``. The log itself is never rewritten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import events

Payload = dict[str, Any]

#: (event type, version it lifts from) -> function returning the next version's payload.
UPCASTERS: dict[tuple[str, int], Callable[[Payload], Payload]] = {}


def register(event_type: str, from_version: int) -> Callable[[Callable[[Payload], Payload]], Any]:
    """Decorator: register an upcaster lifting `event_type` from `from_version` by one."""

    def wrap(fn: Callable[[Payload], Payload]) -> Callable[[Payload], Payload]:
        UPCASTERS[(event_type, from_version)] = fn
        return fn

    return wrap


def upcast(payload: Payload, version: int, target: int | None = None) -> Payload:
    """Lift a stored payload from `version` to `target` (default: today's schema, read at
    call time); an unbridged gap is an error."""
    if target is None:
        target = events.SCHEMA_VERSION
    kind = payload.get("type", "")
    while version < target:
        step = UPCASTERS.get((kind, version))
        if step is None:
            raise ValueError(f"no upcaster for {kind} version {version}")
        payload, version = step(payload), version + 1
    return payload
