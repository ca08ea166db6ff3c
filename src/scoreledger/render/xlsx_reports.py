"""The sheets of each report's workbook: score, explain, diff and circular."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from projections.api import Explanation
from projections.circular import Circular, CircularRow
from projections.model import (
    Board,
    ChecklistBoard,
    ChecklistUnit,
    Diff,
    ItemScore,
    Scoreboard,
    UnitScore,
    read_lines,
)
from vocabulary import codes

from .labels import level_label
from .xlsx import Cell, Rows, Sheet, kind_title

Info = list[tuple[str, str]]


def _info(report: str, ruleset: str, period: str, as_of: str | None, head: str) -> Info:
    return [
        ("报表 report", report),
        ("规则 ruleset", ruleset),
        ("期间 period", period),
        ("截至记录时间 as of", as_of or "当前 now"),
        ("链头 head (SEQ:HASH)", head),
    ]


def _kinds(units: Sequence[UnitScore | ChecklistUnit]) -> list[str]:
    return list(dict.fromkeys(u.kind for u in units))


def _tail(unit: UnitScore | CircularRow) -> list[Cell]:
    """The vetoes (reason:event) and the unit the points go to."""
    return [";".join(f"{v.reason}:{v.event}" for v in unit.vetoes), unit.attributed_to]


def score_sheets(board: Board, head: str) -> tuple[Info, list[Sheet]]:
    """A sheet per unit kind, and the lines of every total in 得分明细."""
    info = _info("score 得分", board.ruleset, board.period, board.as_of, head)
    if isinstance(board, ChecklistBoard):
        return info, _checklist_sheets(board)
    header = ["名次", "单位代码", "单位", "得分", "目标", "达标", "可评先", "否决", "计入"]
    sheets = []
    for kind in _kinds(board.units):
        rows: list[list[Cell]] = [
            [u.rank, u.unit, u.name, u.total, u.target, u.target_met, u.eligible, *_tail(u)]
            for u in board.units
            if u.kind == kind
        ]
        sheets.append(Sheet(title=kind_title(kind), header=header, rows=rows))
    header = ["单位代码", "单位", "条款", "分值", "信息编号", "说明", "事件"]
    sheets.append(Sheet(title="得分明细", header=header, rows=Rows(lambda: _lines(board))))
    return info, sheets


def _lines(board: Scoreboard) -> Iterator[list[Cell]]:
    """The rows of 得分明细, one unit's lines at a time, none kept (``read_lines``)."""
    for u in board.units:
        for line in read_lines(u.lines):
            events = ",".join(line.events)
            yield [u.unit, u.name, line.clause, line.points, line.info, line.note, events]


def _item(i: ItemScore) -> list[Cell]:
    return [i.item, i.max, i.score, i.self_score, i.status]


def _checklist_sheets(board: ChecklistBoard) -> list[Sheet]:
    header = ["单位代码", "单位", "考核表", "类别", "项目", "满分", "得分", "自评", "状态"]
    return [
        Sheet(
            title=kind_title(kind),
            header=header,
            rows=[
                [
                    c.unit,
                    c.name,
                    c.table,
                    cat.category,
                    i.item,
                    i.max,
                    i.score,
                    i.self_score,
                    i.status,
                ]
                for c in board.units
                if c.kind == kind
                for cat in c.categories
                for i in cat.items
            ],
        )
        for kind in _kinds(board.units)
    ]


def explain_sheets(expl: Explanation, head: str) -> tuple[Info, list[Sheet]]:
    """The unit's lines (or checklist items) with their sources, and every event considered."""
    board, entry = expl.board, expl.unit
    info = _info("explain 得分说明", board.ruleset, board.period, board.as_of, head)
    info += [("单位 unit", f"{entry.unit} {entry.name}"), ("得分 total", str(entry.total))]
    if isinstance(entry, UnitScore):
        header = ["条款", "分值", "信息编号", "说明", "事件", "条文出处", "原文"]
        rows: list[list[Cell]] = [
            [
                line.clause,
                line.points,
                line.info,
                line.note,
                ",".join(line.events),
                line.section,
                line.sentence,
            ]
            for line in entry.lines
        ]
    else:
        header = ["类别", "项目", "内容", "满分", "得分", "自评", "状态", "考核部门"]
        rows = [
            [cat.category, i.item, i.text, i.max, i.score, i.self_score, i.status, i.examiner]
            for cat in entry.categories
            for i in cat.items
        ]
    trace = [
        [t.seq, t.event, t.type, t.at, t.status, t.points, t.clause, t.info, t.reason]
        for t in entry.trace
    ]
    return info, [
        Sheet(title="得分明细", header=header, rows=rows),
        Sheet(
            title="事件",
            header=["序号 seq", "事件", "类型", "时间", "状态", "分值", "条款", "信息编号", "原因"],
            rows=trace,
        ),
    ]


def diff_sheets(result: Diff, head: str) -> tuple[Info, list[Sheet]]:
    a, b = result.a, result.b
    info = _info("diff 对比", f"A {a['ruleset']} / B {b['ruleset']}", result.period, None, head)
    info[3] = ("截至记录时间 as of", f"A {a['as_of'] or 'now'} / B {b['as_of'] or 'now'}")
    rows: list[list[Cell]] = [[r.unit, r.name, r.a, r.b, r.delta] for r in result.units]
    return info, [Sheet(title="对比", header=["单位代码", "单位", "A", "B", "差值"], rows=rows)]


def _circular_row(r: CircularRow, levels: Sequence[str]) -> list[Cell]:
    row: list[Cell] = [r.rank, r.unit, r.name]
    row += [r.adopted[level] for level in levels]
    row += [r.instructed[level] for level in levels]
    return [*row, r.total, r.target, r.target_met, r.eligible, *_tail(r)]


def circular_sheets(doc: Circular) -> tuple[Info, list[Sheet]]:
    """A sheet per unit kind: items adopted and instructions at each level, as published."""
    info = _info(
        "circular 通报", f"{doc.ruleset} {doc.title}", doc.period, doc.as_of, str(doc.head)
    )
    header = ["名次", "单位代码", "单位"]
    header += [f"{level_label(level, 'zh')}采用" for level in doc.levels]
    header += [f"{codes.LEVELS[level]}批示" for level in doc.levels]
    header += ["得分", "目标", "达标", "可评先", "否决", "计入"]
    sheets = []
    for kind in doc.kinds:
        rows = [_circular_row(r, doc.levels) for r in doc.units if r.kind == kind]
        sheets.append(Sheet(title=kind_title(kind), header=header, rows=rows))
    return info, sheets
