"""Caps (``points.caps.Caps``) take what the clause's cap leaves: for random caps, points
and orders of events over units and days, every answer is the very Decimal (the same digits
and exponent, so the same text in a report) that ``min(points, max(cap - used, 0))`` gives,
the windows used added up as before; and a window label worked out once per day is
``periods.window_of``'s."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from projections.periods import parse_period, window_of
from projections.points.caps import Caps
from projections.points.facts import Fact
from rules import SubmissionClause
from rules.model import CapWindow

PERS: tuple[CapWindow, ...] = ("quarter", "half", "year", "month")
#: Decimals as the rules and events spell them: 0, 0.0, 0.50, 10, negatives (a revision).
amounts = st.decimals(min_value=-5, max_value=30, places=2, allow_nan=False) | st.sampled_from(
    [Decimal("0"), Decimal("0.0"), Decimal("0.00"), Decimal("10"), Decimal("0.5")]
)
days = st.dates().map(lambda d: d.isoformat())


@given(
    cap=amounts,
    per=st.sampled_from(PERS),
    takes=st.lists(st.tuples(st.sampled_from(["u1", "u2", ""]), st.dates(), amounts), max_size=40),
)
def test_take_is_min_of_points_and_what_is_left(
    cap: Decimal, per: CapWindow, takes: list[tuple[str, object, Decimal]]
) -> None:
    clause = SubmissionClause(
        id="c", section="§", sentence="…", points=Decimal(1), cap=cap, cap_per=per
    )
    caps = Caps(parse_period("2016"))
    used: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for n, (unit, day, points) in enumerate(takes):
        at = f"{day}T08:00:00+08:00"
        fact = Fact(n, f"e{n}", "submission", at, unit or None, {})
        key = (unit, window_of(at[:10], per))
        expected = min(points, max(cap - used[key], Decimal(0)))
        used[key] += expected
        got = caps.take(clause, fact, points)
        assert (str(got), got.as_tuple()) == (str(expected), expected.as_tuple())


@given(per=st.sampled_from(PERS), asked=st.lists(days, max_size=30))
def test_window_is_window_of(per: str, asked: list[str]) -> None:
    caps = Caps(parse_period("2016"))
    for day in asked + asked:  # the second time from what was worked out
        assert caps.window(per, day) == window_of(day, per)
