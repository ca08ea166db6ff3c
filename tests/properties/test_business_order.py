"""Facts read in log order and sorted by ``at`` alone (``points.facts.in_business_order``,
a stable sort) are in business order, ``(at, seq)``: for random facts in seq order whose
times repeat (events of one moment) and go backwards (late-dated events), the very same
list as sorting on the pair."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from projections.points.facts import Fact, in_business_order

#: Few distinct times, so many facts share one.
times = st.sampled_from(
    [
        "2011-07-01T08:00:00+08:00",
        "2011-07-01T08:00:00.000001+08:00",
        "2011-07-01T09:30:00+08:00",
        "2011-08-15T10:00:00+08:00",
        "2011-12-31T23:59:59.999999+08:00",
    ]
)


@given(st.lists(times, max_size=60))
def test_sorting_by_at_alone_is_business_order(ats: list[str]) -> None:
    logged = [Fact(seq, f"e{seq}", "submission", at, "u", {}) for seq, at in enumerate(ats, 1)]
    assert in_business_order(logged) == sorted(logged, key=lambda f: (f.at, f.seq))
    assert [f.seq for f in in_business_order(logged)] == [
        f.seq for f in sorted(logged, key=lambda f: (f.at, f.seq))
    ]
