"""Worked scenarios under jiangsu-2016 (江苏省总工会信息工作目标管理办法, 苏工办〔2016〕34号).

Every expected number is computed by hand from the seed (000_61e4c603ff850060.txt) and
RULES.md; the comment beside it quotes the sentence it comes from.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backends import Backend
from scenario_helpers import (
    D,
    activity,
    adjust,
    adopt,
    append,
    board,
    build,
    changed,
    explanation,
    instr,
    lines,
    recorded_at,
    reg,
    retract,
    sub,
    total,
    trace_of,
)

UNITS = [
    reg("nanjing", "南京市总工会", "city", at="2016-01-04"),
    reg("changzhou", "常州市总工会", "city", at="2016-01-04"),
    reg("wuxi", "无锡市总工会", "city", at="2016-01-04"),
    reg("jiangning", "江宁区总工会", "county", parent="nanjing", at="2016-01-04"),
    reg("liyang", "溧阳市总工会", "county", parent="changzhou", at="2016-01-04"),
    reg("dongshan", "江宁区东山街道工会", "grassroots", parent="jiangning", at="2016-01-04"),
    reg("taixing", "泰兴市总工会", "county", at="2016-01-04"),  # no city registered above it
    reg("js-xuanjiao", "省总宣教部", "department", department="publicity", at="2016-01-04"),
    reg("js-nvgong", "省总女工部", "department", department="women", at="2016-01-04"),
    reg("js-caiwu", "省总财务部", "department", department="finance", at="2016-01-04"),
    reg(
        "js-jiaoke",
        "江苏省教科工会",
        "industry_union",
        department="education_science_union",
        at="2016-01-04",
    ),
    reg("js-jianshe", "江苏省建设工会", "industry_union", at="2016-01-04"),
]


def item(id_: str, unit: str, info: str, day: str, **kw: object) -> dict:
    return sub(id_, unit, info, f"2016-{day}", **kw)


# -- §一.1 routing, §二.1 adoption clauses, acftu.other ---------------------------------------


@pytest.fixture(scope="module")
def routed(module_backend: Backend) -> Path:
    events = [
        *UNITS,
        item("s1", "nanjing", "NJ-01", "04-01"),
        adopt("a1w", "NJ-01", "province.union.web", "2016-04-05"),
        adopt("a1p", "NJ-01", "province.party_committee", "2016-04-20"),
        item("s2", "nanjing", "NJ-02", "05-06"),
        adopt("a2c", "NJ-02", "central.cpc_office", "2016-05-10"),
        item("s3", "nanjing", "NJ-03", "05-01"),
        adopt("a3g", "NJ-03", "province.government", "2016-05-03"),
        adopt("a3b", "NJ-03", "province.union.briefing", "2016-05-08"),
        item("s4", "nanjing", "NJ-04", "06-01T08:00"),
        adopt("a4e", "NJ-04", "province.union.express", "2016-06-01T10:00"),
        adopt("a4c", "NJ-04", "central.state_council_office", "2016-06-01T10:00"),
        item("s5", "nanjing", "NJ-05", "04-10"),
        adopt("a5w", "NJ-05", "province.union.web", "2016-04-12"),
        retract("r5", "a5w", "2016-04-15", "省总网站撤稿"),
        adopt("a5p", "NJ-05", "province.party_committee", "2016-04-20"),
        item("s6", "nanjing", "NJ-06", "04-18"),
        adopt("a6b", "NJ-06", "acftu.bulletin", "2016-04-25"),
        item("s7", "nanjing", "NJ-07", "05-15"),
        adopt("a7o", "NJ-07", "acftu.other", "2016-05-20"),
        adopt("a7e", "NJ-07", "acftu.essentials", "2016-05-22"),
        item("s8", "nanjing", "NJ-08", "05-25"),
        adopt("a8s", "NJ-08", "province.union.special_report", "2016-05-26"),
        adopt("a8o", "NJ-08", "province.union.other", "2016-05-27"),
        adopt("a8c", "NJ-08", "city.party_committee", "2016-05-28"),
        adopt("a8n", "NJ-08", "city.union.web.news", "2016-05-29"),
        # The county: routed like its city, its points handed to the city (§一.4).
        item("j1", "jiangning", "JN-01", "04-06"),
        adopt("j1p", "JN-01", "province.party_committee", "2016-04-09"),
        item("j2", "jiangning", "JN-02", "04-07"),
        adopt("j2w", "JN-02", "province.union.web", "2016-04-08"),
        adopt("j2p", "JN-02", "province.party_committee", "2016-04-09"),
        # A street union below the county: its points go to the nearest assessed ancestor.
        item("d1", "dongshan", "DS-01", "05-02"),
        adopt("d1b", "DS-01", "province.union.briefing", "2016-05-05"),
        # A county with no city above it keeps its points and has no rank.
        item("t1", "taixing", "TX-01", "06-02"),
        adopt("t1w", "TX-01", "province.union.web", "2016-06-06"),
    ]
    return build(module_backend, events, "routed")


def test_routing_and_adoption_clauses_for_a_city(routed: Path) -> None:
    q2 = board(routed, "jiangsu-2016", "2016Q2")
    nj = q2.unit("nanjing")
    assert lines(nj) == [
        ("adopt.web", "3", "NJ-01"),  # 江苏工会网站《工会信息》栏目…每篇记 3 分
        ("adopt.province", "10", "NJ-01"),  # 省委 10, after the province union's 04-05
        ("adopt.acftu", "10", "NJ-06"),  # 全总《全总信息》: not routed (可由各市总直接上报)
        ("adopt.briefing", "5", "NJ-03"),  # 《江苏省总工会简报》采用记 5 分
        ("adopt.acftu", "10", "NJ-07"),  # 《工会要情》 10; acftu.other 0
        ("adopt.web", "3", "NJ-04"),  # 省总《工会信息》快报 3
        ("adopt.central", "20", "NJ-04"),  # 国办 20: the express is dated no later (same time)
        ("attribution", "5", None),  # dongshan: briefing 5
        ("attribution", "13", None),  # jiangning: JN-02 web 3 + 省委 10
    ]
    assert [line.note for line in nj.lines[-2:]] == ["dongshan", "jiangning"]
    # 3 + 10 + 10 + 5 + 10 + 3 + 20 + 13 + 5 = 79
    assert nj.total == D(79)
    assert (nj.rank, nj.eligible, nj.target, nj.target_met) == (1, None, None, None)


def test_routing_zeroes_what_the_province_did_not_forward_first(routed: Path) -> None:
    trace = trace_of(explanation(routed, "jiangsu-2016", "2016Q2", "nanjing").unit)
    # 各市总上报的信息须经省总办公室采用并上报，被中办、国办、省委、省政府采用的
    for event in ["a2c", "a3g", "a5p"]:  # none / later briefing / retracted web
        assert (trace[event].status, trace[event].points) == ("unscored", D(0))
        assert trace[event].clause == "routing"
        assert "province.union.*" in trace[event].reason
    assert trace["a5w"].status == "retracted"
    # 全总: only 《全总信息》 and 《工会要情》 score (§一.1 方可记分).
    assert trace["a7o"].status == "unscored" and "acftu.other" in trace["a7o"].reason
    for event, outlet in [
        ("a8s", "province.union.special_report"),
        ("a8o", "province.union.other"),
        ("a8c", "city.party_committee"),
        ("a8n", "city.union.web.news"),
    ]:
        assert trace[event].status == "unscored"
        assert f"no clause of jiangsu-2016 scores outlet {outlet}" in trace[event].reason


def test_a_county_hands_its_points_to_its_city(routed: Path) -> None:
    q2 = board(routed, "jiangsu-2016", "2016Q2")
    jn = q2.unit("jiangning")
    # 省总直接采用县(市)、区总工会上报信息的得分，记入所在省辖市总工会; JN-01's 省委 is routed out.
    assert lines(jn) == [("adopt.web", "3", "JN-02"), ("adopt.province", "10", "JN-02")]
    assert (jn.total, jn.attributed_to, jn.rank, jn.eligible) == (D(13), "nanjing", None, None)
    trace = trace_of(explanation(routed, "jiangsu-2016", "2016Q2", "jiangning").unit)
    assert trace["j1p"].clause == "routing" and trace["j1p"].points == 0
    ds = q2.unit("dongshan")
    assert (ds.total, ds.attributed_to) == (D(5), "nanjing")
    tx = q2.unit("taixing")
    assert (tx.total, tx.attributed_to, tx.rank) == (D(3), None, None)


def test_routing_reads_the_replayed_log(tmp_path: Path) -> None:
    path = build(
        tmp_path,
        [
            *UNITS,
            item("s9", "nanjing", "NJ-09", "06-10"),
            adopt("a9p", "NJ-09", "province.party_committee", "2016-06-20"),
        ],
    )
    t1 = recorded_at(path)
    # Recorded later, dated earlier: the province forwarded it on 06-15.
    append(path, [adopt("a9w", "NJ-09", "province.union.web", "2016-06-15")])
    assert total(board(path, "jiangsu-2016", "2016Q2", as_of=t1), "nanjing") == "0"
    assert total(board(path, "jiangsu-2016", "2016Q2"), "nanjing") == "13"  # 3 + 10


# -- §一.2 self adoption, urgent items ----------------------------------------------------------


def test_departments_self_adoption_scores_zero(backend: Backend) -> None:
    events = [
        *UNITS,
        item("x1", "js-xuanjiao", "XJ-01", "04-11"),
        adopt("x1w", "XJ-01", "province.union.web", "2016-04-13"),
        adopt("x1b", "XJ-01", "province.union.briefing", "2016-04-14"),
        adopt("x1c", "XJ-01", "central.cpc_office", "2016-04-20"),  # no routing for departments
        adopt("x1g", "XJ-01", "province.government", "2016-04-21"),
        item("x2", "js-xuanjiao", "XJ-02", "05-03", urgent=True),
        adopt("x2b", "XJ-02", "province.union.briefing", "2016-05-04"),
        item("k1", "js-jiaoke", "JK-01", "05-10"),
        adopt("k1e", "JK-01", "province.union.express", "2016-05-12"),
        adopt("k1a", "JK-01", "acftu.essentials", "2016-05-18"),
    ]
    path = build(backend, events)
    q2 = board(path, "jiangsu-2016", "2016Q2")
    # 省总机关各部门、驻会省产业工会信息被省总本级采用不记分。
    assert lines(q2.unit("js-xuanjiao")) == [
        ("adopt.central", "20", "XJ-01"),  # 中办 20
        ("adopt.province", "10", "XJ-01"),  # 省政府 10
    ]
    assert lines(q2.unit("js-jiaoke")) == [("adopt.acftu", "10", "JK-01")]
    trace = trace_of(explanation(path, "jiangsu-2016", "2016Q2", "js-xuanjiao").unit)
    for event in ["x1w", "x1b", "x2b"]:  # even an urgent item
        assert trace[event].clause == "self_adoption" and trace[event].points == 0
    # Departments rank among departments, industry unions among industry unions.
    ranks = {u.unit: u.rank for u in q2.units if u.kind in ("department", "industry_union")}
    assert ranks == {
        "js-xuanjiao": 1,
        "js-nvgong": 2,
        "js-caiwu": 2,
        "js-jiaoke": 1,
        "js-jianshe": 2,
    }


def test_the_same_outlet_and_flags_gate_by_the_unit_as_it_stood(backend: Backend) -> None:
    # One replay, the same outlet and submission flags throughout: which units the gate
    # zeroes follows each unit's kind at the adoption's time (the replay works the clauses
    # out once per outlet, flags, unit and epoch: points.adoptions.Matching).
    events = [
        *UNITS,
        item("n1", "nanjing", "NJ-11", "04-01"),
        adopt("n1w", "NJ-11", "province.union.web", "2016-04-02"),
        item("x1", "js-xuanjiao", "XJ-11", "04-01"),
        adopt("x1w", "XJ-11", "province.union.web", "2016-04-02"),
        item("t1", "taixing", "TX-11", "04-01"),
        adopt("t1w", "TX-11", "province.union.web", "2016-04-02"),
        # 泰兴 becomes a department on 05-01: its later adoptions are a department's.
        changed("c1", "taixing", "2016-05-01", kind="department", department="publicity"),
        item("t2", "taixing", "TX-12", "05-02"),
        adopt("t2w", "TX-12", "province.union.web", "2016-05-03"),
        item("n2", "nanjing", "NJ-12", "05-02"),
        adopt("n2w", "NJ-12", "province.union.web", "2016-05-03"),
    ]
    path = build(backend, events)
    q2 = board(path, "jiangsu-2016", "2016Q2")
    web = {u.unit: [line for line in lines(u) if line[0] == "adopt.web"] for u in q2.units}
    assert web["nanjing"] == [("adopt.web", "3", "NJ-11"), ("adopt.web", "3", "NJ-12")]
    assert web["js-xuanjiao"] == []
    assert web["taixing"] == [("adopt.web", "3", "TX-11")]
    for unit, zeroed in (("js-xuanjiao", "x1w"), ("taixing", "t2w")):
        trace = trace_of(explanation(path, "jiangsu-2016", "2016Q2", unit).unit)
        assert trace[zeroed].clause == "self_adoption" and trace[zeroed].points == 0


def test_urgent_items_earn_ten_instead_of_the_outlets_clause(backend: Backend) -> None:
    events = [
        *UNITS,
        item("u1", "changzhou", "CZ-U1", "07-08", urgent=True),
        adopt("u1b", "CZ-U1", "province.union.briefing", "2016-07-09"),
        adopt("u1w", "CZ-U1", "province.union.web", "2016-07-10"),
        adopt("u1p", "CZ-U1", "province.party_committee", "2016-07-15"),
        item("u2", "changzhou", "CZ-U2", "08-01", urgent=True),
        adopt("u2s", "CZ-U2", "province.union.special_report", "2016-08-02"),
        item("r1", "changzhou", "CZ-R1", "08-03"),
        adopt("r1b", "CZ-R1", "province.union.briefing", "2016-08-05"),
        item("l1", "liyang", "LY-U1", "09-01", urgent=True),
        adopt("l1w", "LY-U1", "province.union.web", "2016-09-02"),
    ]
    q3 = board(build(backend, events), "jiangsu-2016", "2016Q3")
    cz = q3.unit("changzhou")
    # 紧急信息省总采用记 10 分: by any province.union.* outlet, instead of 5 / 3 / 0.
    assert lines(cz) == [
        ("adopt.urgent", "10", "CZ-U1"),  # briefing: 10, not 5
        ("adopt.urgent", "10", "CZ-U1"),  # web: 10, not 3 (another outlet accumulates)
        ("adopt.province", "10", "CZ-U1"),  # 省委 10 (the province union adopted it first)
        ("adopt.urgent", "10", "CZ-U2"),  # special report: 10, not 0
        ("adopt.briefing", "5", "CZ-R1"),  # a regular item: 5
        ("attribution", "10", None),  # liyang's urgent item on the web: 10
    ]
    assert cz.total == D(55)  # 10 + 10 + 10 + 10 + 5 + 10


# -- §二.2 instructions, §二.3 comprehensive, §二.4 activity ------------------------------------


def test_instructions_once_per_info_and_level(backend: Backend) -> None:
    events = [
        *UNITS,
        item("w1", "wuxi", "WX-01", "07-01"),
        instr("i1", "WX-01", "central", "2016-07-10", leader="国务院领导"),
        instr("i2", "WX-01", "central", "2016-07-12", leader="中办领导"),
        instr("i3", "WX-01", "province", "2016-07-13"),
        instr("i4", "WX-01", "acftu", "2016-07-14"),
        instr("i5", "WX-01", "province_union", "2016-07-15"),
        instr("i6", "WX-01", "city", "2016-07-16"),
        instr("i7", "WX-01", "city_union", "2016-07-17"),
    ]
    path = build(backend, events)
    wx = board(path, "jiangsu-2016", "2016Q3").unit("wuxi")
    assert lines(wx) == [
        ("instr.central", "20", "WX-01"),  # 党中央、国务院领导批示每篇记 20 分 (i2: same level)
        ("instr.province", "10", "WX-01"),  # 省委、省政府…领导批示每篇记 10 分
        ("instr.province", "10", "WX-01"),  # 全总领导 10 (another level)
        ("instr.province_union", "5", "WX-01"),  # 省总领导批示每篇记 5 分
    ]
    assert wx.total == D(45)
    trace = trace_of(explanation(path, "jiangsu-2016", "2016Q3", "wuxi").unit)
    assert trace["i2"].status == "unscored"
    assert "no clause of jiangsu-2016 scores level city" in trace["i6"].reason
    assert "no clause of jiangsu-2016 scores level city_union" in trace["i7"].reason


def test_comprehensive_submissions_and_the_yearly_activity(backend: Backend) -> None:
    events = [
        *UNITS,
        item("c1", "nanjing", "NJ-Z1", "01-10", category="comprehensive"),
        item("c2", "nanjing", "NJ-Z2", "03-28", category="comprehensive"),
        item("c3", "nanjing", "NJ-R1", "03-29"),  # regular: nothing on submission
        item("c4", "jiangning", "JN-Z1", "02-15", category="comprehensive"),
        item("c5", "js-xuanjiao", "XJ-Z1", "02-16", category="comprehensive"),
        activity("v1", "nanjing", "2016-03-15", "meeting"),
        activity("v2", "nanjing", "2016-05-20", "training"),
        activity("v3", "nanjing", "2016-11-10", "exchange"),
        activity("v4", "nanjing", "2017-02-10", "meeting"),
        activity("v5", "jiangning", "2016-04-01", "training"),
        activity("w1", "wuxi", "2016-02-10", "press_conference"),
        retract("w1x", "w1", "2016-02-20", "会议延期"),
        activity("w2", "wuxi", "2016-04-12", "training"),
    ]
    path = build(backend, events)
    q1 = board(path, "jiangsu-2016", "2016Q1")
    # 各市总工会报送的…综合分析信息，每报送一篇记 10 分: 2 × 10; 各市总在一年内…记 20 分.
    assert lines(q1.unit("nanjing")) == [
        ("activity", "20", None),
        ("comprehensive", "20", None),
    ]
    assert q1.unit("jiangning").total == 0  # a county's comprehensive item and activity: 0
    assert q1.unit("js-xuanjiao").total == 0
    assert q1.unit("wuxi").total == 0  # its Q1 activity was retracted
    q2 = board(path, "jiangsu-2016", "2016Q2")
    assert q2.unit("nanjing").total == 0  # the year's activity was already scored in Q1
    assert lines(q2.unit("wuxi")) == [("activity", "20", None)]  # its first live one
    year = board(path, "jiangsu-2016", "2016")
    assert lines(year.unit("nanjing")) == [("activity", "20", None), ("comprehensive", "20", None)]
    assert total(board(path, "jiangsu-2016", "2017Q1"), "nanjing") == "20"  # a new year
    trace = trace_of(explanation(path, "jiangsu-2016", "2016Q2", "nanjing").unit)
    assert trace["v2"].status == "unscored" and "once a year" in trace["v2"].reason
    j_trace = trace_of(explanation(path, "jiangsu-2016", "2016Q1", "jiangning").unit)
    assert "comprehensive submission by a county" in j_trace["c4"].reason


# -- §三 targets, §五 deductions by adjustment ---------------------------------------------------


def test_targets_for_year_periods(backend: Backend) -> None:
    events = [
        *UNITS,
        item("n1", "js-nvgong", "NG-01", "03-01"),
        adopt("n1c", "NG-01", "central.cpc_office", "2016-03-10"),
        adopt("n1g", "NG-01", "province.government", "2016-03-11"),
        instr("n1i", "NG-01", "province", "2016-03-20"),
        instr("n1j", "NG-01", "acftu", "2016-09-20"),
        item("x1", "js-xuanjiao", "XJ-01", "05-01"),
        adopt("x1c", "XJ-01", "central.state_council_office", "2016-05-10"),
        adjust(
            "x1d", "js-xuanjiao", "2016-12-30", "-5", "未完成目标分值，酌情扣减", "jiangsu-2016"
        ),
        item("c1", "nanjing", "NJ-Z1", "01-10", category="comprehensive"),
    ]
    path = build(backend, events)
    year = board(path, "jiangsu-2016", "2016")
    got = {u.unit: (u.total, u.target, u.target_met) for u in year.units}
    assert got["nanjing"] == (D(10), D(300), False)  # 各市总工会年度目标分值为 300 分
    # 女工部 50: 中办 20 + 省政府 10 + 省委领导 10 + 全总领导 10 = 50 (met: total ≥ target)
    assert got["js-nvgong"] == (D(50), D(50), True)
    # 宣教部 100: 国办 20 − 5 (酌情扣减) = 15
    assert got["js-xuanjiao"] == (D(15), D(100), False)
    assert got["js-caiwu"] == (D(0), None, None)  # 财务部…不设目标分值
    assert got["js-jiaoke"] == (D(0), D(50), False)  # 省教科工会 50
    assert got["js-jianshe"] == (D(0), None, None)  # an industry union the text does not list
    assert got["jiangning"] == (D(0), None, None)
    assert year.in_force is True
    # Targets apply to year periods only.
    q1 = board(path, "jiangsu-2016", "2016Q1")
    assert all(u.target is None and u.target_met is None for u in q1.units)
    assert total(q1, "js-nvgong") == "40"
    assert board(path, "jiangsu-2016", "2015Q4").in_force is False
