"""``Ledger.read_tuples`` (what the replays read) yields exactly what ``Ledger.read`` yields,
row for row as plain tuples, whatever the selection: a random ledger (late-dated events,
retractions, reorganisations) read after and through random seqs, up to a random day with
random types read whatever their date, for random groups of units. On SQLite files and on
PostgreSQL schemas."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from propkit import ledger_of

from backends import Backend
from ledger.events import EVENT_TYPES
from ledger.testing import ledgers

TYPES = sorted(EVENT_TYPES)


@given(data=st.data())
def test_read_tuples_is_read_as_tuples(module_backend: Backend, data: st.DataObject) -> None:
    events = data.draw(ledgers(size=(0, 40)), label="events")
    units = sorted({e.get("unit") or "" for e in events} | {""})
    with ledger_of(events, on=module_backend) as ledger:
        for _ in range(3):
            how: dict[str, Any] = {
                "after_seq": data.draw(st.integers(0, len(events) + 1), label="after_seq"),
                "through_seq": data.draw(
                    st.none() | st.integers(0, len(events) + 1), label="through_seq"
                ),
                "until_day": data.draw(
                    st.none() | st.dates().map(lambda d: d.isoformat()), label="until_day"
                ),
                "always": data.draw(st.lists(st.sampled_from(TYPES), unique=True), label="always"),
                "units": data.draw(
                    st.none() | st.lists(st.sampled_from(units), unique=True), label="units"
                ),
                "every": data.draw(st.lists(st.sampled_from(TYPES), unique=True), label="every"),
            }
            named = [tuple(row) for row in ledger.read(**how)]
            plain = list(ledger.read_tuples(**how))
            assert plain == named
            assert all(type(row) is tuple for row in plain)
