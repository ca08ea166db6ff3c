"""Worked scenarios under the checklist rulesets suzhou-2015 and county-targets.

Seeds 003_6095e83c74a746b1.txt (2015年苏州市工会目标管理评分表) and 004_12e136f0b16e7930.txt
(全县工会工作目标考核评分细则); maxima and the computed and information items as RULES.md
transcribes them. Every expected number is worked out by hand beside the assertion.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backends import Backend
from projections import ChecklistUnit
from projections.numbers import fmt
from scenario_helpers import (
    D,
    absence,
    adopt,
    assess,
    board,
    build,
    explanation,
    reg,
    retract,
    sub,
    trace_of,
)


def items(entry: ChecklistUnit) -> dict[str, tuple[str, str | None, str]]:
    """item -> (score, self score, status)."""
    return {
        i.item: (fmt(i.score) or "0", fmt(i.self_score), i.status)
        for c in entry.categories
        for i in c.items
    }


def categories(entry: ChecklistUnit) -> list[tuple[str, str, str]]:
    return [(c.category, fmt(c.max) or "0", fmt(c.score) or "0") for c in entry.categories]


def evidence(entry: ChecklistUnit, item: str) -> dict:
    found = next(i for c in entry.categories for i in c.items if i.item == item)
    assert found.evidence is not None
    return found.evidence


# -- suzhou-2015 ------------------------------------------------------------------------------

SUZHOU_UNITS = [
    reg("gusu", "姑苏区总工会", "county", at="2015-01-05"),
    reg("wuzhong", "吴中区总工会", "county", at="2015-01-05"),
    reg("xiangcheng", "相城区总工会", "county", at="2015-01-05"),
    reg("sz-jiaotong", "苏州市交通运输局工会", "system", at="2015-01-05"),
    reg("sz-fuwu", "苏州市职工服务中心工会", "other", at="2015-01-05"),
]


def monthly(unit: str, prefix: str, months: list[int], per_month: int) -> list[dict]:
    """`per_month` items submitted on the 2nd and adopted on the 10th of each month."""
    out: list[dict] = []
    for m in months:
        for k in range(1, per_month + 1):
            info = f"{prefix}-2015{m:02d}-{k}"
            out.append(sub(f"s-{info}", unit, info, f"2015-{m:02d}-02"))
            out.append(adopt(f"a-{info}", info, "city.union.bulletin", f"2015-{m:02d}-10"))
    return out


@pytest.fixture(scope="module")
def suzhou(module_backend: Backend) -> Path:
    events = [
        *SUZHOU_UNITS,
        # gusu: the 市、区 table
        assess("g0", "gusu", "suzhou-2015/bureau", "1.1", "2015-06-30", "4"),
        assess("g1", "gusu", "suzhou-2015/city", "1.1", "2015-12-20", "4", "5"),
        assess("g2", "gusu", "suzhou-2015/city", "1.1", "2015-12-28", "3"),
        assess("g3", "gusu", "suzhou-2015/city", "1.2", "2015-12-20", "3", "3"),
        assess("g4", "gusu", "suzhou-2015/city", "1.6", "2015-12-20", "5", "4.5"),
        assess("g5", "gusu", "suzhou-2015/city", "2.1", "2015-12-20", "5.5", "6"),
        assess("g6", "gusu", "suzhou-2015/city", "2.2", "2015-12-20", "7", "7"),
        assess("g7", "gusu", "suzhou-2015/city", "2.2", "2015-12-22", "6", "6"),
        retract("g7x", "g7", "2015-12-23", "考核组复核，维持原评分"),
        assess("g8", "gusu", "suzhou-2015/city", "4.5", "2015-12-21", "4", "4"),
        *monthly("gusu", "GS", list(range(1, 13)), 3),
        adopt("a-gs-twice", "GS-201503-1", "province.union.web", "2015-03-20"),
        sub("s-gs-x", "gusu", "GS-201504-X", "2015-04-03"),
        adopt("a-gs-x", "GS-201504-X", "city.union.web.news", "2015-04-11"),
        retract("a-gs-xx", "a-gs-x", "2015-04-12", "误记"),
        # wuzhong: January 3 (one submitted in 2014), June 2 (one adopted twice)
        sub("s-wz-dec", "wuzhong", "WZ-201412", "2014-12-28"),
        adopt("a-wz-dec", "WZ-201412", "city.union.bulletin", "2015-01-06"),
        *monthly("wuzhong", "WZ", [1], 2),
        *monthly("wuzhong", "WZ", [6], 2),
        adopt("a-wz-again", "WZ-201506-1", "city.union.web.news", "2015-06-25"),
        assess("w1", "wuzhong", "suzhou-2015/city", "4.5", "2015-12-21", "2", "3"),
        # 局、公司: one a month, but none in December
        *monthly("sz-jiaotong", "JT", list(range(1, 12)), 1),
        assess("j1", "sz-jiaotong", "suzhou-2015/bureau", "4.4", "2015-12-21", "2"),
        # 直属单位: four items in the year (one adopted twice)
        *monthly("sz-fuwu", "FW", [2, 5, 8, 11], 1),
        adopt("a-fw-again", "FW-201505-1", "province.union.web", "2015-05-20"),
        assess("f1", "sz-fuwu", "suzhou-2015/affiliate", "4.4", "2015-12-21", "4", "4"),
        # xiangcheng: information work, but no assessment
        *monthly("xiangcheng", "XC", [3], 3),
        assess("late", "xiangcheng", "suzhou-2015/city", "1.1", "2016-01-05", "5"),
    ]
    return build(module_backend, events, "suzhou")


def test_suzhou_latest_assessment_stands_whole(suzhou: Path) -> None:
    result = board(suzhou, "suzhou-2015", "2015")
    assert result.in_force is True
    gusu = result.unit("gusu")
    assert gusu.table == "suzhou-2015/city"  # the table of its latest assessment
    got = items(gusu)
    assert got["1.1"] == ("3", None, "assessed")  # g2 stands whole: its score, no self score
    assert got["1.2"] == ("3", "3", "assessed")
    assert got["2.2"] == ("7", "7", "assessed")  # g7 was retracted: g6 stands
    assert got["1.3"] == ("0", None, "missing")
    assert sum(1 for v in got.values() if v[2] == "missing") == 21 - 6
    assert categories(gusu) == [
        ("服务发展", "24", "11"),  # 1.1 3 + 1.2 3 + 1.6 5
        ("服务职工", "29", "12.5"),  # 2.1 5.5 + 2.2 7
        ("服务社会", "21", "0"),
        ("服务基层", "26", "4"),  # 4.5 4
    ]
    assert gusu.total == D("27.5")  # 11 + 12.5 + 0 + 4
    assert gusu.self_total == D("24.5")  # 3 + 4.5 + 6 + 7 + 4 (1.1 has none now)
    # The bureau-table assessment is warned about and ignored.
    assert any("gusu" in w and "g0" in w for w in result.warnings)
    # No assessment in 2015 (xiangcheng's is dated 2016-01-05): not listed.
    assert {u.unit for u in result.units} == {"gusu", "wuzhong", "sz-jiaotong", "sz-fuwu"}
    assert board(suzhou, "suzhou-2015", "2016").in_force is False


def test_suzhou_information_items_show_the_ledgers_evidence(suzhou: Path) -> None:
    result = board(suzhou, "suzhou-2015", "2015")
    # 每月完成信息（录用）3篇以上: 3 distinct adopted items in every month (以上 includes 3);
    # GS-201503-1 adopted twice is one item; the retracted April adoption does not count.
    gusu = evidence(result.unit("gusu"), "4.5")
    assert gusu["measure"] == "adopted_per_month" and gusu["threshold"] == 3
    assert gusu["months"] == {f"2015-{m:02d}": 3 for m in range(1, 13)}
    assert gusu["met"] is True
    assert gusu["event"] == "g8"
    # wuzhong: January 2 + the item submitted in December 2014 = 3; June 2 (one twice).
    wz = evidence(result.unit("wuzhong"), "4.5")
    assert wz["months"] == {f"2015-{m:02d}": {1: 3, 6: 2}.get(m, 0) for m in range(1, 13)}
    assert wz["met"] is False
    assert items(result.unit("wuzhong"))["4.5"] == ("2", "3", "assessed")  # still the examiner's
    # 局、公司 4.4 每月…1篇以上: none in December.
    jt = evidence(result.unit("sz-jiaotong"), "4.4")
    assert jt["threshold"] == 1 and jt["months"]["2015-12"] == 0 and jt["met"] is False
    assert jt["months"]["2015-11"] == 1
    # 直属单位 4.4 全年完成信息（录用）4篇以上: 4 distinct items.
    fw = evidence(result.unit("sz-fuwu"), "4.4")
    assert (fw["measure"], fw["threshold"], fw["count"], fw["met"]) == (
        "adopted_per_year",
        4,
        4,
        True,
    )


def test_suzhou_explain_marks_superseded_retracted_and_ignored(suzhou: Path) -> None:
    expl = explanation(suzhou, "suzhou-2015", "2015", "gusu")
    trace = trace_of(expl.unit)
    assert trace["g1"].status == "unscored" and "superseded by g2" in trace["g1"].reason
    assert trace["g2"].status == "scored"
    assert trace["g7"].status == "retracted" and "g7x" in trace["g7"].reason
    assert trace["g0"].status == "unscored" and "suzhou-2015/city" in trace["g0"].reason


# -- county-targets -----------------------------------------------------------------------------

COUNTY_UNITS = [
    reg("chengguan", "城关镇工会", "township", at="2016-01-04"),
    reg("xinan", "新安镇工会", "township", at="2016-01-04"),
    reg("xianwei", "县委办公室工会", "other", at="2016-01-04"),
    reg("edu-sys", "县教育系统工会", "system", at="2016-01-04"),
    reg("jiantou", "县建设投资集团工会", "enterprise", at="2016-01-04"),
    reg("dongcheng", "东城街道工会", "township", at="2016-01-04"),
]

T = "county/township"


@pytest.fixture(scope="module")
def county(module_backend: Backend) -> Path:
    events = [
        *COUNTY_UNITS,
        # chengguan: 3 absences in 2016 (a fourth retracted, one in 2015)
        absence("c-a0", "chengguan", "2015-11-20", "2015年县总全委会"),
        absence("c-a1", "chengguan", "2016-03-10", "县总工作会议"),
        absence("c-a2", "chengguan", "2016-06-15", "工会主席培训班"),
        absence("c-a3", "chengguan", "2016-09-20", "县总半年工作推进会"),
        absence("c-a4", "chengguan", "2016-10-10", "信息员培训"),
        retract("c-a4x", "c-a4", "2016-10-12", "已请假，不计缺席"),
        assess("c14", "chengguan", T, "1.4", "2016-12-20", "2", "2"),
        assess("c11", "chengguan", T, "1.1", "2016-12-20", "3", "3"),
        assess("c12", "chengguan", T, "1.2", "2016-12-20", "2.5", "3"),
        assess("c13", "chengguan", T, "1.3", "2016-12-20", "2"),
        assess("c74", "chengguan", T, "7.4", "2016-12-20", "6", "6"),
        *[
            sub(f"c-s{n}", "chengguan", f"CG-2016-{n:02d}", f"2016-{n:02d}-15")
            for n in range(1, 11)
        ],
        # xinan: 5 absences
        *[absence(f"x-a{n}", "xinan", f"2016-0{n}-08", "县总会议") for n in range(1, 6)],
        assess("x21", "xinan", T, "2.1", "2016-12-20", "4"),
        # xianwei: the 党群、政府、政法系统 table, 2 absences, 9 submissions
        absence("w-a1", "xianwei", "2016-04-06", "县总全委会"),
        absence("w-a2", "xianwei", "2016-08-06", "县总工作会议"),
        assess("w22", "xianwei", "county/party-gov", "2.2", "2016-12-21", "7", "9"),
        *[sub(f"w-s{n}", "xianwei", f"XW-2016-{n}", f"2016-0{n}-20") for n in range(1, 10)],
        # edu-sys: the 系统 table, 1 absence
        absence("e-a1", "edu-sys", "2016-05-06", "县总工作会议"),
        assess("e74", "edu-sys", "county/system", "7.4", "2016-12-21", "5"),
        # jiantou: the 直属企业 table
        assess("t41", "jiantou", "county/enterprise", "4.1", "2016-12-21", "10", "10"),
        # dongcheng: absences only, no assessment
        absence("d-a1", "dongcheng", "2016-05-06", "县总工作会议"),
    ]
    return build(module_backend, events, "county")


def test_county_computed_items_from_absences(county: Path) -> None:
    result = board(county, "county-targets", "2016")
    assert result.in_force is True  # the document carries no year
    cg = result.unit("chengguan")
    assert cg.table == T
    got = items(cg)
    # 工会主席、工会委员按时参加县总会议…每缺席一次扣0.5分: 2 − 0.5 × 3 = 0.5
    assert got["1.4"] == ("0.5", None, "computed")
    assert got["1.1"] == ("3", "3", "assessed")
    assert got["1.3"] == ("2", None, "assessed")
    assert got["7.4"] == ("6", "6", "assessed")
    assert categories(cg)[0] == ("党政重视", "10", "8")  # 3 + 2.5 + 2 + 0.5
    assert categories(cg)[6] == ("宣传教育", "19", "6")
    assert cg.total == D(14)  # 8 + 6
    assert cg.self_total == D(12)  # 3 + 3 + 6 (1.3 has none; 1.4 is computed)
    ev = evidence(cg, "1.4")
    assert ev["absences"] == ["c-a1", "c-a2", "c-a3"]
    # The assessment of the computed item is warned about and does not count.
    assert any("c14" in w and "computed" in w for w in result.warnings)
    # 5 absences: 2 − 2.5, not below 0.
    assert items(result.unit("xinan"))["1.4"] == ("0", None, "computed")
    assert result.unit("xinan").total == D(4)
    # 党群、政府、政法系统 1.2: 每缺席1次扣1分: 5 − 1 × 2 = 3; 2.2 assessed 7 → 10.
    xw = result.unit("xianwei")
    assert (xw.table, items(xw)["1.2"], xw.total, xw.self_total) == (
        "county/party-gov",
        ("3", None, "computed"),
        D(10),
        D(9),
    )
    # 系统 1.2: 2 − 0.5 × 1 = 1.5; 7.4 assessed 5 → 6.5.
    assert result.unit("edu-sys").total == D("6.5")
    assert items(result.unit("edu-sys"))["1.2"] == ("1.5", None, "computed")
    assert result.unit("jiantou").total == D(10)
    # Absences alone do not list a unit.
    assert "dongcheng" not in {u.unit for u in result.units}


def test_county_information_items_count_submissions(county: Path) -> None:
    result = board(county, "county-targets", "2016")
    # 上报信息…稿件10篇: chengguan 10 (at least 10 is met); xianwei 9 < 10; edu-sys 0.
    cg = evidence(result.unit("chengguan"), "7.4")
    assert (cg["measure"], cg["threshold"], cg["count"], cg["met"]) == (
        "submissions_per_year",
        10,
        10,
        True,
    )
    xw = evidence(result.unit("xianwei"), "2.2")
    assert (xw["count"], xw["met"]) == (9, False)
    edu = evidence(result.unit("edu-sys"), "7.4")
    assert (edu["count"], edu["met"]) == (0, False)


def test_county_revision_of_item_maximum_and_deduction(county: Path, tmp_path: Path) -> None:
    revision = tmp_path / "county-r1.toml"
    revision.write_text(
        'id = "county-targets-r1"\n'
        'extends = "county-targets"\n'
        '[override."county/township/1.4"]\n'
        'points = "4"\n'
        'per_absence = "1"\n'
        '[override."county/party-gov/1.2"]\n'
        'per_absence = "0.5"\n',
        encoding="utf-8",
    )
    result = board(county, revision, "2016")
    cg = result.unit("chengguan")
    assert items(cg)["1.4"] == ("1", None, "computed")  # 4 − 1 × 3
    assert categories(cg)[0] == ("党政重视", "12", "8.5")  # max 10 + 2; 3 + 2.5 + 2 + 1
    assert cg.total == D("14.5")
    assert items(result.unit("xinan"))["1.4"] == ("0", None, "computed")  # 4 − 5 → 0
    assert items(result.unit("xianwei"))["1.2"] == ("4", None, "computed")  # 5 − 0.5 × 2
    assert result.ruleset == "county-targets-r1"


def test_county_explain_shows_absences_and_the_ignored_assessment(county: Path) -> None:
    expl = explanation(county, "county-targets", "2016", "chengguan")
    trace = trace_of(expl.unit)
    assert trace["c14"].status == "unscored" and "computed" in trace["c14"].reason
    assert trace["c-a1"].status == "scored"
    assert trace["c-a4"].status == "retracted" and "c-a4x" in trace["c-a4"].reason
    assert "c-a0" not in trace  # 2015
