"""Issue 11.3 and 11.5: ``verify --deep`` and commands that meet an invalid stored event.

Each tampering is a correctly chained event a writer with the file (or the database's
owner) appended past the guards: the chain verifies, so only the payload checks an import
makes can find it. ``verify --deep`` names it in one line (exit 1); every other command
either answers or, when the event stops it, says so in one line (exit 1), never an
internal error (exit 3), and appends nothing.
"""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest

from backends import Backend, Raw
from ledger import Ledger
from ledger.deep import deep_problems
from test_ledger_tamper import INSERT, forged_row, head_recorded_at

AT = "2016-05-01T00:00:00+08:00"

#: name -> (the event appended past the guards, the field and what verify --deep says).
TAMPERINGS: dict[str, tuple[dict[str, Any], str]] = {
    "unit never registered": (
        {"type": "activity", "at": AT, "unit": "nowhere", "activity": "meeting"},
        "unit: unit 'nowhere' is not registered earlier in the log or this import",
    ),
    "points abc": (
        {"type": "adjustment", "at": AT, "unit": "gulou", "points": "abc", "reason": "x"},
        'points: expected a decimal string like "0.5", got "abc"',
    ),
    "unknown outlet": (
        {"type": "adoption", "at": AT, "info": "GL-1", "unit": "gulou", "mode": "single",
         "outlet": "nowhere.paper"},
        "outlet: unknown outlet 'nowhere.paper'; expected one of central.cpc_office, ",
    ),
    "retraction of nothing": (
        {"type": "retraction", "at": AT, "target": "ghost", "reason": "x"},
        "target: no event 'ghost' earlier in the log or this import",
    ),
    "unknown activity": (
        {"type": "activity", "at": AT, "unit": "gulou", "activity": "party"},
        "activity: unknown activity 'party'; expected one of meeting, press_conference, "
        "training, exchange",
    ),
    "score over the maximum": (
        {"type": "assessment", "at": AT, "unit": "gulou", "table": "county/township",
         "item": "1.4", "score": "99"},
        "score: expected 0 … 2 (the maximum of county/township 1.4), got 99",
    ),
    "a date that is none": (
        {"type": "activity", "at": "2016-13-45", "unit": "gulou", "activity": "meeting"},
        'at: expected a date YYYY-MM-DD or an ISO-8601 date-time, got "2016-13-45"',
    ),
    "a field not in the contract": (
        {"type": "veto", "at": AT, "unit": "gulou", "reason": "late_report", "extra": 1},
        "extra: unknown field",
    ),
    "a date where import stores a date-time": (
        {"type": "activity", "at": "2016-05-01", "unit": "gulou", "activity": "meeting"},
        "at: stored as '2016-05-01'; an import stores '2016-05-01T00:00:00+08:00'",
    ),
}  # fmt: skip

REPORTS = [
    ["score", "--ruleset", "dalian-2011", "--period", "2016"],
    ["explain", "--ruleset", "dalian-2011", "--period", "2016", "--unit", "gulou"],
    ["diff", "--ruleset", "dalian-2011", "--against", "changzhou-2016", "--period", "2016"],
    ["circular", "--ruleset", "dalian-2011", "--period", "2016"],
    ["export"],
]


def tamper(backend: Backend, where: str, event: dict[str, Any]) -> None:
    """Append `event` as seq 8, correctly chained, with the guards out of the way."""
    with Raw(backend, where) as conn:
        conn.behind_guards(INSERT, forged_row(conn, head_recorded_at(conn), {"id": "bad", **event}))


def count(backend: Backend, where: str) -> int:
    with Raw(backend, where) as conn:
        n: int = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        return n


@pytest.fixture(params=list(TAMPERINGS), ids=list(TAMPERINGS))
def tampered(request: pytest.FixtureRequest, backend: Backend, base_ledger: str) -> tuple[str, str]:
    event, said = TAMPERINGS[request.param]
    tamper(backend, base_ledger, event)
    return base_ledger, said


def test_the_chain_verifies_and_verify_deep_names_the_event(backend: Backend, tampered, cli):
    where, said = tampered
    plain = cli("verify", where)
    assert plain.returncode == 0  # correctly chained: only --deep can see it
    deep = cli("verify", where, "--deep")
    assert (deep.returncode, deep.stderr) == (1, "")
    chain, line = deep.stdout.splitlines()  # the chain holds; the payload does not
    assert chain == plain.stdout.rstrip("\n") and chain.startswith("OK: 8 events")
    assert line.startswith(f"DAMAGED at seq 8 (id bad): {said}")


def test_no_command_ends_in_an_internal_error(backend: Backend, tampered, cli):
    where, said = tampered
    for command in REPORTS:
        result = cli(command[0], where, *command[1:])
        assert result.returncode in (0, 1), (command, result.stderr)
        if result.returncode == 1:
            assert result.stdout == ""
            assert result.stderr.startswith(
                f"scoreledger: {where}: seq 8: stored event is invalid ({said}"
            ), (command, result.stderr)
            assert result.stderr.endswith("): run verify --deep\n")
    assert count(backend, where) == 8


@pytest.mark.parametrize("command", REPORTS[:4], ids=lambda c: c[0])
def test_points_abc_stops_every_report_in_one_line(
    backend: Backend, base_ledger: str, cli, command: list[str]
):
    """The case that used to end in exit 3 (decimal.InvalidOperation)."""
    tamper(backend, base_ledger, TAMPERINGS["points abc"][0])
    result = cli(command[0], base_ledger, *command[1:])
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"scoreledger: {base_ledger}: seq 8: stored event is invalid (points: expected a "
        'decimal string like "0.5", got "abc"): run verify --deep\n'
    )


def test_an_import_after_the_damage_appends_or_says_why(
    backend: Backend, base_ledger: str, cli, write_jsonl, tmp_path
):
    tamper(backend, base_ledger, TAMPERINGS["points abc"][0])
    more = write_jsonl(tmp_path / "more.jsonl", [
        {"type": "activity", "at": "2016-05-02", "unit": "gulou", "activity": "meeting"}
    ])  # fmt: skip
    result = cli("import", base_ledger, more)
    assert result.returncode == 0, result.stderr
    deep = cli("verify", base_ledger, "--deep")
    assert deep.returncode == 1 and deep.stdout.count("\n") == 2


def test_deep_reports_every_bad_event_and_goes_on(backend: Backend, base_ledger: str, cli):
    """One line per bad event; a refused one is left out, as an import would have left it."""
    tamper(backend, base_ledger, {"type": "unit_registered", "at": AT, "unit": "ghost",
                                  "name": "鬼", "kind": "castle"})  # fmt: skip
    with Raw(backend, base_ledger) as conn:
        event = {"id": "bad2", "type": "activity", "at": AT, "unit": "ghost", "activity": "meeting"}
        conn.behind_guards(INSERT, forged_row(conn, head_recorded_at(conn), event))
    deep = cli("verify", base_ledger, "--deep")
    assert deep.returncode == 1
    lines = deep.stdout.splitlines()[1:]  # after the chain's OK
    assert len(lines) == 2
    assert lines[0].startswith("DAMAGED at seq 8 (id bad): kind: unknown unit kind 'castle'")
    assert lines[1] == (
        "DAMAGED at seq 9 (id bad2): unit: unit 'ghost' is not registered earlier in the log or "
        "this import"
    )


def test_a_sound_ledger_passes_deep(backend: Backend, base_ledger: str, cli):
    with Ledger.open(base_ledger) as ledger:
        head = ledger.head()
    result = cli("verify", base_ledger, "--deep")
    assert (result.returncode, result.stdout) == (0, f"OK: 7 events, head hash {head.hash}\n")


def _big(tmp_path: Any, units: int, per_unit: int) -> str:
    """`units` registrations, then per unit `per_unit` submissions, each adopted."""
    events: list[dict[str, Any]] = [
        {"id": f"u{u}", "type": "unit_registered", "at": "2016-01-04", "unit": f"u{u}",
         "name": f"单位{u}", "kind": "county"} for u in range(units)
    ]  # fmt: skip
    for i in range(per_unit):
        for u in range(units):
            events.append({"id": f"s{u}-{i}", "type": "submission", "at": "2016-03-02",
                           "unit": f"u{u}", "info": f"I{u}-{i}"})  # fmt: skip
            events.append({"id": f"a{u}-{i}", "type": "adoption", "at": "2016-03-03",
                           "info": f"I{u}-{i}", "outlet": "city.union.bulletin"})  # fmt: skip
    path = str(tmp_path / f"big{per_unit}.sqlite")
    with Ledger.open(path, create=True) as ledger:
        ledger.append_many(events)
    return path


def test_deep_streams(tmp_path, monkeypatch):
    """Peak memory of a deep check of 24,100 events is about that of 6,100 (chunks of 500,
    so both are many chunks; holding the events would make it four times larger)."""
    import ledger.deep

    monkeypatch.setattr(ledger.deep, "CHUNK", 500)
    paths = [_big(tmp_path, 100, n) for n in (30, 120)]
    peaks = []
    for path in [paths[0], *paths]:  # the first run warms caches
        with Ledger.open(path) as opened:
            tracemalloc.start()
            assert list(deep_problems(opened)) == []
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
    assert peaks[2] < 1.3 * peaks[1], peaks
