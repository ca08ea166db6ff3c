"""Units as they stood at a time: their kind, parent and department, by business time.

``unit_changed`` takes effect from its ``at`` on; earlier events keep the old
attributes (CONTRACT §2). Lookups are cached per *epoch* — the number of unit
changes dated at or before the time asked — so a log without re-organisations
costs one lookup per unit, however many events it has.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

import attrs


@attrs.frozen
class UnitVersion:
    at: str
    seq: int
    name: str
    kind: str
    parent: str | None
    department: str | None


class UnitHistory:
    """Every unit's versions, in business-time order."""

    def __init__(self) -> None:
        self._raw: dict[str, list[tuple[str, int, dict[str, Any]]]] = {}
        self.versions: dict[str, list[UnitVersion]] = {}
        self._change_times: list[str] = []
        self._cache: dict[tuple[str, int], UnitVersion] = {}

    def add(self, at: str, seq: int, payload: dict[str, Any]) -> None:
        """Record a unit_registered or unit_changed payload (retracted ones excluded)."""
        self._raw.setdefault(payload["unit"], []).append((at, seq, payload))

    def freeze(self, retracted: Iterable[str] = ()) -> None:
        """Build the version lists once all unit events are read."""
        dropped = set(retracted)
        times = []
        for unit, raw in self._raw.items():
            raw.sort(key=lambda r: (r[2]["type"] != "unit_registered", r[0], r[1]))
            versions: list[UnitVersion] = []
            for at, seq, p in raw:
                if p["id"] in dropped:
                    continue
                if not versions:
                    versions.append(
                        UnitVersion(
                            at, seq, p["name"], p["kind"], p.get("parent"), p.get("department")
                        )
                    )
                    continue
                last = versions[-1]
                versions.append(
                    UnitVersion(
                        at,
                        seq,
                        p.get("name", last.name),
                        p.get("kind", last.kind),
                        p.get("parent", last.parent),
                        p.get("department", last.department),
                    )
                )
                times.append(at)
            if versions:
                self.versions[unit] = versions
        self._change_times = sorted(times)

    def __contains__(self, unit: str) -> bool:
        return unit in self.versions

    def registered_by(self, day: str) -> list[str]:
        """Units registered with a business date on or before `day` (``YYYY-MM-DD``)."""
        return sorted(u for u, v in self.versions.items() if v[0].at[:10] <= day)

    def epoch(self, when: str) -> int:
        """How many unit changes are dated at or before `when`: within one epoch every
        unit's attributes (and so every answer derived from them) stay the same."""
        return bisect_right(self._change_times, when)

    def at(self, unit: str, when: str) -> UnitVersion:
        """The unit as it stood at `when` (its first version for earlier times)."""
        key = (unit, self.epoch(when))
        found = self._cache.get(key)
        if found is None:
            versions = self.versions[unit]
            found = versions[0]
            for version in versions[1:]:
                if version.at <= when:
                    found = version
                else:
                    break
            self._cache[key] = found
        return found

    def ancestors(self, unit: str, when: str) -> list[str]:
        """The unit's parent, grandparent … as they stood at `when` (cycle-safe)."""
        out: list[str] = []
        node = self.at(unit, when).parent
        while node is not None and node in self.versions and node not in out and node != unit:
            out.append(node)
            node = self.at(node, when).parent
        return out
