"""The Hypothesis hook registers every event class (a failure there is only a warning)."""

from __future__ import annotations

import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.events import EVENT_TYPES, Absence, Event
from ledger.testing_hook import _hypothesis_setup_hook


def test_the_hook_registers_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _hypothesis_setup_hook()  # Hypothesis swallows an entry point's exception: call it


@settings(max_examples=5, deadline=None)
@given(st.data())
def test_from_type_draws_the_ledgers_events(data: st.DataObject) -> None:
    drawn = data.draw(st.from_type(Absence))
    assert drawn.at.tzinfo is not None  # the ledger's strategy, not Hypothesis's own builds()
    assert type(data.draw(st.from_type(Event))) in EVENT_TYPES.values()
