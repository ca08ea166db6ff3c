"""What a state store hands back: a projection's key, its listing, its loaded state."""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class Key:
    """What a projection's state depends on besides the log."""

    ruleset: str  # the ruleset's id (for people: the fingerprint decides)
    fingerprint: str
    code: str  # the projection code version (projections.keep.CODE_VERSION)
    period: str


@attrs.frozen(kw_only=True)
class Kept:
    """One kept projection, as listed."""

    id: int
    key: Key
    status: str  # "ready" | "building"
    position: int  # the last seq covered (building: the seq it builds to)
    anchor: str  # the hash of the event at `position` ('' at 0)
    groups: int
    pending: int  # building: groups not yet written
    size: int  # bytes of state
    updated_at: str


@attrs.frozen
class Loaded:
    """A kept projection and its state as of one snapshot."""

    kept: Kept
    members: dict[str, list[str]]  # group -> its units
    bodies: dict[str, bytes | None]  # group -> body (None: planned, not built)


class StateUnavailable(Exception):
    """The database refuses to keep state (read-only file): the caller replays instead."""
