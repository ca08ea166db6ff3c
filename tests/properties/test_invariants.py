"""The replay's invariants, on ledgers drawn by ``ledger.testing`` and nothing else.

Each property runs for every shipped ruleset it applies to, on real SQLite files.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import assume, event, given
from hypothesis import strategies as st
from propkit import (
    CHECKLISTS,
    POINTS,
    SHIPPED,
    YEAR,
    ZERO,
    boards,
    folder,
    ledger_of,
    masked,
    payloads,
    reopen,
    totals,
)

import rules
from backends import Backend
from ledger import InputError, Ledger
from ledger.jsonl import read_jsonl, write_jsonl
from ledger.recorder import GENESIS
from ledger.testing import ledgers, period_labels, periods, revisions
from projections import score
from projections.heads import ReportHead
from projections.model import ChecklistBoard, Scoreboard


def _labels(ruleset: str, data: st.DataObject) -> list[str]:
    """The ruleset's year and one more period of it, drawn."""
    year = YEAR[ruleset]
    return list(dict.fromkeys([str(year), data.draw(periods(year), label="period")]))


def _draw(data: st.DataObject, ruleset: str, **kw: Any) -> list[dict[str, Any]]:
    """A ledger drawn for the ruleset, or (one time in three) one that mixes every
    ruleset's kinds of units, outlets and tables, in the ruleset's year."""
    drawn_for = data.draw(st.sampled_from([ruleset, ruleset, None]), label="drawn for")
    return data.draw(ledgers(ruleset=drawn_for, year=YEAR[ruleset], **kw), label="events")


# -- determinism and round trips ----------------------------------------------------------


@pytest.mark.parametrize("ruleset", SHIPPED)
@given(data=st.data())
def test_replaying_twice_gives_identical_results(
    module_backend: Backend, ruleset: str, data: st.DataObject
) -> None:
    events = _draw(data, ruleset)
    labels = _labels(ruleset, data)
    with ledger_of(events, on=module_backend) as ledger:
        first = boards(ledger, ruleset, labels, with_trace=True)
        again = boards(ledger, ruleset, labels, with_trace=True)
        reopened = reopen(ledger)
        try:
            third = boards(reopened, ruleset, labels, with_trace=True)
        finally:
            reopened.close()
    assert first == again == third


@pytest.mark.parametrize("ruleset", SHIPPED)
@given(data=st.data())
def test_export_then_import_gives_identical_scoreboards(
    module_backend: Backend, ruleset: str, data: st.DataObject
) -> None:
    events = _draw(data, ruleset)
    labels = _labels(ruleset, data)
    with folder() as where, ledger_of(events, where, on=module_backend) as ledger:
        exported = where / "export.jsonl"
        with open(exported, "w", encoding="utf-8") as out:
            write_jsonl(ledger, out)
        with ledger_of(read_jsonl(str(exported)), where, on=module_backend, slot="props2") as copy:
            assert payloads(copy) == payloads(ledger)
            assert copy.verify().ok
            copied, original = boards(copy, ruleset, labels), boards(ledger, ruleset, labels)
            # The same boards; import re-records the events, so each is headed by the copy's
            # own chain, at the same seq.
            assert {k: masked(b) for k, b in copied.items()} == {
                k: masked(b) for k, b in original.items()
            }
            for label in labels:
                assert copied[label].head == _head_of(copy)
                assert original[label].head == _head_of(ledger)
                assert copied[label].head.seq == original[label].head.seq  # type: ignore[union-attr]


@pytest.mark.parametrize("ruleset", SHIPPED)
@given(data=st.data())
def test_importing_the_same_events_again_changes_nothing(
    module_backend: Backend, ruleset: str, data: st.DataObject
) -> None:
    events = _draw(data, ruleset)
    labels = _labels(ruleset, data)
    with ledger_of(events, on=module_backend) as ledger:
        head = ledger.head()
        before = boards(ledger, ruleset, labels)
        again = ledger.append_many(events)
        assert (again.appended, again.duplicates) == (0, len(events))
        text = io.StringIO()
        write_jsonl(ledger, text)
        exported = ledger.append_many(read_jsonl("export", io.BytesIO(text.getvalue().encode())))
        assert (exported.appended, exported.duplicates) == (0, len(events))
        assert ledger.head() == head
        assert ledger.verify().ok
        assert boards(ledger, ruleset, labels) == before


def _head_of(ledger: Ledger) -> ReportHead:
    head = ledger.head()
    return ReportHead(seq=head.seq, hash=head.hash)


# -- totals -------------------------------------------------------------------------------


@pytest.mark.parametrize("ruleset", SHIPPED)
@given(data=st.data())
def test_every_total_is_the_sum_of_its_lines(
    module_backend: Backend, ruleset: str, data: st.DataObject
) -> None:
    events = _draw(data, ruleset)
    with ledger_of(events, on=module_backend) as ledger:
        for board in boards(ledger, ruleset, _labels(ruleset, data)).values():
            for unit in board.units:
                if isinstance(board, Scoreboard):
                    assert unit.total == sum((line.points for line in unit.lines), ZERO)
                else:
                    assert unit.total == sum((c.score for c in unit.categories), ZERO)
                    assert unit.self_total == sum(
                        (i.self_score for c in unit.categories for i in c.items if i.self_score),
                        ZERO,
                    )
                    for category in unit.categories:
                        assert category.score == sum((i.score for i in category.items), ZERO)


@pytest.mark.parametrize("ruleset", POINTS)
@given(data=st.data())
def test_attribution_conserves_points(
    module_backend: Backend, ruleset: str, data: st.DataObject
) -> None:
    """What units that keep their points total is everything earned, counted once."""
    events = _draw(data, ruleset)
    with ledger_of(events, on=module_backend) as ledger:
        for board in boards(ledger, ruleset, _labels(ruleset, data)).values():
            kept = sum((u.total for u in board.units if u.attributed_to is None), ZERO)
            earned = sum(
                (ln.points for u in board.units for ln in u.lines if ln.clause != "attribution"),
                ZERO,
            )
            assert kept == earned


def _measure(unit: Any, what: str) -> Decimal:
    """A unit's total; what it earned (its lines but attribution); what it keeps."""
    if what == "earned":
        return sum((line.points for line in unit.lines if line.clause != "attribution"), ZERO)
    if what == "kept":
        return unit.total if unit.attributed_to is None else ZERO
    return unit.total


def _by_unit(boards_: list[Scoreboard], what: str = "total") -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for board in boards_:
        for unit in board.units:
            out[unit.unit] += _measure(unit, what)
    return out


def _same(a: dict[str, Decimal], b: dict[str, Decimal]) -> bool:
    return all(a.get(u, ZERO) == b.get(u, ZERO) for u in a.keys() | b.keys())


def _check_periods_add_up(
    ruleset: str, events: list[dict[str, Any]], measures: tuple[str, ...] = ("total",)
) -> None:
    year = YEAR[ruleset]
    with ledger_of(events) as ledger:
        board = boards(ledger, ruleset, period_labels(year))
    for what in measures:
        whole = _by_unit([board[str(year)]], what)
        halves = _by_unit([board[f"{year}H{h}"] for h in (1, 2)], what)
        quarters = _by_unit([board[f"{year}Q{q}"] for q in (1, 2, 3, 4)], what)
        months = _by_unit([board[f"{year}-{m:02d}"] for m in range(1, 13)], what)
        assert _same(halves, whole), (what, halves, whole)
        assert _same(quarters, whole), (what, quarters, whole)
        assert _same(months, whole), (what, months, whole)


@pytest.mark.parametrize("ruleset", POINTS)
@given(data=st.data())
def test_the_periods_of_a_year_add_up_to_the_year(ruleset: str, data: st.DataObject) -> None:
    """Unit by unit; a unit not listed in a period counts 0 there. Without re-organisations
    (see the next tests for those)."""
    _check_periods_add_up(ruleset, _draw(data, ruleset, reorganize=False))


@pytest.mark.parametrize("ruleset", POINTS)
@given(data=st.data())
def test_what_units_earn_and_keep_adds_up_across_reorganisations(
    ruleset: str, data: st.DataObject
) -> None:
    """With unit_changed events, a unit may hand its points up in one period and keep them
    in another. Its *total* then is not additive (an attributed child shows what it earned,
    a unit that kept part shows what it kept, so that attribution is conserved); what it
    earns and what it keeps are."""
    _check_periods_add_up(ruleset, _draw(data, ruleset, reorganize=True), ("earned", "kept"))


#: A county that hands its points to its city until the city becomes a county itself (in
#: jiangsu-2016 a county hands up to the nearest city); afterwards it keeps them.
REORGANISED = [
    {"id": "reg-c", "type": "unit_registered", "at": "2016-01-01", "unit": "c",
     "name": "市总工会", "kind": "city"},
    {"id": "reg-k", "type": "unit_registered", "at": "2016-01-01", "unit": "k",
     "name": "鼓楼区总工会", "kind": "county", "parent": "c"},
    {"id": "s1", "type": "submission", "at": "2016-02-01", "unit": "k", "info": "K-1"},
    {"id": "a1", "type": "adoption", "at": "2016-02-02", "info": "K-1", "outlet": "acftu.bulletin"},
    {"id": "ch", "type": "unit_changed", "at": "2016-04-01", "unit": "c", "kind": "county"},
    {"id": "s2", "type": "submission", "at": "2016-05-01", "unit": "k", "info": "K-2"},
    {"id": "a2", "type": "adoption", "at": "2016-05-02", "info": "K-2", "outlet": "acftu.bulletin"},
]  # fmt: skip


def test_a_unit_that_hands_up_then_keeps_its_points(
    module_backend: Backend,
) -> None:
    """Found by the property above: k earns 10 in Q1 (handed to its city) and 10 in Q2
    (kept, once the city is no longer of an assessed kind)."""
    with ledger_of(REORGANISED, on=module_backend) as ledger:
        q1, q2, year = (score(ledger, "jiangsu-2016", p) for p in ("2016Q1", "2016Q2", "2016"))
    assert (q1.unit("k").attributed_to, q1.unit("k").total) == ("c", Decimal(10))
    assert (q2.unit("k").attributed_to, q2.unit("k").total) == (None, Decimal(10))
    k = year.unit("k")
    # The year: 20 earned, 10 handed to c (a negative attribution line), 10 kept.
    assert (k.attributed_to, k.total) == (None, Decimal(10))
    assert [
        (line.clause, line.points, line.note) for line in k.lines if line.clause == "attribution"
    ] == [("attribution", Decimal(-10), "handed to c")]
    assert year.unit("c").total == Decimal(10)
    _check_periods_add_up("jiangsu-2016", REORGANISED, ("earned", "kept"))


# -- retractions ----------------------------------------------------------------------------


def _dependents(events: list[dict[str, Any]], index: int) -> bool:
    """Whether a later event needs events[index] to be valid: an adoption or instruction of
    the item that event submits which leaves out the unit, or names its unit while an
    earlier (retracted) submission of the item names another, which would then govern."""
    target = events[index]
    if target["type"] != "submission":
        return False
    info = target["info"]
    earlier = [e["unit"] for e in events[:index] if e["type"] == "submission" and e["info"] == info]
    return any(
        e["type"] in ("adoption", "instruction")
        and e["info"] == info
        and ("unit" not in e or (earlier and e["unit"] != earlier[-1]))
        for e in events[index + 1 :]
    )


@pytest.mark.parametrize("ruleset", SHIPPED)
@given(data=st.data())
def test_retracting_an_event_is_as_if_it_was_never_appended(
    module_backend: Backend, ruleset: str, data: st.DataObject
) -> None:
    """Any event but a unit registration or a retraction (unit changes included, though
    drawn ledgers never retract those)."""
    events = _draw(data, ruleset, size=(1, 40))
    retracted = {e["target"] for e in events if e["type"] == "retraction"}
    candidates = [
        i
        for i, e in enumerate(events)
        if e["type"] not in ("unit_registered", "retraction")
        and e["id"] not in retracted
        and not _dependents(events, i)
    ]
    if not candidates:
        return
    index = data.draw(st.sampled_from(candidates), label="retracted")
    retraction = {
        "id": "the-retraction",
        "type": "retraction",
        "at": f"{YEAR[ruleset]}-12-31",
        "target": events[index]["id"],
        "reason": "录入错误",
    }
    labels = _labels(ruleset, data)
    with ledger_of([*events, retraction], on=module_backend) as with_retraction:
        retracted_boards = boards(with_retraction, ruleset, labels)
    try:
        with ledger_of(
            events[:index] + events[index + 1 :], on=module_backend, slot="props2"
        ) as without:
            never_boards = boards(without, ruleset, labels)
    except InputError:
        # Only when a unit change is left out: a later move may then close a cycle.
        assert events[index]["type"] == "unit_changed"
        assume(False)
    for label in labels:
        assert masked(retracted_boards[label]) == masked(never_boards[label])


# -- caps -----------------------------------------------------------------------------------


def _check_caps(ledger: Ledger, ruleset: Any, year: int) -> None:
    loaded = rules.load(ruleset) if not isinstance(ruleset, rules.PointsRuleset) else ruleset
    capped = {c.id: c.cap for c in loaded.clauses if getattr(c, "cap", None) is not None}
    assert capped
    per_quarter: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    for q in (1, 2, 3, 4):
        board = score(ledger, loaded, f"{year}Q{q}")
        for unit in board.units:
            for clause, cap in capped.items():
                got = sum((ln.points for ln in unit.lines if ln.clause == clause), ZERO)
                assert got <= cap, (unit.unit, clause, q, got)
                if got == cap:
                    event("a unit reached the cap in a quarter")
                per_quarter[(unit.unit, clause, q)] = got
    for m in range(1, 13):
        board = score(ledger, loaded, f"{year}-{m:02d}")
        for unit in board.units:
            for clause in capped:
                got = sum((ln.points for ln in unit.lines if ln.clause == clause), ZERO)
                per_quarter[(unit.unit, clause, (m - 1) // 3 + 1)] -= got
    assert all(v == 0 for v in per_quarter.values()), per_quarter  # months fill the quarter
    for unit in score(ledger, loaded, str(year)).units:
        for line in unit.lines:
            if line.clause in capped:
                assert line.points <= capped[line.clause], (unit.unit, line)


@given(data=st.data())
def test_no_capped_clause_exceeds_its_cap_in_any_quarter(
    module_backend: Backend, data: st.DataObject
) -> None:
    """dalian-2011: submissions 0.5 each, at most 10 per unit and quarter (before any
    hand-up); each quarter's line, each month's share and each year line within the cap."""
    events = _draw(data, "dalian-2011", size=(20, 70))
    with ledger_of(events, on=module_backend) as ledger:
        _check_caps(ledger, "dalian-2011", 2011)


@given(data=st.data())
def test_caps_hold_under_revised_caps_and_points(
    module_backend: Backend, data: st.DataObject
) -> None:
    events = _draw(data, "dalian-2011", size=(20, 70))
    text = data.draw(revisions("dalian-2011", min_overrides=1, fields=("points", "cap")))
    with folder() as where, ledger_of(events, where, on=module_backend) as ledger:
        path = where / "revision.toml"
        path.write_text(text, encoding="utf-8")
        _check_caps(ledger, rules.load(path), 2011)


# -- revisions ------------------------------------------------------------------------------


@pytest.mark.parametrize("ruleset", SHIPPED)
@given(data=st.data())
def test_a_revision_without_overrides_scores_like_its_base(
    module_backend: Backend, ruleset: str, data: st.DataObject
) -> None:
    events = _draw(data, ruleset)
    text = data.draw(revisions(ruleset, max_overrides=0), label="revision")
    labels = _labels(ruleset, data)
    with folder() as where, ledger_of(events, where, on=module_backend) as ledger:
        path = where / "revision.toml"
        path.write_text(text, encoding="utf-8")
        revised = rules.load(path)
        for label in labels:
            assert totals(score(ledger, revised, label)) == totals(score(ledger, ruleset, label))


#: Rulesets without caps, and which numbers "raising a clause's points" may touch there.
#: dalian-2011 caps submissions: raising those points uses more of a quarter's cap in
#: earlier months and leaves later months less, so there only adoption points are raised.
RAISABLE = {
    "jiangsu-2016": ("points",),
    "changzhou-2016": ("points",),
    "dalian-2011": ("single", "combined"),
}


@pytest.mark.parametrize("ruleset", POINTS)
@given(data=st.data())
def test_raising_one_clause_never_lowers_a_total(
    module_backend: Backend, ruleset: str, data: st.DataObject
) -> None:
    """Gates and conditions carry no points to raise; every raised number is higher."""
    events = _draw(data, ruleset)
    text = data.draw(
        revisions(
            ruleset,
            min_overrides=1,
            max_overrides=1,
            direction="up",
            fields=RAISABLE[ruleset],
            targets=False,
        ),
        label="revision",
    )
    labels = _labels(ruleset, data)
    with folder() as where, ledger_of(events, where, on=module_backend) as ledger:
        path = where / "revision.toml"
        path.write_text(text, encoding="utf-8")
        revised = rules.load(path)
        for label in labels:
            before = totals(score(ledger, ruleset, label))
            after = totals(score(ledger, revised, label))
            for unit in before.keys() | after.keys():
                assert after.get(unit, ZERO) >= before.get(unit, ZERO), (label, unit)


# -- as of ----------------------------------------------------------------------------------


@pytest.mark.parametrize("ruleset", SHIPPED)
@given(data=st.data())
def test_as_of_now_is_the_present_and_before_the_first_append_is_empty(
    module_backend: Backend, ruleset: str, data: st.DataObject
) -> None:
    events = _draw(data, ruleset)
    split = data.draw(st.integers(1, len(events)), label="first batch")
    labels = _labels(ruleset, data)
    with (
        ledger_of([], on=module_backend) as ledger,
        ledger_of(events[:split], on=module_backend, slot="props2") as first_only,
    ):
        ledger.append_many(events[:split])
        end_of_first = datetime.fromisoformat(ledger.head().recorded_at)  # type: ignore[arg-type]
        if split < len(events):
            ledger.append_many(events[split:])
        first_append = datetime.fromisoformat(next(ledger.rows())[5])
        now = datetime.now(UTC)
        for label in labels:
            present = score(ledger, ruleset, label)
            assert present.head == _head_of(ledger)
            assert attrs.evolve(score(ledger, ruleset, label, as_of=now), as_of=None) == present
            empty = score(ledger, ruleset, label, as_of=first_append - timedelta(microseconds=1))
            assert empty.units == ()
            assert empty.head == ReportHead(seq=0, hash=GENESIS)  # before the first event
            if datetime.fromisoformat(ledger.head().recorded_at) > end_of_first:  # type: ignore[arg-type]
                then = score(ledger, ruleset, label, as_of=end_of_first)
                # The last event recorded by then: the first batch's last.
                assert then.head == ReportHead(seq=split, hash=ledger.seq_hash(split) or "")
                assert masked(attrs.evolve(then, as_of=None)) == masked(
                    score(first_only, ruleset, label)
                )


# -- checklists -----------------------------------------------------------------------------


@pytest.mark.parametrize("ruleset", CHECKLISTS)
@given(data=st.data())
def test_checklist_items_and_categories_stay_within_their_maxima(
    module_backend: Backend, ruleset: str, data: st.DataObject
) -> None:
    events = _draw(data, ruleset, size=(0, 60))
    with ledger_of(events, on=module_backend) as ledger:
        for board in boards(ledger, ruleset, _labels(ruleset, data)).values():
            assert isinstance(board, ChecklistBoard)
            for unit in board.units:
                for category in unit.categories:
                    assert ZERO <= category.score <= category.max, (unit.unit, category)
                    for item in category.items:
                        assert ZERO <= item.score <= item.max, (unit.unit, item)
                        if item.self_score is not None:
                            assert ZERO <= item.self_score <= item.max, (unit.unit, item)
                assert ZERO <= unit.total <= sum((c.max for c in unit.categories), ZERO)
