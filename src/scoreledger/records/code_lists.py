"""The code lists a template offers as drop-downs, and the fields a row must fill."""

from __future__ import annotations

from ledger.normalize import event_fields
from rules import checklist_tables
from vocabulary import codes

CodeList = list[tuple[str, str]]  # (code, Chinese name)


def code_lists() -> dict[str, CodeList]:
    """Every code list a template offers, by its key (a field, or ``reason`` of a veto)."""
    return {
        "kind": list(codes.UNIT_KINDS.items()),
        "department": list(codes.DEPARTMENTS.items()),
        "outlet": [(code, name) for code, (name, _) in codes.OUTLETS.items()],
        "mode": list(codes.MODES.items()),
        "level": list(codes.LEVELS.items()),
        "category": list(codes.CATEGORIES.items()),
        "activity": list(codes.ACTIVITIES.items()),
        "reason": list(codes.VETO_REASONS.items()),
        "table": [(table.id, table.title) for table in checklist_tables().values()],
    }


def code_key(event_type: str, field: str) -> str | None:
    """The code list a field of `event_type` takes, or None (free text, numbers, times)."""
    if field == "reason" and event_type != "veto":
        return None  # an adjustment's or retraction's reason is free text
    return field if field in code_lists() else None


def required_fields(event_type: str) -> set[str]:
    """The fields a row of `event_type` must fill (``id`` is generated when empty)."""
    return {field for field, _, required in event_fields(event_type) if required} - {"id"}
