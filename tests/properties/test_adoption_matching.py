"""The adoption clauses worked out once per question (``points.adoptions.Matching``) are the
ones asked afresh for every adoption: for random ledgers (reorganisations move units and
change their kinds, retractions and re-submissions change an info's standing submission)
under every points ruleset (gates with unit conditions, bonus clauses, flags), each live
adoption's gates, base clause and bonus clauses, and its submission, equal
``adoption_match``, ``base_clause``, ``bonus_clauses`` and ``PointsState.submission_of``
computed for it alone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from propkit import POINTS, YEAR, ledger_of

from ledger.testing import ledgers, periods
from projections.api import resolve_ruleset
from projections.engine import ALWAYS_READ, PointsReplay
from projections.periods import parse_period
from projections.points.adoptions import (
    Matching,
    adoption_match,
    base_clause,
    bonus_clauses,
)
from rules import GateClause, PointsRuleset


@given(data=st.data(), ruleset=st.sampled_from(POINTS))
def test_matching_once_is_matching_each_time(data: st.DataObject, ruleset: str) -> None:
    year = YEAR[ruleset]
    reorganize = data.draw(st.booleans(), label="reorganize")
    events = data.draw(ledgers(ruleset=ruleset, size=(10, 120), reorganize=reorganize))
    period = parse_period(data.draw(periods(year), label="period"))
    loaded = resolve_ruleset(ruleset)
    assert isinstance(loaded, PointsRuleset)
    with ledger_of(events) as ledger:
        state = PointsReplay(loaded, period)
        state.read(ledger.read_tuples(until_day=period.last, always=ALWAYS_READ))
    state.units.freeze(state.retracted)
    matching = Matching(state)
    for fact in state.live("adoption"):  # twice each: the second answer comes from the memo
        for _ in range(2):
            sub, flags = matching.submission(fact.p["info"])
            assert sub is state.submission_of(fact.p["info"])
            key = matching.key(fact, flags)
            gates = [g for g in state.clauses(GateClause) if adoption_match(state, g, fact, sub)]
            assert list(matching.gates(key, fact, sub)) == gates
            base, hits = matching.scoring(key, fact, sub)
            assert base is base_clause(state, fact, sub)
            assert list(hits) == bonus_clauses(state, fact, sub)
