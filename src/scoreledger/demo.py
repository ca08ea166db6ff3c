"""``scoreledger demo``: a small but realistic ledger, scored under every shipped ruleset.

The events follow the five regulations' own world: a city union with its
districts, a district's town union and a direct-report point, provincial and
city departments, adoptions at every level, an instruction, an urgent item
reported late, a retraction, a recorded veto, a discretionary adjustment, and
checklist assessments with absences. Every event has a fixed id, so running
the demo twice appends nothing the second time.
"""

from __future__ import annotations

import os
from typing import IO, Any

from ledger.builders import (
    absence,
    activity,
    adjust,
    adopt,
    assess,
    instr,
    ranking,
    reg,
    retract,
    sub,
    veto,
)
from ledger.errors import LedgerError
from ledger.store import Ledger, shown
from projections import api

from .render.labels import locale_lang
from .render.report_text import board_text
from .render.text import terminal_width

#: (ruleset, period) pairs the demo prints, each inside the ruleset's own years.
SHOWN = (
    ("jiangsu-2016", "2016"),
    ("changzhou-2016", "2016H2"),
    ("dalian-2011", "2011Q3"),
    ("dalian-2011", "2011H2"),
    ("suzhou-2015", "2015"),
    ("county-targets", "2016"),
)


def _units() -> list[dict[str, Any]]:
    return [
        # 江苏 / 常州 (2016)
        reg("changzhou", "常州市总工会", "city", at="2016-01-04"),
        reg("wuxi", "无锡市总工会", "city", at="2016-01-04"),
        reg("wujin", "武进区总工会", "county", at="2016-01-04", parent="changzhou"),
        reg("tianning", "天宁区总工会", "county", at="2016-01-04", parent="changzhou"),
        reg("hutang", "湖塘镇工会", "grassroots", at="2016-01-04", parent="wujin"),
        reg("js-publicity", "省总宣教部", "department", at="2016-01-04", department="publicity"),
        reg("cz-office", "常州市总办公室", "department", at="2016-01-04", department="office"),
        # 大连 (2011)
        reg("dalian", "大连市总工会", "city", at="2011-06-02"),
        reg("shahekou", "沙河口区总工会", "county", at="2011-06-02", parent="dalian"),
        reg("ganjingzi", "甘井子区总工会", "county", at="2011-06-02", parent="dalian"),
        reg(
            "dl-port",
            "大连港集团工会(信息直报点)",
            "direct_report",
            at="2011-06-02",
            parent="shahekou",
        ),
        reg("dl-build", "大连市建设产业工会", "industry_union", at="2011-06-02"),
        # 苏州 (2015) and the county checklists (2016)
        reg("gusu", "姑苏区总工会", "county", at="2015-01-05"),
        reg("sz-traffic", "苏州市交通运输局工会", "system", at="2015-01-05"),
        reg("chengguan", "城关镇工会", "township", at="2016-01-04"),
        reg("edu-sys", "县教育系统工会", "system", at="2016-01-04"),
    ]


def _jiangsu_changzhou() -> list[dict[str, Any]]:
    ev = [
        sub("wj-s1", "wujin", "WJ-2016-07", "2016-07-05T10:20", title="武进区开展夏季送清凉活动"),
        adopt("wj-a1", "WJ-2016-07", "province.union.web", "2016-07-08", evidence="省总网站"),
        adopt("wj-a2", "WJ-2016-07", "city.union.web.news", "2016-07-06"),
        sub(
            "wj-s2",
            "wujin",
            "WJ-2016-11",
            "2016-08-16",
            title="武进区职工技能竞赛经验总结",
            category="experience",
        ),
        adopt("wj-a3", "WJ-2016-11", "city.union.web.department", "2016-08-18"),
        adopt(
            "wj-a3b",
            "WJ-2016-11",
            "city.union.web.department",
            "2016-08-25",
            note="the same column again: earns once",
        ),
        sub(
            "wj-s3",
            "wujin",
            "WJ-2016-19",
            "2016-09-02",
            title="民营企业工资集体协商调查",
            commissioned=True,
        ),
        adopt("wj-a4", "WJ-2016-19", "province.union.special_report", "2016-09-09"),
        adopt("wj-a5", "WJ-2016-19", "province.government", "2016-09-20"),
        instr("wj-i1", "WJ-2016-19", "province", "2016-09-28", leader="省政府领导"),
        sub("ht-s1", "hutang", "HT-2016-03", "2016-10-11", title="湖塘镇纺织企业职工思想动态"),
        adopt("ht-a1", "HT-2016-03", "city.union.web.grassroots", "2016-10-12"),
        activity("ht-act1", "hutang", "2016-10-20", "training", evidence="签到表"),
        sub("tn-s1", "tianning", "TN-2016-05", "2016-08-03", title="天宁区困难职工帮扶情况"),
        adopt("tn-a1", "TN-2016-05", "central.cpc_office", "2016-08-30"),
        adopt("tn-a2", "TN-2016-05", "city.union.web.news", "2016-08-05"),
        adopt("tn-a3", "TN-2016-05", "city.party_committee", "2016-08-10"),
        retract("tn-r1", "tn-a3", "2016-09-01", "市委办通报更正：该条未采用"),
        sub(
            "cz-s1",
            "changzhou",
            "CZ-2016-Q3",
            "2016-10-08",
            title="三季度职工思想动态综合分析",
            category="comprehensive",
        ),
        adopt("cz-a1", "CZ-2016-Q3", "province.union.briefing", "2016-10-15"),
        adopt("cz-a2", "CZ-2016-Q3", "acftu.bulletin", "2016-10-28"),
        activity("cz-act1", "changzhou", "2016-04-12", "meeting"),
        activity("cz-act2", "changzhou", "2016-11-09", "press_conference"),
        sub(
            "wx-s1", "wuxi", "WX-2016-02", "2016-05-06", title="无锡市职工医疗互助情况", urgent=True
        ),
        adopt("wx-a1", "WX-2016-02", "province.union.express", "2016-05-07"),
        adopt("wx-a2", "WX-2016-02", "province.party_committee", "2016-05-20"),
        sub("jp-s1", "js-publicity", "JP-2016-01", "2016-03-10", title="全省职工读书活动部署"),
        adopt("jp-a1", "JP-2016-01", "province.union.web", "2016-03-11"),
        adopt("jp-a2", "JP-2016-01", "acftu.essentials", "2016-03-30"),
        sub("co-s1", "cz-office", "CO-2016-04", "2016-08-08", title="市总机关作风建设动态"),
        adopt("co-a1", "CO-2016-04", "city.union.web.news", "2016-08-09"),
        ranking(
            "wj-rank",
            "wujin",
            "2016-12-20",
            2016,
            7,
            source="province.union.annual",
            evidence="省总网站2016年度信息通报",
        ),
        adjust(
            "jp-adj",
            "js-publicity",
            "2016-12-28",
            "-5",
            "未完成目标分值，酌情扣减",
            ruleset="jiangsu-2016",
        ),
    ]
    return ev


def _dalian() -> list[dict[str, Any]]:
    ev: list[dict[str, Any]] = []
    for n in range(1, 25):  # 24 items in 2011Q3: 12 points, capped at 10
        day = f"2011-{7 + (n - 1) // 9:02d}-{(n - 1) % 9 * 3 + 1:02d}"
        ev.append(
            sub(f"shk-s{n}", "shahekou", f"SHK-2011-{n:02d}", day, title=f"沙河口区工会动态第{n}期")
        )
    ev += [
        adopt("shk-a1", "SHK-2011-07", "city.union.bulletin", "2011-07-25"),
        adopt("shk-a2", "SHK-2011-09", "city.union.internal", "2011-08-02", mode="combined"),
        adopt("shk-a3", "SHK-2011-12", "city.party_committee", "2011-08-15"),
        adopt("shk-a4", "SHK-2011-12", "province.union.other", "2011-08-30"),
        instr("shk-i1", "SHK-2011-12", "city", "2011-09-05", leader="市委领导"),
        sub(
            "shk-c1",
            "shahekou",
            "SHK-2011-T1",
            "2011-09-12",
            title="市总特约：企业用工调查",
            commissioned=True,
        ),
        adopt(
            "shk-a5",
            "SHK-2011-T1",
            "province.government",
            "2011-09-26",
            note="省政府: scores 0 in dalian-2011",
        ),
        sub(
            "port-s1", "dl-port", "PORT-2011-01", "2011-07-14", title="大港码头职工夏季高温作业情况"
        ),
        adopt("port-a1", "PORT-2011-01", "city.union.bulletin", "2011-07-20"),
        adopt("port-a2", "PORT-2011-01", "acftu.other", "2011-08-22", mode="combined"),
        sub(
            "gjz-s1",
            "ganjingzi",
            "GJZ-2011-05",
            "2011-08-04T16:30",
            title="甘井子区某企业职工集体上访",
            urgent=True,
            incident_at="2011-08-04T09:00",
        ),
        adopt("gjz-a1", "GJZ-2011-05", "city.union.bulletin", "2011-08-05"),
        adopt("gjz-a2", "GJZ-2011-05", "province.party_committee", "2011-08-19"),
        adopt("gjz-a3", "GJZ-2011-05", "central.state_council_office", "2011-09-07"),
        adopt(
            "gjz-a4",
            "GJZ-X-01",
            "city.union.bulletin",
            "2011-09-15",
            unit="ganjingzi",
            note="§五(一)8: adopted through another channel, not submitted to 市总",
        ),
        sub("db-s1", "dl-build", "DB-2011-02", "2011-07-19", title="建设系统农民工工资支付情况"),
        adopt("db-a1", "DB-2011-02", "province.union.web", "2011-08-01"),
        adopt("db-a1x", "DB-2011-02", "city.union.bulletin", "2011-07-28"),
        retract("db-r1", "db-a1x", "2011-09-30", "录入错误：该条由内刊采用"),
        adopt("db-a2", "DB-2011-02", "city.union.internal", "2011-07-28"),
        veto(
            "db-veto", "dl-build", "2011-09-20", "missed_report", evidence="大工办通报〔2011〕9号"
        ),
        adjust("shk-adj", "shahekou", "2011-09-29", "2", "承办全市信息员培训，酌情加分"),
    ]
    return ev


def _checklists() -> list[dict[str, Any]]:
    ev: list[dict[str, Any]] = []
    marks = {
        "1.1": ("5", "5"),
        "1.2": ("3", "3"),
        "1.3": ("3.5", "4"),
        "2.1": ("6", "6"),
        "2.2": ("6", "7"),
        "3.3": ("4.5", "5"),
        "4.1": ("7", "7"),
        "4.5": ("3", "4"),
    }
    for item, (score, own) in marks.items():
        ev.append(
            assess(
                f"gusu-{item}",
                "gusu",
                "suzhou-2015/city",
                item,
                "2015-12-20",
                score,
                self_score=own,
            )
        )
    ev.append(sub("gusu-s1", "gusu", "GS-2015-01", "2015-03-03", title="姑苏区职工文化节"))
    ev.append(adopt("gusu-a1", "GS-2015-01", "city.union.web.news", "2015-03-05"))
    for item, score in {"1.1": "5", "1.2": "3", "2.1": "6", "4.1": "10"}.items():
        ev.append(
            assess(
                f"szt-{item}",
                "sz-traffic",
                "suzhou-2015/bureau",
                item,
                "2015-12-21",
                score,
                assessor=None,
            )
        )
    for item, (score, own) in {
        "1.1": ("3", "3"),
        "1.4": ("2", "2"),
        "2.1": ("5", "5"),
        "7.4": ("4", "6"),
    }.items():
        ev.append(
            assess(
                f"cg-{item}",
                "chengguan",
                "county/township",
                item,
                "2016-12-15",
                score,
                self_score=own,
                assessor=None,
            )
        )
    for n, day in enumerate(("2016-03-08", "2016-09-21"), start=1):
        ev.append(
            absence(
                f"cg-abs{n}",
                "chengguan",
                day,
                "县总工会全委会" if n == 1 else "县总信息员培训",
                person="工会主席",
            )
        )
    for n in range(1, 8):
        ev.append(
            sub(
                f"cg-s{n}",
                "chengguan",
                f"CG-2016-{n:02d}",
                f"2016-{n + 2:02d}-10",
                title=f"城关镇工会工作简报第{n}期",
            )
        )
    for item, score in {"1.1": "4", "2.1": "5", "7.4": "6"}.items():
        ev.append(
            assess(
                f"edu-{item}", "edu-sys", "county/system", item, "2016-12-16", score, assessor=None
            )
        )
    return ev


def demo_events() -> list[dict[str, Any]]:
    """The demo ledger's events, in log order."""
    return _units() + _jiangsu_changzhou() + _dalian() + _checklists()


def build_demo(path: str | os.PathLike[str], recorded_by: str | None = None) -> tuple[int, int]:
    """Create (or top up) the demo ledger; returns (appended, duplicates).

    A ledger holding any event the demo did not write is refused (LedgerError), nothing
    appended: the demo's fictional events must never mix into a real ledger.
    """
    events = demo_events()
    with Ledger.open(path, create=True, recorded_by=recorded_by) as ledger:
        _refuse_foreign(ledger, path, {event["id"] for event in events})
        result = ledger.append_many(events)
    return result.appended, result.duplicates


def _refuse_foreign(ledger: Ledger, path: str | os.PathLike[str], ours: set[str]) -> None:
    for seq, event_id, *_ in ledger.rows():
        if event_id not in ours:
            raise LedgerError(
                f"{shown(path)}: not a demo ledger (seq {seq}, event {event_id!r}, is not one "
                "of the demo's); the demo writes only to a new file or its own demo ledger"
            )


def run_demo(path: str | os.PathLike[str], out: IO[str], recorded_by: str | None = None) -> None:
    """Build the demo ledger and print its scoreboard under each shipped ruleset."""

    appended, duplicates = build_demo(path, recorded_by)
    path = shown(path)  # a URL's password is never printed
    out.write(f"demo ledger {path}: appended {appended}, duplicates {duplicates}\n\n")
    with Ledger.open(path) as ledger:
        for ruleset, period in SHOWN:
            out.write(
                board_text(api.score(ledger, ruleset, period), locale_lang(), terminal_width())
            )
            out.write("\n")
    out.write(
        "Next: see every point of one unit, with its events and the regulation's sentence:\n"
        f"  scoreledger explain {path} --ruleset dalian-2011 --period 2011Q3 --unit shahekou\n"
    )
