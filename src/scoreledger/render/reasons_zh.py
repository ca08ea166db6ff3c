"""The engine's reasons and line notes in Chinese, for ``--lang zh`` text.

``projections`` writes each reason and note as one English sentence (JSON keeps them
so: they are data). Text in Chinese shows them in the regulations' words (封顶, 采用,
批示, 否决, 评先 ...), codes kept. Each pattern below is one sentence the engine writes
(the f-strings of ``projections.points`` and ``projections.checklists``); a sentence no
pattern knows is shown as it is, so a new engine sentence is never lost, only English.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .labels import level_label

_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

_MODES = {"single": "单条采用", "combined": "综合采用", "bonus": "加分"}


def _what(text: str) -> str:
    """The object of 'no clause of R scores ...'."""
    if text == "an activity":
        return "活动"
    if m := re.fullmatch(r"outlet (\S+)", text):
        return f"刊物 {m[1]} 的采用"
    if m := re.fullmatch(r"level (\S+)", text):
        return f"{level_label(m[1], 'zh')}批示 ({m[1]})"
    if m := re.fullmatch(r"a ranking from (\S+)", text):
        return f"{m[1]} 的排名"
    if m := re.fullmatch(r"a (\S+) submission", text):
        return "特约稿件" if m[1] == "commissioned" else f"{m[1]} 类来稿"
    return text


def _no_clause(m: re.Match[str]) -> str:
    by = f" ({m[3]} 报送)" if m[3] else ""
    return f"{m[1]} 无计分条款: {_what(m[2])}{by}"


_REASONS: list[_Rule] = [
    (re.compile(r"no clause of (\S+) scores (.+?)(?: by a (\S+))?"), _no_clause),
    (re.compile(r"retracted by (\S+): (.*)", re.S), lambda m: f"已被 {m[1]} 撤回: {m[2]}"),
    (
        re.compile(r"(\S+): the cap of (\S+) for (\S+) is reached"),
        lambda m: f"{m[1]}: {m[3]} 已达封顶 {m[2]} 分",
    ),
    (
        re.compile(r"(\S+) scores once a year; this unit already scored in (\S+)"),
        lambda m: f"{m[1]} 每年计一次: 本单位已于 {m[2]} 计分",
    ),
    (
        re.compile(r"(\S+) scores once a year; (\S+) already scored"),
        lambda m: f"{m[1]} 每年计一次: {m[2]} 年已计分",
    ),
    (
        re.compile(r"scoped to ruleset (\S+), not (\S+) or a ruleset it extends"),
        lambda m: f"限于规则 {m[1]}, 不适用于 {m[2]}",
    ),
    (
        re.compile(r"(\S+): (\S+) scores only after an adoption by (.+) dated no later"),
        lambda m: f"{m[1]}: {m[2]} 须先经 {m[3]} 采用 (日期不晚于此) 方可计分",
    ),
    (
        re.compile(r"(\S+): (\S+) adoptions score 0 for this unit's kind"),
        lambda m: f"{m[1]}: 本类单位的 {m[2]} 采用计 0 分",
    ),
    (
        re.compile(r"(\S+) already adopted (\S+) \((\S+), seq (\d+)\): the same outlet earns once"),
        lambda m: f"{m[1]} 已采用 {m[2]} ({m[3]}, 序号 {m[4]}): 同一刊物只计一次",
    ),
    (
        re.compile(r"(\S+) scores (\S+) once; it scored for (\S+) \(seq (\d+)\)"),
        lambda m: f"{m[1]} 对 {m[2]} 只计一次: 已计入 {m[3]} (序号 {m[4]})",
    ),
    (
        re.compile(r"level (\S+) already instructed on (\S+) \((\S+)\): once per \(info, level\)"),
        lambda m: f"{m[2]} 已有{level_label(m[1], 'zh')}批示 ({m[3]}): 每条信息每级只计一次",
    ),
    (
        re.compile(r"(\S+) scores only units of kind (.+)"),
        lambda m: f"{m[1]} 只对 {m[2]} 类单位计分",
    ),
    (
        re.compile(r"(\S+): rank (\d+) is not within the top (\d+)"),
        lambda m: f"{m[1]}: 第{m[2]}名不在前{m[3]}名之内",
    ),
    (
        re.compile(
            r"(\S+): a ranking for (\d+) dated (\S+) is not in its own year "
            r"\(the clause scores it in the period holding its at\)"
        ),
        lambda m: f"{m[1]}: {m[2]} 年的排名日期为 {m[3]}, 不在当年 (计入该日期所在的期间)",
    ),
    (
        re.compile(r"a recorded veto \((.+)\): bars the year's awards"),
        lambda m: f"记录的否决 ({m[1]}): 当年不得评先",
    ),
    (
        re.compile(r"(\S+) does not score (\S+) events \(a checklist fact\)"),
        lambda m: f"{m[1]} 不对 {m[2]} 事件计分 (考核表事项)",
    ),
    (re.compile(r"adjustment \(酌情\): (.*)", re.S), lambda m: f"酌情加减分: {m[1]}"),
    (
        re.compile(r"table (\S+) is not a table of (\S+)"),
        lambda m: f"{m[1]} 不是 {m[2]} 的考核表",
    ),
    (re.compile(r"not the unit's table \((\S+)\)"), lambda m: f"不是本单位的考核表 ({m[1]})"),
    (
        re.compile(r"superseded by (\S+) \(the latest assessment stands\)"),
        lambda m: f"已被 {m[1]} 取代 (以最新考核为准)",
    ),
    (re.compile(r"an absence: deducted on computed items"), lambda m: "缺席: 在计算项中扣分"),
    (re.compile(r"stands for (\S+) (\S+)"), lambda m: f"计入 {m[1]} {m[2]}"),
    (
        re.compile(r"a computed item: its score comes from absences"),
        lambda m: "计算项: 得分由缺席次数得出",
    ),
]

_WARNINGS: list[_Rule] = [
    (
        re.compile(
            r"(\S+): assessment (\S+) of computed item (\S+) (\S+) does not count; "
            r"the item is computed from recorded absences"
        ),
        lambda m: f"{m[1]}: 计算项 {m[3]} {m[4]} 的考核 {m[2]} 不计, 该项按记录的缺席次数计算",
    ),
    (
        re.compile(
            r"(\S+): assessment (\S+) on (\S+) ignored; the unit's table for (\S+) is (\S+) "
            r"\(its latest assessment\)"
        ),
        lambda m: (
            f"{m[1]}: {m[3]} 上的考核 {m[2]} 不计; 本单位 {m[4]} 的考核表为 {m[5]} (以最新考核为准)"
        ),
    ),
    (
        re.compile(
            r"adoption (\S+) \(seq (\d+)\) is dated (\S+), before its submission (\S+) "
            r"\((\S+)\); it still scores \(principle 4\)"
        ),
        lambda m: f"采用 {m[1]} (序号 {m[2]}) 日期 {m[3]} 早于其报送 {m[4]} ({m[5]}); 仍计分",
    ),
    (re.compile(r"ranking (\S+): (.*)", re.S), lambda m: f"排名 {m[1]}: {reason_zh(m[2])}"),
]

_NOTES: list[_Rule] = [
    (
        re.compile(r"(\d+) × (\S+) = ([^\s,]+)(.*)", re.S),
        lambda m: f"{m[1]} 条 x {m[2]} = {m[3]}{_note_tail(m[4])}",
    ),
    (
        re.compile(r"([^\s,]+), (single|combined|bonus)(.*)", re.S),
        lambda m: f"{m[1]}, {_MODES[m[2]]}{_note_tail(m[3])}",
    ),
    (
        re.compile(r"level (\S+)(.*)", re.S),
        lambda m: f"{level_label(m[1], 'zh')}批示{_note_tail(m[2])}",
    ),
    (re.compile(r"(\S+) (\d{4}) rank (\d+)(.*)", re.S), lambda m: f"{m[1]} {m[2]} 年第{m[3]}名"),
    (re.compile(r"handed to (\S+)"), lambda m: f"计入 {m[1]}"),
]


def _note_tail(text: str) -> str:
    """', capped at 6 for 2011Q3' and '(what 2011Q3's earlier months left of the cap)'."""
    out = ""
    if m := re.search(r", capped at (\S+) for (\S+?)(?= \(|$)", text):
        out += f", {m[2]} 封顶 {m[1]} 分"
    if m := re.search(r" \(what (\S+)'s earlier months left of the cap\)", text):
        out += f" ({m[1]} 此前各月余下的封顶额度)"
    return out if out or not text else text


def _translate(rules: list[_Rule], text: str) -> str:
    for pattern, render in rules:
        if m := pattern.fullmatch(text):
            return render(m)
    return text


def reason_zh(text: str) -> str:
    """An engine reason (a trace's) in Chinese; itself when no pattern knows it."""
    return _translate(_REASONS, text)


def note_zh(text: str) -> str:
    """A line's note in Chinese; itself when no pattern knows it."""
    return _translate(_NOTES, text)


def warning_zh(text: str) -> str:
    """A board's warning in Chinese; itself when no pattern knows it."""
    return _translate(_WARNINGS, text)
