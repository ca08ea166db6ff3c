"""``model.make_line`` (the replay's and the kept state's way to build a line) gives the very
record ``Line(...)`` gives: equal, hashing and printing alike, as frozen, with every field
where its name says, for random fields."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from projections.model import Line, make_line

texts = st.text(max_size=8)
maybe = st.none() | texts


@given(
    clause=texts,
    points=st.decimals(allow_nan=False, allow_infinity=False, places=2),
    events=st.lists(texts, max_size=4).map(tuple),
    info=maybe,
    note=texts,
    section=maybe,
    sentence=maybe,
)
def test_make_line_is_line(
    clause: str,
    points: Decimal,
    events: tuple[str, ...],
    info: str | None,
    note: str,
    section: str | None,
    sentence: str | None,
) -> None:
    made = make_line(clause, points, events, info, note, section, sentence)
    built = Line(
        clause=clause,
        points=points,
        events=events,
        info=info,
        note=note,
        section=section,
        sentence=sentence,
    )
    assert type(made) is Line
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert attrs.asdict(made, recurse=False) == attrs.asdict(built, recurse=False)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.note = "changed"  # type: ignore[misc]
    short = make_line(clause, points, events, info, note)
    assert short == attrs.evolve(built, section=None, sentence=None)
