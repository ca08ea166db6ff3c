"""``scoreledger rules list`` and ``rules show``: rulesets as terminal text or JSON.

Text output aligns columns by display width: Chinese characters take two
terminal columns, so padding counts East-Asian wide and full-width characters
twice (:func:`display_width`). JSON output carries Decimals as strings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any, Literal

import attrs

from rules.catalog import fingerprint, load, shipped_ids
from rules.loader import unstructure
from rules.model import (
    AdoptionClause,
    ChecklistRuleset,
    Clause,
    Item,
    PointsRuleset,
    Ruleset,
    RulesetHeader,
)
from vocabulary import codes

from .safe import json_safe
from .text import display_width, pad, plain
from .text import table as aligned

_WRAP = 100  # columns for wrapped English prose (summaries, interpretations, notes)


def _wrap(label: str, text: str, indent: str) -> list[str]:
    """A labelled paragraph wrapped under its label at spaces, by display width.

    Only spaces break a line, so a Chinese phrase inside English prose stays whole
    (textwrap would count its characters as one column each).
    """
    head = f"{indent}{label}"
    hang = " " * display_width(head)
    lines: list[str] = []
    line = head
    fresh = True  # nothing but the label or hanging indent on the line yet
    for word in text.split():
        if not fresh and display_width(line) + 1 + display_width(word) > _WRAP:
            lines.append(line)
            line, fresh = hang, True
        line = f"{line}{word}" if fresh else f"{line} {word}"
        fresh = False
    lines.append(line.rstrip())
    return lines


# --------------------------------------------------------------------------- formatting bits


def _family(ruleset: Ruleset) -> str:
    return "points" if isinstance(ruleset, PointsRuleset) else "checklist"


def _in_force(header: RulesetHeader) -> str:
    def day(value: date | None) -> str:
        return value.isoformat() if value is not None else ""

    if header.effective_from is None and header.effective_until is None:
        return "any date"
    return f"{day(header.effective_from)} … {day(header.effective_until)}".strip()


def _source(header: RulesetHeader) -> str:
    source = header.source
    parts = [source.document]
    if source.number:
        parts.append(source.number)
    parts.append(f"《{source.title}》")
    if source.issued is not None:
        parts.append(f"issued {source.issued.isoformat()}")
    return ", ".join(parts)


def _points(clause: Clause) -> str:
    if isinstance(clause, AdoptionClause) and clause.single is not None:
        text = f"single {clause.single}"
        if clause.combined is not None:
            text += f" / combined {clause.combined}"
        return text
    points = getattr(clause, "points", None)
    if points is not None:
        return f"+{points}" if getattr(clause, "bonus", False) else str(points)
    return "condition"


def _cap(clause: Clause) -> str:
    cap = getattr(clause, "cap", None)
    if cap is None:
        return ""
    per = getattr(clause, "cap_per", None)
    return f"{cap} per {per}" if per else str(cap)


def _flag(value: bool | None, word: str) -> str | None:
    return None if value is None else word if value else f"not {word}"


#: The matching fields of the clause kinds, in words, in the order `matches:` lists them
#: (a kind shows those of its fields that are set).
_CONDITION_WORDS: tuple[tuple[str, Callable[[Any], str | None]], ...] = (
    ("outlets", lambda v: f"outlets {', '.join(v)}" if v else None),
    ("levels", lambda v: f"levels {', '.join(v)}" if v else None),
    ("kinds", lambda v: f"kinds {', '.join(v)}" if v else None),
    ("below", lambda v: f"or below {', '.join(v)}" if v else None),
    ("categories", lambda v: f"categories {', '.join(v)}" if v else None),
    ("urgent", lambda v: _flag(v, "urgent")),
    ("commissioned", lambda v: _flag(v, "commissioned")),
    ("requires_outlets", lambda v: f"unless first adopted by {', '.join(v)}" if v else None),
    ("ranking_source", lambda v: f"ranking {v}"),
    ("max_rank", lambda v: f"rank ≤ {v}"),
    ("hours", lambda v: f"more than {v} h after the incident"),
    ("veto_reason", lambda v: f"veto {v}"),
    ("min_items", lambda v: f"at least {v} adopted info items"),
    ("once", lambda v: f"once per {v}" if v else None),
    ("bonus", lambda v: "bonus (adds on top)" if v else None),
)


def _conditions(clause: Clause) -> list[str]:
    """The clause's matching fields, in words."""
    fields = attrs.fields_dict(type(clause))
    words = (say(getattr(clause, key)) for key, say in _CONDITION_WORDS if key in fields)
    return [word for word in words if word is not None]


#: The notes a revision writes for each changed number (rules.revision), e.g.
#: "revision r1 of dalian-2011: submission.points 0.5 → 1".
_REVISION_NOTE = re.compile(
    r"revision (?P<rid>\S+) of \S+: (?P<key>\S+)\."
    r"(?P<field>points|single|combined|cap_per|cap|per_absence) (?P<change>.+)"
)


def _revisions(ruleset: Ruleset) -> dict[str, list[str]]:
    """Changed numbers by clause id (or ``<table>/<item>``), from the revision notes."""
    found: dict[str, list[str]] = {}
    for note in ruleset.notes:
        match = _REVISION_NOTE.fullmatch(note)
        if match:
            found.setdefault(match["key"], []).append(
                f"{match['rid']}: {match['field']} {match['change']}"
            )
    return found


def _target_label(key: str) -> str:
    if key in codes.DEPARTMENTS:
        return f"{key} {codes.DEPARTMENTS[key]}"
    if key in codes.UNIT_KINDS:
        return f"{key} (every {key})"
    return key


# --------------------------------------------------------------------------- rules list


def render_list() -> str:
    """The shipped rulesets as a text table: id, family, title, number, in force, fingerprint."""
    rows = [["id", "family", "title", "document", "in force", "fingerprint"]]
    for ruleset_id in shipped_ids():
        ruleset = load(ruleset_id)
        header = ruleset.header
        rows.append(
            [
                header.id,
                _family(ruleset),
                header.title,
                header.source.number or "—",
                _in_force(header),
                fingerprint(ruleset)[:12],
            ]
        )
    return "\n".join(aligned(rows)) + "\n"


# --------------------------------------------------------------------------- rules show


def render_show(ruleset: Ruleset, fmt: Literal["text", "json"] = "text") -> str:
    """One ruleset: every clause (or checklist item) with its numbers, section and source."""
    if fmt == "json":
        return json_safe(json.dumps(show_data(ruleset), ensure_ascii=False, indent=2)) + "\n"
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}: expected text or json")
    lines = _header_lines(ruleset)
    if isinstance(ruleset, PointsRuleset):
        lines += _points_lines(ruleset)
    else:
        lines += _checklist_lines(ruleset)
    if ruleset.notes:
        lines += ["", "Notes"]
        for note in ruleset.notes:
            lines += _wrap("- ", note, "  ")
    # plain(): no ambiguous-width character (section signs, dashes, arrows) in text.
    return "\n".join(plain(line) for line in lines) + "\n"


def show_data(ruleset: Ruleset) -> dict[str, Any]:
    """The JSON document of ``rules show --format json`` (Decimals as strings, dates ISO)."""
    plain = unstructure(ruleset)
    header = plain.pop("header")
    return {
        "id": header["id"],
        "family": _family(ruleset),
        "title": header["title"],
        "lineage": header["lineage"],
        "effective_from": header["effective_from"],
        "effective_until": header["effective_until"],
        "source": header["source"],
        "fingerprint": fingerprint(ruleset),
        **plain,
    }


def _header_lines(ruleset: Ruleset) -> list[str]:
    header = ruleset.header
    rows = [
        ["family", _family(ruleset)],
        ["source", _source(header)],
        ["in force", _in_force(header)],
        ["lineage", " → ".join(header.lineage)],
        ["fingerprint", fingerprint(ruleset)],
    ]
    if isinstance(ruleset, PointsRuleset):
        rows += [
            ["assessed", ", ".join(ruleset.assessed_kinds)],
            ["hands up to", ", ".join(ruleset.hand_up_to)],
        ]
    return [f"{header.id} — {header.title}", *aligned(rows, "  ")]


def _points_lines(ruleset: PointsRuleset) -> list[str]:
    lines = [
        "",
        "Clauses (an adoption earns the first matching clause in this order;"
        " bonus clauses add on top)",
    ]
    rows = [["#", "id", "on", "points", "cap", "section"]]
    for number, clause in enumerate(ruleset.clauses, 1):
        rows.append(
            [str(number), clause.id, clause.on, _points(clause), _cap(clause), clause.section]
        )
    lines += aligned(rows, "  ")
    revised = _revisions(ruleset)
    for number, clause in enumerate(ruleset.clauses, 1):
        lines += ["", f"{number}. {clause.id} (on {clause.on}) — {clause.section}"]
        if clause.summary:
            lines += _wrap("when:      ", clause.summary, "   ")
        points = _points(clause)
        if _cap(clause):
            points += f"; cap {_cap(clause)}"
        lines.append(f"   points:    {points}")
        # A revision changes numbers, never the quoted sentence: say so next to it.
        for change in revised.get(clause.id, []):
            lines.append(f"   revised:   {change}")
        conditions = _conditions(clause)
        if conditions:
            lines += _wrap("matches:   ", "; ".join(conditions), "   ")
        if clause.interpretation:
            lines += _wrap("reading:   ", clause.interpretation, "   ")
        # The sentence is quoted whole, as printed: never wrapped.
        for index, part in enumerate(clause.sentence.split(" … ")):
            lines.append(f"   {'source:   ' if index == 0 else '          '} 「{part}」")
    lines += ["", "Targets (annual; year periods only)"]
    if ruleset.targets:
        rows = [[_target_label(key), str(value)] for key, value in ruleset.targets.items()]
        lines += aligned(rows, "  ")
    else:
        lines.append("  none")
    return lines


def _item_lines(item: Item, examiner_width: int, revised: list[str]) -> list[str]:
    examiner = pad(item.examiner or "—", examiner_width)
    head = f"    {pad(item.number, 5)} {pad(str(item.max), 4)} {examiner}  "
    lines = [head + item.text]
    indent = " " * display_width(head)
    if item.basis:
        lines.append(f"{indent}basis: {item.basis}")
    if item.per_absence is not None:
        lines.append(
            f"{indent}computed: {item.max} − {item.per_absence} per recorded absence, not below 0"
        )
    if item.info is not None:
        lines.append(
            f"{indent}evidence: {item.info.measure} against the printed {item.info.threshold}"
        )
    lines += [f"{indent}revised: {change}" for change in revised]
    return lines


def _checklist_lines(ruleset: ChecklistRuleset) -> list[str]:
    lines: list[str] = []
    revised = _revisions(ruleset)
    for table in ruleset.tables:
        lines += [
            "",
            f"Table {table.id} — {table.title} — total {table.total}",
            f"  (revision clause ids: {table.id}/<item>; columns: item, max, examiner, text)",
        ]
        examiner_width = max(
            display_width(item.examiner or "—")
            for category in table.categories
            for item in category.items
        )
        for category in table.categories:
            lines.append(f"  {category.number} {category.name} — max {category.max}")
            for item in category.items:
                key = f"{table.id}/{item.number}"
                lines += _item_lines(item, examiner_width, revised.get(key, []))
    return lines
