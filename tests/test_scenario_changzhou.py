"""Worked scenarios under changzhou-2016 (常州市工会信息(网站通讯)工作考评修订办法,
常工发〔2016〕45号).

Every expected number is computed by hand from the seed (001_b328c4891b8eb7ce.txt) and
RULES.md; the comment beside it quotes the sentence it comes from.
"""

from __future__ import annotations

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
)

UNITS = [
    reg("wujin", "武进区总工会", "county", at="2016-01-04"),
    reg("tianning", "天宁区总工会", "county", at="2016-01-04"),
    reg("zhonglou", "钟楼区总工会", "county", at="2016-01-04"),
    reg("xinbei", "新北区总工会", "county", at="2016-01-04"),
    reg("jintan", "金坛区总工会", "county", at="2016-01-04"),
    reg("hutang", "湖塘镇工会", "grassroots", parent="wujin", at="2016-01-04"),
    reg("wj-kfq", "武进经济开发区工会", "township", parent="wujin", at="2016-01-04"),
    reg("tianhe", "天合光能有限公司工会", "enterprise", parent="wujin", at="2016-01-04"),
    reg("xixiashu", "西夏墅镇工会", "grassroots", parent="xinbei", at="2016-01-04"),
    reg("cz-city", "常州市总工会", "city", at="2016-01-04"),
    reg("cz-daxue", "常州大学工会", "grassroots", parent="cz-city", at="2016-01-04"),
    reg("cz-xuanjiao", "市总宣传教育部", "department", department="publicity", at="2016-01-04"),
    reg("cz-caiwu", "市总财务事业部", "department", department="finance", at="2016-01-04"),
    reg("cz-jiguan", "市总机关党委", "department", department="party_office", at="2016-01-04"),
    reg("cz-jixie", "常州市机械冶金工会", "industry_union", at="2016-01-04"),
]


def item(id_: str, unit: str, info: str, day: str, **kw: object) -> dict:
    return sub(id_, unit, info, f"2016-{day}", **kw)


# -- §五.1–§五.4: adoption clauses, commissioned items --------------------------------------------


def test_every_adoption_clause_and_commissioned_items(backend: Backend) -> None:
    events = [
        *UNITS,
        item("s01", "wujin", "WJ-01", "07-04"),
        adopt("a01", "WJ-01", "central.cpc_office", "2016-07-20"),
        item("s02", "wujin", "WJ-02", "07-05"),
        adopt("a02", "WJ-02", "acftu.other", "2016-07-21"),
        item("s03", "wujin", "WJ-03", "07-06", commissioned=True),
        adopt("a03w", "WJ-03", "province.union.web", "2016-07-25"),
        adopt("a03b", "WJ-03", "province.union.briefing", "2016-07-26"),
        item("s04", "wujin", "WJ-04", "07-07"),
        adopt("a04", "WJ-04", "province.union.special_report", "2016-07-27"),
        item("s05", "wujin", "WJ-05", "07-08"),
        adopt("a05", "WJ-05", "province.union.web", "2016-07-28"),
        item("s06", "wujin", "WJ-06", "07-11"),
        adopt("a06p", "WJ-06", "province.party_committee", "2016-08-01"),
        adopt("a06g", "WJ-06", "province.government", "2016-08-02"),
        item("s07", "wujin", "WJ-07", "07-12"),
        adopt("a07p", "WJ-07", "city.party_committee", "2016-08-03"),
        adopt("a07g", "WJ-07", "city.government", "2016-08-04"),
        item("s08", "wujin", "WJ-08", "07-13"),
        adopt("a08", "WJ-08", "city.union.web.news", "2016-08-05"),
        item("s09", "wujin", "WJ-09", "07-14"),
        adopt("a09", "WJ-09", "city.union.web.department", "2016-08-08"),
        item("s10", "wujin", "WJ-10", "07-15"),
        adopt("a10g", "WJ-10", "city.union.web.grassroots", "2016-08-09"),
        adopt("a10p", "WJ-10", "city.union.web.photo", "2016-08-10"),
        item("s11", "wujin", "WJ-11", "07-18"),
        *[
            adopt(f"a11{n}", "WJ-11", outlet, f"2016-08-1{n}")
            for n, outlet in enumerate(
                [
                    "province.union.express",
                    "province.union.briefing",
                    "province.union.other",
                    "city.union.bulletin",
                    "city.union.internal",
                ]
            )
        ],
        item("s12", "wujin", "WJ-12", "09-01", commissioned=True),
        adopt("a12", "WJ-12", "city.union.web.news", "2016-09-05"),
    ]
    path = build(backend, events)
    q3 = board(path, "changzhou-2016", "2016Q3")
    wj = q3.unit("wujin")
    assert lines(wj) == [
        ("commissioned", "10", None),  # 市总工会专题约稿，每报送一条记5分: 2 × 5
        ("adopt.national", "20", "WJ-01"),  # 中共中央办公厅…采用每条记20分
        ("adopt.national", "20", "WJ-02"),  # 全总办公厅 (any acftu.* outlet) 20
        ("adopt.commissioned_province", "10", "WJ-03"),  # 约稿 省总工会采用每条记10分 (web: not 3)
        ("adopt.commissioned_province", "10", "WJ-03"),  # briefing: 10, not 0
        ("adopt.province_special", "5", "WJ-04"),  # 省总工会信息专报采用每条记5分
        ("adopt.province_web", "3", "WJ-05"),  # 省总工会网站采用每条记3分
        ("adopt.province", "10", "WJ-06"),  # 省委…办公厅采用每条记10分
        ("adopt.province", "10", "WJ-06"),  # 省政府办公厅 10 (another outlet)
        ("adopt.city", "5", "WJ-07"),  # 市委、市政府办公室采用，每条记5分
        ("adopt.city", "5", "WJ-07"),
        ("adopt.city_news", "3", "WJ-08"),  # “工会新闻”栏目采用，每条记3分
        ("adopt.city_department", "2", "WJ-09"),  # 部门专栏…采用，每条记2分
        ("adopt.city_grassroots", "1", "WJ-10"),  # “基层动态”“图片新闻”栏目采用，每条记1分
        ("adopt.city_grassroots", "1", "WJ-10"),
        ("adopt.city_news", "3", "WJ-12"),  # a commissioned item on the city web: 3
    ]
    # 10 + 20 + 20 + 10 + 10 + 5 + 3 + 10 + 10 + 5 + 5 + 3 + 2 + 1 + 1 + 3 = 118
    assert wj.total == D(118)
    trace = trace_of(explanation(path, "changzhou-2016", "2016Q3", "wujin").unit)
    for n, outlet in enumerate(
        [
            "province.union.express",
            "province.union.briefing",
            "province.union.other",
            "city.union.bulletin",
            "city.union.internal",
        ]
    ):
        assert trace[f"a11{n}"].status == "unscored"
        assert f"no clause of changzhou-2016 scores outlet {outlet}" in trace[f"a11{n}"].reason
    # Regular submissions earn nothing by themselves here.
    assert trace["s01"].status == "unscored" and trace["s01"].points == 0


def test_instructions_once_per_info_and_level(backend: Backend) -> None:
    events = [
        *UNITS,
        item("s1", "tianning", "TN-01", "07-01"),
        instr("i1", "TN-01", "central", "2016-07-10"),
        instr("i2", "TN-01", "acftu", "2016-07-11"),
        instr("i3", "TN-01", "province", "2016-07-12"),
        instr("i4", "TN-01", "province_union", "2016-07-13"),
        instr("i5", "TN-01", "city", "2016-07-14", leader="市委书记"),
        instr("i6", "TN-01", "city", "2016-07-15", leader="市长"),
        instr("i7", "TN-01", "city_union", "2016-07-16"),
    ]
    path = build(backend, events)
    tn = board(path, "changzhou-2016", "2016Q3").unit("tianning")
    assert lines(tn) == [
        ("instr.national", "30", "TN-01"),  # 国家…领导批示的每条记30分
        ("instr.national", "30", "TN-01"),  # 全总领导 30 (another level)
        ("instr.province", "20", "TN-01"),  # 省委、省政府领导批示的每条记20分
        ("instr.province_union", "10", "TN-01"),  # 省总领导批示的每条记10分
        ("instr.city", "10", "TN-01"),  # 市委、市政府领导批示，每条记10分 (once: i6 0)
    ]
    assert tn.total == D(100)
    trace = trace_of(explanation(path, "changzhou-2016", "2016Q3", "tianning").unit)
    assert trace["i6"].status == "unscored" and trace["i7"].status == "unscored"


# -- §五.3 bonus.experience ---------------------------------------------------------------------


def test_experience_bonus_once_per_info_in_the_period_of_the_first_web_adoption(
    backend: Backend,
) -> None:
    events = [
        *UNITS,
        item("e1", "zhonglou", "ZL-E1", "08-01", category="experience"),
        adopt("e1d", "ZL-E1", "city.union.web.department", "2016-08-30"),
        adopt("e1n", "ZL-E1", "city.union.web.news", "2016-10-10"),
        item("e2", "zhonglou", "ZL-E2", "08-02", category="experience"),
        adopt("e2p", "ZL-E2", "city.party_committee", "2016-08-05"),
        item("e3", "zhonglou", "ZL-E3", "08-03", category="experience"),
        adopt("e3p", "ZL-E3", "city.union.web.photo", "2016-09-02"),
        retract("e3x", "e3p", "2016-09-05", "图片新闻撤稿"),
        adopt("e3g", "ZL-E3", "city.union.web.grassroots", "2016-10-20"),
        item("r1", "zhonglou", "ZL-R1", "08-04"),
        adopt("r1n", "ZL-R1", "city.union.web.news", "2016-08-10"),
        item("e4", "zhonglou", "ZL-E4", "06-10", category="experience"),
        adopt("e4n", "ZL-E4", "city.union.web.news", "2016-06-20"),
        adopt("e4d", "ZL-E4", "city.union.web.department", "2016-07-15"),
    ]
    path = build(backend, events)
    # 经验类、总结类信息采用，每条额外记2分
    q3 = board(path, "changzhou-2016", "2016Q3").unit("zhonglou")
    assert lines(q3) == [
        ("adopt.city_department", "2", "ZL-E4"),  # its bonus went with the Q2 adoption
        ("adopt.city", "5", "ZL-E2"),  # 市委 is not the city union's website: no bonus
        ("adopt.city_news", "3", "ZL-R1"),  # a regular item: no bonus
        ("adopt.city_department", "2", "ZL-E1"),
        ("bonus.experience", "2", "ZL-E1"),  # on top, with its first web adoption
    ]
    assert q3.total == D(14)
    q4 = board(path, "changzhou-2016", "2016Q4").unit("zhonglou")
    assert lines(q4) == [
        ("adopt.city_news", "3", "ZL-E1"),  # no second bonus for ZL-E1
        ("adopt.city_grassroots", "1", "ZL-E3"),
        ("bonus.experience", "2", "ZL-E3"),  # the retracted photo adoption did not take it
    ]
    assert q4.total == D(6)
    assert total(board(path, "changzhou-2016", "2016H2"), "zhonglou") == "20"  # 14 + 6
    q2 = board(path, "changzhou-2016", "2016Q2")
    assert lines(q2.unit("zhonglou")) == [
        ("adopt.city_news", "3", "ZL-E4"),
        ("bonus.experience", "2", "ZL-E4"),
    ]
    assert q2.in_force is False
    assert total(board(path, "changzhou-2016", "2016"), "zhonglou") == "25"  # 5 + 14 + 6


# -- §五.5 activity, attribution to the county --------------------------------------------------


def test_activities_score_ten_each_for_the_county(backend: Backend) -> None:
    events = [
        *UNITS,
        activity("v1", "wujin", "2016-07-12", "meeting"),
        activity("v2", "wujin", "2016-08-20", "training"),
        activity("v3", "hutang", "2016-09-03", "exchange"),
        activity("v4", "wj-kfq", "2016-09-06", "training"),
        activity("v5", "tianhe", "2016-09-07", "meeting"),
        activity("v6", "cz-xuanjiao", "2016-09-08", "meeting"),
        activity("v7", "cz-city", "2016-09-09", "press_conference"),
        activity("v8", "cz-daxue", "2016-09-10", "training"),
        item("h1", "hutang", "HT-E1", "08-15", category="experience"),
        adopt("h1g", "HT-E1", "city.union.web.grassroots", "2016-08-16"),
        item("u1", "cz-daxue", "CD-01", "09-12"),
        adopt("u1n", "CD-01", "city.union.web.news", "2016-09-13"),
    ]
    path = build(backend, events)
    q3 = board(path, "changzhou-2016", "2016Q3")
    # 各辖市、区总，以及辖区内镇（街道）、村（社区）、企业等基层工会召开…活动，每开展一次，
    # 其所属辖市、区总工会记10分.
    wj = q3.unit("wujin")
    assert lines(wj) == [
        ("activity", "10", None),  # v1
        ("activity", "10", None),  # v2: each time, not once a year
        ("attribution", "13", None),  # hutang: activity 10 + 基层动态 1 + 经验类 2
        ("attribution", "10", None),  # tianhe (enterprise): 10
        ("attribution", "10", None),  # wj-kfq (township): 10
    ]
    assert [line.note for line in wj.lines[2:]] == ["hutang", "tianhe", "wj-kfq"]
    assert wj.total == D(53)
    ht = q3.unit("hutang")
    assert (ht.total, ht.attributed_to, ht.rank, ht.eligible) == (D(13), "wujin", None, None)
    # A department, the city union itself and a unit with no county above it: no activity
    # points. The university keeps its 工会新闻 3 and has no rank; the city union (not an
    # assessed kind) is listed with 0, so that explain can say why.
    assert q3.unit("cz-xuanjiao").total == 0
    daxue = q3.unit("cz-daxue")
    assert (daxue.total, daxue.rank, daxue.attributed_to) == (D(3), None, None)
    city = q3.unit("cz-city")
    assert (city.total, city.rank, city.attributed_to) == (D(0), None, None)
    c_trace = trace_of(explanation(path, "changzhou-2016", "2016Q3", "cz-city").unit)
    assert "no clause of changzhou-2016 scores an activity by a city" in c_trace["v7"].reason
    trace = trace_of(explanation(path, "changzhou-2016", "2016Q3", "cz-xuanjiao").unit)
    assert "no clause of changzhou-2016 scores an activity by a department" in trace["v6"].reason


def test_a_grassroots_union_moved_between_counties(backend: Backend) -> None:
    events = [
        *UNITS,
        activity("m1", "xixiashu", "2016-09-10", "meeting"),
        changed("mv", "xixiashu", "2016-10-01", parent="tianning"),
        activity("m2", "xixiashu", "2016-10-15", "training"),
        item("m3", "xixiashu", "XXS-01", "11-02"),
        adopt("m3n", "XXS-01", "city.union.web.news", "2016-11-05"),
    ]
    path = build(backend, events)
    h2 = board(path, "changzhou-2016", "2016H2")
    # Attribution as the unit stood at each event: the September activity to xinbei,
    # the October activity and the November adoption (10 + 3) to tianning.
    assert lines(h2.unit("xinbei")) == [("attribution", "10", None)]
    assert lines(h2.unit("tianning")) == [("attribution", "13", None)]
    xxs = h2.unit("xixiashu")
    assert (xxs.total, xxs.attributed_to, xxs.rank) == (D(23), "tianning", None)
    assert board(path, "changzhou-2016", "2016Q3").unit("xixiashu").attributed_to == "xinbei"


# -- §五.6 bonus.province_top10 -------------------------------------------------------------------


def test_province_top_ten_bonus(backend: Backend) -> None:
    events = [
        *UNITS,
        ranking("k1", "wujin", "2016-12-20", 2016, 7),
        ranking("k2", "wujin", "2016-12-28", 2016, 5),  # a second circular: once a year
        ranking("k3", "tianning", "2016-12-20", 2016, 10),
        ranking("k4", "zhonglou", "2016-12-20", 2016, 11),
        ranking("k5", "xinbei", "2016-12-20", 2016, 1, source="city.union.annual"),
        ranking("k6", "jintan", "2016-01-15", 2015, 3),  # 2015's ranking, dated in 2016
        ranking("k7", "cz-xuanjiao", "2016-12-20", 2016, 3),
    ]
    path = build(backend, events)
    q4 = board(path, "changzhou-2016", "2016Q4")
    # 在省总网站信息年终通报中位列全省县（市、区）工会前十位的，每年考核一次性加30分
    assert lines(q4.unit("wujin")) == [("bonus.province_top10", "30", None)]
    assert lines(q4.unit("tianning")) == [("bonus.province_top10", "30", None)]  # 10th
    for unit in ["zhonglou", "xinbei", "cz-xuanjiao"]:
        assert q4.unit(unit).total == 0
    assert q4.unit("wujin").lines[0].note == "province.union.annual 2016 rank 7"
    q1 = board(path, "changzhou-2016", "2016Q1")
    assert q1.unit("jintan").total == 0
    assert any("k6" in w for w in q1.warnings)
    trace = trace_of(explanation(path, "changzhou-2016", "2016Q4", "wujin").unit)
    assert trace["k2"].status == "unscored" and "once a year" in trace["k2"].reason
    z_trace = trace_of(explanation(path, "changzhou-2016", "2016Q4", "zhonglou").unit)
    assert "rank 11" in z_trace["k4"].reason
    d_trace = trace_of(explanation(path, "changzhou-2016", "2016Q4", "cz-xuanjiao").unit)
    assert "county" in d_trace["k7"].reason
    assert total(board(path, "changzhou-2016", "2016"), "wujin") == "30"


# -- §四 targets, in_force ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "in_force"),
    [
        ("2016H1", False),
        ("2016-06", False),
        ("2016", False),  # the year starts before 2016-07-01 (六、…于2016年7月1日起正式实行)
        ("2016H2", True),
        ("2016Q3", True),
        ("2016-07", True),
        ("2017", True),
    ],
)
def test_in_force_from_the_first_of_july(backend: Backend, period: str, in_force: bool) -> None:
    path = build(backend, UNITS[:1])
    assert board(path, "changzhou-2016", period).in_force is in_force


def test_department_targets(backend: Backend) -> None:
    events = [
        *UNITS,
        item("c1", "cz-xuanjiao", "CX-01", "07-01"),
        adopt("c1a", "CX-01", "central.cpc_office", "2016-07-10"),
        item("c2", "cz-xuanjiao", "CX-02", "07-02"),
        adopt("c2a", "CX-02", "province.party_committee", "2016-08-10"),
        instr("c2i", "CX-02", "province", "2016-08-20"),
        item("c3", "cz-xuanjiao", "CX-03", "09-01"),
        adopt("c3a", "CX-03", "city.party_committee", "2016-09-10"),
        adopt("c3n", "CX-03", "city.union.web.news", "2016-10-10"),
        adopt("c3d", "CX-03", "city.union.web.department", "2016-10-11"),
        item("f1", "cz-caiwu", "CW-01", "11-01"),
        adopt("f1d", "CW-01", "city.union.web.department", "2016-11-10"),
        adjust("f1x", "cz-caiwu", "2016-12-28", "-1", "未完成目标分值，酌情扣减", "changzhou-2016"),
        activity("w1", "wujin", "2016-07-12", "meeting"),
    ]
    path = build(backend, events)
    year = board(path, "changzhou-2016", "2016")
    got = {u.unit: (u.total, u.target, u.target_met) for u in year.units}
    # 宣传教育部 60: 中办 20 + 省委 10 + 省委领导 20 + 市委 5 + 工会新闻 3 + 部门专栏 2 = 60
    assert got["cz-xuanjiao"] == (D(60), D(60), True)
    # 财务事业部 30: 部门专栏 2 − 1 (酌情扣减) = 1
    assert got["cz-caiwu"] == (D(1), D(30), False)
    assert got["cz-jiguan"] == (D(0), D(30), False)  # 机关党委为30分
    assert got["cz-jixie"] == (D(0), None, None)  # not listed in §四.2
    assert got["wujin"] == (D(10), None, None)  # 各辖市、区总工会不设目标分值
    assert all(u.eligible is None for u in year.units)  # no award rule
    h2 = board(path, "changzhou-2016", "2016H2")
    assert all(u.target is None for u in h2.units)
