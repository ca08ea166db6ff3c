"""RULES.md's general principles, checked across the three points rulesets.

The ruleset files (test_scenario_*.py) work through every clause; here each principle is
taken on its own, with small ledgers whose numbers are worked out beside the assertions,
and the invariants (total = sum of lines, attribution conserves points) are checked over
the demo ledger under every shipped ruleset and period form.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from backends import Backend
from scenario_helpers import (
    D,
    activity,
    adjust,
    adopt,
    board,
    build,
    changed,
    explanation,
    instr,
    lines,
    ranking,
    reg,
    retract,
    sub,
    total,
    trace_of,
    veto,
)
from scoreledger.demo import build_demo
from scoreledger.render.reports import board_data, explain_data

# -- the invariants over the demo ledger ---------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    build_demo(path)
    return path


@pytest.mark.parametrize(
    ("ruleset", "periods"),
    [
        ("dalian-2011", ["2011", "2011H2", "2011Q3", "2011-08", "2011-09"]),
        ("jiangsu-2016", ["2016", "2016H1", "2016Q2", "2016Q3", "2016-05"]),
        ("changzhou-2016", ["2016", "2016H2", "2016Q3", "2016Q4", "2016-10"]),
        ("suzhou-2015", ["2015"]),
        ("county-targets", ["2016"]),
    ],
)
def test_demo_boards_keep_the_invariants(demo: Path, ruleset: str, periods: list[str]) -> None:
    # scenario_helpers.board checks: total == sum of lines for every unit; the totals of
    # the units that keep their points == the sum of every non-attribution line; a child
    # has rank and eligible null; ranks within kind with ties sharing.
    for period in periods:
        result = board(demo, ruleset, period)
        assert result.units, (ruleset, period)


def test_a_year_is_the_sum_of_its_quarters_under_quarter_caps(demo: Path) -> None:
    # CONTRACT §3: annual figures are the sum of the quarterly ones where a rule caps by
    # quarter; the same holds for halves and for the months of a quarter.
    def totals(period: str) -> dict[str, D]:
        return {u.unit: u.total for u in board(demo, "dalian-2011", period).units}

    year = totals("2011")
    quarters = [totals(f"2011Q{q}") for q in range(1, 5)]
    for unit, value in year.items():
        assert value == sum((q.get(unit, D(0)) for q in quarters), D(0)), unit
    q3 = totals("2011Q3")
    months = [totals(f"2011-{m:02d}") for m in (7, 8, 9)]
    for unit, value in q3.items():
        assert value == sum((m.get(unit, D(0)) for m in months), D(0)), unit


# -- principle 1: one base clause, bonus on top ------------------------------------------------


def test_first_matching_base_clause_in_order(backend: Backend) -> None:
    events = [
        reg("shahekou", "沙河口区总工会", "county"),
        reg("nanjing", "南京市总工会", "city", at="2016-01-04"),
        reg("wujin", "武进区总工会", "county", at="2016-01-04"),
        sub("d1", "shahekou", "SHK-1", "2011-07-04"),
        adopt("d1a", "SHK-1", "city.union.internal", "2011-07-05"),
        sub("j1", "nanjing", "NJ-1", "2016-07-04", urgent=True),
        adopt("j1a", "NJ-1", "province.union.web", "2016-07-05"),
        sub("c1", "wujin", "WJ-1", "2016-07-04", commissioned=True, category="experience"),
        adopt("c1a", "WJ-1", "province.union.special_report", "2016-07-05"),
        adopt("c1b", "WJ-1", "city.union.web.news", "2016-07-06"),
    ]
    path = build(backend, events)
    # dalian: adopt.city_internal (内刊 2) comes before adopt.city_union (city.union.* 4).
    assert lines(board(path, "dalian-2011", "2011Q3").unit("shahekou")) == [
        ("submission", "0.5", None),
        ("adopt.city_internal", "2", "SHK-1"),
    ]
    # jiangsu: adopt.urgent (10) comes before adopt.web (3); one base clause only.
    assert lines(board(path, "jiangsu-2016", "2016Q3").unit("nanjing")) == [
        ("adopt.urgent", "10", "NJ-1")
    ]
    # changzhou: adopt.commissioned_province (10) before adopt.province_special (5); the
    # experience bonus goes on top of the city web's 3.
    assert lines(board(path, "changzhou-2016", "2016Q3").unit("wujin")) == [
        ("commissioned", "5", None),
        ("adopt.commissioned_province", "10", "WJ-1"),
        ("adopt.city_news", "3", "WJ-1"),
        ("bonus.experience", "2", "WJ-1"),
    ]


# -- principle 5: as the unit stood at the event's time ---------------------------------------


def test_a_county_moved_between_cities_hands_each_event_to_its_city_then(backend: Backend) -> None:
    events = [
        reg("nanjing", "南京市总工会", "city", at="2016-01-04"),
        reg("changzhou", "常州市总工会", "city", at="2016-01-04"),
        reg("lishui", "溧水区总工会", "county", parent="nanjing", at="2016-01-04"),
        sub("s1", "lishui", "LS-1", "2016-05-03"),
        adopt("s1b", "LS-1", "province.union.briefing", "2016-05-10"),
        changed("mv", "lishui", "2016-07-01", parent="changzhou"),
        sub("s2", "lishui", "LS-2", "2016-08-03"),
        adopt("s2w", "LS-2", "province.union.web", "2016-08-10"),
        # Retracted: this change never happened, so the unit stays a county.
        changed("oops", "lishui", "2016-08-20", kind="city"),
        retract("oops-x", "oops", "2016-08-21", "录入错误"),
        sub("s3", "lishui", "LS-3", "2016-09-03"),
        adopt("s3b", "LS-3", "province.union.briefing", "2016-09-10"),
    ]
    path = build(backend, events)
    year = board(path, "jiangsu-2016", "2016")
    # §一.4 记入所在省辖市总工会: 简报 5 (May, under nanjing); 网站 3 + 简报 5 (under changzhou).
    assert lines(year.unit("nanjing")) == [("attribution", "5", None)]
    assert lines(year.unit("changzhou")) == [("attribution", "8", None)]
    ls = year.unit("lishui")
    assert (ls.total, ls.kind, ls.attributed_to, ls.rank) == (D(13), "county", "changzhou", None)
    assert board(path, "jiangsu-2016", "2016Q2").unit("lishui").attributed_to == "nanjing"


# -- principle 6: retracted events of every type ------------------------------------------------


def test_retracted_events_of_every_type_are_marked(backend: Backend) -> None:
    events = [
        reg("wujin", "武进区总工会", "county", at="2016-01-04"),
        sub("s1", "wujin", "WJ-1", "2016-07-04", commissioned=True),
        adopt("a1", "WJ-1", "city.union.web.news", "2016-07-05"),
        instr("i1", "WJ-1", "city", "2016-07-06"),
        activity("v1", "wujin", "2016-07-07"),
        ranking("k1", "wujin", "2016-08-08", 2016, 3),
        adjust("j1", "wujin", "2016-08-09", "5", "信息工作创新加分"),
        veto("x1", "wujin", "2016-08-10", "missed_report"),
    ]
    targets = ["s1", "a1", "i1", "v1", "k1", "j1", "x1"]
    events += [retract(f"r-{t}", t, "2016-09-01", "核查后撤销") for t in targets]
    path = build(backend, events)
    expl = explanation(path, "changzhou-2016", "2016Q3", "wujin")
    assert expl.unit.total == 0 and expl.unit.lines == ()
    trace = trace_of(expl.unit)
    for target in targets:
        assert trace[target].status == "retracted", target
        assert trace[target].points == 0
        assert f"r-{target}" in trace[target].reason


# -- principle 8: unscored events say why ---------------------------------------------------------


@pytest.mark.parametrize(
    ("ruleset", "period", "outlet"),
    [
        ("dalian-2011", "2016Q3", "province.government"),
        ("jiangsu-2016", "2016Q3", "city.union.web.news"),
        ("changzhou-2016", "2016Q3", "province.union.express"),
    ],
)
def test_unscored_adoptions_name_the_ruleset_and_outlet(
    backend: Backend, ruleset: str, period: str, outlet: str
) -> None:
    events = [
        reg("wujin", "武进区总工会", "county", at="2016-01-04"),
        sub("s1", "wujin", "WJ-1", "2016-07-04"),
        adopt("a1", "WJ-1", outlet, "2016-07-05"),
    ]
    path = build(backend, events)
    trace = trace_of(explanation(path, ruleset, period, "wujin").unit)
    assert trace["a1"].status == "unscored" and trace["a1"].points == 0
    assert f"no clause of {ruleset} scores outlet {outlet}" in trace["a1"].reason


# -- in_force -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ruleset", "period", "in_force"),
    [
        ("dalian-2011", "2011", False),  # from 2011-06-02
        ("dalian-2011", "2011H2", True),
        ("jiangsu-2016", "2016", True),  # 本办法自 2016 年 1 月 1 日起执行
        ("jiangsu-2016", "2015", False),
        ("changzhou-2016", "2016H1", False),  # 于2016年7月1日起正式实行
        ("changzhou-2016", "2016H2", True),
        ("suzhou-2015", "2015", True),
        ("suzhou-2015", "2016", False),
        ("county-targets", "2009", True),  # the document carries no year
    ],
)
def test_in_force(demo: Path, ruleset: str, period: str, in_force: bool) -> None:
    assert board(demo, ruleset, period).in_force is in_force


# -- what the JSON carries for an auditor ---------------------------------------------------------


def test_explain_json_quotes_the_sentence_of_every_line(demo: Path) -> None:
    doc = explain_data(explanation(demo, "dalian-2011", "2011Q3", "shahekou"))
    unit = doc["unit"]
    assert unit["total"] == str(sum(D(line["points"]) for line in unit["lines"]).normalize())
    for line in unit["lines"]:
        if line["clause"] in ("attribution", "adjustment"):
            continue
        assert line["section"].startswith("§") and line["sentence"], line
    statuses = {t["status"] for t in unit["trace"]}
    assert {"scored", "capped", "unscored"} <= statuses


def test_total_of_a_parent_is_its_lines_in_json(demo: Path) -> None:
    doc = board_data(board(demo, "dalian-2011", "2011Q3"))
    for unit in doc["units"]:
        assert D(unit["total"]) == sum((D(line["points"]) for line in unit["lines"]), D(0))
    shk = next(u for u in doc["units"] if u["unit"] == "shahekou")
    port = next(u for u in doc["units"] if u["unit"] == "dl-port")
    attribution = [line for line in shk["lines"] if line["clause"] == "attribution"]
    assert [(a["note"], a["points"]) for a in attribution] == [("dl-port", port["total"])]
    assert (port["attributed_to"], port["rank"], port["eligible"]) == ("shahekou", None, None)
    assert total(board(demo, "dalian-2011", "2011Q3"), "dl-port") == port["total"]


def test_json_targets_and_nulls(demo: Path) -> None:
    # §三 各市总工会年度目标分值为 300 分: a year report carries the target as a decimal
    # string; jiangsu has no award rule (eligible null); a quarter has no target.
    year = {u["unit"]: u for u in board_data(board(demo, "jiangsu-2016", "2016"))["units"]}
    city = year["changzhou"]
    assert (city["target"], city["target_met"], city["eligible"]) == ("300", False, None)
    assert isinstance(city["rank"], int)
    quarter = board_data(board(demo, "jiangsu-2016", "2016Q3"))["units"]
    assert all(u["target"] is None and u["target_met"] is None for u in quarter)
    for u in quarter:
        if u["attributed_to"] is not None:
            assert u["rank"] is None and u["eligible"] is None


# -- the API refuses arguments of the wrong kind, saying which ------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"ruleset": None},
         "ruleset: expected a shipped id, a revision file path or a loaded ruleset, "
         "got NoneType None"),
        ({"period": 2011},
         "period: expected a label such as '2016Q3' or a Period, got int 2011"),
        ({"as_of": date(2011, 12, 31)},
         "as_of: expected an ISO-8601 string or a datetime, got date datetime.date(2011, 12, 31)"),
    ],
)  # fmt: skip
def test_score_names_the_argument_of_the_wrong_kind(demo: Path, arguments, message) -> None:
    from ledger import Ledger
    from projections import score

    call = {"ruleset": "dalian-2011", "period": "2011", **arguments}
    with Ledger.open(demo) as ledger, pytest.raises(TypeError) as caught:
        score(ledger, call.pop("ruleset"), call.pop("period"), **call)
    assert str(caught.value) == message
