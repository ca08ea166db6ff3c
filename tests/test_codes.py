"""The code lists' Literal types name exactly the codes of their tables (CONTRACT §2)."""

from __future__ import annotations

import typing

import attrs
import pytest

from ledger.events import EVENT_TYPES, Adoption, Instruction, UnitChanged, UnitRegistered, Veto
from vocabulary import codes

PAIRS = [
    (codes.UnitKind, codes.UNIT_KINDS),
    (codes.Department, codes.DEPARTMENTS),
    (codes.Outlet, codes.OUTLETS),
    (codes.Level, codes.LEVELS),
    (codes.Category, codes.CATEGORIES),
    (codes.ActivityKind, codes.ACTIVITIES),
    (codes.VetoReason, codes.VETO_REASONS),
    (codes.Mode, codes.MODES),
    (codes.EventType, EVENT_TYPES),
]


@pytest.mark.parametrize(("literal", "table"), PAIRS, ids=lambda x: getattr(x, "__name__", ""))
def test_a_literal_lists_its_tables_codes_in_order(literal: object, table: object) -> None:
    assert typing.get_args(literal) == tuple(table)


def test_outlet_levels_are_the_leader_levels() -> None:
    assert {level for _, level in codes.OUTLETS.values()} == set(typing.get_args(codes.Level))
    assert codes.outlet_level("province.union.web") == "province_union"


def test_each_event_class_names_its_type_and_codes() -> None:
    for name, cls in EVENT_TYPES.items():
        assert cls.TYPE == name
    hints = {cls: typing.get_type_hints(cls) for cls in EVENT_TYPES.values()}
    assert hints[UnitRegistered]["kind"] is codes.UnitKind
    assert hints[UnitChanged]["kind"] == codes.UnitKind | None
    assert hints[UnitRegistered]["department"] == codes.Department | None
    assert hints[Adoption]["outlet"] is codes.Outlet
    assert hints[Adoption]["mode"] is codes.Mode
    assert hints[Instruction]["level"] is codes.Level
    assert hints[Veto]["reason"] is codes.VetoReason
    coded = {
        field.name
        for cls in EVENT_TYPES.values()
        for field in attrs.fields(cls)
        if any(typing.get_origin(t) is typing.Literal for t in _parts(hints[cls][field.name]))
    }
    closed = {"kind", "department", "category", "outlet", "mode", "level", "activity", "reason"}
    assert coded == closed  # `reason` of a veto; an adjustment's and a retraction's are text


def _parts(annotation: object) -> tuple[object, ...]:
    return (annotation, *typing.get_args(annotation))
