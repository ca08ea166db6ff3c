"""One way to read an event (issue 9 item 3): the replay reads rows by name through the
same upcaster chain as ``Ledger.events``/``get``, so a registered upcaster changes scores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger import Ledger
from ledger import events as events_module
from ledger import upcast as upcast_module
from ledger.reader import EventRow
from projections import explain, score
from scenario_helpers import D, adopt, build, reg, sub

EVENTS = [
    reg("shahekou", "沙河口区总工会", "county"),
    sub("s1", "shahekou", "SHK-1", "2011-07-01"),
    adopt("a1", "SHK-1", "city.union.internal", "2011-07-08"),  # adopt.city_internal: 2
]


@pytest.fixture
def schema_v2(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A later release: schema 2, whose adoptions name the outlet 'venue'. Version 1 events
    (all those stored) are lifted by the upcaster registered in the test."""
    saved = dict(upcast_module.UPCASTERS)
    monkeypatch.setattr(events_module, "SCHEMA_VERSION", 2)
    for kind in ("unit_registered", "submission"):  # unchanged in version 2
        upcast_module.register(kind, 1)(dict)
    yield
    upcast_module.UPCASTERS.clear()
    upcast_module.UPCASTERS.update(saved)


def test_score_sees_the_upcast_event(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    path = build(tmp_path, EVENTS)
    with Ledger.open(path) as ledger:
        before = score(ledger, "dalian-2011", "2011Q3").unit("shahekou").total
        assert before == D("2.5")  # 0.5 for the submission, 2 for the internal journal
        request.getfixturevalue("schema_v2")

        @upcast_module.register("adoption", 1)
        def _v1_to_v2(p: dict) -> dict:
            # The made-up history: version 1 recorded the city union's internal journal
            # where version 2 knows it was the city union's bulletin (4 points).
            if p.get("outlet") == "city.union.internal":
                return {**p, "outlet": "city.union.bulletin"}
            return p

        board = score(ledger, "dalian-2011", "2011Q3")
        assert board.unit("shahekou").total == D("4.5")
        adopted = [line.clause for line in board.unit("shahekou").lines if line.info == "SHK-1"]
        assert adopted == ["adopt.city_union"]
        traced = explain(ledger, "dalian-2011", "2011Q3", "shahekou").unit.trace
        assert [(t.event, t.clause) for t in traced if t.type == "adoption"] == [
            ("a1", "adopt.city_union")
        ]
        # The same step serves the object API and the named rows.
        assert ledger.get("a1").event.outlet == "city.union.bulletin"  # type: ignore[union-attr]
        rows = {row.id: row for row in ledger.read()}
        assert isinstance(rows["a1"], EventRow)
        assert rows["a1"].payload["outlet"] == "city.union.bulletin"
        # The replays' plain tuples go through the same step: the same rows, upcast.
        plain = list(ledger.read_tuples())
        assert plain == [tuple(row) for row in ledger.read()]
        assert {t[1]: t[6] for t in plain}["a1"]["outlet"] == "city.union.bulletin"


def test_a_missing_upcaster_is_an_error_not_a_silent_old_payload(
    tmp_path: Path, schema_v2: None
) -> None:
    path = build(tmp_path, EVENTS)
    with Ledger.open(path) as ledger, pytest.raises(ValueError, match="no upcaster"):
        score(ledger, "dalian-2011", "2011Q3")
