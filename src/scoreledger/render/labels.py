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
    "items adopted per level": (
        "columns by level: items adopted; instr. = instructions",
        "各级栏: 采用条数; 批示 = 领导批示次数",
    ),
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
