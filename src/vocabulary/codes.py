"""The code lists of the public contract (CONTRACT.md §2), with their Chinese names.

Every code an event may carry is listed here once; validation, the rulesets and
the reports all read these tables, so a code is added in one place — and in the
``Literal`` type beside its table, which a type checker reads (a test holds the
two equal). The tables stay keyed by ``str``: input is checked against them at
run time, and an unknown code is refused with the table's list.
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType
from typing import Literal

#: Event types (`type`), CONTRACT §2; ``ledger.events.EVENT_TYPES`` maps each to its class.
EventType = Literal[
    "unit_registered",
    "unit_changed",
    "submission",
    "adoption",
    "instruction",
    "activity",
    "veto",
    "ranking",
    "adjustment",
    "assessment",
    "absence",
    "retraction",
]

UnitKind = Literal[
    "city",
    "county",
    "department",
    "industry_union",
    "direct_report",
    "grassroots",
    "township",
    "system",
    "enterprise",
    "other",
]

#: Unit kinds (`kind`).
UNIT_KINDS: MappingProxyType[str, str] = MappingProxyType(
    {
        "city": "市总工会",
        "county": "县(市、区)/辖市、区总工会, 先导区工会",
        "department": "机关部门",
        "industry_union": "产业工会",
        "direct_report": "信息直报点",
        "grassroots": "基层工会 (镇、街道、村、社区、企业)",
        "township": "开发区、乡镇工会",
        "system": "系统工会",
        "enterprise": "直属企业工会",
        "other": "其他",
    }
)

Department = Literal[
    "office",
    "organization",
    "publicity",
    "democratic_management",
    "security",
    "labour_protection",
    "economic_technical",
    "legal",
    "women",
    "international",
    "industry_office",
    "finance",
    "audit",
    "discipline",
    "party_office",
    "retired_cadres",
    "service_center",
    "education_science_union",
    "machinery_union",
    "finance_trade_union",
    "central_enterprise_union",
]

#: Department codes (`department`), for kinds `department` and `industry_union`.
DEPARTMENTS: MappingProxyType[str, str] = MappingProxyType(
    {
        "office": "办公室",
        "organization": "组织部",
        "publicity": "宣教部/宣传教育部(企业工作部)",
        "democratic_management": "民管部/民主管理部",
        "security": "保障部/保障工作部",
        "labour_protection": "劳保部/劳动保护部",
        "economic_technical": "经济技术部",
        "legal": "法工部/法律工作部",
        "women": "女工部/女职工部",
        "international": "国际部",
        "industry_office": "产业工会办公室",
        "finance": "财务部/财务事业部",
        "audit": "经审办/经费审查办公室",
        "discipline": "党组纪检组",
        "party_office": "机关党委",
        "retired_cadres": "老干部处",
        "service_center": "机关服务中心",
        "education_science_union": "省教科工会",
        "machinery_union": "省机冶石化工会",
        "finance_trade_union": "省财贸轻纺工会",
        "central_enterprise_union": "省部属企事业工会",
    }
)

#: Kinds that may carry a department code.
DEPARTMENT_KINDS = frozenset({"department", "industry_union"})

Outlet = Literal[
    "central.cpc_office",
    "central.state_council_office",
    "acftu.bulletin",
    "acftu.essentials",
    "acftu.other",
    "province.party_committee",
    "province.government",
    "province.union.web",
    "province.union.express",
    "province.union.briefing",
    "province.union.special_report",
    "province.union.other",
    "city.party_committee",
    "city.government",
    "city.union.web.grassroots",
    "city.union.web.photo",
    "city.union.web.department",
    "city.union.web.news",
    "city.union.bulletin",
    "city.union.internal",
]

#: The level of an outlet, and of a leader's instruction (`level`): one list.
Level = Literal["central", "acftu", "province", "province_union", "city", "city_union"]

#: Outlets (`outlet`): code -> (name, level).
OUTLETS: MappingProxyType[str, tuple[str, Level]] = MappingProxyType(
    {
        "central.cpc_office": ("中共中央办公厅 (中办)", "central"),
        "central.state_council_office": ("国务院办公厅 (国办)", "central"),
        "acftu.bulletin": ("全总办公厅《全总信息》", "acftu"),
        "acftu.essentials": ("全总办公厅《工会要情》", "acftu"),
        "acftu.other": ("全总, any other outlet", "acftu"),
        "province.party_committee": ("省委(办公厅)", "province"),
        "province.government": ("省政府(办公厅)", "province"),
        "province.union.web": ("省总网站《工会信息》栏目", "province_union"),
        "province.union.express": ("省总《工会信息》快报", "province_union"),
        "province.union.briefing": ("省总简报(情况通报)", "province_union"),
        "province.union.special_report": ("省总信息专报", "province_union"),
        "province.union.other": ("省总, any other outlet", "province_union"),
        "city.party_committee": ("市委(办公室)", "city"),
        "city.government": ("市政府(办公室)", "city"),
        "city.union.web.grassroots": ("市总网站「基层动态」", "city_union"),
        "city.union.web.photo": ("市总网站「图片新闻」", "city_union"),
        "city.union.web.department": ("市总网站部门专栏", "city_union"),
        "city.union.web.news": ("市总网站「工会新闻」", "city_union"),
        "city.union.bulletin": ("市总信息 (刊物)", "city_union"),
        "city.union.internal": ("市总内刊", "city_union"),
    }
)

#: Leader levels (`level`) of an instruction.
LEVELS: MappingProxyType[str, str] = MappingProxyType(
    {
        "central": "党中央、国务院领导",
        "acftu": "全总领导",
        "province": "省委、省政府领导",
        "province_union": "省总领导",
        "city": "市委、市政府领导",
        "city_union": "市总领导",
    }
)

Category = Literal["regular", "comprehensive", "experience"]

#: Submission categories (`category`).
CATEGORIES: MappingProxyType[str, str] = MappingProxyType(
    {
        "regular": "一般信息",
        "comprehensive": "综合信息",
        "experience": "经验类、总结类信息",
    }
)

ActivityKind = Literal["meeting", "press_conference", "training", "exchange"]

#: Information activities (`activity`).
ACTIVITIES: MappingProxyType[str, str] = MappingProxyType(
    {
        "meeting": "信息工作会议",
        "press_conference": "信息发布会",
        "training": "信息员培训",
        "exchange": "信息工作交流",
    }
)

VetoReason = Literal["late_report", "missed_report", "concealment", "level_skipping"]

#: Veto reasons (`reason` of a veto).
VETO_REASONS: MappingProxyType[str, str] = MappingProxyType(
    {
        "late_report": "迟报",
        "missed_report": "漏报、不报",
        "concealment": "瞒报",
        "level_skipping": "越级上报",
    }
)

Mode = Literal["single", "combined"]

#: Adoption modes (`mode`).
MODES: MappingProxyType[str, str] = MappingProxyType({"single": "单条采用", "combined": "综合采用"})


def outlet_level(outlet: str) -> Level:
    """The level of an outlet code (``province.union.web`` -> ``province_union``)."""
    return OUTLETS[outlet][1]


@cache
def matches(code: str, patterns: tuple[str, ...]) -> bool:
    """Whether `code` matches one of `patterns`; ``central.*`` matches every ``central.`` code.

    Cached: the replay asks the same (outlet, clause) questions millions of times.
    """
    for pattern in patterns:
        if pattern.endswith(".*"):
            if code.startswith(pattern[:-1]):
                return True
        elif code == pattern:
            return True
    return False
