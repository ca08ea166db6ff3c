"""The streamed JSON scoreboard (``write_board_json``, what ``score --format json`` writes)
is byte for byte ``to_json(board_data(board))``, holding one unit's lines at a time.

Against the golden reports (tests/golden/), random ledgers (``ledger.testing``) whose names
and reasons carry hidden characters (bidi controls, zero-width, C1 controls, separators,
astral characters), an empty board, documents with integers orjson refuses, and the real
command line writing to standard output and to a file.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import weakref
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger import Ledger
from ledger.errors import LedgerError
from ledger.testing import ledgers
from projections import score
from projections.model import Board, Line, Lines, Scoreboard
from scoreledger.cli_output import emit_by
from scoreledger.demo import SHOWN, build_demo
from scoreledger.render.reports import board_data, to_json, write_board_json, write_json
from test_report_golden import _HASH, _RECORDER, GOLDEN, generated_events


def streamed(board: Board) -> str:
    out = io.StringIO()
    write_board_json(board, out)
    return out.getvalue()


def _golden_json(name: str) -> str:
    """The ``score json`` part of a golden file (its head hash written ``<hash>``)."""
    text = (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
    part = text.split("=== score json ===\n", 1)[1]
    return part.split("\n=== ", 1)[0] + "\n"


def _same(board: Board, golden: str | None = None) -> None:
    got = streamed(board)  # first, while the kept lines are not built yet
    assert got == to_json(board_data(board))
    if golden is not None:
        assert _HASH.sub("<hash>", got) == golden


@pytest.mark.parametrize(("ruleset", "period"), SHOWN)
def test_the_demo_boards_stream_as_the_golden_reports(
    tmp_path: Path, ruleset: str, period: str
) -> None:
    path = tmp_path / "demo.sqlite"
    build_demo(path, recorded_by=_RECORDER)
    golden = _golden_json(f"demo-{ruleset}-{period}")
    with Ledger.open(path) as ledger:
        _same(score(ledger, ruleset, period), golden)  # built and kept
        _same(score(ledger, ruleset, period), golden)  # served from the kept state
        _same(score(ledger, ruleset, period, keep=False), golden)  # a replay


def test_the_generated_year_streams_as_its_golden_report(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "g.sqlite", create=True, recorded_by=_RECORDER) as ledger:
        ledger.append_many(generated_events())
        golden = _golden_json("generated-dalian-2011-2012")
        _same(score(ledger, "dalian-2011", "2012"), golden)
        _same(score(ledger, "dalian-2011", "2012"), golden)
        _same(score(ledger, "dalian-2011", "2012", unit="c01"))


def test_an_empty_board_streams_as_its_document(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "empty.sqlite", create=True) as ledger:
        board = score(ledger, "dalian-2011", "2012")
        assert board.units == ()
        _same(board)
        assert '  "units": [],\n' in streamed(board)


# Characters a reader does not see or that JSON escapes: bidi overrides, marks and
# isolates, zero-width ones, the BOM, C0 and C1 controls, line and paragraph separators,
# a tag character and an emoji (beyond the BMP: a surrogate pair when escaped), quotes.
_HIDDEN = (
    "\u202e\u202d\u200f\u2066\u2069\u200b\u200d\u2060\ufeff"  # bidi, zero-width, BOM
    "\x00\x1b\x7f\x85\x9b\u2028\u2029"  # C0, C1, separators
    "\U000e0041\U0001f600"  # astral: a tag character, an emoji
    '"\\\n\t\u00ad\u061c'  # quote, backslash, newline, tab, soft hyphen, ALM
)
_hidden_text = st.builds(
    lambda lead, tail: lead + tail,
    st.sampled_from(("鼓楼", "a", "第一")),
    st.text(st.sampled_from(_HIDDEN) | st.characters(exclude_categories=["Cs"]), max_size=8),
)


def _hide(events: list[dict[str, Any]], texts: st.DataObject) -> list[dict[str, Any]]:
    """The ledger with its unit names and adjustment reasons made hidden-character text."""
    out = []
    for event in events:
        event = dict(event)
        if event["type"] in ("unit_registered", "unit_changed") and "name" in event:
            event["name"] = texts.draw(_hidden_text, label="name")
        if event["type"] == "adjustment":
            event["reason"] = texts.draw(_hidden_text, label="reason")
        out.append(event)
    return out


@given(data=st.data(), ruleset=st.sampled_from(["dalian-2011", "jiangsu-2016", "county-targets"]))
def test_random_boards_stream_as_their_documents(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, ruleset: str
) -> None:
    events = _hide(data.draw(ledgers(ruleset=ruleset, size=(0, 40))), data)
    path = tmp_path_factory.mktemp("stream") / "l.sqlite"
    with Ledger.open(path, create=True) as ledger:
        ledger.append_many(events)
        year = {"dalian-2011": "2011", "jiangsu-2016": "2016", "county-targets": "2016"}
        period = year[ruleset]
        kept = score(ledger, ruleset, period)
        _same(kept)
        _same(score(ledger, ruleset, period))  # served from state (points rulesets)
        _same(score(ledger, ruleset, period, keep=False))
        if kept.units:
            _same(score(ledger, ruleset, period, unit=kept.units[-1].unit))


_leaf = st.none() | st.booleans() | st.integers(-(2**63), 2**64 * 4) | st.text()
_values = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(
    head=st.dictionaries(st.text(), _values, min_size=1, max_size=4),
    items=st.lists(_values, max_size=4),
    tail=st.dictionaries(st.text(), _values, max_size=3),
)
def test_any_streamed_document_is_its_whole_dump(
    head: dict[str, Any], items: list[Any], tail: dict[str, Any]
) -> None:
    # Integers beyond 64 bits, which orjson refuses, go through json: in one piece only,
    # the others still orjson's; both write the same text.
    tail = {k: v for k, v in tail.items() if k not in head and k != "units"}
    head = {k: v for k, v in head.items() if k != "units"}
    out = io.StringIO()
    write_json(out, head, "units", iter(items), tail)
    assert out.getvalue() == to_json({**head, "units": items, **tail})


def test_a_unit_refused_by_orjson_streams_as_json_writes_it() -> None:
    big = {"unit": "u1", "n": 2**70, "name": "\u202e鼓楼"}
    items = [{"unit": "u0", "name": "a\u200b"}, big, {"unit": "u2", "list": []}]
    out = io.StringIO()
    write_json(out, {"ruleset": "x", "head": {"seq": 1}}, "units", items, {"warnings": []})
    doc = {"ruleset": "x", "head": {"seq": 1}, "units": items, "warnings": []}
    assert out.getvalue() == to_json(doc)
    assert json.loads(out.getvalue()) == doc


def test_lines_read_once_are_not_kept() -> None:
    built: list[int] = []
    line = Line(clause="c", points=1, events=("e1",), info=None, note="")  # type: ignore[arg-type]

    def load() -> tuple[Line, ...]:
        built.append(1)
        return (line,)

    lines = Lines(load)
    assert lines.read() == (line,) and lines.read() == (line,)
    assert len(built) == 2  # built anew each time: not kept
    assert list(lines) == [line] and len(built) == 3  # built once and kept
    assert lines.read() == (line,) and len(built) == 3


def test_the_stream_holds_one_units_lines_at_a_time(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "g.sqlite", create=True) as ledger:
        ledger.append_many(generated_events())
        score(ledger, "dalian-2011", "2012")
        board = score(ledger, "dalian-2011", "2012")  # served from the kept state
    assert isinstance(board, Scoreboard) and len(board.units) >= 3
    alive: list[list[weakref.ref[Line]]] = []

    def watched(lines: Lines) -> Lines:
        def load() -> tuple[Line, ...]:
            # When a unit's lines are built, the lines of the units written before are gone.
            assert all(ref() is None for refs in alive for ref in refs)
            got = lines.read()
            alive.append([weakref.ref(x) for x in got])
            return got

        return Lines(load)

    units = tuple(attrs.evolve(u, lines=watched(u.lines)) for u in board.units)  # type: ignore[arg-type]
    watched_board = attrs.evolve(board, units=units)
    assert streamed(watched_board) == to_json(board_data(board))
    assert len(alive) == len(units)


def _cli(*args: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "scoreledger", *map(str, args)],
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_the_command_line_streams_the_board_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    with Ledger.open(path, create=True) as ledger:
        ledger.append_many(generated_events())
    query = ("--ruleset", "dalian-2011", "--period", "2012", "--format", "json")
    cold = _cli("score", path, *query)  # builds the projection
    assert cold.returncode == 0 and cold.stderr == b"", cold.stderr
    target = tmp_path / "board.json"
    to_file = _cli("score", path, *query, "--output", target)  # served from state
    assert to_file.returncode == 0 and to_file.stdout == b"" and to_file.stderr == b""
    with Ledger.open(path) as ledger:
        want = to_json(board_data(score(ledger, "dalian-2011", "2012"))).encode("utf-8")
    assert cold.stdout == want
    assert target.read_bytes() == want
    assert re.search(rb'"events": \[\n +"s\d+",', want)  # lines with their events


def test_an_unwritable_output_file_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    with Ledger.open(path, create=True) as ledger:
        ledger.append_many(generated_events(40))
    query = ("--ruleset", "dalian-2011", "--period", "2012", "--format", "json")
    result = _cli("score", path, *query, "--output", tmp_path / "missing" / "board.json")
    assert result.returncode != 0 and result.stdout == b""
    assert result.stderr.decode().startswith("scoreledger: --output ")
    assert b"Traceback" not in result.stderr


def test_a_report_that_fails_part_way_leaves_the_output_file_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "board.json"
    target.write_text("yesterday's board\n", encoding="utf-8")

    def fails_midway(out: Any) -> None:
        out.write('{\n  "ruleset": "dalian-2011",\n')
        raise LedgerError("stored state damaged")

    with pytest.raises(LedgerError, match="damaged"):
        emit_by(argparse.Namespace(output=str(target)), fails_midway)
    assert target.read_text(encoding="utf-8") == "yesterday's board\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.json"]  # no partial file
    emit_by(argparse.Namespace(output=str(target)), lambda out: out.write("today\n"))
    assert target.read_text(encoding="utf-8") == "today\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.json"]


def test_a_device_or_a_symlinked_output_is_written_in_place(tmp_path: Path) -> None:
    emit_by(argparse.Namespace(output=os.devnull), lambda out: out.write("gone\n"))
    assert Path(os.devnull).is_char_device()  # written through, not replaced by a file
    real = tmp_path / "real.json"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    emit_by(argparse.Namespace(output=str(link)), lambda out: out.write("new\n"))
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"
