"""Input rules of CONTRACT §2 that need no history: codes, ranges, non-empty text.

Checks read the canonical payload dict (``ledger.normalize``), the one form
every input takes before it is stored. Reference rules (a unit registered
earlier, the submitter of an info, the target of a retraction) need the log
and live in ``ledger.references``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from . import codes

Issue = tuple[str, str]  # (field, message)
Payload = Mapping[str, Any]


def _code(p: Payload, field: str, table: Mapping[str, Any], what: str) -> Iterator[Issue]:
    value = p.get(field)
    if value is not None and value not in table:
        yield field, f"unknown {what} {value!r}; expected one of {', '.join(table)}"


def _text(p: Payload, *fields: str) -> Iterator[Issue]:
    for field in fields:
        value = p.get(field)
        if value is not None and not value.strip():
            yield field, "expected a non-empty string"


def _unit_fields(p: Payload) -> Iterator[Issue]:
    yield from _text(p, "unit", "name", "parent")
    yield from _code(p, "kind", codes.UNIT_KINDS, "unit kind")
    yield from _code(p, "department", codes.DEPARTMENTS, "department code")
    if p.get("parent") is not None and p["parent"] == p["unit"]:
        yield "parent", "a unit cannot be its own parent"


def _unit_registered(p: Payload) -> Iterator[Issue]:
    yield from _unit_fields(p)
    if p.get("department") is not None and p["kind"] not in codes.DEPARTMENT_KINDS:
        yield (
            "department",
            f"only units of kind department or industry_union carry one, not {p['kind']}",
        )


def _unit_changed(p: Payload) -> Iterator[Issue]:
    yield from _unit_fields(p)
    if not any(k in p for k in ("name", "kind", "parent", "department")):
        yield "", "expected at least one of name, kind, parent, department"


def _submission(p: Payload) -> Iterator[Issue]:
    yield from _text(p, "unit", "info")
    yield from _code(p, "category", codes.CATEGORIES, "category")
    if "incident_at" in p and not p["urgent"]:
        # The deadline rule reads incident_at only on urgent items; say so rather than ignore it.
        yield "incident_at", "only an urgent submission carries incident_at (set urgent: true)"


def _adoption(p: Payload) -> Iterator[Issue]:
    yield from _text(p, "info", "unit")
    yield from _code(p, "outlet", codes.OUTLETS, "outlet")
    yield from _code(p, "mode", codes.MODES, "mode")


def _instruction(p: Payload) -> Iterator[Issue]:
    yield from _text(p, "info", "unit")
    yield from _code(p, "level", codes.LEVELS, "leader level")


def _activity(p: Payload) -> Iterator[Issue]:
    yield from _code(p, "activity", codes.ACTIVITIES, "activity")


def _veto(p: Payload) -> Iterator[Issue]:
    yield from _code(p, "reason", codes.VETO_REASONS, "veto reason")


def _ranking(p: Payload) -> Iterator[Issue]:
    yield from _text(p, "source")
    if p["rank"] < 1:
        yield "rank", f"expected a whole number >= 1, got {p['rank']}"
    if not 1900 <= p["year"] <= 2999:
        yield "year", f"expected a year such as 2016, got {p['year']}"


def _adjustment(p: Payload) -> Iterator[Issue]:
    if Decimal(p["points"]) == 0:
        yield "points", "expected a non-zero decimal string (an adjustment of 0 changes nothing)"
    yield from _text(p, "reason", "ruleset")


def _assessment(p: Payload) -> Iterator[Issue]:
    # Imported here: the checklist maxima are ruleset data (rules imports ledger.codes).
    from rules import checklist_item, checklist_tables

    tables = checklist_tables()
    table, number = p["table"], p["item"]
    if table not in tables:
        yield "table", f"unknown table {table!r}; expected one of {', '.join(tables)}"
        return
    item = checklist_item(table, number)
    if item is None:
        numbers = [i.number for c in tables[table].categories for i in c.items]
        yield "item", f"unknown item {number!r} of {table}; expected one of {', '.join(numbers)}"
        return
    for field in ("score", "self_score"):
        if field in p and not Decimal(0) <= Decimal(p[field]) <= item.max:
            yield (
                field,
                f"expected 0 … {item.max} (the maximum of {table} {number}), got {p[field]}",
            )


def _absence(p: Payload) -> Iterator[Issue]:
    yield from _text(p, "meeting", "person")


def _retraction(p: Payload) -> Iterator[Issue]:
    yield from _text(p, "target", "reason")


_CHECKS: dict[str, Callable[[Payload], Iterator[Issue]]] = {
    "unit_registered": _unit_registered,
    "unit_changed": _unit_changed,
    "submission": _submission,
    "adoption": _adoption,
    "instruction": _instruction,
    "activity": _activity,
    "veto": _veto,
    "ranking": _ranking,
    "adjustment": _adjustment,
    "assessment": _assessment,
    "absence": _absence,
    "retraction": _retraction,
}


def check_fields(p: Payload) -> list[Issue]:
    """Every field-level problem of one canonical payload (codes, ranges, empty text)."""
    issues = list(_text(p, "id", "unit"))
    issues.extend(_CHECKS[p["type"]](p))
    return issues
