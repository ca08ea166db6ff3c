"""Kept projections: a points board's state in the ledger, brought up to a position.

A :class:`Projection` is one (ruleset fingerprint, code version, period). Its state is
one JSON body per group of units (``projections.groups``): the units' standing and lines,
and the group's warnings. To answer at seq T it reads only the events after its position
(up to T), finds which groups they touch, re-runs the engine on the events of those
groups alone (in batches of a bounded number of events, as a rebuild does, so memory is
bounded), and writes the new bodies and position in one transaction, compare-and-set on
the old position. The board is assembled from the bodies (ranks recomputed).

What it cannot prove local re-runs everything (a rebuild): a ``unit_registered`` or
``unit_changed`` after the checkpoint (it may move units between groups and changes what
every unit stood as), or a retraction of one. A rebuild writes a ``building`` projection
group by group (in batches of a bounded number of events, each its own transaction, so a
killed rebuild resumes where it stopped) and then replaces the ready one in one
transaction.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import attrs

from ledger import events, upcast
from ledger.errors import LedgerError
from ledger.gcpause import gc_paused
from ledger.reader import EventRow, RowTuple
from ledger.recorder import GENESIS
from ledger.store import Ledger
from rules import PointsRuleset, fingerprint

from .engine import ALWAYS_READ, PointsReplay
from .groups import Groups, hand_up_pairs
from .heads import ReportHead
from .model import Scoreboard, UnitScore, board_header
from .periods import Period
from .points.board import ranked_in_order
from .state_codec import decode_group, encode_group, group_events
from .state_store import Kept, Key, Loaded, StateStore

_UNIT_TYPES = ("unit_registered", "unit_changed")
#: Read by every group's re-run, whatever their unit: unit history and retractions.
_EVERY = ("retraction", *_UNIT_TYPES)
#: A rebuild and a catch-up re-run groups in batches of at most this many events, so
#: memory stays bounded: a batch's replay costs about 0.9 KiB an event (facts, pieces,
#: lines) over a command's 50 MiB, so 150,000 peaks near 180 MiB (measured at 1M events
#: after 10 appends: one replay of 265,000 events peaked at 299 MiB, batches of at most
#: 200,000 at 238 MiB, 150,000 at 176 MiB, 100,000 at 144 MiB), leaving room under
#: 250 MB for an explain's trace; each more batch reads the log once more (0.2 s at 1M).
BATCH_EVENTS = 150_000
#: A catch-up looks up the links of this many infos at a time (projection_link).
_LINKS_AT_ONCE = 5_000


def _code_version() -> str:
    """The projection code version: a digest of the source of everything that computes a
    board's state, so a changed engine never reuses state an older one wrote."""
    here = Path(__file__).parent
    files = sorted(here.glob("points/*.py")) + [
        here / name
        for name in (
            "engine.py",
            "units.py",
            "periods.py",
            "model.py",
            "numbers.py",
            "groups.py",
            "keep.py",
            "state_codec.py",
        )
    ]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


def code_version() -> str:
    """:data:`CODE_VERSION`, and the upcaster chain the payloads are read through (an
    upcaster registered at run time changes what the events say: the schema version and
    each upcaster's code are part of the key)."""
    if events.SCHEMA_VERSION == 1 and not upcast.UPCASTERS:
        return CODE_VERSION
    digest = hashlib.sha256(str(events.SCHEMA_VERSION).encode())
    for (kind, version), step in sorted(upcast.UPCASTERS.items()):
        code = getattr(step, "__code__", None)
        body = code.co_code + repr(code.co_consts).encode() if code is not None else b""
        digest.update(f"{kind}:{version}:{getattr(step, '__qualname__', step)!r}".encode())
        digest.update(body)
    return f"{CODE_VERSION}-{digest.hexdigest()[:8]}"


Log = Callable[[str], None]


@attrs.frozen
class Answer:
    """A board and how it was obtained (``--verbose`` prints `how`)."""

    board: Scoreboard
    how: str


class Projection:
    """One points ruleset's board for one period, kept in `store`."""

    def __init__(
        self,
        ledger: Ledger,
        store: StateStore,
        ruleset: PointsRuleset,
        period: Period,
        *,
        batch_events: int | None = None,
        trace_unit: str | None = None,
    ) -> None:
        self.ledger = ledger
        self.store = store
        self.rules = ruleset
        self.period = period
        #: The most events a re-run reads at once (None: :data:`BATCH_EVENTS`).
        self.batch_events = BATCH_EVENTS if batch_events is None else batch_events
        #: The unit an explain asks for: a group re-run on the way (a build or a catch-up)
        #: that holds it traces it, so :meth:`traced` need not re-run that group again.
        self.trace_unit = trace_unit
        self._traced: dict[tuple[str, int], UnitScore] = {}
        self._counts: tuple[int, dict[str | None, int]] | None = None  # (seq, counts)
        self.key = Key(
            ruleset=ruleset.id,
            fingerprint=fingerprint(ruleset),
            code=code_version(),
            period=period.label,
        )

    @property
    def label(self) -> str:
        return f"projection {self.key.ruleset} {self.key.period}"

    # -- answering -------------------------------------------------------------------

    def load(self) -> Loaded | None:
        """The ready projection and its state, if its anchor still matches the log."""
        loaded = self.store.load(self.key, "ready")
        if loaded is None or not self._anchored(loaded.kept):
            return None
        return loaded

    def _anchored(self, kept: Kept) -> bool:
        if kept.position == 0:
            return True
        return self.ledger.seq_hash(kept.position) == kept.anchor

    def answer(self, target: int) -> Answer | None:
        """The board at seq `target` from state (building or catching it up first), or
        None when the kept state already covers more than `target` (replay instead)."""
        loaded = self.load()
        how = ""
        if loaded is None:
            how = self.rebuild(target) + "; "
            loaded = self.load()
            if loaded is None:
                raise LedgerError(f"{self.label}: could not be built (a concurrent rebuild)")
        kept = loaded.kept
        if kept.position > target:
            return None
        if kept.position == target:
            board = self._assemble(loaded.bodies, _served(kept))
            return Answer(board, f"{how}{self.label}: served from state at seq {target}")
        answer = self._catch_up(loaded, target)
        return Answer(answer.board, how + answer.how)

    def _catch_up(self, loaded: Loaded, target: int) -> Answer:
        kept = loaded.kept
        news = _News.of(
            self.ledger.read(
                after_seq=kept.position,
                through_seq=target,
                until_day=self.period.last,
                always=ALWAYS_READ,
            )
        )
        dirty = self._dirty_units(news)
        if dirty is None:
            how = self.rebuild(target)
            fresh = self.load()
            if fresh is None or fresh.kept.position != target:
                raise LedgerError(f"{self.label}: could not be rebuilt (a concurrent rebuild)")
            how += f" (a unit event after seq {kept.position}: every group re-run)"
            return Answer(self._assemble(fresh.bodies, _served(fresh.kept)), how)
        members = loaded.members
        groups = self._regrouped(members, news, dirty, target)
        touched = {groups.find(u) for u in dirty}
        components = {g: m for g, m in groups.components().items() if g in touched}
        rerun = {u for m in components.values() for u in m}
        replaced = [g for g, m in members.items() if rerun.intersection(m)]
        old = {g: loaded.bodies[g] for g in replaced}
        sizes = _sizes(components, groups, old, members, news.per_unit)
        fresh_bodies, batches = self._run_batched(components, sizes, target)
        anchor = self.ledger.seq_hash(target) or ""
        stored = False
        with self.store.transaction() as w:
            if w.advance(kept.id, kept.position, target, anchor):
                w.drop_groups(kept.id, replaced)
                w.put_groups(kept.id, {g: (components[g], fresh_bodies[g]) for g in components})
                stored = True
        bodies = dict(loaded.bodies)
        for g in replaced:
            bodies.pop(g, None)
        bodies.update(fresh_bodies)
        how = (
            f"{self.label}: caught up from seq {kept.position} to {target} "
            f"({news.count} events read, {len(components)} of {len(bodies)} groups re-run"
            + (f" in {batches} batches)" if batches > 1 else ")")
        )
        if not stored:
            how += "; another process moved the checkpoint first, so this answer was not kept"
        return Answer(self._assemble(bodies, ReportHead(seq=target, hash=anchor)), how)

    def _regrouped(
        self, members: dict[str, list[str]], news: _News, dirty: set[str], target: int
    ) -> Groups:
        """The kept groups, joined where the new events' infos link units, and the dirty
        units; `news.infos` is emptied on the way."""
        groups = Groups()
        for group_units in members.values():
            groups.union(group_units)
        self._sync_links(target)
        # A few thousand infos at a time: after a large import, the links of all of them
        # at once were a set per info (130 MiB for 400,000), and once read none are needed
        # while the groups re-run.
        infos = sorted(news.infos)
        news.infos.clear()
        for start in range(0, len(infos), _LINKS_AT_ONCE):
            for linked in self.store.links(infos[start : start + _LINKS_AT_ONCE]).values():
                groups.union(linked)
        for unit in dirty:
            groups.add(unit)
        return groups

    def _dirty_units(self, news: _News) -> set[str] | None:
        """The units whose groups the new rows touch; None when everything must re-run."""
        if news.unit_event:
            return None
        dirty = set(news.per_unit)
        for kind, unit in self.ledger.find_units(news.targets).values():
            if kind in _EVERY:
                return None
            dirty.add(unit or "")
        return dirty

    def _assemble(self, bodies: dict[str, bytes | None], head: ReportHead) -> Scoreboard:
        """The board from every group's body: units ranked, warnings in replay order; `head`
        is the state's position and anchor (the head the board was computed from)."""
        scores: list[UnitScore] = []
        warned = []
        for body in bodies.values():
            if body is None:
                raise LedgerError(f"{self.label}: state incomplete (a rebuild did not finish)")
            units, warnings = decode_group(body)
            scores += units
            warned += warnings
        scores.sort(key=lambda s: s.unit)
        warned.sort(key=lambda w: w[0])
        return Scoreboard(
            **board_header(self.rules, self.period, None),
            units=tuple(ranked_in_order(scores, self.rules.assessed_kinds)),
            warnings=tuple(text for _key, text in warned),
            head=head,
        )

    # -- re-running groups -------------------------------------------------------------

    def _replay(
        self,
        units: Iterable[str],
        target: int,
        trace_unit: str | None = None,
        tally: Counter[str | None] | None = None,
    ) -> PointsReplay:
        """A replay of `units`' events (and every unit event and retraction) up to
        `target`; `tally`, if given, counts the rows read by their unit column."""
        replay = PointsReplay(
            self.rules, self.period, with_trace=trace_unit is not None, trace_unit=trace_unit
        )
        rows = self.ledger.read_tuples(
            through_seq=target,
            until_day=self.period.last,
            always=ALWAYS_READ,
            units=units,
            every=_EVERY,
        )
        replay.read(rows if tally is None else _tallied(rows, tally))
        return replay

    def _run(self, components: dict[str, list[str]], target: int) -> dict[str, bytes]:
        """Each group's body, from one replay of the events of all their units."""
        if not components:
            return {}
        rerun = {u for m in components.values() for u in m}
        tracing = self.trace_unit if self.trace_unit in rerun else None
        tally: Counter[str | None] = Counter()
        replay = self._replay(rerun, target, trace_unit=tracing, tally=tally)
        board = replay.run()
        if tracing is not None:
            # Its group's events are all in this replay, so its trace is the one a re-run
            # of its group alone gives (the groups' invariant, projections.groups).
            mine = next((u for u in board.units if u.unit == tracing), None)
            if mine is not None:
                self._traced[(tracing, target)] = mine
        owner = {u: g for g, m in components.items() for u in m}
        units: dict[str, list[UnitScore]] = {g: [] for g in components}
        for entry in board.units:
            if entry.unit in owner:
                units[owner[entry.unit]].append(entry)
        warned: dict[str, list] = {g: [] for g in components}  # type: ignore[type-arg]
        for item in replay.warned:
            group = owner.get(item[0] or "")
            if group is not None:
                warned[group].append(item)
        return {
            g: encode_group(units[g], warned[g], sum(tally[u or None] for u in components[g]))
            for g in components
        }

    def _run_batched(
        self, components: dict[str, list[str]], sizes: dict[str, int], target: int
    ) -> tuple[dict[str, bytes], int]:
        """Each group's body, and in how many replays: the groups re-run in batches of at
        most `batch_events` events by `sizes` (a bigger group alone), as a rebuild does, so
        memory is bounded (one replay of a quarter of the log was a catch-up's peak)."""
        batches = _batches(sizes, self.batch_events)
        fresh: dict[str, bytes] = {}
        for batch in batches:
            fresh.update(self._run({g: components[g] for g in batch}, target))
        return fresh, len(batches)

    def traced(self, unit: str, target: int) -> UnitScore | None:
        """`unit`'s standing with its trace at seq `target`, re-running its group only (or
        none, when a build or catch-up on the way to `target` re-ran it with the trace)."""
        if (unit, target) in self._traced:
            return self._traced[(unit, target)]
        loaded = self.load()
        if loaded is None or loaded.kept.position != target:
            return None
        for members in loaded.members.values():
            if unit in members:
                board = self._replay(members, target, trace_unit=unit).run()
                return next((u for u in board.units if u.unit == unit), None)
        return None

    # -- building ------------------------------------------------------------------------

    def plan(self, target: int) -> dict[str, list[str]]:
        """The groups of units at seq `target`: hand-up pairs and infos named by several."""
        skeleton = self._replay((), target)
        skeleton.units.freeze(skeleton.retracted)
        groups = Groups()
        for unit in skeleton.units.versions:
            groups.add(unit)
        for counted in self._unit_counts(target):
            groups.add(counted or "")
        for pair in hand_up_pairs(skeleton):
            groups.union(pair)
        self._sync_links(target)
        for units in self.store.shared_infos():
            groups.union(units)
        return groups.components()

    def _unit_counts(self, seq: int) -> dict[str | None, int]:
        """``Ledger.unit_counts(seq)``, counted once per seq (a scan of the whole log): a build
        asks at its plan and again to pack its batches. The events up to a seq never change."""
        if self._counts is None or self._counts[0] != seq:
            self._counts = (seq, self.ledger.unit_counts(seq))
        return self._counts[1]

    def _sync_links(self, target: int) -> None:
        """Record the (info, unit) pairs of the log up to `target` (shared by projections)."""
        done = self.store.links_position()
        if done >= target:
            return
        pairs = [(info, unit or "") for info, unit in self.ledger.info_units(done, target)]
        with self.store.transaction() as w:
            w.add_links(pairs, target)

    @gc_paused
    def rebuild(self, target: int, log: Log | None = None) -> str:
        """Build the state at seq `target` anew (resuming a building one left by a killed
        process), then make it the ready projection. Returns what it did."""
        building = self.store.load(self.key, "building")
        if building is not None and (
            building.kept.position > target or not self._anchored(building.kept)
        ):
            with self.store.transaction() as w:
                w.drop(building.kept.id)
            building = None
        resumed = building is not None
        if building is None:
            building = self._start(target)
        kept, members = building.kept, building.members
        pending = [g for g, body in building.bodies.items() if body is None]
        done_before = len(members) - len(pending)
        counts = self._unit_counts(kept.position)
        sizes = {g: sum(counts.get(u or None, 0) for u in members[g]) for g in pending}
        for batch in _batches(sizes, self.batch_events):
            fresh = self._run({g: members[g] for g in batch}, kept.position)
            with self.store.transaction() as w:
                for g, body in fresh.items():
                    w.fill_group(kept.id, g, body)
            if log is not None:
                log(f"{self.label}: built {len(batch)} of {len(pending)} groups")
        with self.store.transaction() as w:
            ready = self.store.find(self.key, "ready")
            if ready is not None and ready.position > kept.position and self._anchored(ready):
                w.drop(kept.id)  # a newer checkpoint exists: never regress
            else:
                w.promote(kept.id)
        how = f"{self.label}: built at seq {kept.position} ({len(members)} groups"
        if resumed:
            how += f", resumed with {done_before} already built"
        return how + ")"

    def _start(self, target: int) -> Loaded:
        plan = self.plan(target)
        anchor = self.ledger.seq_hash(target) or ""
        with self.store.transaction() as w:
            pid = w.create(self.key, "building", target, anchor)
            if pid is not None:  # else another process started the same build: join it
                w.put_groups(pid, {g: (m, None) for g, m in plan.items()})
        loaded = self.store.load(self.key, "building")
        if loaded is None:
            raise LedgerError(f"{self.label}: a concurrent rebuild finished first; try again")
        return loaded


def _served(kept: Kept) -> ReportHead:
    """The head a kept state stands at: its position and anchor (genesis at seq 0)."""
    return ReportHead(seq=kept.position, hash=kept.anchor if kept.position else GENESIS)


@attrs.define
class _News:
    """What the events after a kept position say, gathered as they are read (a catch-up
    after a large import would otherwise hold every new row at once)."""

    count: int = 0
    #: Any unit registration or change: every group must re-run.
    unit_event: bool = False
    #: New events other than retractions by their unit ('' for none).
    per_unit: Counter[str] = attrs.Factory(Counter)
    #: The ids the new retractions retract.
    targets: list[str] = attrs.Factory(list)
    #: The infos the new events name.
    infos: set[str] = attrs.Factory(set)

    @classmethod
    def of(cls, rows: Iterable[EventRow]) -> _News:
        news = cls()
        for row in rows:
            news.count += 1
            if row.type in _UNIT_TYPES:
                news.unit_event = True
            elif row.type == "retraction":
                news.targets.append(row.payload["target"])
            else:
                news.per_unit[row.unit or ""] += 1
            info = row.payload.get("info")
            if info is not None:
                news.infos.add(info)
        return news


def _sizes(
    components: dict[str, list[str]],
    groups: Groups,
    old: dict[str, bytes | None],
    members: dict[str, list[str]],
    per_unit: Counter[str],
) -> dict[str, int]:
    """How many events re-running each of `components` will read, about: what the `old`
    groups it joins read last time (their bodies say), and its units' new events."""
    sizes = dict.fromkeys(components, 0)
    for g, body in old.items():
        if body is not None:
            sizes[groups.find(members[g][0])] += group_events(body)
    for unit, count in per_unit.items():
        sizes[groups.find(unit)] += count
    return sizes


def _tallied(rows: Iterable[RowTuple], tally: Counter[str | None]) -> Iterator[RowTuple]:
    """`rows`, each counted in `tally` by its unit column as it passes."""
    for row in rows:
        tally[row[4]] += 1  # (seq, id, type, at, unit, recorded_at, payload)
        yield row


def _batches(sizes: dict[str, int], limit: int) -> list[list[str]]:
    """Groups packed into batches of at most `limit` events by `sizes` (a bigger group
    alone), biggest first."""
    out: list[list[str]] = []
    current: list[str] = []
    used = 0
    for group in sorted(sizes, key=lambda g: sizes[g], reverse=True):
        n = sizes[group]
        if current and used + n > limit:
            out.append(current)
            current, used = [], 0
        current.append(group)
        used += n
    if current:
        out.append(current)
    return out
