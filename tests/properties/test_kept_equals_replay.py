"""Kept projections answer exactly what a full replay answers (issue 10's properties).

A random ledger (``ledger.testing.ledgers``: late-dated events, retractions, re-submissions,
reorganisations) is appended in random batches with queries between them, so checkpoints
exist and are extended; every score, explain and diff — at the head, under a revision, and
as of an earlier batch's recording time — must equal a replay of the same events without
any kept state, and at the end a fresh copy of the log built from nothing must agree too.
Rebuilds and catch-ups re-run their groups in batches of a drawn number of events (a few
events make several batches of these small ledgers), and a catch-up looks up the links of
a drawn number of infos at a time.
On SQLite files and on PostgreSQL schemas (the state in the ledger's own database).
"""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st
from propkit import POINTS, YEAR, folder, ledger_of

from backends import Backend
from ledger.testing import ledgers, periods, revisions
from projections import diff, explain, keep, score
from scoreledger.render.reports import board_data, diff_data, explain_data, to_json


def _same_board(ledger: Any, ruleset: Any, period: str, as_of: str | None = None) -> None:
    said: list[str] = []
    kept = score(ledger, ruleset, period, as_of=as_of, log=said.append)
    full = score(ledger, ruleset, period, as_of=as_of, keep=False)
    assert to_json(board_data(kept)) == to_json(board_data(full)), said
    return None


def _same_explain(ledger: Any, ruleset: Any, period: str, unit: str) -> None:
    kept = explain(ledger, ruleset, period, unit)
    full = explain(ledger, ruleset, period, unit, keep=False)
    assert to_json(explain_data(kept)) == to_json(explain_data(full))


@given(data=st.data(), ruleset=st.sampled_from(POINTS))
def test_kept_boards_equal_a_full_replay(
    module_backend: Backend, data: st.DataObject, ruleset: str
) -> None:
    year = YEAR[ruleset]
    reorganize = data.draw(st.booleans(), label="reorganize")
    events = data.draw(ledgers(ruleset=ruleset, size=(0, 60), reorganize=reorganize))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(events)), max_size=6), label="cuts"))
    period = data.draw(periods(year), label="period")
    revision = data.draw(st.none() | revisions(ruleset, min_overrides=1), label="revision")
    batch = data.draw(st.sampled_from([keep.BATCH_EVENTS, 1, 4, 16]), label="batch events")
    links = data.draw(st.sampled_from([keep._LINKS_AT_ONCE, 1, 3]), label="links at once")
    with (
        mock.patch.object(keep, "BATCH_EVENTS", batch),
        mock.patch.object(keep, "_LINKS_AT_ONCE", links),
        folder() as base,
        ledger_of([], base, on=module_backend) as ledger,
    ):
        rulesets: list[Any] = [ruleset]
        if revision is not None:
            path = base / "revision.toml"
            path.write_text(revision, encoding="utf-8")
            rulesets.append(str(path))
        moments: list[str] = []
        start = 0
        for cut in [*cuts, len(events)]:
            batch = events[start:cut]
            start = max(start, cut)
            if batch:
                ledger.append_many(batch)
            moments.append(ledger.head().recorded_at or "2000-01-01T00:00:00+00:00")
            time.sleep(0.002)  # distinct recording times, so an as-of cuts between batches
            if data.draw(st.booleans(), label="as-of first"):
                # The state still stands at the previous batch: the as-of catches it up.
                _same_board(ledger, ruleset, period, as_of=data.draw(st.sampled_from(moments)))
            for ref in rulesets:
                _same_board(ledger, ref, period)
            if len(rulesets) > 1:
                a = diff(ledger, period, rulesets[0], rulesets[1])
                b = diff(ledger, period, rulesets[0], rulesets[1], keep=False)
                assert to_json(diff_data(a)) == to_json(diff_data(b))
            listed = [u.unit for u in score(ledger, ruleset, period, keep=False).units]
            if listed:
                unit = data.draw(st.sampled_from(listed), label="unit")
                _same_explain(ledger, rulesets[-1], period, unit)
            when = data.draw(st.sampled_from(moments), label="as_of")
            _same_board(ledger, ruleset, period, as_of=when)
            earlier = diff(ledger, period, ruleset, as_of=when, against_as_of=moments[-1])
            full = diff(ledger, period, ruleset, as_of=when, against_as_of=moments[-1], keep=False)
            assert to_json(diff_data(earlier)) == to_json(diff_data(full))
        with ledger_of(events, base, on=module_backend, slot="props2") as fresh:
            for ref in rulesets:
                # The same board from another ledger of the same events: only the head (its
                # own chain, at the same seq) differs.
                copy, kept = (
                    board_data(score(fresh, ref, period)),
                    board_data(score(ledger, ref, period)),
                )
                assert copy.pop("head")["seq"] == kept.pop("head")["seq"] == len(events)
                assert to_json(copy) == to_json(kept)
