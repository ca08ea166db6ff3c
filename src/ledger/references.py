"""Reference rules of CONTRACT §2, checked against the log as it stands plus the batch.

The checker is fed one chunk at a time: the store looks up, in bulk, the ids,
submissions and retractions the chunk names (:class:`Lookups`), and the checker
walks the chunk in order, extending that view with each accepted event. Units
are few, so their current attributes are kept whole (:class:`UnitBook`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import attrs

from vocabulary.codes import DEPARTMENT_KINDS
from vocabulary.suggest import did_you_mean

Issue = tuple[str, str]
Payload = Mapping[str, Any]


@attrs.frozen
class UnitState:
    """A unit's current attributes (for reference checks, not for scoring).

    Frozen, so a book is copied per append by copying its dict only.
    """

    kind: str
    parent: str | None
    department: str | None
    seq: int


class UnitBook:
    """Every registered unit's current attributes, keyed by unit id."""

    def __init__(self) -> None:
        self.units: dict[str, UnitState] = {}

    def copy(self) -> UnitBook:
        """An independent book (states are frozen: sharing them is safe)."""
        book = UnitBook()
        book.units = dict(self.units)
        return book

    def apply(self, p: Payload, seq: int) -> None:
        """Fold one unit_registered/unit_changed payload in (it has passed the checks)."""
        if p["type"] == "unit_registered":
            self.units[p["unit"]] = UnitState(p["kind"], p.get("parent"), p.get("department"), seq)
            return
        state = self.units[p["unit"]]
        self.units[p["unit"]] = attrs.evolve(
            state,
            kind=p.get("kind", state.kind),
            parent=p.get("parent", state.parent),
            department=p.get("department", state.department),
        )

    def creates_cycle(self, unit: str, parent: str) -> bool:
        """Whether making `parent` the parent of `unit` would close a loop."""
        seen = set()
        node: str | None = parent
        while node is not None and node not in seen:
            if node == unit:
                return True
            seen.add(node)
            state = self.units.get(node)
            node = state.parent if state else None
        return False


class Stored(NamedTuple):
    """What the checker needs to know of an event already in the log (one per event)."""

    seq: int
    type: str
    payload: str


@attrs.define
class Lookups:
    """Bulk answers for one chunk, extended in place as the chunk is accepted."""

    ids: dict[str, Stored] = attrs.field(factory=dict)
    #: info -> (submitter unit, submission id, seq) of its latest submission
    submissions: dict[str, tuple[str, str, int]] = attrs.field(factory=dict)
    retracted: set[str] = attrs.field(factory=set)

    def remember(self, p: Payload, seq: int, payload: str, units: UnitBook) -> None:
        """Extend the view with an accepted event, so later lines can refer to it."""
        self.ids[p["id"]] = Stored(seq, p["type"], payload)
        kind = p["type"]
        if kind == "submission":
            self.submissions[p["info"]] = (p["unit"], p["id"], seq)
        elif kind == "retraction":
            self.retracted.add(p["target"])
        elif kind in ("unit_registered", "unit_changed"):
            units.apply(p, seq)


class ReferenceChecker:
    """Checks one payload at a time against the log plus what this batch accepted."""

    def __init__(self, units: UnitBook) -> None:
        self.units = units

    def check(self, p: Payload, seen: Lookups) -> tuple[list[Issue], str | None]:
        """Problems of the event, and the unit it scores for (a submitter resolved)."""
        issues: list[Issue] = []
        kind = p["type"]
        unit: str | None = p.get("unit")
        if kind == "unit_registered":
            if unit in self.units.units:
                seq = self.units.units[unit].seq
                issues.append(
                    (
                        "unit",
                        f"unit {unit!r} is already registered (seq {seq}); "
                        "record a unit_changed instead",
                    )
                )
            self._parent(unit, p.get("parent"), issues)
        elif kind == "unit_changed":
            parent = p.get("parent")
            if unit is not None and self._registered("unit", unit, issues):
                self._parent(unit, parent, issues)
                if parent and self.units.creates_cycle(unit, parent):
                    issues.append(("parent", f"{parent!r} is below {unit!r}: a cycle"))
                kind_after = p.get("kind") or self.units.units[unit].kind
                if p.get("department") is not None and kind_after not in DEPARTMENT_KINDS:
                    issues.append(
                        (
                            "department",
                            "only units of kind department or industry_union carry one, "
                            f"not {kind_after}",
                        )
                    )
        elif kind in ("adoption", "instruction"):
            unit = self._submitter(p, seen, issues)
        elif kind == "retraction":
            self._target(p["target"], seen, issues)
        elif unit is not None:
            self._registered("unit", unit, issues)
            if kind == "submission":
                self._resubmission(p["info"], seen, issues)
        return issues, unit

    def _registered(self, field: str, unit: str | None, issues: list[Issue]) -> bool:
        if unit not in self.units.units:
            issues.append(
                (
                    field,
                    f"unit {unit!r} is not registered earlier in the log or this import"
                    f"{did_you_mean(unit, self.units.units)}",
                )
            )
            return False
        return True

    def _parent(self, unit: str | None, parent: str | None, issues: list[Issue]) -> None:
        if parent is not None and parent != unit:
            self._registered("parent", parent, issues)

    def _submitter(self, p: Payload, seen: Lookups, issues: list[Issue]) -> str | None:
        info = p["info"]
        given: str | None = p.get("unit")
        known = seen.submissions.get(info)
        if known is None:
            if given is None:
                issues.append(("unit", f"info {info!r} was not submitted earlier; name its unit"))
                return None
            self._registered("unit", given, issues)
            return given
        submitter, sub_id, seq = known
        if given is not None and given != submitter:
            issues.append(
                (
                    "unit",
                    f"info {info!r} was submitted by {submitter!r} "
                    f"(event {sub_id}, seq {seq}), not {given!r}",
                )
            )
        return submitter

    def _resubmission(self, info: str, seen: Lookups, issues: list[Issue]) -> None:
        known = seen.submissions.get(info)
        if known is not None and known[1] not in seen.retracted:
            issues.append(
                (
                    "info",
                    f"info {info!r} is already submitted (event {known[1]}, "
                    f"seq {known[2]}); retract that submission first",
                )
            )

    def _target(self, target: str, seen: Lookups, issues: list[Issue]) -> None:
        stored = seen.ids.get(target)
        if stored is None:
            issues.append(("target", f"no event {target!r} earlier in the log or this import"))
        elif stored.type == "retraction":
            issues.append(("target", f"{target!r} is a retraction; retractions are final"))
        elif stored.type == "unit_registered":
            issues.append(
                (
                    "target",
                    f"{target!r} registers a unit, which cannot be retracted; "
                    "record a unit_changed instead",
                )
            )
        elif target in seen.retracted:
            issues.append(("target", f"{target!r} is already retracted"))
