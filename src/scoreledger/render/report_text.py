"""score, explain and diff for a terminal, in English or Chinese, fitted to its width.

Every table fits `width` display columns (``COLUMNS``, else 80: :func:`text.terminal_width`):
first the columns that hold nothing go, then the least needed ones, and last the name
wraps. Prose (the regulation's sentence, reasons, events) wraps onto hung continuation
lines, never cut. Fillers are ASCII: ambiguous-width characters shift columns on
terminals that draw them wide (:func:`text.plain`). Codes (unit, clause, outlet ids,
event types) are the same in both languages; JSON and CSV carry the data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from projections.api import Explanation
from projections.heads import ReportHead
from projections.model import Board, ChecklistUnit, Diff, Scoreboard, Trace, UnitScore
from projections.numbers import fmt

from .labels import Lang, differ, hands_to, kind_label, label, rank_among, yes_no
from .reasons_zh import note_zh, reason_zh, warning_zh
from .text import display_width, fit, layout, pad, plain, wrap_words

_HANG = "         "  # under a line's clause, past its points
_ITEM_STATUSES = ("assessed", "computed", "missing")
_MARKS = {"scored": "+", "capped": "c", "unscored": "0", "retracted": "x"}


def _finish(lines: Iterable[str]) -> str:
    # plain() again on whole lines: a guard, the pieces were made plain already.
    return "\n".join(plain(line) for line in lines) + "\n"


def _wrap(text: str, width: int, hang: str = "    ") -> list[str]:
    return wrap_words(plain(text), width, hang)


def head_line(head: ReportHead | None, lang: Lang) -> str:
    """Every text report's first line: ``head SEQ:HASH`` (CONTRACT §8.3), the full hash
    whatever the width (it is what ``verify --expect`` takes)."""
    return f"{label('head', lang)} {head if head is not None else label('none', lang)}"


def report_header(board: Board, lang: Lang, width: int) -> list[str]:
    """'ruleset | period | in force | as of | rules fingerprint', wrapped to `width`."""
    force = label("in force" if board.in_force else "not in force", lang)
    as_of = f"{label('as of', lang)} {board.as_of}" if board.as_of else label("as of now", lang)
    rules = f"{label('rules', lang)} {board.fingerprint[:12]}"
    lines = [board.ruleset]
    for part in (board.period, force, as_of, rules):  # break between parts, not inside
        if display_width(f"{lines[-1]} | {part}") <= width:
            lines[-1] += f" | {part}"
        else:
            lines.append(f"  | {part}")
    return [wrapped for line in lines for wrapped in _wrap(line, width)]


# -- score --------------------------------------------------------------------------------


def board_text(board: Board, lang: Lang = "en", width: int = 80) -> str:
    """A scoreboard (or checklist report): a table per unit kind, fitted to `width`."""
    out = [head_line(board.head, lang), *report_header(board, lang, width), ""]
    if isinstance(board, Scoreboard):
        out += _points_tables(board, lang, width)
    else:
        out += _checklist_table(board.units, lang, width)
    return _finish(out + _warnings(board.warnings, lang, width))


def _points_row(u: UnitScore, lang: Lang) -> list[str]:
    none = label("none", lang)
    return [
        str(u.rank) if u.rank is not None else none,
        u.unit,
        u.name,
        fmt(u.total) or "0",
        fmt(u.target) or none,
        yes_no(u.target_met, lang),
        yes_no(u.eligible, lang),
        str(len(u.vetoes)) if u.vetoes else none,
        u.attributed_to or none,
    ]


def _points_tables(board: Scoreboard, lang: Lang, width: int) -> list[str]:
    if not board.units:
        return [label("no units", lang)]
    keys = ("rank", "unit id", "table name", "total", "target", "met", "eligible", "vetoes")
    head = [*(label(k, lang) for k in keys), label("hands to", lang)]
    kinds = list(dict.fromkeys(u.kind for u in board.units))
    tables = {k: [_points_row(u, lang) for u in board.units if u.kind == k] for k in kinds}
    # One layout for every kind, so that their columns line up. Ranks are within a kind,
    # so the kind heads its table. Too wide: empty columns go, then whether the target is
    # met (total and target say it), the count of vetoes (explain names them), and the
    # name wraps.
    every = [head, *(row for rows in tables.values() for row in rows)]
    plan = layout(every, width, indent="  ", drop=[5, 7, 4], wrap=2)
    out: list[str] = []
    for kind, rows in tables.items():
        out += [f"{kind_label(kind, lang)} ({kind})", *plan.lines([head, *rows], "  "), ""]
    return out[:-1]


def _checklist_table(units: Iterable[ChecklistUnit], lang: Lang, width: int) -> list[str]:
    keys = ("unit id", "table name", "table", "total", "self", "missing")
    rows = [[label(k, lang) for k in keys]]
    for c in units:
        missing = sum(1 for cat in c.categories for i in cat.items if i.status == "missing")
        total, own = fmt(c.total) or "0", fmt(c.self_total) or "0"
        rows.append([c.unit, c.name, c.table, total, own, str(missing)])
    if len(rows) == 1:
        return [label("no unit assessed", lang)]
    return fit(rows, width, wrap=1)


def _warnings(warnings: Iterable[str], lang: Lang, width: int) -> list[str]:
    shown = [warning_zh(w) for w in warnings] if lang == "zh" else warnings
    lines = [line for w in shown for line in _wrap(f"  - {w}", width)]
    return ["", label("warnings", lang), *lines] if lines else []


# -- explain ------------------------------------------------------------------------------


def explain_text(expl: Explanation, lang: Lang = "en", width: int = 80) -> str:
    """Every line of one unit's total with its events and the regulation's sentence, then
    every event considered, fitted to `width` by wrapping (nothing is cut)."""
    entry, board = expl.unit, expl.board
    out = [head_line(board.head, lang), *report_header(board, lang, width), ""]
    if isinstance(entry, UnitScore):
        out += _points_unit(entry, lang, width)
    else:
        out += _checklist_unit(entry, lang, width)
    out += ["", label("events considered:", lang)]
    sentences = _sections(expl)
    for t in entry.trace:
        by = expl.recorded_by.get(t.seq)
        recorded = f"({label('recorded by', lang)} {by})" if by is not None else ""
        out += _wrap_tail(_trace_line(t, sentences, lang), recorded, width, "      ")
    if not entry.trace:
        out.append("  " + label("none in this period", lang))
    return _finish(out + _warnings(board.warnings, lang, width))


def _points_unit(entry: UnitScore, lang: Lang, width: int) -> list[str]:
    total = f"{label('total', lang)} {fmt(entry.total)}"
    out = _wrap(f"{entry.unit} {entry.name} ({entry.kind}): {total}", width)
    extras = []
    if entry.rank is not None:
        extras.append(rank_among(entry.rank, entry.kind, lang))
    if entry.attributed_to:
        extras.append(hands_to(entry.attributed_to, lang))
    if entry.target is not None:
        met = label("met" if entry.target_met else "not met", lang)
        extras.append(f"{label('target', lang)} {fmt(entry.target)} ({met})")
    if entry.eligible is not None:
        key = "eligible for the award" if entry.eligible else "not eligible for the award"
        extras.append(label(key, lang))
    if extras:
        out += _wrap("  " + "; ".join(extras), width)
    for v in entry.vetoes:
        kind = label("derived" if v.derived else "recorded", lang)
        what = (
            f"  {label('veto', lang)} ({kind}) {v.reason} {label('on', lang)} {v.unit} "
            f"{label('at', lang)} {v.at[:10]}: {label('event', lang)} {v.event}"
        )
        out += _wrap(what, width)
    out += ["", label("lines:", lang)]
    # A clause's sentence is the same under each of its lines: wrapped once.
    sentences: dict[str, list[str]] = {}
    for line in entry.lines:
        info = f" [{line.info}]" if line.info else ""
        note = note_zh(line.note) if lang == "zh" and line.clause != "adjustment" else line.note
        out += _wrap(
            f"  {pad(fmt(line.points) or '0', 6)} {line.clause}{info}: {note}", width, _HANG
        )
        events = f"{label('events:', lang)} {', '.join(line.events)}"
        out += _wrap(_HANG + events, width, _HANG + "  ")
        if line.sentence:
            text = f"{_HANG}{line.section or ''}「{line.sentence}」"
            if text not in sentences:
                sentences[text] = _wrap(text, width, _HANG)
            out += sentences[text]
    out += [f"  {'-' * 6}", f"  {fmt(entry.total)} {label('total line', lang)}"]
    return out


def _checklist_unit(entry: ChecklistUnit, lang: Lang, width: int) -> list[str]:
    out = _wrap(
        f"{entry.unit} {entry.name}: {label('table', lang)} {entry.table}, "
        f"{label('total', lang)} {fmt(entry.total)}, {label('self', lang)} {fmt(entry.self_total)}",
        width,
    )
    none = label("none", lang)
    for cat in entry.categories:
        out += _wrap(f"  {cat.number} {cat.category}: {fmt(cat.score)} / {fmt(cat.max)}", width)
        rows = []
        for i in cat.items:
            own = fmt(i.self_score) if i.self_score is not None else none
            score = f"{pad(fmt(i.score) or '0', 4)}/ {pad(fmt(i.max) or '', 3)}"
            status = label(i.status, lang) if i.status in _ITEM_STATUSES else i.status
            rows.append(
                (f"    {pad(i.item, 5)} {score} {label('self', lang)} {pad(own, 4)}", status, i)
            )
        status_width = max((display_width(s) for _, s, _ in rows), default=0)
        for start, status, i in rows:
            first = f"{start} {pad(status, status_width)} "
            out += _wrap(first + i.text, width, " " * display_width(first))
            if i.evidence:
                evidence = json.dumps(i.evidence, ensure_ascii=False)
                out += _wrap(f"          {label('evidence:', lang)} {evidence}", width, " " * 12)
    return out


def _sections(expl: Explanation) -> dict[str, tuple[str | None, str | None]]:
    """clause id -> (section, the clause's summary): a scored event's Chinese reason is
    the section it scores under, the English one the clause's summary."""
    return {
        c.id: (c.section, getattr(c, "summary", None)) for c in getattr(expl.ruleset, "clauses", ())
    }


def _wrap_tail(text: str, tail: str, width: int, hang: str) -> list[str]:
    """`text` wrapped, then `tail` after it on its last line, or whole on a line of its own."""
    lines = _wrap(text, width, hang)
    if not tail:
        return lines
    tail = plain(tail)
    if display_width(f"{lines[-1]} {tail}") <= width:
        return [*lines[:-1], f"{lines[-1]} {tail}"]
    return [*lines, *_wrap(hang + tail, width, hang)]


def _trace_line(t: Trace, sections: dict[str, tuple[str | None, str | None]], lang: Lang) -> str:
    mark = _MARKS.get(t.status, "?")
    clause = f" {t.clause}" if t.clause else ""
    status = label(t.status, lang) if t.status in _MARKS else t.status
    reason = t.reason
    if lang == "zh":
        section, summary = sections.get(t.clause or "", (None, None))
        if t.status == "scored" and section and t.reason in (summary, t.clause):
            reason = f"依 {section}"
        else:
            reason = reason_zh(t.reason)
    return (
        f"  {mark} {label('seq', lang)} {t.seq} {t.event} {t.type} {t.at[:10]} "
        f"{status} {fmt(t.points)}{clause}: {reason}"
    )


# -- diff ---------------------------------------------------------------------------------


def diff_text(result: Diff, lang: Lang = "en", width: int = 80) -> str:
    """Two replays of one period per unit: A, B and the change, fitted to `width`."""
    a, b = result.a, result.b
    head = f"{result.period}: A = {_side(a, lang)}, B = {_side(b, lang)}"
    none = label("none", lang)
    rows = [[label("unit id", lang), label("table name", lang), "A", "B", label("delta", lang)]]
    for r in result.units:
        delta = fmt(r.delta)
        plus = "+" if delta is not None and r.delta and r.delta > 0 else ""
        rows.append(
            [r.unit, r.name, fmt(r.a) or none, fmt(r.b) or none, (plus + delta) if delta else none]
        )
    changed = sum(1 for r in result.units if r.delta != 0)
    if display_width(head) > width:  # A and B a line each, B under A
        indent = " " * display_width(f"{result.period}: ")
        head = f"{result.period}: A = {_side(a, lang)},\n{indent}B = {_side(b, lang)}"
    lines = [line for part in head.split("\n") for line in _wrap(part, width, "      ")]
    lines.insert(0, head_line(result.head, lang))  # the later side's; each side's if apart
    if a["head"] != b["head"]:  # a line each: a full hash fills most of 80 columns
        lines[1:1] = [
            f"{label('head', lang)} {k} {_side_head(side)}"
            for k, side in zip("AB", (a, b), strict=True)
        ]
    out = [*lines, "", *fit(rows, width, wrap=1), ""]
    return _finish([*out, differ(changed, len(result.units), lang)])


def _side_head(side: dict[str, Any]) -> str:
    head = side["head"]
    return "-" if head is None else f"{head['seq']}:{head['hash']}"


def _side(side: dict[str, Any], lang: Lang) -> str:
    """'jiangsu-2016 as of now' or 'jiangsu-2016 as of 2016-10-01T00:00:00+00:00'."""
    when = side["as_of"]
    as_of = f"{label('as of (diff)', lang)} {when}" if when else label("as of now", lang)
    return f"{side['ruleset']} {as_of}"
