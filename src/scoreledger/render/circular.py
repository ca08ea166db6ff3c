"""The circular (通报) as text, CSV and JSON (CONTRACT §8.6); xlsx is in ``render.xlsx``.

The first line of the text is the head the circular was computed from (CONTRACT §8.3),
so a printed circular carries the anchor a later ``verify --expect`` checks.
"""

from __future__ import annotations

import io
import json
from typing import Any

from projections.circular import Circular, CircularRow
from projections.numbers import fmt

from .labels import Lang, csv_header, kind_label, label, level_label, yes_no
from .report_text import head_line
from .safe import SafeCSV, json_safe, visible, visible_lines
from .text import layout, wrap_words


def circular_data(doc: Circular) -> dict[str, Any]:
    """The JSON document of a circular (CONTRACT §8.6)."""
    return {
        "ruleset": doc.ruleset,
        "period": doc.period,
        "in_force": doc.in_force,
        "as_of": doc.as_of,
        "head": doc.head.data(),
        "levels": list(doc.levels),
        "units": [_unit(row) for row in doc.units],
        "warnings": list(doc.warnings),
    }


def _unit(row: CircularRow) -> dict[str, Any]:
    return {
        "unit": row.unit,
        "name": row.name,
        "kind": row.kind,
        "rank": row.rank,
        "adopted": dict(row.adopted),
        "instructed": dict(row.instructed),
        "total": fmt(row.total),
        "target": fmt(row.target),
        "target_met": row.target_met,
        "eligible": row.eligible,
        "vetoes": [
            {"event": v.event, "reason": v.reason, "derived": v.derived, "at": v.at}
            for v in row.vetoes
        ],
        "attributed_to": row.attributed_to,
    }


def circular_json(doc: Circular) -> str:
    return json_safe(json.dumps(circular_data(doc), ensure_ascii=False, indent=2)) + "\n"


def header_lines(doc: Circular, lang: Lang) -> list[str]:
    """The head line, then what the circular is (the same in text and xlsx)."""
    force = label("in force" if doc.in_force else "not in force", lang)
    as_of = f"{label('as of', lang)} {doc.as_of}" if doc.as_of else label("as of now", lang)
    return [
        head_line(doc.head, lang),
        f"{label('circular', lang)} {doc.ruleset} {doc.period} | {as_of} | {force}",
        visible(doc.title),
    ]


def legend(doc: Circular, lang: Lang) -> str:
    """What the level columns count, with the levels' full names."""
    names = " ".join(
        f"{level_label(level, lang, short=True)}={level_label(level, lang)}"
        for level in doc.levels
        if level_label(level, lang, short=True) != level_label(level, lang)
    )
    return f"{label('items adopted per level', lang)}" + (f"; {names}" if names else "")


def table_rows(doc: Circular, kind: str, lang: Lang) -> list[list[str]]:
    """One kind's table: a header row, then its units in rank order."""
    none = label("none", lang)
    head = [label(k, lang) for k in ("rank", "unit", "name")]
    head += [level_label(level, lang, short=True) for level in doc.levels]
    head += [label(k, lang) for k in ("instructed", "total", "target", "met", "eligible")]
    head += [label("vetoes", lang), label("hands to", lang)]
    rows = [head]
    for row in doc.units:
        if row.kind != kind:
            continue
        rows.append(
            [
                str(row.rank) if row.rank is not None else none,
                row.unit,
                row.name,
                *(str(row.adopted[level]) for level in doc.levels),
                str(sum(row.instructed.values())),
                fmt(row.total) or "0",
                fmt(row.target) or none,
                yes_no(row.target_met, lang),
                yes_no(row.eligible, lang),
                str(len(row.vetoes)) if row.vetoes else none,
                row.attributed_to or none,
            ]
        )
    return rows


def circular_text(doc: Circular, lang: Lang, width: int = 80) -> str:
    """The circular for a terminal: a table per unit kind, fitted to `width` columns."""
    # The legend's "中央=中办国办" pairs stay whole: it wraps at spaces only.
    out = [*header_lines(doc, lang), *wrap_words(legend(doc, lang), width, "  ", cjk=False)]
    if not doc.units:
        out += ["", label("no units", lang)]
    tables = {kind: table_rows(doc, kind, lang) for kind in doc.kinds}
    levels = len(doc.levels)
    # One layout for every kind, so that their columns line up: when too wide, "hands to"
    # goes, then the unit id (the name says who), vetoes, eligibility, target, the
    # instructions, and the name wraps. Rank, name, levels and total always stay.
    after = 3 + levels  # the columns after the levels: instr, total, target, met, ...
    drop = [after + 6, 1, after + 5, after + 4, after + 3, after + 2, after]
    header = table_rows(doc, "", lang)
    every = header + [r for rows in tables.values() for r in rows[1:]]
    plan = layout(every, width, indent="  ", drop=drop, wrap=2)
    for kind, rows in tables.items():
        out += ["", f"{kind_label(kind, lang)} ({kind})", *plan.lines(rows, "  ")]
    if doc.warnings:
        out += ["", label("warnings", lang), *(f"  - {w}" for w in doc.warnings)]
    return visible_lines("\n".join(out)) + "\n"


def circular_csv(doc: Circular, lang: Lang = "en") -> str:
    """CSV (UTF-8 with a BOM, for Excel and WPS): one row per unit, English field names
    (with `lang` zh ``得分(total)``), one column per level for adoptions and for
    instructions."""
    buf = io.StringIO()
    writer = SafeCSV(buf)
    writer.writerow(
        csv_header(
            [
                "ruleset",
                "period",
                "head",
                "kind",
                "rank",
                "unit",
                "name",
                *(f"adopted.{level}" for level in doc.levels),
                *(f"instructed.{level}" for level in doc.levels),
                "total",
                "target",
                "target_met",
                "eligible",
                "vetoes",
                "attributed_to",
            ],
            lang,
        )
    )
    for row in doc.units:
        writer.writerow(
            [
                doc.ruleset,
                doc.period,
                str(doc.head),
                row.kind,
                row.rank if row.rank is not None else "",
                row.unit,
                row.name,
                *(row.adopted[level] for level in doc.levels),
                *(row.instructed[level] for level in doc.levels),
                fmt(row.total),
                fmt(row.target) or "",
                _bool(row.target_met),
                _bool(row.eligible),
                ";".join(f"{v.reason}:{v.event}" for v in row.vetoes),
                row.attributed_to or "",
            ]
        )
    return "\ufeff" + buf.getvalue()


def _bool(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")
