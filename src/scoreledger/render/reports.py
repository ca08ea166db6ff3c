"""Renderers: the same report data as JSON (CONTRACT §7), terminal text, or CSV.

Nothing here computes a score; every number comes from ``projections.model``.
Text pads by display width, since Chinese names are two columns wide.
"""

from __future__ import annotations

import io
import json
from typing import Any

import orjson

from projections.api import Explanation
from projections.model import (
    Board,
    ChecklistBoard,
    ChecklistUnit,
    Diff,
    Line,
    Scoreboard,
    Trace,
    UnitScore,
    VetoMark,
)
from projections.numbers import fmt

from .safe import SafeCSV, json_safe, visible, visible_lines
from .text import pad, table

# -- JSON ----------------------------------------------------------------------------


def _line(line: Line) -> dict[str, Any]:
    return {
        "clause": line.clause,
        "points": fmt(line.points),
        "events": list(line.events),
        "info": line.info,
        "note": line.note,
    }


def _veto(mark: VetoMark) -> dict[str, Any]:
    return {
        "event": mark.event,
        "reason": mark.reason,
        "unit": mark.unit,
        "derived": mark.derived,
        "at": mark.at,
    }


def _unit(score: UnitScore) -> dict[str, Any]:
    return {
        "unit": score.unit,
        "name": score.name,
        "kind": score.kind,
        "total": fmt(score.total),
        "attributed_to": score.attributed_to,
        "target": fmt(score.target),
        "target_met": score.target_met,
        "rank": score.rank,
        "eligible": score.eligible,
        "vetoes": [_veto(v) for v in score.vetoes],
        "lines": [_line(line) for line in score.lines],
    }


def _checklist_unit(entry: ChecklistUnit) -> dict[str, Any]:
    return {
        "unit": entry.unit,
        "name": entry.name,
        "kind": entry.kind,
        "table": entry.table,
        "total": fmt(entry.total),
        "self_total": fmt(entry.self_total),
        "categories": [
            {
                "category": c.category,
                "number": c.number,
                "max": fmt(c.max),
                "score": fmt(c.score),
                "items": [
                    {
                        "item": i.item,
                        "max": fmt(i.max),
                        "score": fmt(i.score),
                        "self_score": fmt(i.self_score),
                        "status": i.status,
                        "evidence": i.evidence,
                    }
                    for i in c.items
                ],
            }
            for c in entry.categories
        ],
    }


def board_data(board: Board) -> dict[str, Any]:
    """The JSON document of a scoreboard or checklist report (CONTRACT §7)."""
    units = (
        [_unit(u) for u in board.units]
        if isinstance(board, Scoreboard)
        else [_checklist_unit(u) for u in board.units]
    )
    return {
        "ruleset": board.ruleset,
        "fingerprint": board.fingerprint,
        "period": board.period,
        "in_force": board.in_force,
        "as_of": board.as_of,
        "units": units,
        "warnings": list(board.warnings),
    }


def _trace(trace: Trace) -> dict[str, Any]:
    return {
        "event": trace.event,
        "seq": trace.seq,
        "type": trace.type,
        "at": trace.at,
        "status": trace.status,
        "points": fmt(trace.points),
        "clause": trace.clause,
        "info": trace.info,
        "reason": trace.reason,
    }


def explain_data(expl: Explanation) -> dict[str, Any]:
    """The JSON document of an explanation: the unit's report, lines with their sources,
    and every event considered."""
    board = board_data(expl.board)
    doc = {key: board[key] for key in ("ruleset", "fingerprint", "period", "in_force", "as_of")}
    entry = expl.unit
    if isinstance(entry, UnitScore):
        unit = _unit(entry)
        for data, line in zip(unit["lines"], entry.lines, strict=True):
            data["section"] = line.section
            data["sentence"] = line.sentence
    else:
        unit = _checklist_unit(entry)
    unit["trace"] = [{**_trace(t), "recorded_by": expl.recorded_by.get(t.seq)} for t in entry.trace]
    doc["unit"] = unit
    doc["warnings"] = board["warnings"]
    return doc


def diff_data(result: Diff) -> dict[str, Any]:
    """``{"period", "a", "b", "units": [{"unit", "a", "b", "delta"}]}`` (CONTRACT §7)."""
    return {
        "period": result.period,
        "a": result.a,
        "b": result.b,
        "units": [
            {"unit": r.unit, "name": r.name, "a": fmt(r.a), "b": fmt(r.b), "delta": fmt(r.delta)}
            for r in result.units
        ],
    }


def to_json(doc: dict[str, Any]) -> str:
    """A report document as JSON text: two-space indent, non-ASCII kept, invisible characters
    escaped. orjson writes it byte for byte as ``json.dumps(doc, ensure_ascii=False,
    indent=2)`` (tested) and ~10x faster; what orjson refuses (an integer beyond 64 bits)
    goes through json."""
    try:
        text = orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode()
    except TypeError:
        text = json.dumps(doc, ensure_ascii=False, indent=2)
    return json_safe(text) + "\n"


# -- text ----------------------------------------------------------------------------


def _yes(value: bool | None) -> str:
    return "—" if value is None else ("yes" if value else "no")


def _header(board: Board) -> str:
    force = "in force" if board.in_force else "NOT in force (a what-if replay)"
    as_of = f"as of {board.as_of}" if board.as_of else "as of now"
    return f"{board.ruleset} · {board.period} · {force} · {as_of} · rules {board.fingerprint[:12]}"


def board_text(board: Board) -> str:
    """A scoreboard (or checklist report) for a terminal."""
    out = [_header(board), ""]
    if isinstance(board, Scoreboard):
        rows = [
            [
                "rank",
                "unit",
                "name",
                "kind",
                "total",
                "target",
                "met",
                "eligible",
                "vetoes",
                "hands to",
            ]
        ]
        for u in board.units:
            rows.append(
                [
                    str(u.rank or "—"),
                    u.unit,
                    u.name,
                    u.kind,
                    fmt(u.total) or "0",
                    fmt(u.target) or "—",
                    _yes(u.target_met),
                    _yes(u.eligible),
                    str(len(u.vetoes)) if u.vetoes else "",
                    u.attributed_to or "",
                ]
            )
        out.extend(table(rows) if board.units else ["(no units)"])
    else:
        rows = [["unit", "name", "table", "total", "self", "missing"]]
        for c in board.units:
            missing = sum(1 for cat in c.categories for i in cat.items if i.status == "missing")
            rows.append(
                [
                    c.unit,
                    c.name,
                    c.table,
                    fmt(c.total) or "0",
                    fmt(c.self_total) or "0",
                    str(missing),
                ]
            )
        out.extend(table(rows) if board.units else ["(no unit was assessed in this period)"])
    if board.warnings:
        out += ["", "warnings:"] + [f"  - {visible(w)}" for w in board.warnings]
    return visible_lines("\n".join(out)) + "\n"


def explain_text(expl: Explanation) -> str:
    """Every line of one unit's total with its events and the regulation's sentence."""
    entry, board = expl.unit, expl.board
    out = [_header(board), ""]
    if isinstance(entry, UnitScore):
        out.append(f"{entry.unit} {visible(entry.name)} ({entry.kind}): total {fmt(entry.total)}")
        extras = []
        if entry.rank is not None:
            extras.append(f"rank {entry.rank} among {entry.kind} units")
        if entry.attributed_to:
            extras.append(f"hands its points to {entry.attributed_to}")
        if entry.target is not None:
            extras.append(
                f"target {fmt(entry.target)} ({'met' if entry.target_met else 'not met'})"
            )
        if entry.eligible is not None:
            extras.append(
                "eligible for the award" if entry.eligible else "NOT eligible for the award"
            )
        if extras:
            out.append("  " + "; ".join(extras))
        for v in entry.vetoes:
            kind = "derived" if v.derived else "recorded"
            out.append(
                f"  veto ({kind}) {v.reason} on {v.unit} at {v.at[:10]}: event {visible(v.event)}"
            )
        out += ["", "lines:"]
        for line in entry.lines:
            info = f" [{visible(line.info)}]" if line.info else ""
            note = visible(line.note)
            out.append(f"  {pad(fmt(line.points) or '0', 6)} {line.clause}{info}: {note}")
            out.append(f"         events: {visible(', '.join(line.events))}")
            if line.sentence:
                out.append(f"         {line.section}「{line.sentence}」")
        out.append(f"  {'-' * 6}\n  {fmt(entry.total)} total (the sum of the lines)")
    else:
        out.append(
            f"{entry.unit} {visible(entry.name)}: table {entry.table}, total {fmt(entry.total)}, "
            f"self {fmt(entry.self_total)}"
        )
        for cat in entry.categories:
            out.append(f"  {cat.number} {cat.category}: {fmt(cat.score)} / {fmt(cat.max)}")
            for i in cat.items:
                self_score = fmt(i.self_score) if i.self_score is not None else "—"
                score = f"{pad(fmt(i.score) or '0', 4)}/ {pad(fmt(i.max) or '', 3)}"
                out.append(
                    f"    {pad(i.item, 5)} {score} self {pad(self_score, 4)} {i.status:<8} {i.text}"
                )
                if i.evidence:
                    evidence = json.dumps(i.evidence, ensure_ascii=False)
                    out.append(f"          evidence: {visible(evidence)}")
    out += ["", "events considered:"]
    for t in entry.trace:
        mark = {"scored": "+", "capped": "c", "unscored": "0", "retracted": "x"}.get(t.status, "?")
        clause = f" {t.clause}" if t.clause else ""
        by = expl.recorded_by.get(t.seq)
        out.append(
            f"  {mark} seq {t.seq} {visible(t.event)} {t.type} {t.at[:10]} "
            f"{t.status} {fmt(t.points)}{clause}: {visible(t.reason)}"
            + (f" (recorded by {visible(by)})" if by is not None else "")
        )
    if not entry.trace:
        out.append("  (none in this period)")
    if board.warnings:
        out += ["", "warnings:"] + [f"  - {visible(w)}" for w in board.warnings]
    return visible_lines("\n".join(out)) + "\n"


def diff_text(result: Diff) -> str:
    a, b = result.a, result.b
    out = [
        f"{result.period}: A = {a['ruleset']} as of {a['as_of'] or 'now'}, "
        f"B = {b['ruleset']} as of {b['as_of'] or 'now'}",
        "",
    ]
    rows = [["unit", "name", "A", "B", "delta"]]
    for r in result.units:
        change = r.delta
        delta = fmt(change)
        rows.append(
            [
                r.unit,
                r.name,
                fmt(r.a) or "—",
                fmt(r.b) or "—",
                ("+" + delta if delta is not None and change and change > 0 else delta) or "—",
            ]
        )
    out.extend(table(rows))
    changed = sum(1 for r in result.units if r.delta != 0)
    out.append(f"\n{changed} of {len(result.units)} units differ")
    return visible_lines("\n".join(out)) + "\n"


# -- CSV -----------------------------------------------------------------------------


def board_csv(board: Board) -> str:
    """CSV with a UTF-8 BOM, so Excel and WPS read the Chinese names correctly."""
    buf = io.StringIO()
    writer = SafeCSV(buf)
    if isinstance(board, Scoreboard):
        writer.writerow(
            [
                "ruleset",
                "period",
                "unit",
                "name",
                "kind",
                "total",
                "attributed_to",
                "target",
                "target_met",
                "rank",
                "eligible",
                "vetoes",
            ]
        )
        for u in board.units:
            writer.writerow(
                [
                    board.ruleset,
                    board.period,
                    u.unit,
                    u.name,
                    u.kind,
                    fmt(u.total),
                    u.attributed_to or "",
                    fmt(u.target) or "",
                    _csv_bool(u.target_met),
                    u.rank or "",
                    _csv_bool(u.eligible),
                    ";".join(v.event for v in u.vetoes),
                ]
            )
    else:
        assert isinstance(board, ChecklistBoard)
        writer.writerow(
            [
                "ruleset",
                "period",
                "unit",
                "name",
                "table",
                "category",
                "item",
                "max",
                "score",
                "self_score",
                "status",
            ]
        )
        for c in board.units:
            for cat in c.categories:
                for i in cat.items:
                    writer.writerow(
                        [
                            board.ruleset,
                            board.period,
                            c.unit,
                            c.name,
                            c.table,
                            cat.category,
                            i.item,
                            fmt(i.max),
                            fmt(i.score),
                            fmt(i.self_score) or "",
                            i.status,
                        ]
                    )
    return "\ufeff" + buf.getvalue()


def _csv_bool(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")
