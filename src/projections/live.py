"""A live board for embedders: one period's board that keeps up with the ledger.

A :class:`LiveBoard` holds a board and the position it reflects (the last ``seq``).
:meth:`LiveBoard.refresh` brings it to the ledger's head through the kept projection
(``projections.keep``: only the events after the position are read, only the groups of
units they touch re-run); :meth:`LiveBoard.wait_for` gives read-your-writes: it returns
once a given seq is reflected, woken by :meth:`Ledger.follow <ledger.Ledger.follow>`
(LISTEN/NOTIFY on PostgreSQL, a cheap poll on SQLite) rather than by polling the board::

    live = LiveBoard(ledger, "dalian-2011", "2011Q3")
    done = ledger.append(event)                     # here, or in another process
    board = live.wait_for(done.last_seq, timeout=5)

Where no projection is kept (a checklist ruleset, a read-only file, ``keep=False``) the
board is a replay of the log up to the position instead: the same board, more slowly.
A LiveBoard uses its ledger's connection: keep it to the thread that owns the ledger.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import closing

import rules
from ledger.errors import LedgerError
from ledger.gcpause import gc_paused
from ledger.store import Ledger

from .api import (
    Explanation,
    RulesetRef,
    _kept,
    _period,
    _replay,
    explain_kept,
    explain_replayed,
    resolve_ruleset,
)
from .keep import Projection
from .model import Board, Scoreboard
from .periods import Period

#: How long wait_for sleeps between looks at its deadline, at most (seconds).
_WAKE = 0.25


class NotReflected(LedgerError, TimeoutError):
    """:meth:`LiveBoard.wait_for` ran out of time before its seq was reflected."""


class LiveBoard:
    """One period's board under one ruleset, kept up with the ledger (module docstring).

    Built at the ledger's head. `keep=False` never uses kept projection state (every
    refresh replays). `log`, if given, is told how each refresh answered (what
    ``--verbose`` prints on the command line).
    """

    def __init__(
        self,
        ledger: Ledger,
        ruleset: RulesetRef,
        period: str | Period,
        *,
        keep: bool = True,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.ledger = ledger
        self.ruleset: rules.PointsRuleset | rules.ChecklistRuleset = resolve_ruleset(ruleset)
        self.period: Period = _period(period)
        self.keep = keep
        self.log = log
        self._projection: Projection | None = None
        self._kept_board: Scoreboard | None = None
        self._position = -1
        self._board: Board
        self.refresh()

    @property
    def position(self) -> int:
        """The last seq the board reflects (0: an empty ledger)."""
        return self._position

    @property
    def board(self) -> Board:
        """The board as of :attr:`position` (a full replay up to that seq gives the same)."""
        return self._board

    @gc_paused
    def refresh(self) -> Board:
        """Bring the board to the ledger's head (nothing is read when it is already there)."""
        head = self.ledger.head().seq
        if head == self._position:
            return self._board
        said: list[str] = []
        kept = (
            _kept(self.ledger, self.ruleset, self.period, None, said.append) if self.keep else None
        )
        if kept is not None:
            self._kept_board, self._projection, self._position = kept
            self._board = self._kept_board
        else:
            self._projection = self._kept_board = None
            self._board = _replay(self.ledger, self.ruleset, self.period, None, False, None, head)
            self._position = head
        if self.log is not None:
            for line in said:
                self.log(line)
        return self._board

    def wait_for(self, seq: int, timeout: float = 10.0) -> Board:
        """The board once it reflects seq `seq` (read-your-writes: pass the ``last_seq`` an
        append returned). Waits for the ledger to reach `seq` for at most `timeout` seconds,
        woken by ``Ledger.follow``; raises :class:`NotReflected` when it does not."""
        if seq <= self._position:
            return self._board
        deadline = time.monotonic() + timeout
        head = self.ledger.head().seq
        if head < seq:
            self._await(seq, head, deadline, timeout)
        return self.refresh()

    def _await(self, seq: int, head: int, deadline: float, timeout: float) -> None:
        def late() -> bool:
            return time.monotonic() >= deadline

        wake = max(0.01, min(_WAKE, timeout))
        with closing(self.ledger.follow(after=head, wait=wake, idle=late)) as arriving:
            for record in arriving:
                head = record.seq
                if head >= seq:
                    return
                if late():
                    break
        raise NotReflected(
            f"{self.ledger.label}: seq {seq} was not reflected within {timeout:g} s "
            f"(the ledger's head is seq {head}; the board of {self.ruleset.id} "
            f"{self.period.label} stands at seq {self._position})"
        )

    def updates(
        self, *, wait: float = 1.0, idle: Callable[[], bool] | None = None
    ) -> Iterator[Board]:
        """The board now, then again each time appended events move it (by anyone), as
        ``Ledger.follow`` sees them arrive. Never ends by itself: `idle` (called whenever
        nothing new has arrived for `wait` seconds) ends it by answering true."""
        yield self.refresh()
        with closing(self.ledger.follow(after=self._position, wait=wait, idle=idle)) as arriving:
            for record in arriving:
                if record.seq > self._position:  # else already reflected by a refresh
                    yield self.refresh()

    @gc_paused
    def explain(self, unit: str) -> Explanation:
        """`unit`'s lines with their events, as of :attr:`position` (the board held)."""
        if self._projection is not None and self._kept_board is not None:
            explained = explain_kept(
                self.ledger,
                self.ruleset,
                self._kept_board,
                self._projection,
                self._position,
                unit,
            )
            if explained is not None:
                return explained
        # No state at this position (none kept, or another process moved it on): replay
        # the log up to it.
        return explain_replayed(
            self.ledger, self.ruleset, self.period, unit, through_seq=self._position
        )
