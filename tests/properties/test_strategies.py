"""The strategies of ``ledger.testing`` themselves: what they draw is valid, realistic, and
registered for ``st.from_type``; the fast normalizer agrees with cattrs on all of it."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from propkit import POINTS, SHIPPED, YEAR, folder, ledger_of

import ledger
import rules
from ledger import codec
from ledger.events import EVENT_TYPES
from ledger.normalize import normalize
from ledger.testing import (
    EVENT_STRATEGIES,
    decimals,
    events,
    ledgers,
    periods,
    revisions,
    times,
    unit_trees,
)
from ledger.validate import check_fields
from projections import parse_period, score
from projections.model import Scoreboard

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("ruleset", [*SHIPPED, None])
@given(data=st.data())
def test_every_drawn_ledger_imports_whole(ruleset: str | None, data: st.DataObject) -> None:
    drawn = data.draw(ledgers(ruleset=ruleset), label="events")
    ids = [e["id"] for e in drawn]
    assert len(set(ids)) == len(ids)
    kinds = [e["type"] for e in drawn]
    registered = kinds.count("unit_registered")
    assert kinds[:registered] == ["unit_registered"] * registered
    with ledger_of(drawn) as book:
        assert len(book) == len(drawn)
        assert book.verify().ok


@pytest.mark.parametrize("ruleset", SHIPPED)
@given(data=st.data())
def test_a_ledger_drawn_for_a_ruleset_scores_something_under_it(
    ruleset: str, data: st.DataObject
) -> None:
    drawn = data.draw(ledgers(ruleset=ruleset, year=YEAR[ruleset]), label="events")
    with ledger_of(drawn) as book:
        board = score(book, ruleset, str(YEAR[ruleset]))
    if isinstance(board, Scoreboard):
        assert any(line.points > 0 for unit in board.units for line in unit.lines)
    else:
        assert any(unit.total > 0 for unit in board.units)


@pytest.mark.parametrize("ruleset", sorted(set(SHIPPED) - set(POINTS)))
@given(data=st.data())
def test_a_checklist_ledgers_anchor_is_never_marked_down_later(
    ruleset: str, data: st.DataObject
) -> None:
    """The full-marks assessment that makes a checklist ledger score something (drawn first,
    right after the units) must not be superseded by a lower one of the same item: one unit,
    many events, so later assessments of the same item are common."""
    drawn = data.draw(ledgers(ruleset=ruleset, year=YEAR[ruleset], units=1, size=(20, 40)))
    assessments = [e for e in drawn if e["type"] == "assessment"]
    anchor = assessments[0]
    for later in assessments[1:]:
        if (later["unit"], later["table"], later["item"]) == (
            anchor["unit"], anchor["table"], anchor["item"]
        ):  # fmt: skip
            assert Decimal(later["score"]) == Decimal(anchor["score"]), later


@given(events())
def test_every_event_is_valid_on_its_own(event: dict[str, object]) -> None:
    structured, problems = codec.structure(event)
    assert structured is not None, problems
    payload = normalize(event)
    assert payload is not None
    assert check_fields(payload) == []


@given(st.one_of(events(), ledgers(size=(0, 15)).flatmap(st.sampled_from)))
def test_normalize_agrees_with_cattrs(event: dict[str, object]) -> None:
    structured, problems = codec.structure(event)
    assert structured is not None, problems
    assert normalize(event) == codec.unstructure(structured)


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
@given(data=st.data())
def test_event_classes_are_registered_for_from_type(name: str, data: st.DataObject) -> None:
    cls = EVENT_TYPES[name]
    drawn = data.draw(st.from_type(cls))
    assert type(drawn) is cls
    assert isinstance(data.draw(st.from_type(ledger.Event)), ledger.Event)
    assert codec.structure(codec.unstructure(drawn))[0] == drawn


def test_every_event_type_has_a_strategy() -> None:
    assert set(EVENT_STRATEGIES) == set(EVENT_TYPES)


@given(shape=st.sampled_from(["flat", "tree", "deep", None]), data=st.data())
def test_unit_trees_register_parents_first(shape: str | None, data: st.DataObject) -> None:
    ruleset = data.draw(st.sampled_from([*SHIPPED, None]))
    tree = data.draw(unit_trees(shape=shape, ruleset=ruleset, size=(1, 12)))
    seen: set[str] = set()
    for unit in tree:
        assert unit["type"] == "unit_registered"
        assert unit.get("parent") is None or unit["parent"] in seen
        assert unit["unit"] not in seen
        seen.add(unit["unit"])
    if shape == "flat":
        assert not any("parent" in unit for unit in tree)
    if ruleset in POINTS:
        assessed = rules.load(ruleset).assessed_kinds  # type: ignore[union-attr]
        assert any(unit["kind"] in assessed for unit in tree)


@given(year=st.integers(2011, 2020), data=st.data())
def test_times_keep_their_local_date_in_the_year(year: int, data: st.DataObject) -> None:
    text = data.draw(times(year))
    assert codec.TIME_FORM.fullmatch(text)
    assert codec.format_time(codec.parse_time(text)).startswith(str(year))


@given(decimals(-5, 5, places=2))
def test_decimals_are_decimal_strings(text: str) -> None:
    assert re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text)
    assert Decimal(-5) <= codec.parse_decimal(text) <= Decimal(5)


@given(periods())
def test_periods_parse(label: str) -> None:
    assert parse_period(label).label == label


@pytest.mark.parametrize("base", SHIPPED)
@given(data=st.data())
def test_revisions_load_and_extend_their_base(base: str, data: st.DataObject) -> None:
    text = data.draw(revisions(base, max_overrides=4))
    with folder() as where:
        path = where / "revision.toml"
        path.write_text(text, encoding="utf-8")
        revised = rules.load(path)
    assert revised.id not in rules.shipped_ids()
    assert revised.header.lineage[1:] == (base,)


def test_the_docs_examples_run() -> None:
    """docs/testing.md's Python blocks, in order in one namespace; its tests are called."""
    text = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 2
    namespace: dict[str, object] = {"__name__": "docs_testing"}
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"docs/testing.md block {number}", "exec"), namespace)
    tests = [v for k, v in namespace.items() if k.startswith("test_") and callable(v)]
    assert tests
    for test in tests:
        test()
