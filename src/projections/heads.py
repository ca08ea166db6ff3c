"""The head a report was computed from (CONTRACT §8.3): ``SEQ:HASH``.

Every report (score, explain, diff, circular) carries the ledger's head it replayed up to,
so a published report anchors the ledger: a later ``verify --expect SEQ:HASH`` checks that
the chain still holds that event at that seq. With ``as_of`` the head is the last event
recorded at or before it; an empty ledger's (or an ``as_of`` before the first event's) is
seq 0 with the genesis hash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from ledger.recorder import GENESIS
from ledger.store import Ledger


@attrs.frozen(kw_only=True)
class ReportHead:
    """The ledger's head a report was computed from: its seq and full 64-hex hash."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    def data(self) -> dict[str, Any]:
        """The JSON form of CONTRACT §8.3: ``{"seq": N, "hash": "…"}``."""
        return {"seq": self.seq, "hash": self.hash}


def head_at_seq(ledger: Ledger, seq: int) -> ReportHead:
    """The head standing at `seq` (seq 0: the genesis hash); one indexed look-up."""
    if seq <= 0:
        return ReportHead(seq=0, hash=GENESIS)
    digest = ledger.seq_hash(seq)
    if digest is None:
        raise ValueError(f"seq {seq} lies past the ledger's head")
    return ReportHead(seq=seq, hash=digest)


def head_at(ledger: Ledger, as_of: datetime | None) -> ReportHead:
    """The ledger's head, or with `as_of` the last event recorded at or before it.

    Never replays: the head row, or ``MAX(seq)`` of the events recorded by then (the seq
    the replays read through) and that seq's hash.
    """
    if as_of is None:
        head = ledger.head()
        return ReportHead(seq=head.seq, hash=head.hash)
    return head_at_seq(ledger, ledger.last_seq_as_of(as_of))


def replay_head(ledger: Ledger, as_of: datetime | None, through_seq: int | None) -> ReportHead:
    """The head a replay reads through: as of `as_of`, and no further than `through_seq`
    (a live board's position) when given."""
    head = head_at(ledger, as_of)
    if through_seq is None or through_seq >= head.seq:
        return head
    return head_at_seq(ledger, through_seq)
