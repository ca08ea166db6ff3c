"""Input rules of CONTRACT §2 that need no history: codes, ranges, non-empty text.

Checks read the canonical payload dict (``ledger.normalize``), the one form
every input takes before it is stored. Reference rules (a unit registered
earlier, the submitter of an info, the target of a retraction) need the log
and live in ``ledger.references``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from rules import checklist_item, checklist_tables
from vocabulary import codes
from vocabulary.suggest import did_you_mean

Issue = tuple[str, str]  # (field, message)
Issues = list[Issue]
Payload = Mapping[str, Any]


# Each check appends (field, message) pairs to `out`: a list passed down is cheaper than a
# chain of generators, and nearly every payload finds nothing to append.


def _code(p: Payload, out: Issues, field: str, table: Mapping[str, Any], what: str) -> None:
    value = p.get(field)
    if value is not None and value not in table:
        expected = f"expected one of {', '.join(table)}{did_you_mean(value, table)}"
        out.append((field, f"unknown {what} {value!r}; {expected}"))


# What no reader sees on its own: controls, formats (zero-width spaces and joiners, bidi
# marks, the BOM), separators, unassigned and private code points, combining marks with
# nothing to combine with, and the blank letters and symbols that fonts draw as nothing.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


@cache
def _invisible(char: str) -> bool:
    return char in _BLANK_LETTERS or unicodedata.category(char) in _INVISIBLE_CATEGORIES


def only_invisible(text: str) -> bool:
    """Whether a non-empty text holds no character a reader can see (``"\u200b"``)."""
    return all(map(_invisible, text))


def _text(p: Payload, out: Issues, *fields: str) -> None:
    for field in fields:
        value = p.get(field)
        if value is None:
            continue
        if not value or value.isspace():  # as `not value.strip()`
            out.append((field, "expected a non-empty string"))
        elif _invisible(value[0]) and all(map(_invisible, value)):  # a name of "\u200b"
            out.append(
                (field, "expected a non-empty string (this one has only invisible characters)")
            )


def _unit_fields(p: Payload, out: Issues) -> None:
    _text(p, out, "name", "parent")
    _code(p, out, "kind", codes.UNIT_KINDS, "unit kind")
    _code(p, out, "department", codes.DEPARTMENTS, "department code")
    if p.get("parent") is not None and p["parent"] == p["unit"]:
        out.append(("parent", "a unit cannot be its own parent"))


def _unit_registered(p: Payload, out: Issues) -> None:
    _unit_fields(p, out)
    if p.get("department") is not None and p["kind"] not in codes.DEPARTMENT_KINDS:
        out.append(
            (
                "department",
                f"only units of kind department or industry_union carry one, not {p['kind']}",
            )
        )


def _unit_changed(p: Payload, out: Issues) -> None:
    _unit_fields(p, out)
    if not any(k in p for k in ("name", "kind", "parent", "department")):
        out.append(("", "expected at least one of name, kind, parent, department"))


def _submission(p: Payload, out: Issues) -> None:
    _text(p, out, "info")
    _code(p, out, "category", codes.CATEGORIES, "category")
    if "incident_at" in p and not p["urgent"]:
        # The deadline rule reads incident_at only on urgent items; say so rather than ignore it.
        out.append(
            ("incident_at", "only an urgent submission carries incident_at (set urgent: true)")
        )


def _adoption(p: Payload, out: Issues) -> None:
    _text(p, out, "info")
    _code(p, out, "outlet", codes.OUTLETS, "outlet")
    _code(p, out, "mode", codes.MODES, "mode")


def _instruction(p: Payload, out: Issues) -> None:
    _text(p, out, "info")
    _code(p, out, "level", codes.LEVELS, "leader level")


def _activity(p: Payload, out: Issues) -> None:
    _code(p, out, "activity", codes.ACTIVITIES, "activity")


def _veto(p: Payload, out: Issues) -> None:
    _code(p, out, "reason", codes.VETO_REASONS, "veto reason")


def _ranking(p: Payload, out: Issues) -> None:
    _text(p, out, "source")
    if p["rank"] < 1:
        out.append(("rank", f"expected a whole number >= 1, got {p['rank']}"))
    if not 1900 <= p["year"] <= 2999:
        out.append(("year", f"expected a year such as 2016, got {p['year']}"))


def _adjustment(p: Payload, out: Issues) -> None:
    if Decimal(p["points"]) == 0:
        out.append(
            ("points", "expected a non-zero decimal string (an adjustment of 0 changes nothing)")
        )
    _text(p, out, "reason", "ruleset")


def _assessment(p: Payload, out: Issues) -> None:
    tables = checklist_tables()
    table, number = p["table"], p["item"]
    if table not in tables:
        expected = f"expected one of {', '.join(tables)}{did_you_mean(table, tables)}"
        out.append(("table", f"unknown table {table!r}; {expected}"))
        return
    item = checklist_item(table, number)
    if item is None:
        numbers = [i.number for c in tables[table].categories for i in c.items]
        out.append(
            (
                "item",
                f"unknown item {number!r} of {table}; expected one of {', '.join(numbers)}"
                f"{did_you_mean(number, numbers)}",
            )
        )
        return
    for field in ("score", "self_score"):
        if field in p and not Decimal(0) <= Decimal(p[field]) <= item.max:
            out.append(
                (
                    field,
                    f"expected 0 … {item.max} (the maximum of {table} {number}), got {p[field]}",
                )
            )


def _absence(p: Payload, out: Issues) -> None:
    _text(p, out, "meeting", "person")


def _retraction(p: Payload, out: Issues) -> None:
    _text(p, out, "target", "reason")


_CHECKS: dict[str, Callable[[Payload, Issues], None]] = {
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
    issues: Issues = []
    _text(p, issues, "id", "unit")
    _CHECKS[p["type"]](p, issues)
    return issues
