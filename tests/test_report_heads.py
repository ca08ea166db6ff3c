"""Every report carries the head it was computed from (CONTRACT §8.3, issue 11 item 1).

score, explain and diff (circular's own tests are in test_circular.py): JSON ``"head":
{"seq", "hash"}``, the text's first line ``head SEQ:HASH`` (``链头`` in Chinese), the CSV's
``head`` column and the workbook's 说明 sheet; now and ``--as-of`` an earlier recorded time
(the last event recorded by then), on SQLite and PostgreSQL, through real subprocesses. A
kept projection reports the head of the state it served; ``head_at`` never replays.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from backends import Backend
from ledger import Ledger
from ledger.recorder import GENESIS
from projections import explain, score
from projections.heads import ReportHead, head_at
from scenario_helpers import adopt, append, build, reg, sub

Q3 = ("--ruleset", "dalian-2011", "--period", "2011Q3")
DIFF = ("--period", "2011Q3", "--ruleset", "dalian-2011")


def run(*args: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LANG", "LC_ALL")}
    proc = subprocess.run(
        [sys.executable, "-m", "scoreledger", *map(str, args)],
        capture_output=True,
        env=env,
        check=False,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    )


def ok(*args: object) -> str:
    proc = run(*args)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout


class Grown:
    """A ledger appended in two batches: `first` is the head after the first, `cut` its
    recorded time, `last` the head after the second."""

    def __init__(self, where: str, first: ReportHead, cut: str, last: ReportHead):
        self.where, self.first, self.cut, self.last = where, first, cut, last


def _head(ledger: Ledger) -> ReportHead:
    head = ledger.head()
    return ReportHead(seq=head.seq, hash=head.hash)


@pytest.fixture(scope="module")
def grown(module_backend: Backend) -> Grown:
    where = build(
        module_backend,
        [
            reg("shahekou", "沙河口区总工会", "county"),
            reg("ganjingzi", "甘井子区总工会", "county"),
            sub("s1", "shahekou", "I1", "2011-07-05"),
            adopt("a1", "I1", "city.union.bulletin", "2011-07-10"),
        ],
        "heads",
    )
    with Ledger.open(where) as ledger:
        first = _head(ledger)
        cut = ledger.head().recorded_at
    assert cut is not None
    append(
        where,
        [
            sub("s2", "ganjingzi", "I2", "2011-07-06"),
            adopt("a2", "I2", "city.party_committee", "2011-07-12"),
        ],
    )
    with Ledger.open(where) as ledger:
        last = _head(ledger)
    assert (first.seq, last.seq) == (4, 6) and first.hash != last.hash
    return Grown(str(where), first, cut, last)


def _json_head(doc: dict[str, Any]) -> ReportHead:
    return ReportHead(**doc["head"])


# -- score ------------------------------------------------------------------------------------


def test_score_json_text_and_csv_carry_the_head(grown: Grown) -> None:
    doc = json.loads(ok("score", grown.where, *Q3, "--format", "json"))
    assert list(doc)[:6] == ["ruleset", "fingerprint", "period", "in_force", "as_of", "head"]
    assert _json_head(doc) == grown.last
    assert len(doc["head"]["hash"]) == 64
    text = ok("score", grown.where, *Q3, "--lang", "en")
    assert text.splitlines()[0] == f"head {grown.last.seq}:{grown.last.hash}"
    assert text.splitlines()[1].startswith("dalian-2011 | 2011Q3")  # the header follows
    zh = ok("score", grown.where, *Q3, "--lang", "zh")
    assert zh.splitlines()[0] == f"链头 {grown.last}"
    rows = list(csv.DictReader(io.StringIO(ok("score", grown.where, *Q3, "--format", "csv")[1:])))
    assert {r["unit"] for r in rows} == {"shahekou", "ganjingzi"}
    assert {r["head"] for r in rows} == {str(grown.last)}


def test_score_as_of_carries_the_last_event_recorded_by_then(grown: Grown) -> None:
    args = ("score", grown.where, *Q3, "--as-of", grown.cut)
    doc = json.loads(ok(*args, "--format", "json"))
    assert _json_head(doc) == grown.first
    assert [u["unit"] for u in doc["units"] if u["total"] != "0"] == ["shahekou"]
    assert ok(*args).splitlines()[0] == f"head {grown.first}"
    rows = list(csv.DictReader(io.StringIO(ok(*args, "--format", "csv")[1:])))
    assert {r["head"] for r in rows} == {str(grown.first)}


def test_before_the_first_event_and_on_an_empty_ledger_the_head_is_genesis(
    grown: Grown, backend: Backend
) -> None:
    genesis = ReportHead(seq=0, hash=GENESIS)
    doc = json.loads(ok("score", grown.where, *Q3, "--format", "json", "--as-of", "2000-01-01"))
    assert _json_head(doc) == genesis and doc["units"] == []
    empty = backend.new("empty")
    Ledger.open(empty, create=True).close()
    doc = json.loads(ok("score", empty, *Q3, "--format", "json"))
    assert _json_head(doc) == genesis
    assert ok("score", empty, *Q3).splitlines()[0] == f"head 0:{GENESIS}"


def test_a_checklist_report_carries_the_head(grown: Grown) -> None:
    period = ("--ruleset", "suzhou-2015", "--period", "2015")
    doc = json.loads(ok("score", grown.where, *period, "--format", "json"))
    assert _json_head(doc) == grown.last
    assert ok("score", grown.where, *period).splitlines()[0] == f"head {grown.last}"
    assert ok("score", grown.where, *period, "--format", "csv").splitlines()[0].split(",")[2] == (
        "head"
    )


# -- explain and diff ------------------------------------------------------------------------


def test_explain_carries_the_head_now_and_as_of(grown: Grown) -> None:
    args = ("explain", grown.where, *Q3, "--unit", "shahekou")
    doc = json.loads(ok(*args, "--format", "json"))
    assert _json_head(doc) == grown.last and doc["unit"]["unit"] == "shahekou"
    assert ok(*args).splitlines()[0] == f"head {grown.last}"
    past = json.loads(ok(*args, "--format", "json", "--as-of", grown.cut))
    assert _json_head(past) == grown.first
    assert ok(*args, "--as-of", grown.cut, "--lang", "zh").splitlines()[0] == f"链头 {grown.first}"


def test_diff_carries_the_later_head_and_each_sides(grown: Grown) -> None:
    args = ("diff", grown.where, *DIFF)
    doc = json.loads(ok(*args, "--against-as-of", grown.cut, "--format", "json"))
    assert _json_head(doc) == grown.last
    assert ReportHead(**doc["a"]["head"]) == grown.last
    assert ReportHead(**doc["b"]["head"]) == grown.first
    lines = ok(*args, "--against-as-of", grown.cut).splitlines()
    assert lines[0] == f"head {grown.last}"
    assert lines[1:3] == [f"head A {grown.last}", f"head B {grown.first}"]
    # Both sides as of the cut: one head, no per-side line.
    both = ("--as-of", grown.cut, "--against-as-of", grown.cut, "--against", "jiangsu-2016")
    doc = json.loads(ok(*args, *both, "--format", "json"))
    assert _json_head(doc) == ReportHead(**doc["b"]["head"]) == grown.first
    lines = ok(*args, *both).splitlines()
    assert lines[0] == f"head {grown.first}" and not lines[1].startswith("head")


def test_workbooks_state_the_reports_head(grown: Grown, tmp_path: Path) -> None:
    cases = [
        (("score", grown.where, *Q3), grown.last),
        (("score", grown.where, *Q3, "--as-of", grown.cut), grown.first),
        (("explain", grown.where, *Q3, "--unit", "shahekou", "--as-of", grown.cut), grown.first),
        (
            ("diff", grown.where, *DIFF, "--against-as-of", grown.cut),
            grown.last,
        ),
    ]
    for number, (args, head) in enumerate(cases):
        target = tmp_path / f"report{number}.xlsx"
        assert ok(*args, "--format", "xlsx", "--output", target) == ""
        book = load_workbook(target)
        info = dict(book["说明"].iter_rows(min_row=2, values_only=True))
        assert info["链头 head (SEQ:HASH)"] == str(head), args
        assert str(head) in book[book.sheetnames[1]].oddHeader.center.text


# -- the API: kept projections and head_at ----------------------------------------------------


def test_a_kept_projection_reports_the_head_of_the_state_it_served(tmp_path: Path) -> None:
    # Projections are kept in SQLite files only (PostgreSQL replays: its board's head is
    # the replay's, tested above).
    where = build(
        tmp_path,
        [reg("shahekou", "沙河口区总工会", "county"), sub("s1", "shahekou", "I1", "2011-07-05")],
        "kept",
    )
    said: list[str] = []
    with Ledger.open(where) as ledger:
        built = score(ledger, "dalian-2011", "2011Q3", log=said.append)
        assert built.head == _head(ledger) and built.head.seq == 2  # type: ignore[union-attr]
        served = score(ledger, "dalian-2011", "2011Q3", log=said.append)
        assert "served from state at seq 2" in said[-1]
        assert served.head == built.head
        ledger.append(adopt("a1", "I1", "city.union.bulletin", "2011-07-10"))
        caught = score(ledger, "dalian-2011", "2011Q3", log=said.append)
        assert "caught up from seq 2 to 3" in said[-1]
        assert caught.head == _head(ledger) and caught.head.seq == 3  # type: ignore[union-attr]
        replayed = score(ledger, "dalian-2011", "2011Q3", keep=False)
        assert replayed == caught  # the head included
        expl = explain(ledger, "dalian-2011", "2011Q3", "shahekou", log=said.append)
        assert expl.board.head == caught.head


def test_head_at_reads_the_head_and_never_replays(grown: Grown) -> None:
    with Ledger.open(grown.where) as ledger:

        def refuse(*args: object, **kw: object) -> Any:
            raise AssertionError("head_at replayed the log")

        ledger.read = refuse  # type: ignore[method-assign]
        ledger.rows = refuse  # type: ignore[method-assign]
        ledger.events = refuse  # type: ignore[method-assign]
        assert head_at(ledger, None) == grown.last
        cut = datetime.fromisoformat(grown.cut)
        assert head_at(ledger, cut) == grown.first
        assert head_at(ledger, cut - timedelta(days=1)) == ReportHead(seq=0, hash=GENESIS)
        assert head_at(ledger, datetime.fromisoformat("9999-01-01T00:00:00+00:00")) == grown.last
