"""Report labels in English and Chinese (``--lang en|zh``; Chinese when the locale is).

Codes (unit ids, clause ids, outlet and level codes) stay as they are in both languages:
they are what the input and ``explain`` use. Only the words around them change.
"""

from __future__ import annotations

import os
from typing import Literal

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

#: key -> (English, Chinese)
_LABELS: dict[str, tuple[str, str]] = {
    "rank": ("rank", "名次"),
    "unit": ("unit", "代码"),
    "name": ("name", "单位"),
    "kind": ("kind", "类别"),
    "total": ("total", "得分"),
    "target": ("target", "目标"),
    "met": ("met", "达标"),
    "eligible": ("eligible", "评先"),
    "vetoes": ("vetoes", "否决"),
    "hands to": ("hands to", "计入"),
    "instructed": ("instr.", "批示"),
    "adopted": ("adopted", "采用"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "none": ("-", "-"),
    "head": ("head", "链头"),
    "as of now": ("as of now", "截至当前"),
    "as of": ("as of", "截至记录时间"),
    "in force": ("in force", "有效期内"),
    "not in force": ("NOT in force (a what-if replay)", "不在有效期内(试算)"),
    "circular": ("circular", "通报"),
    "no units": ("(no units)", "(无单位)"),
    "a": ("A", "A"),
    "b": ("B", "B"),
    "delta": ("delta", "差值"),
    "table": ("table", "考核表"),
    "self": ("self", "自评"),
    "missing": ("missing", "缺项"),
    "warnings": ("warnings:", "提示:"),
    "rules": ("rules", "规则"),
    "unit id": ("unit", "代码"),
    "table name": ("name", "单位"),
    "header kind": ("kind", "类别"),
    "rules fingerprint": ("rules", "规则指纹"),
    "period": ("period", "期间"),
    "no unit assessed": ("(no unit was assessed in this period)", "(本期无受考核单位)"),
    "total line": ("total (the sum of the lines)", "合计 (各项之和)"),
    "lines:": ("lines:", "得分明细:"),
    "events:": ("events:", "事件:"),
    "evidence:": ("evidence:", "依据:"),
    "events considered:": ("events considered:", "所涉事件:"),
    "none in this period": ("(none in this period)", "(本期无)"),
    "seq": ("seq", "序号"),
    "recorded by": ("recorded by", "录入人"),
    "scored": ("scored", "计分"),
    "capped": ("capped", "封顶"),
    "unscored": ("unscored", "不计分"),
    "retracted": ("retracted", "撤回"),
    "assessed": ("assessed", "已考核"),
    "computed": ("computed", "计算"),
    "derived": ("derived", "依规则认定"),
    "recorded": ("recorded", "已记录"),
    "veto": ("veto", "否决"),
    "on": ("on", "单位"),
    "at": ("at", "日期"),
    "event": ("event", "事件"),
    "eligible for the award": ("eligible for the award", "可评先"),
    "not eligible for the award": ("NOT eligible for the award", "不得评先"),
    "not met": ("not met", "未达标"),
    "as of (diff)": ("as of", "截至"),
    "items adopted per level": (
        "columns by level: items adopted; instr. = instructions",
        "各级栏: 采用条数; 批示 = 领导批示次数",
    ),
    # rules list and rules show
    "id": ("id", "编号"),
    "family": ("family", "类型"),
    "points family": ("points", "计分制"),
    "checklist family": ("checklist", "百分制考核表"),
    "title": ("title", "名称"),
    "in force column": ("in force", "有效期"),
    "document": ("document", "文号"),
    "source": ("source", "依据"),
    "issued": ("issued", "印发"),
    "any date": ("any date", "不限"),
    "lineage": ("lineage", "沿革"),
    "fingerprint": ("fingerprint", "指纹"),
    "assessed kinds": ("assessed", "考核对象"),
    "hands up to": ("hands up to", "得分上计至"),
    "clauses heading": (
        "Clauses (an adoption earns the first matching clause in this order;"
        " bonus clauses add on top)",
        "条款（一条采用按此顺序计第一条相符的条款；加分条款另加）",
    ),
    "#": ("#", "#"),
    "clause": ("id", "条款"),
    "on event": ("on", "事件"),
    "points": ("points", "分值"),
    "cap": ("cap", "封顶"),
    "section": ("section", "章节"),
    "single": ("single", "单条"),
    "combined": ("combined", "综合"),
    "condition": ("condition", "条件"),
    "when:": ("when:", "说明:"),
    "points:": ("points:", "分值:"),
    "cap;": ("cap", "封顶"),
    "revised:": ("revised:", "修订:"),
    "matches:": ("matches:", "适用:"),
    "reading:": ("reading:", "解读:"),
    "source:": ("source:", "原文:"),
    "targets heading": ("Targets (annual; year periods only)", "目标（年度；只用于整年）"),
    "no targets": ("none", "无"),
    "notes heading": ("Notes", "附注"),
    "checklist table": ("Table", "考核表"),
    "table total": ("total", "满分"),
    "category max": ("max", "满分"),
    "checklist columns": (
        "(revision clause ids: {table}/<item>; columns: item, max, examiner, text)",
        "（修订的条款编号: {table}/<项目>; 各栏: 项目, 满分, 考核部门, 内容）",
    ),
    "basis:": ("basis:", "依据:"),
    "computed:": ("computed:", "计算:"),
}

#: What a cap is counted per, and a clause's once-per, in words.
PER_LABELS: dict[str, tuple[str, str]] = {
    "quarter": ("quarter", "季度"),
    "half": ("half", "半年"),
    "year": ("year", "年"),
    "month": ("month", "月"),
}

#: Level labels as circulars head their columns (CONTRACT §2 levels), full and short
#: (the short ones head a terminal's narrow columns; a legend gives the full ones).
LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "central": ("central", "中办国办"),
    "acftu": ("acftu", "全总"),
    "province": ("province", "省委省政府"),
    "province_union": ("province union", "省总"),
    "city": ("city", "市委市政府"),
    "city_union": ("city union", "市总"),
}
SHORT_LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "central": ("centr", "中央"),
    "acftu": ("acftu", "全总"),
    "province": ("prov", "省委"),
    "province_union": ("p.un", "省总"),
    "city": ("city", "市委"),
    "city_union": ("c.un", "市总"),
}

KIND_LABELS: dict[str, tuple[str, str]] = {
    "city": ("city unions", "市总工会"),
    "county": ("county and district unions", "县(市、区)总工会"),
    "department": ("departments", "机关部门"),
    "industry_union": ("industry unions", "产业工会"),
    "direct_report": ("direct-report points", "信息直报点"),
    "grassroots": ("grassroots unions", "基层工会"),
    "township": ("township and zone unions", "开发区、乡镇工会"),
    "system": ("system unions", "系统工会"),
    "enterprise": ("enterprise unions", "直属企业工会"),
    "other": ("other units", "其他单位"),
}


#: CSV column -> its Chinese name. A Chinese CSV header is ``得分(total)``, the form of the
#: records template's headers: Chinese to read, the field name recoverable by a script.
CSV_FIELDS: dict[str, str] = {
    "ruleset": "规则",
    "period": "期间",
    "head": "链头",
    "unit": "单位代码",
    "name": "单位",
    "kind": "单位类别",
    "rank": "名次",
    "total": "得分",
    "attributed_to": "计入",
    "target": "目标",
    "target_met": "达标",
    "eligible": "可评先",
    "vetoes": "否决",
    "table": "考核表",
    "category": "类别",
    "item": "项目",
    "max": "满分",
    "score": "得分",
    "self_score": "自评",
    "status": "状态",
}


def csv_header(fields: list[str], lang: Lang) -> list[str]:
    """A CSV header row: the field names, or in Chinese ``得分(total)``, ``市总采用(adopted.
    city_union)``."""
    if lang != "zh":
        return fields
    return [f"{_csv_field(field)}({field})" for field in fields]


def _csv_field(field: str) -> str:
    what, _, level = field.partition(".")
    if level and what in ("adopted", "instructed"):
        return level_label(level, "zh") + ("采用" if what == "adopted" else "批示")
    return CSV_FIELDS.get(field, field)


def rank_among(rank: int, kind: str, lang: Lang) -> str:
    """'rank 2 among county units' / '在县(市、区)总工会中排名第2'."""
    if lang == "zh":
        return f"在{kind_label(kind, lang)}中排名第{rank}"
    return f"rank {rank} among {kind} units"


def hands_to(unit: str, lang: Lang) -> str:
    return f"得分计入 {unit}" if lang == "zh" else f"hands its points to {unit}"


def differ(changed: int, units: int, lang: Lang) -> str:
    if lang == "zh":
        return f"{units} 个单位中 {changed} 个不同"
    return f"{changed} of {units} units differ"


def locale_lang() -> Lang:
    """Chinese when the locale is Chinese (LC_ALL, LC_MESSAGES, LANG, as gettext reads them)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def resolve_lang(option: str | None) -> Lang:
    """The report language: the ``--lang`` option, else the locale's."""
    if option in LANGS:
        return option
    return locale_lang()


def label(key: str, lang: Lang) -> str:
    """The label `key` in `lang`."""
    english, chinese = _LABELS[key]
    return chinese if lang == "zh" else english


def level_label(level: str, lang: Lang, *, short: bool = False) -> str:
    english, chinese = (SHORT_LEVEL_LABELS if short else LEVEL_LABELS).get(level, (level, level))
    return chinese if lang == "zh" else english


def kind_label(kind: str, lang: Lang) -> str:
    english, chinese = KIND_LABELS.get(kind, (kind, kind))
    return chinese if lang == "zh" else english


def yes_no(value: bool | None, lang: Lang) -> str:
    return label("none", lang) if value is None else label("yes" if value else "no", lang)
