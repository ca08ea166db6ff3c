"""Worked scenarios under dalian-2011 (大连市工会信息工作办法, 大工办发[2011] 15号).

Every expected number is computed by hand from the seed (002_22e12029cb82e91e.txt) and
RULES.md; the comment beside it quotes the sentence it comes from.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backends import Backend
from scenario_helpers import (
    D,
    adjust,
    adopt,
    append,
    board,
    build,
    changed,
    diffed,
    explanation,
    instr,
    lines,
    recorded_at,
    reg,
    retract,
    sub,
    total,
    totals,
    trace_of,
    veto,
)

UNITS = [
    reg("shahekou", "沙河口区总工会", "county"),
    reg("ganjingzi", "甘井子区总工会", "county"),
    reg("xigang", "西岗区总工会", "county"),
    reg("zhongshan", "中山区总工会", "county"),
    reg("dl-port", "大连港集团工会(信息直报点)", "direct_report", parent="shahekou"),
    reg("dl-build", "大连市建设产业工会", "industry_union"),
    reg("dl-metro", "大连地铁运营公司工会(信息直报点)", "direct_report", parent="dl-build"),
    reg("dl-xuanjiao", "大连市总工会宣教部", "department", department="publicity"),
]

JULY = ["07-01", "07-04", "07-07", "07-11", "07-14", "07-18", "07-21", "07-25", "07-28"]
AUGUST = ["08-01", "08-04", "08-08", "08-11", "08-15", "08-18", "08-22", "08-25", "08-29"]
SEPTEMBER = ["09-01", "09-05", "09-08", "09-13", "09-19", "09-26"]


def subs(unit: str, prefix: str, days: list[str], year: int = 2011, **kw: object) -> list[dict]:
    """One submission per day: ids `{prefix}-MM-DD`, infos `{PREFIX}-MMDD`."""
    return [
        sub(f"{prefix}-{d}", unit, f"{prefix.upper()}-{year}-{d.replace('-', '')}", f"{year}-{d}")
        | dict(kw)
        for d in days
    ]


# -- §五(一)1 来稿 and its quarterly cap ------------------------------------------------------


@pytest.fixture(scope="module")
def capped(module_backend: Backend) -> Path:
    june = ["06-03", "06-07", "06-10", "06-14", "06-17", "06-21", "06-24", "06-28"]
    october = ["10-10", "10-12", "10-17", "10-19", "10-24", "10-26"]
    # September is appended before July and August: the cap is taken in `at` order.
    events = [
        *UNITS,
        *subs("shahekou", "shk", june),
        *subs("shahekou", "shk", SEPTEMBER),
        *subs("shahekou", "shk", JULY),
        *subs("shahekou", "shk", AUGUST),
        *subs("shahekou", "shk", october),
    ]
    return build(module_backend, events, "capped")


@pytest.mark.parametrize(
    ("period", "expected", "in_force"),
    [
        # §五(一)1 来稿1条0.5分（每季度10分封顶）
        ("2011Q2", ["4"], False),  # 8 × 0.5 = 4 (under the cap); Q2 starts before 2011-06-02
        ("2011Q3", ["10"], True),  # (9 + 9 + 6) = 24 × 0.5 = 12 → capped at 10
        ("2011Q4", ["3"], True),  # 6 × 0.5 = 3
        ("2011H2", ["10", "3"], True),  # the sum of its capped quarters: 10 + 3 = 13
        ("2011", ["4", "10", "3"], False),  # 4 + 10 + 3 = 17; the year starts before 06-02
        ("2011H1", ["4"], False),
        ("2011-06", ["4"], False),  # June 1 is before the date of issue, 2011-06-02
        ("2011-07", ["4.5"], True),  # 9 × 0.5 = 4.5
        ("2011-08", ["4.5"], True),  # 9 × 0.5 = 4.5; the quarter has used 4.5 + 4.5 = 9
        ("2011-09", ["1"], True),  # 6 × 0.5 = 3, but only 10 − 9 = 1 is left of Q3's cap
        ("2011-10", ["3"], True),
        ("2012Q1", [], True),  # no end date: in force, nothing recorded
    ],
)
def test_submission_cap_per_quarter_and_period_forms(
    capped: Path, period: str, expected: list[str], in_force: bool
) -> None:
    result = board(capped, "dalian-2011", period)
    assert result.in_force is in_force
    shk = result.unit("shahekou")
    # One submission line per quarter (cap window), in time order.
    assert lines(shk) == [("submission", points, None) for points in expected]
    assert shk.total == sum((D(p) for p in expected), D(0))


def test_the_cap_cuts_the_latest_submissions_by_at(capped: Path) -> None:
    expl = explanation(capped, "dalian-2011", "2011Q3", "shahekou")
    trace = trace_of(expl.unit)
    # July 9 + August 9 = 18 × 0.5 = 9; September 1 and 5 reach 10; the rest are cut,
    # although September was appended before July.
    for day in ["09-01", "09-05"]:
        assert (trace[f"shk-{day}"].status, trace[f"shk-{day}"].points) == ("scored", D("0.5"))
    for day in ["09-08", "09-13", "09-19", "09-26"]:
        assert (trace[f"shk-{day}"].status, trace[f"shk-{day}"].points) == ("capped", D(0))
        assert "cap of 10 for 2011Q3" in trace[f"shk-{day}"].reason
    line = expl.unit.lines[0]
    assert line.note == "24 × 0.5 = 12, capped at 10 for 2011Q3"
    assert line.section == "§五(一)1" and "每季度10分封顶" in (line.sentence or "")
    assert len(line.events) == 24


# -- §五(一)1–4 adoption clauses, single and combined ---------------------------------------


def test_commissioned_is_uncapped_and_adoptions_score_single_or_combined(backend: Backend) -> None:
    regular = ["07-04", "07-11", "07-18", "07-25"]
    special = ["08-02", "08-09", "08-16", "08-23", "08-30", "09-06"]
    events = [
        *UNITS,
        *subs("shahekou", "shk", regular),
        *subs("shahekou", "shk", special, commissioned=True),
        adopt("a01", "SHK-2011-0704", "city.union.bulletin", "2011-07-08"),
        adopt("a02", "SHK-2011-0711", "city.union.internal", "2011-07-15"),
        adopt("a03", "SHK-2011-0718", "city.union.internal", "2011-07-22", mode="combined"),
        adopt("a04", "SHK-2011-0725", "city.union.web.news", "2011-07-29", mode="combined"),
        adopt("a05", "SHK-2011-0802", "city.party_committee", "2011-08-05"),
        adopt("a06", "SHK-2011-0802", "province.union.express", "2011-08-12", mode="combined"),
        adopt("a07", "SHK-2011-0809", "province.union.other", "2011-08-15"),
        adopt("a08", "SHK-2011-0816", "acftu.essentials", "2011-08-20", mode="combined"),
        adopt("a09", "SHK-2011-0816", "province.party_committee", "2011-08-26"),
        adopt("a10", "SHK-2011-0823", "central.cpc_office", "2011-09-02"),
        adopt("a11", "SHK-2011-0830", "central.state_council_office", "2011-09-09", "combined"),
        adopt("a12", "SHK-2011-0906", "city.government", "2011-09-15"),
        adopt("a13", "SHK-2011-0906", "province.government", "2011-09-20"),
    ]
    path = build(backend, events)
    shk = board(path, "dalian-2011", "2011Q3").unit("shahekou")
    assert lines(shk) == [
        ("commissioned", "12", None),  # 市总特约稿件1条2分: 6 × 2 = 12, no cap (above 10)
        ("submission", "2", None),  # 来稿1条0.5分: 4 × 0.5 = 2
        ("adopt.city_union", "4", "SHK-2011-0704"),  # 市总信息单条采用4分
        ("adopt.city_internal", "2", "SHK-2011-0711"),  # 内刊发信息单条采用2分
        ("adopt.city_internal", "1", "SHK-2011-0718"),  # 综合采用1分
        ("adopt.city_union", "2", "SHK-2011-0725"),  # 市总信息…综合采用2分 (web news)
        ("adopt.city_party", "6", "SHK-2011-0802"),  # 市委信息单条采用6分
        ("adopt.province_union", "4", "SHK-2011-0802"),  # 省总信息…综合采用4分 (§五(一)7 累计)
        ("adopt.province_union", "8", "SHK-2011-0809"),  # 省总信息单条采用8分
        ("adopt.acftu_province", "5", "SHK-2011-0816"),  # 全总…综合采用5分
        ("adopt.acftu_province", "10", "SHK-2011-0816"),  # 省委单条采用10分
        ("adopt.central", "30", "SHK-2011-0823"),  # 中办和国办单条采用30分
        ("adopt.central", "15", "SHK-2011-0830"),  # 综合采用15分
    ]
    # 12 + 2 + 4 + 2 + 1 + 2 + 6 + 4 + 8 + 5 + 10 + 30 + 15 = 101; 市政府 and 省政府 score 0.
    assert shk.total == D(101)
    trace = trace_of(explanation(path, "dalian-2011", "2011Q3", "shahekou").unit)
    for event, outlet in [("a12", "city.government"), ("a13", "province.government")]:
        assert trace[event].status == "unscored" and trace[event].points == 0
        # Principle 8: the reason names the ruleset and the outlet.
        assert f"no clause of dalian-2011 scores outlet {outlet}" in trace[event].reason


def test_adoption_without_a_submission_names_its_unit(backend: Backend) -> None:
    # §五(一)8 未被市总采用，但通过其他信息途径被…省委…采用，参照相应采用标准计分
    events = [
        *UNITS,
        adopt("x1", "GJZ-2011-X1", "province.party_committee", "2011-08-08", unit="ganjingzi"),
    ]
    result = board(build(backend, events), "dalian-2011", "2011Q3")
    assert lines(result.unit("ganjingzi")) == [("adopt.acftu_province", "10", "GJZ-2011-X1")]


# -- principle 3 and §五(一)5 instructions ---------------------------------------------------


def test_instructions_score_once_per_info_and_level(backend: Backend) -> None:
    events = [
        *UNITS,
        *subs("xigang", "xg", ["07-05", "07-06", "07-07"]),
        instr("i1", "XG-2011-0705", "central", "2011-08-01", leader="国务院领导"),
        instr("i2", "XG-2011-0705", "central", "2011-08-09", leader="中央领导"),  # same level
        instr("i3", "XG-2011-0705", "acftu", "2011-08-10"),
        instr("i4", "XG-2011-0705", "province", "2011-08-11"),
        instr("i5", "XG-2011-0706", "province_union", "2011-08-12"),
        instr("i6", "XG-2011-0706", "city", "2011-08-13"),
        instr("i7", "XG-2011-0706", "city_union", "2011-08-14"),
        instr("i8", "XG-2011-0707", "city", "2011-09-01", leader="市委书记"),
        instr("i9", "XG-2011-0707", "city", "2011-09-02", leader="市长"),
    ]
    path = build(backend, events)
    xg = board(path, "dalian-2011", "2011Q3").unit("xigang")
    assert lines(xg) == [
        ("submission", "1.5", None),  # 3 × 0.5
        ("instr.central", "50", "XG-2011-0705"),  # 中央、国务院领导批示50分 (i2: same level)
        ("instr.acftu_province", "10", "XG-2011-0705"),  # 全总、省领导批示10分: acftu
        ("instr.acftu_province", "10", "XG-2011-0705"),  # … and province, another level
        ("instr.province_union_city", "6", "XG-2011-0706"),  # 省总、市领导批示6分
        ("instr.province_union_city", "6", "XG-2011-0706"),
        ("instr.province_union_city", "6", "XG-2011-0707"),  # i9: city again on 0707
    ]
    assert xg.total == D("89.5")  # 1.5 + 50 + 10 + 10 + 6 + 6 + 6
    trace = trace_of(explanation(path, "dalian-2011", "2011Q3", "xigang").unit)
    assert trace["i2"].status == "unscored" and "once per (info, level)" in trace["i2"].reason
    assert trace["i9"].status == "unscored"
    assert trace["i7"].status == "unscored" and "city_union" in trace["i7"].reason


# -- principle 2: the same outlet twice earns once -----------------------------------------


def test_same_outlet_earns_once_earliest_by_at_then_seq(backend: Backend) -> None:
    events = [
        *UNITS,
        *subs("zhongshan", "zs", ["07-01", "07-02", "07-03"]),
        adopt("a1", "ZS-2011-0701", "city.union.bulletin", "2011-08-20"),
        adopt("a3", "ZS-2011-0702", "city.party_committee", "2011-09-01T10:00"),
        adopt("a4", "ZS-2011-0702", "city.party_committee", "2011-09-01T10:00", "combined"),
        adopt("a5", "ZS-2011-0703", "province.union.web", "2011-07-20"),
        retract("r5", "a5", "2011-07-30", "误记：该信息实为西岗区报送"),
        adopt("a6", "ZS-2011-0703", "province.union.web", "2011-08-02", mode="combined"),
        # Appended last, but dated before a1: the earliest by `at` is the one that counts.
        adopt("a2", "ZS-2011-0701", "city.union.bulletin", "2011-08-10", mode="combined"),
    ]
    path = build(backend, events)
    zs = board(path, "dalian-2011", "2011Q3").unit("zhongshan")
    assert lines(zs) == [
        ("submission", "1.5", None),  # 3 × 0.5
        ("adopt.province_union", "4", "ZS-2011-0703"),  # a5 retracted: a6 counts, combined 4
        ("adopt.city_union", "2", "ZS-2011-0701"),  # a2 (08-10, combined 2), not a1 (08-20)
        ("adopt.city_party", "6", "ZS-2011-0702"),  # same at: seq decides, a3 single 6
    ]
    assert zs.total == D("13.5")
    by_clause = {(line.clause, line.info): line.events for line in zs.lines}
    assert by_clause[("adopt.city_union", "ZS-2011-0701")] == ("a2",)
    trace = trace_of(explanation(path, "dalian-2011", "2011Q3", "zhongshan").unit)
    assert trace["a1"].status == "unscored" and "earns once" in trace["a1"].reason
    assert trace["a4"].status == "unscored"
    assert trace["a5"].status == "retracted" and "r5" in trace["a5"].reason


# -- principle 4: business time decides the period -----------------------------------------


def test_adoption_scores_in_its_own_quarter_and_early_adoption_warns(backend: Backend) -> None:
    events = [
        *UNITS,
        sub("g1", "ganjingzi", "GJZ-2011-01", "2011-06-20"),
        adopt("g1a", "GJZ-2011-01", "city.union.bulletin", "2011-07-12"),
        sub("g2", "ganjingzi", "GJZ-2011-02", "2011-08-10"),
        adopt("g2a", "GJZ-2011-02", "city.party_committee", "2011-08-05"),  # before g2's at
    ]
    path = build(backend, events)
    q2 = board(path, "dalian-2011", "2011Q2")
    assert lines(q2.unit("ganjingzi")) == [("submission", "0.5", None)]  # g1 in June
    assert q2.warnings == ()
    q3 = board(path, "dalian-2011", "2011Q3")
    assert lines(q3.unit("ganjingzi")) == [
        ("submission", "0.5", None),  # g2
        ("adopt.city_union", "4", "GJZ-2011-01"),  # submitted in Q2, adopted in Q3: scores in Q3
        ("adopt.city_party", "6", "GJZ-2011-02"),  # dated before its submission: still scores
    ]
    assert total(q3, "ganjingzi") == "10.5"
    assert len(q3.warnings) == 1 and "g2a" in q3.warnings[0] and "before" in q3.warnings[0]


# -- principle 5 and §五(一)6: direct-report points, caps before handing up ----------------


def test_direct_report_is_capped_then_handed_to_its_county(backend: Backend) -> None:
    port_days = [f"{m}-{d:02d}" for m in ("07", "08", "09") for d in range(1, 31, 3)]  # 30
    events = [
        *UNITS,
        *subs("shahekou", "shk", JULY + AUGUST + SEPTEMBER),  # 24
        *subs("dl-port", "port", port_days),
        adopt("pa", "PORT-2011-0901", "city.union.bulletin", "2011-09-05"),
        *subs("ganjingzi", "gjz", ["07-02", "08-02", "09-02", "09-03"]),
    ]
    result = board(build(backend, events), "dalian-2011", "2011Q3")
    port = result.unit("dl-port")
    # 直报点得分记入所在区市县、产业工会总分: dl-port's 30 × 0.5 = 15 is capped at 10 for
    # dl-port itself, plus 市总信息单条采用4分 = 14, all handed to shahekou.
    assert lines(port) == [
        ("submission", "10", None),
        ("adopt.city_union", "4", "PORT-2011-0901"),
    ]
    assert (port.total, port.attributed_to, port.rank, port.eligible) == (
        D(14),
        "shahekou",
        None,
        None,
    )
    shk = result.unit("shahekou")
    # shahekou's own 24 × 0.5 = 12 → 10, plus the port's 14 (not (24 + 30) × 0.5 → 10).
    assert lines(shk) == [("submission", "10", None), ("attribution", "14", None)]
    assert shk.lines[1].note == "dl-port"
    assert set(shk.lines[1].events) >= {"pa", "port-07-01"}
    assert totals(result) == {
        "shahekou": "24",
        "ganjingzi": "2",  # 4 × 0.5
        "xigang": "0",
        "zhongshan": "0",
        "dl-port": "14",
        "dl-build": "0",
        "dl-metro": "0",
        "dl-xuanjiao": "0",
    }
    ranks = {u.unit: u.rank for u in result.units}
    # Ranks within kind; ties share: counties 24, 2, 0, 0 → 1, 2, 3, 3.
    assert ranks == {
        "shahekou": 1,
        "ganjingzi": 2,
        "xigang": 3,
        "zhongshan": 3,
        "dl-build": 1,
        "dl-xuanjiao": 1,
        "dl-port": None,
        "dl-metro": None,
    }


def test_unit_changed_moves_a_direct_report_between_counties(backend: Backend) -> None:
    before = [*JULY, "08-01", "08-04", "08-08"]  # 12, under shahekou
    after = [
        "08-16", "08-18", "08-22", "08-25", "08-29",
        "09-01", "09-05", "09-08", "09-13", "09-19", "09-22", "09-26",
    ]  # fmt: skip
    events = [
        *UNITS,
        *subs("dl-port", "port", before),
        changed("mv", "dl-port", "2011-08-15", parent="ganjingzi"),
        *subs("dl-port", "port", after),
    ]
    path = build(backend, events)
    q3 = board(path, "dalian-2011", "2011Q3")
    # The cap is dl-port's: the first 20 by at score (12 before the move, 8 after) = 10.
    port = q3.unit("dl-port")
    assert lines(port) == [("submission", "10", None)]
    # Attribution as the unit stood at each submission's at: 12 × 0.5 = 6 to shahekou,
    # 8 × 0.5 = 4 to ganjingzi (the last four are cut by the cap).
    assert lines(q3.unit("shahekou")) == [("attribution", "6", None)]
    assert lines(q3.unit("ganjingzi")) == [("attribution", "4", None)]
    assert q3.unit("ganjingzi").lines[0].note == "dl-port"
    # It hands all its points up: attributed to its parent as of the period's end.
    assert (port.attributed_to, port.rank, port.eligible) == ("ganjingzi", None, None)
    # August: July used 9 × 0.5 = 4.5 of the cap; 3 before the move (1.5) and 5 after (2.5).
    aug = board(path, "dalian-2011", "2011-08")
    assert total(aug, "shahekou") == "1.5" and total(aug, "ganjingzi") == "2.5"
    # September: 10 − (4.5 + 4) = 1.5 left: 09-01, 09-05, 09-08 score, all for ganjingzi.
    sep = board(path, "dalian-2011", "2011-09")
    assert total(sep, "shahekou") == "0" and total(sep, "ganjingzi") == "1.5"
    # Before the move, the unit stood under shahekou.
    q2 = board(path, "dalian-2011", "2011Q2")
    assert q2.unit("dl-port").attributed_to == "shahekou"


def test_a_direct_report_that_becomes_a_county_keeps_its_later_points(backend: Backend) -> None:
    events = [
        *UNITS,
        reg("changxing", "长兴岛临港工业区工会", "direct_report", parent="ganjingzi"),
        *subs("changxing", "cxd", ["07-05", "07-12", "07-19", "07-26"]),
        # 2011-08-01: made a 先导区 union, a county-level unit assessed in its own right.
        changed("up", "changxing", "2011-08-01", kind="county", name="长兴岛临港工业区总工会"),
        *subs("changxing", "cxd", ["08-02", "08-09", "08-16", "08-23", "09-06", "09-13"]),
    ]
    path = build(backend, events)
    q3 = board(path, "dalian-2011", "2011Q3")
    cxd = q3.unit("changxing")
    # 10 × 0.5 = 5 earned; the 4 July submissions (2) were earned as a direct report and
    # go to ganjingzi; the 6 later ones (3) it keeps as a county.
    assert lines(cxd) == [("submission", "5", None), ("attribution", "-2", None)]
    assert cxd.lines[1].note == "handed to ganjingzi"
    assert (cxd.total, cxd.kind, cxd.attributed_to) == (D(3), "county", None)
    assert lines(q3.unit("ganjingzi")) == [("attribution", "2", None)]
    # Ranked as a county: changxing 3, ganjingzi 2, the others 0.
    assert (cxd.rank, q3.unit("ganjingzi").rank, q3.unit("xigang").rank) == (1, 2, 3)
    q2 = board(path, "dalian-2011", "2011Q2")
    assert q2.unit("changxing").attributed_to == "ganjingzi"


def test_a_unit_with_no_assessed_ancestor_keeps_its_points(backend: Backend) -> None:
    events = [
        *UNITS,
        reg("dl-ship", "大连船舶重工集团工会(信息直报点)", "direct_report"),
        *subs("dl-ship", "ship", ["07-06", "07-20", "08-03", "08-17"]),
    ]
    result = board(build(backend, events), "dalian-2011", "2011Q3")
    ship = result.unit("dl-ship")
    assert lines(ship) == [("submission", "2", None)]  # 4 × 0.5, kept
    assert (ship.attributed_to, ship.rank) == (None, None)


# -- principle 10 and §五(一)9, §六(三)4, §六(三)6: the advanced-unit award ---------------------


@pytest.fixture(scope="module")
def award(module_backend: Backend) -> Path:
    events = [
        *UNITS,
        # shahekou: 市委 and 省政府 (0 points here, yet 省总或市委以上) → 2 items.
        *subs("shahekou", "shk", ["07-04", "07-11", "07-18"]),
        adopt("s-a", "SHK-2011-0704", "city.party_committee", "2011-07-15"),
        adopt("s-b", "SHK-2011-0711", "province.government", "2011-08-03"),
        adopt("s-c", "SHK-2011-0718", "city.union.bulletin", "2011-08-04"),  # not 市委以上
        # ganjingzi: two items, but an urgent report 1.5 hours after the incident.
        *subs("ganjingzi", "gjz", ["07-05", "07-06"]),
        adopt("g-a", "GJZ-2011-0705", "acftu.other", "2011-07-20"),
        adopt("g-b", "GJZ-2011-0706", "central.cpc_office", "2011-08-02"),
        sub(
            "gjz-u",
            "ganjingzi",
            "GJZ-2011-U1",
            "2011-08-20T09:30",
            urgent=True,
            incident_at="2011-08-20T08:00",
            title="甘井子区某企业职工集体上访",
        ),
        # zhongshan: an urgent report exactly 1 hour after (1小时内), a retracted veto.
        *subs("zhongshan", "zs", ["07-07", "07-08"]),
        adopt("z-a", "ZS-2011-0707", "province.union.web", "2011-07-21"),
        adopt("z-b", "ZS-2011-0708", "province.party_committee", "2011-08-21"),
        sub(
            "zs-u",
            "zhongshan",
            "ZS-2011-U1",
            "2011-09-02T15:00",
            urgent=True,
            incident_at="2011-09-02T14:00",
        ),
        veto("zs-v", "zhongshan", "2011-08-10", "level_skipping"),
        retract("zs-vr", "zs-v", "2011-08-25", "经核实系市总转报，不属越级上报"),
        # xigang: one item in Q2, one in Q3, a veto recorded in Q4.
        *subs("xigang", "xg", ["06-10", "07-10"]),
        adopt("x-a", "XG-2011-0610", "acftu.essentials", "2011-06-15"),
        adopt("x-b", "XG-2011-0710", "central.state_council_office", "2011-08-08"),
        veto("xg-v", "xigang", "2011-10-20", "concealment"),
        # dl-xuanjiao: one item adopted by two award outlets is one item.
        *subs("dl-xuanjiao", "xj", ["07-12"]),
        adopt("j-a", "XJ-2011-0712", "city.party_committee", "2011-07-19"),
        adopt("j-b", "XJ-2011-0712", "province.party_committee", "2011-08-19"),
        # dl-build: its own item plus its direct report's (Q2); the direct report was
        # vetoed in Q1 and earns nothing in Q3.
        veto("dm-v", "dl-metro", "2011-03-10", "missed_report"),
        *subs("dl-metro", "dm", ["05-16"]),
        adopt("m-a", "DM-2011-0516", "city.party_committee", "2011-05-20"),
        *subs("dl-build", "db", ["07-13"]),
        adopt("b-a", "DB-2011-0713", "province.union.briefing", "2011-07-27"),
    ]
    return build(module_backend, events, "award")


def test_award_two_items_adopted_by_city_party_or_higher(award: Path) -> None:
    q3 = board(award, "dalian-2011", "2011Q3")
    # 每年度至少有2条信息被省总或市委以上采用 (以上 includes 2); province.government counts.
    assert q3.unit("shahekou").eligible is True
    assert q3.unit("shahekou").vetoes == ()
    # One item adopted by two outlets is one item.
    assert q3.unit("dl-xuanjiao").eligible is False
    # Year to date: in July shahekou has only one item so far.
    assert board(award, "dalian-2011", "2011-07").unit("shahekou").eligible is False
    trace = trace_of(explanation(award, "dalian-2011", "2011Q3", "shahekou").unit)
    assert trace["s-b"].status == "unscored"
    assert "no clause of dalian-2011 scores outlet province.government" in trace["s-b"].reason


def test_award_derived_late_report_veto(award: Path) -> None:
    q3 = board(award, "dalian-2011", "2011Q3")
    gjz = q3.unit("ganjingzi")
    # 应在事件发生后1小时内向市总工会报送: 09:30 − 08:00 = 1.5 h > 1 h → 迟报, a derived veto
    # dated at the submission; two items adopted, yet 取消当年…评选资格.
    assert gjz.eligible is False
    assert [(v.event, v.reason, v.derived, v.unit) for v in gjz.vetoes] == [
        ("gjz-u", "late_report", True, "ganjingzi")
    ]
    # The urgent submission still scores as a submission: 3 × 0.5 = 1.5, plus 全总 10 and
    # 中办 30.
    assert total(q3, "ganjingzi") == "41.5"
    # Exactly one hour is within 1小时内; the recorded veto was retracted.
    zs = q3.unit("zhongshan")
    assert (zs.eligible, zs.vetoes) == (True, ())


def test_award_is_judged_year_to_date(award: Path) -> None:
    assert board(award, "dalian-2011", "2011Q2").unit("xigang").eligible is False  # 1 item
    q3 = board(award, "dalian-2011", "2011Q3").unit("xigang")
    assert (q3.eligible, q3.vetoes) == (True, ())  # 2 items by the end of Q3
    q4 = board(award, "dalian-2011", "2011Q4").unit("xigang")
    assert q4.eligible is False
    assert [(v.event, v.reason, v.derived) for v in q4.vetoes] == [("xg-v", "concealment", False)]
    assert board(award, "dalian-2011", "2011").unit("xigang").eligible is False


def test_award_counts_a_direct_reports_items_and_vetoes(award: Path) -> None:
    q3 = board(award, "dalian-2011", "2011Q3")
    build_ = q3.unit("dl-build")
    # Items: DB-2011-0713 (省总, Q3) and dl-metro's DM-2011-0516 (市委, Q2) = 2, but the
    # direct report's recorded veto of 2011-03-10 is in the year to date.
    assert build_.eligible is False
    assert [(v.event, v.unit) for v in build_.vetoes] == [("dm-v", "dl-metro")]
    metro = q3.unit("dl-metro")
    assert (metro.attributed_to, metro.eligible, metro.rank) == ("dl-build", None, None)


# -- principle 6: retracted events ---------------------------------------------------------


def test_retracted_events_never_score_and_stay_in_the_trace(backend: Backend) -> None:
    events = [
        *UNITS,
        sub("r-s1", "shahekou", "SHK-2011-R1", "2011-07-05"),
        sub("r-s2", "shahekou", "SHK-2011-R2", "2011-07-06"),
        retract("x1", "r-s1", "2011-07-08", "重复报送"),
        adopt("r-a1", "SHK-2011-R2", "city.party_committee", "2011-07-20"),
        retract("x2", "r-a1", "2011-07-28", "市委信息未刊发，误记"),
        adopt("r-a2", "SHK-2011-R2", "city.union.bulletin", "2011-07-21"),
        instr("r-i1", "SHK-2011-R2", "city", "2011-07-25"),
        retract("x3", "r-i1", "2011-07-29", "批示对象为西岗区信息"),
        adjust("r-j1", "shahekou", "2011-09-20", "3", "承办信息员培训"),
        retract("x4", "r-j1", "2011-09-21", "加分已在上季度计入"),
    ]
    path = build(backend, events)
    expl = explanation(path, "dalian-2011", "2011Q3", "shahekou")
    # Only r-s2 (0.5) and r-a2 (市总信息单条采用4分) stand.
    assert lines(expl.unit) == [
        ("submission", "0.5", None),
        ("adopt.city_union", "4", "SHK-2011-R2"),
    ]
    assert expl.unit.total == D("4.5")
    trace = trace_of(expl.unit)
    for event, by in [("r-s1", "x1"), ("r-a1", "x2"), ("r-i1", "x3"), ("r-j1", "x4")]:
        assert trace[event].status == "retracted" and trace[event].points == 0
        assert by in trace[event].reason


# -- principle 7: adjustments, scoped by ruleset ----------------------------------------------

REVISION = """\
id = "dalian-2011-r1"
title = "大连 2011 修订试算"
extends = "dalian-2011"

[override."submission"]
points = "1"
cap = "20"

[override."adopt.central"]
single = "40"
combined = "20"
"""


def test_adjustments_scoped_to_a_ruleset_and_its_revisions(
    tmp_path: Path, backend: Backend
) -> None:
    revision = tmp_path / "dalian-r1.toml"
    revision.write_text(REVISION, encoding="utf-8")
    events = [
        *UNITS,
        adjust("j1", "shahekou", "2011-09-29", "2", "承办全市信息员培训，酌情加分", "dalian-2011"),
        adjust("j2", "shahekou", "2011-08-10", "-1", "紧急信息续报不及时，酌情扣分"),
        adjust("j3", "shahekou", "2011-08-11", "5", "江苏省总试算加分", "jiangsu-2016"),
        adjust("j4", "shahekou", "2011-08-12", "3", "修订试算加分", "dalian-2011-r1"),
        adjust("j5", "shahekou", "2011-10-09", "4", "第四季度加分", "dalian-2011"),
    ]
    path = build(backend, events)
    base = board(path, "dalian-2011", "2011Q3").unit("shahekou")
    assert lines(base) == [("adjustment", "-1", None), ("adjustment", "2", None)]  # j2, j1
    assert base.total == D(1)
    # The revision extends dalian-2011: j1 applies there too, and j4 is scoped to it.
    revised = board(path, revision, "2011Q3").unit("shahekou")
    assert sorted(line.events[0] for line in revised.lines) == ["j1", "j2", "j4"]
    assert revised.total == D(4)  # 2 − 1 + 3
    # Under jiangsu-2016 only the unscoped j2 and its own j3 apply: −1 + 5 = 4.
    jiangsu = board(path, "jiangsu-2016", "2011Q3").unit("shahekou")
    assert sorted(line.events[0] for line in jiangsu.lines) == ["j2", "j3"]
    trace = trace_of(explanation(path, "dalian-2011", "2011Q3", "shahekou").unit)
    assert trace["j3"].status == "unscored" and "jiangsu-2016" in trace["j3"].reason
    assert "j5" not in trace  # Q4: not this period


# -- ranks ---------------------------------------------------------------------------------


def test_ranks_within_kind_ties_share(backend: Backend) -> None:
    def other_channel(unit: str, n: int, outlet: str, day: str) -> dict:
        return adopt(f"{unit}-{n}", f"{unit.upper()}-X{n}", outlet, f"2011-{day}", unit=unit)

    events = [
        *UNITS,
        # shahekou: 5 × 市总信息单条采用4分 = 20
        *[other_channel("shahekou", n, "city.union.bulletin", f"07-{n + 10}") for n in range(5)],
        # ganjingzi: 市委 6 + 省总 8 = 14
        other_channel("ganjingzi", 1, "city.party_committee", "08-01"),
        other_channel("ganjingzi", 2, "province.union.web", "08-02"),
        # xigang: 4 × 0.5 + 3 × 4 = 14
        *subs("xigang", "xg", ["07-01", "07-02", "07-03", "07-04"]),
        *[other_channel("xigang", n, "city.union.web.news", f"08-1{n}") for n in range(3)],
        # zhongshan: 12 × 0.5 = 6
        *subs("zhongshan", "zs", [f"09-{d:02d}" for d in range(1, 13)]),
        # dl-build: 内刊 combined 1
        other_channel("dl-build", 1, "city.union.internal", "09-20") | {"mode": "combined"},
    ]
    result = board(build(backend, events), "dalian-2011", "2011Q3")
    got = {u.unit: (u.total, u.rank) for u in result.units if u.kind == "county"}
    assert got == {
        "shahekou": (D(20), 1),
        "ganjingzi": (D(14), 2),
        "xigang": (D(14), 2),
        "zhongshan": (D(6), 4),
    }
    assert (result.unit("dl-build").total, result.unit("dl-build").rank) == (D(1), 1)
    assert [u.unit for u in result.units][:4] == ["shahekou", "ganjingzi", "xigang", "zhongshan"]


# -- as-of and diff ------------------------------------------------------------------------


def test_as_of_replays_only_what_was_recorded(backend: Backend) -> None:
    first = [
        *UNITS,
        *subs("shahekou", "shk", ["07-04", "07-11", "07-18", "07-25"]),
        adopt("a1", "SHK-2011-0704", "city.union.bulletin", "2011-07-30"),
    ]
    path = build(backend, first)
    t1 = recorded_at(path)
    t2 = append(
        path,
        [
            # Recorded later, dated in Q3: known only from t2 on.
            adopt("a2", "SHK-2011-0711", "city.party_committee", "2011-08-01"),
            retract("x1", "shk-07-25", "2011-10-08", "重复报送"),
            reg("jinzhou", "金州区总工会", "county"),
        ],
    )
    # As of t1: 4 × 0.5 + 4 = 6. Now: 3 × 0.5 + 4 + 6 = 11.5.
    then = board(path, "dalian-2011", "2011Q3", as_of=t1)
    assert total(then, "shahekou") == "6"
    assert then.as_of is not None and then.as_of.startswith(t1[:19])
    assert total(board(path, "dalian-2011", "2011Q3"), "shahekou") == "11.5"
    assert total(board(path, "dalian-2011", "2011Q3", as_of=t2), "shahekou") == "11.5"
    result = diffed(path, "2011Q3", "dalian-2011", as_of=t1, against_as_of=t2)
    rows = {r.unit: (r.a, r.b, r.delta) for r in result.units}
    assert rows["shahekou"] == (D(6), D("11.5"), D("5.5"))
    assert rows["ganjingzi"] == (D(0), D(0), D(0))
    assert rows["jinzhou"] == (None, D(0), None)  # not yet registered as of t1
    # Before anything was recorded there is nothing to list.
    assert board(path, "dalian-2011", "2011Q3", as_of="2000-01-01T00:00:00Z").units == ()


def test_a_revision_may_move_the_effective_date(tmp_path: Path, backend: Backend) -> None:
    revision = tmp_path / "dalian-r2.toml"
    revision.write_text(
        REVISION.replace('id = "dalian-2011-r1"', 'id = "r2"\neffective_from = "2012-01-01"'),
        encoding="utf-8",
    )
    path = build(backend, UNITS)
    assert board(path, revision, "2011Q3").in_force is False  # a what-if replay
    assert board(path, revision, "2012Q1").in_force is True


def test_diff_under_a_revision(tmp_path: Path, backend: Backend) -> None:
    revision = tmp_path / "dalian-r1.toml"
    revision.write_text(REVISION, encoding="utf-8")
    port_days = [f"{m}-{d:02d}" for m in ("07", "08", "09") for d in range(1, 31, 3)]  # 30
    events = [
        *UNITS,
        *subs("shahekou", "shk", JULY + AUGUST + SEPTEMBER),  # 24
        *subs("dl-port", "port", port_days),  # 30
        *subs("ganjingzi", "gjz", JULY[:8]),  # 8
        adopt("g-c", "GJZ-2011-0701", "central.cpc_office", "2011-09-01"),
        adopt("x-c", "XG-X1", "central.state_council_office", "2011-09-02", "combined", "xigang"),
    ]
    path = build(backend, events)
    result = diffed(path, "2011Q3", "dalian-2011", revision)
    assert result.a["ruleset"] == "dalian-2011" and result.b["ruleset"] == "dalian-2011-r1"
    rows = {r.unit: (r.a, r.b, r.delta) for r in result.units}
    assert rows == {
        # 24 × 0.5 = 12 → 10, plus the port's 30 × 0.5 = 15 → 10: 20.
        # Revised: 24 × 1 = 24 → 20, plus 30 × 1 = 30 → 20: 40.
        "shahekou": (D(20), D(40), D(20)),
        "dl-port": (D(10), D(20), D(10)),
        # 8 × 0.5 + 中办单条 30 = 34; revised 8 × 1 + 40 = 48.
        "ganjingzi": (D(34), D(48), D(14)),
        # 国办综合 15; revised 20.
        "xigang": (D(15), D(20), D(5)),
        "zhongshan": (D(0), D(0), D(0)),
        "dl-build": (D(0), D(0), D(0)),
        "dl-metro": (D(0), D(0), D(0)),
        "dl-xuanjiao": (D(0), D(0), D(0)),
    }


# -- a unit that received points, then stopped being assessed ------------------------------


def test_a_unit_that_received_points_holds_them_after_it_is_reorganised(tmp_path: Path) -> None:
    """金州区总工会 (a county) receives its direct-report point's 0.5 in Q3; in December it
    is merged into 甘井子区 as a grassroots union. Its own December item goes to 甘井子;
    the 0.5 it received while a county stays with it (§五(一)6 直报点得分记入所在区市县)."""
    path = build(
        tmp_path,
        [
            reg("ganjingzi", "甘井子区总工会", "county"),
            reg("jinzhou", "金州区总工会", "county"),
            reg("jz-port", "金州港工会(信息直报点)", "direct_report", parent="jinzhou"),
            sub("jz-s1", "jz-port", "JZP-2011-01", "2011-07-05"),
            changed("jz-merge", "jinzhou", "2011-12-01", kind="grassroots", parent="ganjingzi"),
            sub("jz-s2", "jinzhou", "JZ-2011-12", "2011-12-10"),
        ],
    )
    result = board(path, "dalian-2011", "2011H2")
    # 来稿1条0.5分: the point earns 0.5 and hands it to 金州 (a county on 07-05).
    assert result.unit("jz-port").attributed_to == "jinzhou"
    assert total(result, "jz-port") == "0.5"
    jinzhou = result.unit("jinzhou")
    # 金州 earned 0.5 itself on 12-10, as a grassroots union: handed to 甘井子. It keeps
    # the 0.5 it received: 0.5 (own) + 0.5 (received) − 0.5 (handed) = 0.5.
    assert jinzhou.attributed_to is None
    assert sorted(lines(jinzhou)) == [
        ("attribution", "-0.5", None),
        ("attribution", "0.5", None),
        ("submission", "0.5", None),
    ]
    assert total(result, "jinzhou") == "0.5"
    assert total(result, "ganjingzi") == "0.5"
