"""Groups of units whose points can affect each other, so a projection re-runs only those.

A unit's lines depend on its own events, on the units that hand points to it (hand-up,
awards, vetoes: principle 5 and 10), and, through an info, on every unit whose events name
that info (the standing submission's flags, the same outlet once, bonuses once per info,
gates). Nothing else in a points ruleset compares units, except the ranks, which a
projection recomputes over the whole board. So the connected components of "hands up to
(at any time)" and "names the same info" partition the units: replaying the events of a
component (with every unit event and retraction) gives exactly its units' standing and
lines in a full replay.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .points.state import PointsState


class Groups:
    """A union-find over unit ids; a group is named by its smallest unit id."""

    def __init__(self) -> None:
        self._up: dict[str, str] = {}

    def add(self, unit: str) -> str:
        return self.find(unit)

    def find(self, unit: str) -> str:
        up = self._up
        root = up.setdefault(unit, unit)
        while up[root] != root:
            root = up[root]
        while up[unit] != root:  # path compression
            up[unit], unit = root, up[unit]
        return root

    def union(self, units: Iterable[str]) -> None:
        roots = sorted({self.find(u) for u in units})
        for other in roots[1:]:
            self._up[other] = roots[0]

    def components(self) -> dict[str, list[str]]:
        """Group id (its smallest unit) -> its units, sorted."""
        out: dict[str, list[str]] = {}
        for unit in sorted(self._up):
            out.setdefault(self.find(unit), []).append(unit)
        return {members[0]: members for members in out.values()}


def hand_up_pairs(state: PointsState) -> Iterator[tuple[str, str]]:
    """(unit, the ancestor it hands points to) at every time the unit tree differs.

    `state.units` must be frozen. Within an epoch (``UnitHistory.epoch``) no unit's
    attributes change, so asking at the start of each epoch covers all of them.
    """
    history = state.units
    times = sorted({"", *(v.at for versions in history.versions.values() for v in versions)})
    for unit in history.versions:
        for when in times:
            to = state.recipient(unit, when)
            if to is not None:
                yield unit, to
