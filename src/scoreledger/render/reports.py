"""Renderers: the same report data as JSON (CONTRACT §7) or CSV; terminal text is in
``report_text``.

Nothing here computes a score; every number comes from ``projections.model``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

import orjson

from projections.api import Explanation
from projections.heads import ReportHead
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
    read_lines,
)
from projections.numbers import fmt

from .labels import Lang, csv_header
from .safe import SafeCSV, json_safe

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


def _unit(score: UnitScore, lines: Sequence[Line] | None = None) -> dict[str, Any]:
    """A unit's JSON object; `lines` (default: its own, as kept) for a reader that reads
    them once."""
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
        "lines": [_line(line) for line in (score.lines if lines is None else lines)],
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
    return {**_header(board), "units": units, "warnings": list(board.warnings)}


def _header(board: Board) -> dict[str, Any]:
    """A report's first keys: ruleset, fingerprint, period, in_force, as_of, head."""
    return {
        "ruleset": board.ruleset,
        "fingerprint": board.fingerprint,
        "period": board.period,
        "in_force": board.in_force,
        "as_of": board.as_of,
        "head": head_data(board.head),
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
    # The board's header alone: the other units' lines are not part of it (at a million
    # events, every line of the year would be inflated and thrown away).
    doc = _header(expl.board)
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
    doc["warnings"] = list(expl.board.warnings)
    return doc


def diff_data(result: Diff) -> dict[str, Any]:
    """``{"period", "head", "a", "b", "units": [{"unit", "a", "b", "delta"}]}`` (CONTRACT §7,
    §8.3: `head` is the later side's; each side carries its own)."""
    return {
        "period": result.period,
        "head": head_data(result.head),
        "a": result.a,
        "b": result.b,
        "units": [
            {"unit": r.unit, "name": r.name, "a": fmt(r.a), "b": fmt(r.b), "delta": fmt(r.delta)}
            for r in result.units
        ],
    }


def head_data(head: ReportHead | None) -> dict[str, Any] | None:
    """A report's ``"head"``: ``{"seq", "hash"}`` (None only for a board built by hand)."""
    return None if head is None else head.data()


def to_json(doc: dict[str, Any]) -> str:
    """A report document as JSON text: two-space indent, non-ASCII kept, invisible characters
    escaped. orjson writes it byte for byte as ``json.dumps(doc, ensure_ascii=False,
    indent=2)`` (tested) and ~10x faster; what orjson refuses (an integer beyond 64 bits)
    goes through json."""
    return json_safe(_dumps(doc)) + "\n"


def _dumps(value: Any) -> str:
    """`value` as ``json.dumps(value, ensure_ascii=False, indent=2)`` writes it."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False, indent=2)


def write_board_json(board: Board, out: TextIO) -> None:
    """Write ``to_json(board_data(board))`` to `out`, byte for byte, one unit at a time: a
    unit's lines are read (``model.read_lines``), written and let go before the next
    unit's, where the whole document held every line of the year three or four times over
    (the lines, their dicts, the JSON bytes and text: 1.2 GB at a million events)."""
    if isinstance(board, Scoreboard):
        units: Iterable[dict[str, Any]] = (_unit(u, read_lines(u.lines)) for u in board.units)
    else:
        units = (_checklist_unit(u) for u in board.units)
    write_json(out, _header(board), "units", units, {"warnings": list(board.warnings)})


def write_json(
    out: TextIO,
    head: dict[str, Any],
    key: str,
    items: Iterable[Any],
    tail: dict[str, Any],
) -> None:
    """Write ``to_json({**head, key: list(items), **tail})`` to `out`, byte for byte, taking
    `items` one at a time. Each piece is dumped on its own and indented to its depth (JSON
    strings hold no raw newline, so every newline of a dump is one of its own lines), and
    each is made :func:`json_safe` on its own (it escapes single characters). What orjson
    refuses goes through json piece by piece: both write the same text (tested)."""
    out.write("{\n")
    for name, value in head.items():
        out.write(json_safe(_member(name, value)) + ",\n")
    out.write(json_safe(f"  {_dumps(key)}: ["))
    first = True
    for item in items:
        out.write(("\n" if first else ",\n") + json_safe(_indented(_dumps(item), "    ")))
        del item  # let go of this one before the next is built
        first = False
    out.write("]" if first else "\n  ]")  # json writes an empty list as []
    for name, value in tail.items():
        out.write(",\n" + json_safe(_member(name, value)))
    out.write("\n}\n")


def _member(name: str, value: Any) -> str:
    """``  "name": value``, a member of a top-level object, as the whole object's dump has it."""
    return _dumps({name: value})[2:-2]  # the one-member object less its "{\n" and "\n}"


def _indented(text: str, indent: str) -> str:
    return indent + text.replace("\n", "\n" + indent)


# -- CSV -----------------------------------------------------------------------------


def board_csv(board: Board, lang: Lang = "en") -> str:
    """CSV with a UTF-8 BOM, so Excel and WPS read the Chinese names correctly; headers
    are the field names, or with `lang` zh ``得分(total)``."""
    # The head (SEQ:HASH) is a column of every row, as in the circular's CSV: a line
    # before the header row would break CSV readers.
    head = "" if board.head is None else str(board.head)
    buf = io.StringIO()
    writer = SafeCSV(buf)
    if isinstance(board, Scoreboard):
        writer.writerow(
            csv_header(
                [
                    *_CSV_LEAD,
                    "kind",
                    "total",
                    "attributed_to",
                    "target",
                    "target_met",
                    "rank",
                    "eligible",
                    "vetoes",
                ],
                lang,
            )
        )
        for u in board.units:
            writer.writerow(
                [
                    board.ruleset,
                    board.period,
                    head,
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
            csv_header(
                [
                    *_CSV_LEAD,
                    "table",
                    "category",
                    "item",
                    "max",
                    "score",
                    "self_score",
                    "status",
                ],
                lang,
            )
        )
        for c in board.units:
            for cat in c.categories:
                for i in cat.items:
                    writer.writerow(
                        [
                            board.ruleset,
                            board.period,
                            head,
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


#: The columns every CSV row of a board starts with (points and checklist alike).
_CSV_LEAD = ("ruleset", "period", "head", "unit", "name")


def _csv_bool(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")
