"""The text and JSON reports of ``score`` and ``explain``, byte for byte, against files
written by the renderers before they were made faster (tests/golden/).

The ledgers: the demo's (every ruleset it shows, every unit listed), and a generated
dalian-2011 year with the shapes a long explain has (lines of hundreds of events, caps,
retractions, instructions, adjustments and vetoes, names with ambiguous-width and wide
characters). Reports in English and Chinese, at 80 columns and at a narrow width that
wraps nearly every line. Only the head's hash differs from run to run (the events' recorded
times go into it): it is written ``<hash>``.

A renderer's change that is meant to change output rewrites the files with
``SCORELEDGER_GOLDEN_UPDATE=1 pytest tests/test_report_golden.py``; the diff of
tests/golden/ then shows what changed.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ledger import Ledger
from ledger.builders import adjust, adopt, changed, instr, reg, retract, sub, veto
from projections import explain, score
from scoreledger.demo import SHOWN, build_demo
from scoreledger.render.report_text import board_text, explain_text
from scoreledger.render.reports import board_data, explain_data, to_json
from vocabulary import codes

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SCORELEDGER_GOLDEN_UPDATE") == "1"
_HASH = re.compile(r"\b[0-9a-f]{64}\b")
_RECORDER = "golden"
_OUTLETS = sorted(codes.OUTLETS)  # every outlet: some score under dalian-2011, some do not


def generated_events(n: int = 600, seed: int = 11) -> Iterator[dict[str, Any]]:
    """A dalian-2011 year (2012): 3 districts and 2 direct-report points, N events or so."""
    rnd = random.Random(seed)
    yield reg("dalian", "大连市总工会", "city", at="2011-06-02")
    counties = [f"c{i:02d}" for i in range(3)]
    for c in counties:
        yield reg(c, f"第{c}区总工会·职工之家—{c}", "county", at="2011-06-02", parent="dalian")
    points = [f"p{i:02d}" for i in range(2)]
    for i, p in enumerate(points):
        yield reg(p, f"直报点{p}", "direct_report", at="2011-06-02", parent=counties[i])
    yield changed("chg-c01", "c01", "2012-07-01", name="第c01区总工会（新）")
    units = [*counties, *points, "c01", "c01", "c01"]  # c01 busy enough to reach its caps
    adopted: list[str] = []
    for info in range(1, n // 2):
        unit = rnd.choice(units)
        month, day = rnd.randint(1, 12), rnd.randint(1, 28)
        at = f"2012-{month:02d}-{day:02d}T{rnd.randint(8, 17):02d}:00"
        urgent = rnd.random() < 0.03
        fields: dict[str, Any] = {"commissioned": rnd.random() < 0.08}
        if urgent:
            fields |= {"urgent": True, "incident_at": f"2012-{month:02d}-{day:02d}T06:00"}
        yield sub(f"s{info}", unit, f"I{info}", at, title="职工思想动态", **fields)
        for k in range(rnd.choice((0, 1, 1, 2, 3))):
            aid = f"a{info}-{k}"
            outlet = rnd.choice(_OUTLETS)
            yield adopt(aid, f"I{info}", outlet, at, mode=rnd.choice(("single", "combined")))
            adopted.append(aid)
        if rnd.random() < 0.05:
            level = rnd.choice(("city", "province_union", "province", "central"))
            yield instr(f"i{info}", f"I{info}", level, at)
        if adopted and rnd.random() < 0.02:
            yield retract(f"r{info}", adopted.pop(rnd.randrange(len(adopted))), at, "更正：未采用")
        if rnd.random() < 0.01:
            points_text = rnd.choice(("2", "-1.5", "0.5"))
            yield adjust(f"adj{info}", unit, at, points_text, "酌情加减分 — 市总审定")
        if rnd.random() < 0.003:
            yield veto(f"v{info}", unit, at, "late_report", info=f"I{info}")


def _reports(
    ledger: Ledger, ruleset: str, period: str, units: tuple[str, ...] | None = None
) -> dict[str, str]:
    """The reports of one (ruleset, period): the board, then each unit (of `units`, else
    every one listed) explained."""
    board = score(ledger, ruleset, period)
    out = {
        "score en 80": board_text(board, "en", 80),
        "score zh 40": board_text(board, "zh", 40),
        "score json": to_json(board_data(board)),
    }
    for unit in units or [u.unit for u in board.units]:
        expl = explain(ledger, ruleset, period, unit)
        for lang, width in (("en", 80), ("zh", 80), ("en", 32), ("zh", 24)):
            out[f"explain {unit} {lang} {width}"] = explain_text(expl, lang, width)
        out[f"explain {unit} json"] = to_json(explain_data(expl))
    return out


def _file_text(reports: dict[str, str]) -> str:
    parts = [f"=== {name} ===\n{_HASH.sub('<hash>', text)}" for name, text in reports.items()]
    return "".join(parts)


def _check(name: str, reports: dict[str, str]) -> None:
    path = GOLDEN / f"{name}.txt"
    got = _file_text(reports)
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8", newline="")
        return
    want = path.read_text(encoding="utf-8")
    if got != want:
        gone = [h for h in want.split("\n=== ") if h not in got]
        raise AssertionError(
            f"{path.name}: the reports differ from the golden ones; first differing part:\n"
            + (gone[0][:3000] if gone else "(the parts reordered)")
        )


@pytest.mark.parametrize(("ruleset", "period"), SHOWN)
def test_demo_reports_are_byte_identical(tmp_path: Path, ruleset: str, period: str) -> None:
    path = tmp_path / "demo.sqlite"
    build_demo(path, recorded_by=_RECORDER)
    with Ledger.open(path) as ledger:
        _check(f"demo-{ruleset}-{period}", _reports(ledger, ruleset, period))


def test_generated_reports_are_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "generated.sqlite"
    with Ledger.open(path, create=True, recorded_by=_RECORDER) as ledger:
        ledger.append_many(generated_events())
        # A county renamed mid-year, and a direct-report point (it hands its points up).
        reports = _reports(ledger, "dalian-2011", "2012", ("c01", "p00"))
        _check("generated-dalian-2011-2012", reports)
