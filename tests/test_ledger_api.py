"""The Python API: append, read back with filters, get, head, errors, upcasting."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from ledger import (
    CST,
    Activity,
    Adjustment,
    Event,
    InputError,
    Ledger,
    LedgerError,
    Location,
    Submission,
)
from ledger import upcast as upcast_module
from ledger.errors import Locations
from ledger.integrity import GENESIS


@pytest.fixture
def ledger(base_db: Path) -> Iterator[Ledger]:
    with Ledger.open(base_db) as opened:
        yield opened


def test_open_refuses_a_missing_file_unless_asked_to_create(tmp_path: Path):
    with pytest.raises(LedgerError, match="no such ledger file"):
        Ledger.open(tmp_path / "x.sqlite")
    assert not (tmp_path / "x.sqlite").exists()
    with Ledger.open(tmp_path / "x.sqlite", create=True) as fresh:
        assert fresh.head().seq == 0 and fresh.head().hash == GENESIS and len(fresh) == 0
        assert fresh.verify().ok


def test_append_returns_counts_seq_range_and_head(ledger: Ledger):
    result = ledger.append(
        {"type": "activity", "at": "2016-05-01", "unit": "gulou", "activity": "training"}
    )
    assert (result.appended, result.duplicates, result.first_seq, result.last_seq) == (1, 0, 8, 8)
    assert result.head_hash == ledger.head().hash
    again = ledger.append_many([ledger.get("s1").event, ledger.get("act1").event])
    assert (again.appended, again.duplicates, again.first_seq, again.last_seq) == (0, 2, None, None)


def test_append_accepts_event_objects_and_reads_naive_times_as_beijing(ledger: Ledger):
    ledger.append(Activity(id="a1", at=datetime(2016, 5, 1, 9), unit="gulou", activity="meeting"))
    ledger.append(
        Adjustment(id="adj", at=datetime(2016, 5, 1, tzinfo=UTC), unit="gulou",
                   points=Decimal("-0.5"), reason="late")
    )  # fmt: skip
    assert ledger.get("a1").event.at == datetime(2016, 5, 1, 9, tzinfo=CST)
    assert ledger.get("adj").event.at == datetime(2016, 5, 1, 8, tzinfo=CST)
    assert ledger.get("adj").event.points == Decimal("-0.5")


def test_event_objects_get_the_same_checks_as_json(ledger: Ledger):
    bad = [
        Activity(id="a1", at=datetime(2016, 5, 1), unit="nobody", activity="meeting"),
        Activity(id="a2", at=datetime(2016, 5, 1), unit="gulou", activity="party"),
        Submission(id="s9", at=datetime(2016, 5, 1), unit="gulou", info="X", urgent="yes"),  # type: ignore[arg-type]
    ]
    with pytest.raises(InputError) as caught:
        ledger.append_many(bad)
    assert [(str(p.location), p.field) for p in caught.value.problems] == [
        ("<api>:1", "unit"),
        ("<api>:2", "activity"),
        ("<api>:3", "urgent"),
    ]
    assert len(ledger) == 7


def test_event_objects_with_values_of_the_wrong_type_are_refused(ledger: Ledger):
    # attrs does not check types; a float must never become a (rounded) decimal string.
    at = datetime(2016, 5, 1)
    bad = [
        Adjustment(id="f", at=at, unit="gulou", points=0.1234567, reason="x"),  # type: ignore[arg-type]
        Adjustment(id="n", at=at, unit="gulou", points=Decimal("NaN"), reason="x"),
        Activity(id="d", at=date(2016, 5, 1), unit="gulou", activity="meeting"),  # type: ignore[arg-type]
        Activity(id="i", at=at, unit=5, activity="meeting"),  # type: ignore[arg-type]
        ("not", "a located entry"),
        Event(id="base", at=at),
    ]
    with pytest.raises(InputError) as caught:
        ledger.append_many(bad)
    assert [str(p) for p in caught.value.problems] == [
        "<api>:1: points: expected a finite Decimal (never a float), got float 0.1234567",
        "<api>:2: points: expected a finite Decimal (never a float), got Decimal('NaN')",
        "<api>:3: at: expected a datetime, got datetime.date(2016, 5, 1)",
        "<api>:4: unit: expected a string, got int 5",
        "<api>:5: expected a JSON object, got ('not', 'a located entry')",
        "<api>:6: type: Event is not an event type; expected one of UnitRegistered, "
        "UnitChanged, Submission, Adoption, Instruction, Activity, Veto, Ranking, Adjustment, "
        "Assessment, Absence, Retraction",
    ]
    assert len(ledger) == 7


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"since": date(2016, 1, 1)},
         "since: expected a datetime (naive means +08:00), got date datetime.date(2016, 1, 1)"),
        ({"until": "2016-12-31"},
         "until: expected a datetime (naive means +08:00), got str '2016-12-31'"),
        ({"as_of": "2030-01-01"},
         "as_of: expected a datetime (naive means UTC), got str '2030-01-01'"),
    ],
)  # fmt: skip
def test_event_filters_refuse_what_is_not_a_datetime(ledger: Ledger, arguments, message):
    with pytest.raises(TypeError) as caught:
        next(ledger.events(**arguments))
    assert str(caught.value) == message


def test_append_many_is_atomic_and_collects_every_problem(ledger: Ledger):
    head = ledger.head()
    batch = [
        {"type": "activity", "at": "2016-05-01", "unit": "gulou", "activity": "meeting"},
        {"type": "activity", "at": "2016-05-01", "unit": "gulou", "activity": "party"},
        {"type": "adjustment", "at": "2016-05-01", "unit": "gulou", "points": 1, "reason": "x"},
    ]
    with pytest.raises(InputError) as caught:
        ledger.append_many(batch)
    error = caught.value
    assert [str(p) for p in error.problems] == [
        "<api>:2: activity: unknown activity 'party'; expected one of meeting, "
        "press_conference, training, exchange",
        '<api>:3: points: expected a decimal string like "0.5", got 1',
    ]
    assert str(error).endswith("(and 1 more problem)")
    assert error.lines()[-1] == "nothing was appended"
    assert ledger.head() == head


def test_append_many_takes_located_entries(ledger: Ledger):
    entry = (Location("mail-2016-05.jsonl", 12), {"type": "activity", "at": "2016-05-01"})
    with pytest.raises(InputError) as caught:
        ledger.append_many([entry])
    assert str(caught.value.problems[0]).startswith("mail-2016-05.jsonl:12: ")


def test_locations_keep_their_order_files_and_sheets():
    kept = [Location("a.xlsx", 2, "events"), Location("a.xlsx", 9, "events"),
            Location("a.xlsx", 3, "units"), Location("<api>", 1), Location("a.xlsx", 4, "units"),
            Location("<api>", 1_000_000)]  # fmt: skip
    locations = Locations()
    for loc in kept:
        locations.append(loc)
    assert list(locations) == kept and len(locations) == len(kept)
    assert not Locations() and list(Locations()) == []


def test_a_new_ledger_made_first_elsewhere_gets_the_batch_with_its_locations(tmp_path: Path):
    # Two creates of one new file: the second to commit appends its batch to the first's
    # ledger, checked there, each problem still naming the entry's own location.
    reg = {"id": "u-gl", "type": "unit_registered", "at": "2016-01-01", "unit": "gulou",
           "name": "鼓楼区总工会", "kind": "county"}  # fmt: skip
    act = {"type": "activity", "at": "2016-03-05", "unit": "gulou", "activity": "meeting"}
    path = tmp_path / "new.sqlite"
    with Ledger.open(path, create=True) as late, Ledger.open(path, create=True) as first:
        first.append_many([reg, {"id": "x1", **act}])
        batch = [
            (Location("a.xlsx", 2, "events"), reg),
            (Location("a.xlsx", 3, "events"), {"id": "x1", **act, "at": "2016-03-06"}),
            (Location("b.jsonl", 7), {"id": "x2", **act}),
        ]
        with pytest.raises(InputError) as caught:
            late.append_many(batch)
        assert [str(p) for p in caught.value.problems] == [
            "a.xlsx:events!3: id: id 'x1' is already recorded (seq 2) with different content"
        ]
        done = late.append_many([batch[0], batch[2]])
        assert (done.appended, done.duplicates) == (1, 1)
    with Ledger.open(path) as ledger:
        assert [r.event.id for r in ledger.events()] == ["u-gl", "x1", "x2"]


def test_get_returns_the_recorded_event(ledger: Ledger):
    recorded = ledger.get("s1")
    assert recorded is not None
    assert recorded.seq == 5 and recorded.unit == "gulou"
    assert recorded.event.info == "GL-1" and recorded.event.category == "regular"
    assert recorded.recorded_at.tzinfo is not None
    assert len(recorded.hash) == 64 and recorded.prev_hash == ledger.get("u-office").hash
    assert ledger.get("nope") is None


@pytest.fixture
def timeline(ledger: Ledger) -> tuple[Ledger, datetime]:
    """Two appends recorded at different instants; returns the instant between them."""
    ledger.append_many(
        [
            {"id": "sub2", "type": "submission", "at": "2016-04-01T10:00", "unit": "xuanwu",
             "info": "XW-1"},
            {"id": "ad1", "type": "adoption", "at": "2016-04-03", "info": "GL-1",
             "outlet": "city.union.bulletin"},
        ]
    )  # fmt: skip
    between = datetime.fromisoformat(ledger.head().recorded_at)
    time.sleep(0.002)
    ledger.append(
        {"id": "late", "type": "activity", "at": "2016-06-30T23:59", "unit": "xuanwu",
         "activity": "exchange"}
    )  # fmt: skip
    return ledger, between


def ids(records) -> list[str]:
    return [r.event.id for r in records]


def test_events_stream_in_log_order(timeline):
    ledger, _ = timeline
    records = list(ledger.events())
    assert [r.seq for r in records] == list(range(1, 11))
    assert ids(records)[-3:] == ["sub2", "ad1", "late"]


def test_events_filter_by_type_and_unit(timeline):
    ledger, _ = timeline
    assert ids(ledger.events(types=["submission"])) == ["s1", "sub2"]
    assert ids(ledger.events(types={"activity", "retraction"})) == ["act1", "r1", "late"]
    # The adoption names no unit: it scores for the submitter.
    assert ids(ledger.events(unit="gulou")) == ["u-gulou", "s1", "act1", "ad1"]
    assert ids(ledger.events(unit="xuanwu", types=["activity"])) == ["late"]
    assert ids(ledger.events(types=[])) == []


def test_events_filter_by_business_time(timeline):
    ledger, _ = timeline
    since = datetime(2016, 4, 1, 10, tzinfo=CST)
    assert ids(ledger.events(since=since)) == ["sub2", "ad1", "late"]  # inclusive
    assert ids(ledger.events(since=since, until=datetime(2016, 4, 3, tzinfo=CST))) == [
        "sub2",
        "ad1",
    ]
    # Naive bounds are Beijing time, like `at` itself; other offsets compare as instants.
    assert ids(ledger.events(since=datetime(2016, 4, 1, 10))) == ["sub2", "ad1", "late"]
    assert ids(ledger.events(since=datetime(2016, 4, 1, 2, 0, 1, tzinfo=UTC))) == ["ad1", "late"]
    assert ids(ledger.events(until=datetime(2016, 1, 4))) == ["u-city", "u-gulou", "u-xuanwu",
                                                              "u-office"]  # fmt: skip


def test_events_as_of_a_recorded_time(timeline):
    ledger, between = timeline
    assert ids(ledger.events(as_of=between))[-2:] == ["sub2", "ad1"]
    assert "late" not in ids(ledger.events(as_of=between))
    assert ids(ledger.events(as_of=between - timedelta(days=1))) == []
    # A naive as_of is UTC (CONTRACT §4 --as-of).
    naive = between.astimezone(UTC).replace(tzinfo=None)
    assert ids(ledger.events(as_of=naive)) == ids(ledger.events(as_of=between))
    assert ids(ledger.events(as_of=between.astimezone(CST))) == ids(ledger.events(as_of=between))


def test_recorded_at_never_goes_backwards(ledger: Ledger):
    for i in range(5):
        ledger.append({"type": "activity", "at": "2016-05-01", "unit": "gulou",
                       "activity": "meeting", "id": f"m{i}"})  # fmt: skip
    stamps = [r.recorded_at for r in ledger.events()]
    assert stamps == sorted(stamps)
    assert all(s.utcoffset() == timedelta(0) for s in stamps)


def test_verify_report(ledger: Ledger):
    report = ledger.verify()
    assert report.ok and report.count == 7 and report.head_hash == ledger.head().hash
    assert str(report) == f"OK: 7 events, head hash {report.head_hash}"


# -- upcasting -------------------------------------------------------------------------


@pytest.fixture
def clean_upcasters() -> Iterator[None]:
    saved = dict(upcast_module.UPCASTERS)
    yield
    upcast_module.UPCASTERS.clear()
    upcast_module.UPCASTERS.update(saved)


def test_upcaster_chain_lifts_an_old_payload_step_by_step(clean_upcasters):
    # A made-up history: v1 called the field "kind", v2 "what", v3 (today) "activity".
    @upcast_module.register("activity", 1)
    def _v1(p: dict) -> dict:
        return {("what" if k == "kind" else k): v for k, v in p.items()}

    @upcast_module.register("activity", 2)
    def _v2(p: dict) -> dict:
        return {("activity" if k == "what" else k): v for k, v in p.items()}

    old = {"type": "activity", "id": "a", "at": "2011-05-01", "unit": "u", "kind": "meeting"}
    assert upcast_module.upcast(old, 1, target=3) == {
        **_without(old, "kind"),
        "activity": "meeting",
    }
    assert upcast_module.upcast(old, 3, target=3) is old
    with pytest.raises(ValueError, match="no upcaster for activity version 3"):
        upcast_module.upcast(old, 3, target=4)
    with pytest.raises(ValueError, match="no upcaster for submission version 1"):
        upcast_module.upcast({"type": "submission"}, 1, target=2)


def test_reading_applies_the_upcasters(ledger: Ledger, clean_upcasters, monkeypatch):
    @upcast_module.register("activity", 1)
    def _v1(p: dict) -> dict:
        return {**p, "note": "lifted from v1"}

    def upcast_to_2(payload: dict, version: int) -> dict:
        return upcast_module.upcast(payload, version, target=2)

    monkeypatch.setattr("ledger.reader.upcast", upcast_to_2)
    assert ledger.get("act1").event.note == "lifted from v1"
    assert [r.event.note for r in ledger.events(types=["activity"])] == ["lifted from v1"]


def _without(d: dict, key: str) -> dict:
    return {k: v for k, v in d.items() if k != key}


def test_a_later_append_finds_the_latest_submitter_of_a_resubmitted_info(ledger: Ledger):
    # s1 (gulou) submitted GL-1 in the base ledger. Retract it and let a unit whose id sorts
    # before gulou's resubmit, each in its own transaction: the adoption's lookup reads
    # both submissions from the file and must take the later one, not the index's last.
    ledger.append({"type": "unit_registered", "at": "2016-01-02", "unit": "aardvark",
                   "name": "甲", "kind": "county"})  # fmt: skip
    ledger.append({"type": "retraction", "at": "2016-05-01", "target": "s1", "reason": "unit"})
    ledger.append({"type": "submission", "at": "2016-05-02", "unit": "aardvark", "info": "GL-1",
                   "id": "s-again"})  # fmt: skip
    ledger.append({"type": "adoption", "at": "2016-05-03", "info": "GL-1",
                   "outlet": "city.union.web.news", "id": "ad-again"})  # fmt: skip
    assert ledger.get("ad-again").unit == "aardvark"
    with pytest.raises(InputError, match="already submitted \\(event s-again"):
        ledger.append({"type": "submission", "at": "2016-05-04", "unit": "gulou",
                       "info": "GL-1"})  # fmt: skip


def test_a_batch_longer_than_a_chunk_gets_a_larger_page_cache_until_it_ends(ledger: Ledger):
    from ledger.store import CHUNK, IMPORT_CACHE_KIB

    before = ledger.conn.execute("PRAGMA cache_size").fetchone()[0]
    seen: list[int] = []
    events = (
        {"type": "activity", "at": "2016-05-01", "unit": "gulou", "activity": "meeting"}
        for _ in range(CHUNK + 1)
    )
    ledger.append_many(
        events,
        progress=lambda _: seen.append(ledger.conn.execute("PRAGMA cache_size").fetchone()[0]),
    )
    assert seen == [before, -IMPORT_CACHE_KIB]  # one chunk, then the larger cache
    assert ledger.conn.execute("PRAGMA cache_size").fetchone()[0] == before
    with pytest.raises(InputError):  # restored when a large batch is refused, too
        ledger.append_many([*([{"type": "activity"}] * (CHUNK + 1))])
    assert ledger.conn.execute("PRAGMA cache_size").fetchone()[0] == before


def test_threads_each_with_a_ledger_append_at_once_and_lose_nothing(base_db: Path):
    import threading

    def writer(unit: str, errors: list[BaseException]) -> None:
        try:
            with Ledger.open(base_db) as own:
                for i in range(150):  # one transaction each: the lock changes hands often
                    own.append({"type": "activity", "at": "2016-05-01", "unit": unit,
                                "activity": "meeting", "id": f"{unit}-{i}"})  # fmt: skip
        except BaseException as exc:
            errors.append(exc)

    errors: list[BaseException] = []
    threads = [threading.Thread(target=writer, args=(u, errors)) for u in ("gulou", "xuanwu")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Ledger.open(base_db) as ledger:
        assert len(ledger) == 7 + 300
        assert ledger.verify().ok
        assert {r.event.id for r in ledger.events(types=["activity"])} >= {
            f"{u}-{i}" for u in ("gulou", "xuanwu") for i in range(150)
        }


def test_a_ledger_belongs_to_the_thread_that_opened_it(ledger: Ledger):
    import sqlite3
    import threading

    caught: list[BaseException] = []

    def use() -> None:
        try:
            ledger.head()
        except BaseException as exc:
            caught.append(exc)

    thread = threading.Thread(target=use)
    thread.start()
    thread.join()
    assert len(caught) == 1 and isinstance(caught[0], sqlite3.ProgrammingError)


def test_events_of_looks_up_ids_of_the_types_asked(base_ledger: str):
    # What circular reads a unit at a time: the events with these ids and of these types
    # (on each backend), however many ids; an unknown id or another type is not found.
    with Ledger.open(base_ledger) as ledger:
        ledger.append_many(
            [
                {"id": f"ad{n}", "type": "adoption", "at": "2016-04-03", "info": "GL-1",
                 "outlet": "city.union.bulletin"}
                for n in range(1200)
            ]
        )  # fmt: skip
        wanted = [f"ad{n}" for n in range(0, 1200, 2)] + ["s1", "act1", "nowhere", "ad0"]
        found = list(ledger.events_of(wanted, ("adoption", "activity")))
        by_id = {r.event.id: r for r in found}
        assert len(found) == len(by_id) == 601
        assert set(by_id) == {f"ad{n}" for n in range(0, 1200, 2)} | {"act1"}
        assert by_id["ad2"].event == ledger.get("ad2").event  # type: ignore[union-attr]
        assert by_id["ad2"].seq == ledger.get("ad2").seq  # type: ignore[union-attr]
        assert list(ledger.events_of([], ("adoption",))) == []
        assert list(ledger.events_of(["s1"], ())) == []
