"""The shipped rulesets against RULES.md: every clause id, trigger, number and match field.

The tables below are written from RULES.md (and the lead's clause mapping), not
from the TOML files, so a change to a data file that drifts from the spec fails here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest

import rules
from rules import ChecklistRuleset, PointsRuleset

CHECKLIST_IDS = ("suzhou-2015", "county-targets")


def _checklists_present() -> bool:
    data = resources.files("rules") / "data"
    return all((data / f"{ruleset_id}.toml").is_file() for ruleset_id in CHECKLIST_IDS)


needs_checklists = pytest.mark.skipif(
    not _checklists_present(), reason="checklist data files not written yet"
)

# (clause id, trigger, points, fields that must hold) in RULES.md order.
# points: "20" for flat points, ("2", "1") for single/combined, None for conditions.
Row = tuple[str, str, Any, dict[str, Any]]

JIANGSU: list[Row] = [
    (
        "routing",
        "gate",
        None,
        {
            "kinds": ("city", "county"),
            "outlets": ("central.*", "province.party_committee", "province.government"),
            "requires_outlets": ("province.union.*",),
        },
    ),
    (
        "self_adoption",
        "gate",
        None,
        {"kinds": ("department", "industry_union"), "outlets": ("province.union.*",)},
    ),
    ("adopt.central", "adoption", "20", {"outlets": ("central.*",)}),
    (
        "adopt.province",
        "adoption",
        "10",
        {"outlets": ("province.party_committee", "province.government")},
    ),
    ("adopt.acftu", "adoption", "10", {"outlets": ("acftu.bulletin", "acftu.essentials")}),
    ("adopt.urgent", "adoption", "10", {"outlets": ("province.union.*",), "urgent": True}),
    ("adopt.briefing", "adoption", "5", {"outlets": ("province.union.briefing",)}),
    ("adopt.web", "adoption", "3", {"outlets": ("province.union.web", "province.union.express")}),
    ("instr.central", "instruction", "20", {"levels": ("central",)}),
    ("instr.province", "instruction", "10", {"levels": ("province", "acftu")}),
    ("instr.province_union", "instruction", "5", {"levels": ("province_union",)}),
    (
        "comprehensive",
        "submission",
        "10",
        {"categories": ("comprehensive",), "kinds": ("city",)},
    ),
    ("activity", "activity", "20", {"kinds": ("city",), "once": "year"}),
]

CHANGZHOU: list[Row] = [
    ("adopt.national", "adoption", "20", {"outlets": ("central.*", "acftu.*")}),
    (
        "adopt.commissioned_province",
        "adoption",
        "10",
        {"outlets": ("province.union.*",), "commissioned": True},
    ),
    ("adopt.province_special", "adoption", "5", {"outlets": ("province.union.special_report",)}),
    ("adopt.province_web", "adoption", "3", {"outlets": ("province.union.web",)}),
    (
        "adopt.province",
        "adoption",
        "10",
        {"outlets": ("province.party_committee", "province.government")},
    ),
    ("adopt.city", "adoption", "5", {"outlets": ("city.party_committee", "city.government")}),
    ("adopt.city_news", "adoption", "3", {"outlets": ("city.union.web.news",)}),
    ("adopt.city_department", "adoption", "2", {"outlets": ("city.union.web.department",)}),
    (
        "adopt.city_grassroots",
        "adoption",
        "1",
        {"outlets": ("city.union.web.grassroots", "city.union.web.photo")},
    ),
    (
        "bonus.experience",
        "adoption",
        "2",
        {
            "bonus": True,
            "once": "info",
            "outlets": ("city.union.web.*",),
            "categories": ("experience",),
        },
    ),
    ("instr.national", "instruction", "30", {"levels": ("central", "acftu")}),
    ("instr.province", "instruction", "20", {"levels": ("province",)}),
    ("instr.province_union", "instruction", "10", {"levels": ("province_union",)}),
    ("instr.city", "instruction", "10", {"levels": ("city",)}),
    ("commissioned", "submission", "5", {"commissioned": True}),
    ("activity", "activity", "10", {"kinds": ("county",), "below": ("county",)}),
    (
        "bonus.province_top10",
        "ranking",
        "30",
        {
            "kinds": ("county",),
            "ranking_source": "province.union.annual",
            "max_rank": 10,
            "once": "year",
        },
    ),
]

DALIAN: list[Row] = [
    (
        "submission",
        "submission",
        "0.5",
        {"cap": Decimal("10"), "cap_per": "quarter", "commissioned": False},
    ),
    ("commissioned", "submission", "2", {"commissioned": True, "cap": None}),
    ("adopt.city_internal", "adoption", ("2", "1"), {"outlets": ("city.union.internal",)}),
    ("adopt.city_union", "adoption", ("4", "2"), {"outlets": ("city.union.*",)}),
    ("adopt.city_party", "adoption", ("6", "3"), {"outlets": ("city.party_committee",)}),
    ("adopt.province_union", "adoption", ("8", "4"), {"outlets": ("province.union.*",)}),
    (
        "adopt.acftu_province",
        "adoption",
        ("10", "5"),
        {"outlets": ("acftu.*", "province.party_committee")},
    ),
    ("adopt.central", "adoption", ("30", "15"), {"outlets": ("central.*",)}),
    ("instr.central", "instruction", "50", {"levels": ("central",)}),
    ("instr.acftu_province", "instruction", "10", {"levels": ("acftu", "province")}),
    ("instr.province_union_city", "instruction", "6", {"levels": ("province_union", "city")}),
    (
        "urgent.deadline",
        "deadline",
        None,
        {"urgent": True, "hours": Decimal("1"), "veto_reason": "late_report"},
    ),
    (
        "award",
        "award",
        None,
        {
            "min_items": 2,
            "outlets": ("city.party_committee", "province.*", "acftu.*", "central.*"),
        },
    ),
]

POINTS_EXPECTED = {"jiangsu-2016": JIANGSU, "changzhou-2016": CHANGZHOU, "dalian-2011": DALIAN}

JIANGSU_TARGETS = {
    "city": "300",
    **dict.fromkeys(
        [
            "organization",
            "publicity",
            "democratic_management",
            "security",
            "labour_protection",
            "economic_technical",
            "legal",
        ],
        "100",
    ),
    **dict.fromkeys(
        [
            "women",
            "international",
            "education_science_union",
            "machinery_union",
            "finance_trade_union",
            "central_enterprise_union",
        ],
        "50",
    ),
}

CHANGZHOU_TARGETS = {
    **dict.fromkeys(
        [
            "office",
            "organization",
            "publicity",
            "democratic_management",
            "security",
            "economic_technical",
            "labour_protection",
            "legal",
            "women",
            "industry_office",
        ],
        "60",
    ),
    **dict.fromkeys(["finance", "audit", "party_office"], "30"),
}


def test_shipped_ids_order() -> None:
    assert rules.shipped_ids() == (
        "jiangsu-2016",
        "changzhou-2016",
        "dalian-2011",
        "suzhou-2015",
        "county-targets",
    )


def numbers(clause: rules.Clause) -> tuple[Decimal | None, ...]:
    """(points, single, combined): each kind of clause has those of them it honours."""
    return tuple(getattr(clause, field, None) for field in ("points", "single", "combined"))


@pytest.mark.parametrize("ruleset_id", ["jiangsu-2016", "changzhou-2016", "dalian-2011"])
def test_points_clauses_match_rules_md(ruleset_id: str) -> None:
    ruleset = rules.load(ruleset_id)
    assert isinstance(ruleset, PointsRuleset)
    expected = POINTS_EXPECTED[ruleset_id]
    # Same ids in the same order: adoption matching is first-match in file order.
    assert [clause.id for clause in ruleset.clauses] == [row[0] for row in expected]
    for clause_id, on, points, fields in expected:
        clause = ruleset.clause(clause_id)
        assert clause.on == on, clause_id
        if points is None:
            assert numbers(clause) == (None, None, None), clause_id
        elif isinstance(points, tuple):
            assert numbers(clause)[0] is None, clause_id
            assert numbers(clause)[1:] == tuple(map(Decimal, points)), clause_id
        else:
            assert numbers(clause) == (Decimal(points), None, None), clause_id
        for field, value in fields.items():
            # A field the clause's kind does not have is one it leaves empty.
            assert getattr(clause, field, None) == value, f"{clause_id}.{field}"
        # Every clause carries its source and an English summary.
        assert clause.section.startswith("§"), clause_id
        assert clause.sentence and clause.summary, clause_id


def test_points_are_decimals() -> None:
    for ruleset_id in POINTS_EXPECTED:
        ruleset = rules.load(ruleset_id)
        assert isinstance(ruleset, PointsRuleset)
        for clause in ruleset.clauses:
            for field in ("points", "single", "combined", "cap", "hours"):
                value = getattr(clause, field, None)
                assert value is None or isinstance(value, Decimal)
        assert all(isinstance(value, Decimal) for value in ruleset.targets.values())


@pytest.mark.parametrize(
    ("ruleset_id", "clause_id"),
    [
        ("jiangsu-2016", "routing"),
        ("jiangsu-2016", "adopt.acftu"),
        ("jiangsu-2016", "adopt.urgent"),
        ("jiangsu-2016", "activity"),
        ("changzhou-2016", "adopt.commissioned_province"),
        ("changzhou-2016", "bonus.experience"),
        ("changzhou-2016", "activity"),
        ("changzhou-2016", "bonus.province_top10"),
        ("dalian-2011", "submission"),
        ("dalian-2011", "urgent.deadline"),
        ("dalian-2011", "award"),
    ],
)
def test_interpretations_recorded(ruleset_id: str, clause_id: str) -> None:
    ruleset = rules.load(ruleset_id)
    assert isinstance(ruleset, PointsRuleset)
    assert ruleset.clause(clause_id).interpretation


def test_top10_interpretation_settles_year_and_period() -> None:
    ruleset = rules.load("changzhou-2016")
    assert isinstance(ruleset, PointsRuleset)
    text = ruleset.clause("bonus.province_top10").interpretation or ""
    assert "period holding the ranking's at" in text
    assert "once per ranking year" in text
    assert "year is the year of its at" in text


def test_dalian_month_cap_interpretation() -> None:
    ruleset = rules.load("dalian-2011")
    assert isinstance(ruleset, PointsRuleset)
    assert "month" in (ruleset.clause("submission").interpretation or "")


def test_headers_kinds_and_targets() -> None:
    jiangsu, changzhou, dalian = (rules.load(i) for i in POINTS_EXPECTED)
    assert isinstance(jiangsu, PointsRuleset)
    assert isinstance(changzhou, PointsRuleset)
    assert isinstance(dalian, PointsRuleset)

    assert jiangsu.header.effective_from == date(2016, 1, 1)
    assert jiangsu.header.source.number == "苏工办〔2016〕34号"
    assert jiangsu.header.source.document == "000_61e4c603ff850060.txt"
    assert jiangsu.assessed_kinds == ("city", "department", "industry_union")
    assert jiangsu.hand_up_to == jiangsu.assessed_kinds
    assert {k: str(v) for k, v in jiangsu.targets.items()} == JIANGSU_TARGETS

    assert changzhou.header.effective_from == date(2016, 7, 1)
    assert changzhou.header.source.number == "常工发〔2016〕45号"
    assert changzhou.header.source.document == "001_b328c4891b8eb7ce.txt"
    assert changzhou.assessed_kinds == ("county", "department", "industry_union")
    assert changzhou.hand_up_to == ("county",)
    assert {k: str(v) for k, v in changzhou.targets.items()} == CHANGZHOU_TARGETS

    assert dalian.header.effective_from == date(2011, 6, 2)
    assert dalian.header.source.number == "大工办发[2011] 15号"
    assert dalian.header.source.document == "002_22e12029cb82e91e.txt"
    assert dalian.assessed_kinds == ("county", "industry_union", "department")
    assert dalian.targets == {}

    for ruleset in (jiangsu, changzhou, dalian):
        assert ruleset.header.effective_until is None
        assert ruleset.header.lineage == (ruleset.id,)


def test_target_for_prefers_department() -> None:
    jiangsu = rules.load("jiangsu-2016")
    assert isinstance(jiangsu, PointsRuleset)
    assert jiangsu.target_for("city", None) == Decimal(300)
    assert jiangsu.target_for("department", "legal") == Decimal(100)
    assert jiangsu.target_for("industry_union", "machinery_union") == Decimal(50)
    assert jiangsu.target_for("department", "finance") is None


def test_zero_scoring_remarks_in_notes() -> None:
    expectations = {
        "jiangsu-2016": ["province.union.special_report", "city_union"],
        "changzhou-2016": ["province.union.express", "city.union.internal", "city_union"],
        "dalian-2011": ["city.government, province.government and level city_union score 0"],
    }
    for ruleset_id, fragments in expectations.items():
        notes = " ".join(rules.load(ruleset_id).notes)
        for fragment in fragments:
            assert fragment in notes, (ruleset_id, fragment)


def test_shipped_rulesets_are_cached() -> None:
    assert rules.load("dalian-2011") is rules.load("dalian-2011")


def test_in_force() -> None:
    dalian = rules.load("dalian-2011").header
    assert dalian.in_force(date(2011, 7, 1), date(2011, 9, 30))
    assert not dalian.in_force(date(2011, 4, 1), date(2011, 6, 30))  # starts before 06-02
    assert not dalian.in_force(date(2011, 1, 1), date(2011, 12, 31))
    assert dalian.in_force(date(2030, 1, 1), date(2030, 12, 31))  # no end date
    changzhou = rules.load("changzhou-2016").header
    assert not changzhou.in_force(date(2016, 1, 1), date(2016, 12, 31))
    assert changzhou.in_force(date(2016, 7, 1), date(2016, 12, 31))


# --------------------------------------------------------------------------- checklists

#: RULES.md: table id -> item maxima per category, in printed order.
CHECKLIST_MAXIMA: dict[str, list[list[int]]] = {
    "suzhou-2015/city": [[5, 3, 4, 4, 3, 5], [6, 7, 6, 6, 4], [4, 3, 5, 5, 4], [7, 6, 4, 5, 4]],
    "suzhou-2015/bureau": [[5, 3, 5, 4, 3, 5], [6, 7, 7, 5, 4], [5, 3, 5, 5, 4], [11, 4, 5, 4]],
    "suzhou-2015/affiliate": [[5, 3, 4, 4, 4, 5], [5, 7, 6, 5, 5], [5, 4, 5, 5, 4], [11, 4, 5, 4]],
    "county/township": [
        [3, 3, 2, 2],
        [5, 5, 4, 2, 2],
        [5, 4, 4, 3],
        [6, 5, 3, 2],
        [5, 5],
        [6, 5],
        [5, 4, 4, 6],
    ],
    "county/system": [
        [4, 2, 2],
        [5, 5, 4, 4],
        [5, 4, 4, 3],
        [6, 5, 3, 2],
        [5, 5],
        [6, 5],
        [5, 5, 5, 6],
    ],
    "county/party-gov": [[5, 5, 5], [9, 9, 9, 9, 9], [15], [5, 5, 5, 10]],
    "county/enterprise": [
        [3, 3, 2, 2],
        [5, 5, 2, 3],
        [5, 5, 5, 5],
        [10, 5],
        [5, 5],
        [5, 5],
        [5, 5, 5, 5],
    ],
}

COMPUTED = {
    ("county/township", "1.4"): "0.5",
    ("county/system", "1.2"): "0.5",
    ("county/party-gov", "1.2"): "1",
}

INFO_ITEMS = {
    ("suzhou-2015/city", "4.5"): ("adopted_per_month", 3),
    ("suzhou-2015/bureau", "4.4"): ("adopted_per_month", 1),
    ("suzhou-2015/affiliate", "4.4"): ("adopted_per_year", 4),
    ("county/township", "7.4"): ("submissions_per_year", 10),
    ("county/system", "7.4"): ("submissions_per_year", 10),
    ("county/party-gov", "2.2"): ("submissions_per_year", 10),
    ("county/enterprise", "7.4"): ("submissions_per_year", 10),
}


@needs_checklists
def test_checklist_tables_match_rules_md() -> None:
    tables = rules.checklist_tables()
    assert set(tables) == set(CHECKLIST_MAXIMA)
    for table_id, maxima in CHECKLIST_MAXIMA.items():
        table = tables[table_id]
        assert table.total == Decimal(100), table_id
        got = [[int(item.max) for item in category.items] for category in table.categories]
        assert got == maxima, table_id
        for number, category in enumerate(table.categories, 1):
            assert category.number == number
            assert [item.number for item in category.items] == [
                f"{number}.{i}" for i in range(1, len(category.items) + 1)
            ]


@needs_checklists
def test_checklist_computed_and_info_items() -> None:
    for table_id, table in rules.checklist_tables().items():
        for category in table.categories:
            for item in category.items:
                key = (table_id, item.number)
                if key in COMPUTED:
                    assert item.per_absence == Decimal(COMPUTED[key]), key
                else:
                    assert item.per_absence is None, key
                if key in INFO_ITEMS:
                    assert item.info is not None, key
                    assert (item.info.measure, item.info.threshold) == INFO_ITEMS[key], key
                else:
                    assert item.info is None, key


@needs_checklists
def test_checklist_headers() -> None:
    suzhou = rules.load("suzhou-2015")
    county = rules.load("county-targets")
    assert isinstance(suzhou, ChecklistRuleset)
    assert isinstance(county, ChecklistRuleset)
    assert (suzhou.header.effective_from, suzhou.header.effective_until) == (
        date(2015, 1, 1),
        date(2015, 12, 31),
    )
    assert suzhou.header.in_force(date(2015, 1, 1), date(2015, 12, 31))
    assert not suzhou.header.in_force(date(2016, 1, 1), date(2016, 12, 31))
    assert (county.header.effective_from, county.header.effective_until) == (None, None)
    assert county.header.in_force(date(1990, 1, 1), date(2090, 12, 31))
    assert suzhou.header.source.document == "003_6095e83c74a746b1.txt"
    assert county.header.source.document == "004_12e136f0b16e7930.txt"


@needs_checklists
def test_checklist_item_lookup() -> None:
    item = rules.checklist_item("county/township", "1.4")
    assert item is not None
    assert item.max == Decimal(2)
    assert item.per_absence == Decimal("0.5")
    assert rules.checklist_item("county/township", "9.9") is None
    assert rules.checklist_item("nowhere/table", "1.1") is None
    # The returned mapping is a copy: changing it does not touch the catalog.
    tables = rules.checklist_tables()
    tables.clear()
    assert rules.checklist_tables()
