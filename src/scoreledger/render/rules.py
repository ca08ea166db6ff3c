"""``scoreledger rules list`` and ``rules show``: rulesets as terminal text or JSON.

Text output aligns columns by display width: Chinese characters take two
terminal columns, so padding counts East-Asian wide and full-width characters
twice (:func:`display_width`). JSON output carries Decimals as strings.

Text labels are English or Chinese (``--lang``, the reports' mechanism:
:func:`labels.label`). Codes (clause ids, event types, outlets, levels, kinds) stay as
they are in both, as in the reports; a clause's summary and reading are data written in
English and are shown as written, beside the regulation's own Chinese sentence.
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

from .labels import PER_LABELS, Lang, label
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


def _family_label(ruleset: Ruleset, lang: Lang) -> str:
    return label(f"{_family(ruleset)} family", lang)


def _in_force(header: RulesetHeader, lang: Lang = "en") -> str:
    def day(value: date | None) -> str:
        return value.isoformat() if value is not None else ""

    if header.effective_from is None and header.effective_until is None:
        return label("any date", lang)
    return f"{day(header.effective_from)} … {day(header.effective_until)}".strip()


def _source(header: RulesetHeader, lang: Lang) -> str:
    source = header.source
    parts = [source.document]
    if source.number:
        parts.append(source.number)
    parts.append(f"《{source.title}》")
    if source.issued is not None:
        parts.append(f"{label('issued', lang)} {source.issued.isoformat()}")
    return ", ".join(parts)


def _points(clause: Clause, lang: Lang) -> str:
    if isinstance(clause, AdoptionClause) and clause.single is not None:
        text = f"{label('single', lang)} {clause.single}"
        if clause.combined is not None:
            text += f" / {label('combined', lang)} {clause.combined}"
        return text
    points = getattr(clause, "points", None)
    if points is not None:
        return f"+{points}" if getattr(clause, "bonus", False) else str(points)
    return label("condition", lang)


def _per(per: str, lang: Lang) -> str:
    english, chinese = PER_LABELS.get(per, (per, per))
    return chinese if lang == "zh" else english


def _cap(clause: Clause, lang: Lang) -> str:
    cap = getattr(clause, "cap", None)
    if cap is None:
        return ""
    per = getattr(clause, "cap_per", None)
    if not per:
        return str(cap)
    return f"每{_per(per, lang)} {cap}" if lang == "zh" else f"{cap} per {per}"


def _flag(value: bool | None, word: str) -> str | None:
    return None if value is None else word if value else f"not {word}"


def _flag_zh(value: bool | None, word: str) -> str | None:
    return None if value is None else word if value else f"非{word}"


def _listed(values: Any) -> str:
    return ", ".join(values)


_Say = Callable[[Any], str | None]

#: The matching fields of the clause kinds, in words (English, then Chinese: the
#: regulations' words, codes kept), in the order `matches:` lists them (a kind shows
#: those of its fields that are set).
_CONDITION_WORDS: tuple[tuple[str, _Say, _Say], ...] = (
    (
        "outlets",
        lambda v: f"outlets {_listed(v)}" if v else None,
        lambda v: f"刊物 {_listed(v)}" if v else None,
    ),
    (
        "levels",
        lambda v: f"levels {_listed(v)}" if v else None,
        lambda v: f"级别 {_listed(v)}" if v else None,
    ),
    (
        "kinds",
        lambda v: f"kinds {_listed(v)}" if v else None,
        lambda v: f"单位类别 {_listed(v)}" if v else None,
    ),
    (
        "below",
        lambda v: f"or below {_listed(v)}" if v else None,
        lambda v: f"或其下级 {_listed(v)}" if v else None,
    ),
    (
        "categories",
        lambda v: f"categories {_listed(v)}" if v else None,
        lambda v: f"类别 {_listed(v)}" if v else None,
    ),
    (
        "urgent",
        lambda v: _flag(v, "urgent"),
        lambda v: _flag_zh(v, "紧急信息"),
    ),
    (
        "commissioned",
        lambda v: _flag(v, "commissioned"),
        lambda v: _flag_zh(v, "特约稿件"),
    ),
    (
        "requires_outlets",
        lambda v: f"unless first adopted by {_listed(v)}" if v else None,
        lambda v: f"须先被 {_listed(v)} 采用" if v else None,
    ),
    (
        "ranking_source",
        lambda v: f"ranking {v}",
        lambda v: f"排名来源 {v}",
    ),
    (
        "max_rank",
        lambda v: f"rank ≤ {v}",
        lambda v: f"前 {v} 名",
    ),
    # A deadline reads urgent submissions only (only they carry incident_at): said here,
    # as its fixed urgent is no field.
    (
        "hours",
        lambda v: f"urgent; more than {v} h after the incident",
        lambda v: f"紧急信息; 事发 {v} 小时之后报送",
    ),
    (
        "veto_reason",
        lambda v: f"veto {v}",
        lambda v: f"否决 {v}",
    ),
    (
        "min_items",
        lambda v: f"at least {v} adopted info items",
        lambda v: f"至少采用 {v} 条信息",
    ),
    (
        "once",
        lambda v: f"once per {v}" if v else None,
        lambda v: f"每{_per(v, 'zh')}一次" if v else None,
    ),
    (
        "bonus",
        lambda v: "bonus (adds on top)" if v else None,
        lambda v: "加分（另加）" if v else None,
    ),
)


def _conditions(clause: Clause, lang: Lang = "en") -> list[str]:
    """The clause's matching fields, in words."""
    fields = attrs.fields_dict(type(clause))
    words = (
        (zh if lang == "zh" else en)(getattr(clause, key))
        for key, en, zh in _CONDITION_WORDS
        if key in fields
    )
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


def _target_label(key: str, lang: Lang) -> str:
    if key in codes.DEPARTMENTS:
        return f"{key} {codes.DEPARTMENTS[key]}"
    if key in codes.UNIT_KINDS:
        return f"{key} (每个 {key})" if lang == "zh" else f"{key} (every {key})"
    return key


# --------------------------------------------------------------------------- rules list


def render_list(lang: Lang = "en") -> str:
    """The shipped rulesets as a text table: id, family, title, number, in force, fingerprint."""
    keys = ("id", "family", "title", "document", "in force column", "fingerprint")
    rows = [[label(key, lang) for key in keys]]
    for ruleset_id in shipped_ids():
        ruleset = load(ruleset_id)
        header = ruleset.header
        rows.append(
            [
                header.id,
                _family_label(ruleset, lang),
                header.title,
                header.source.number or "—",
                _in_force(header, lang),
                fingerprint(ruleset)[:12],
            ]
        )
    return "\n".join(aligned(rows)) + "\n"


# --------------------------------------------------------------------------- rules show


def render_show(ruleset: Ruleset, fmt: Literal["text", "json"] = "text", lang: Lang = "en") -> str:
    """One ruleset: every clause (or checklist item) with its numbers, section and source,
    labelled in `lang` (text; JSON is data, the same in both)."""
    if fmt == "json":
        return json_safe(json.dumps(show_data(ruleset), ensure_ascii=False, indent=2)) + "\n"
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}: expected text or json")
    lines = _header_lines(ruleset, lang)
    if isinstance(ruleset, PointsRuleset):
        lines += _points_lines(ruleset, lang)
    else:
        lines += _checklist_lines(ruleset, lang)
    if ruleset.notes:
        lines += ["", label("notes heading", lang)]
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


def _header_lines(ruleset: Ruleset, lang: Lang) -> list[str]:
    header = ruleset.header
    rows = [
        [label("family", lang), _family_label(ruleset, lang)],
        [label("source", lang), _source(header, lang)],
        [label("in force column", lang), _in_force(header, lang)],
        [label("lineage", lang), " → ".join(header.lineage)],
        [label("fingerprint", lang), fingerprint(ruleset)],
    ]
    if isinstance(ruleset, PointsRuleset):
        rows += [
            [label("assessed kinds", lang), ", ".join(ruleset.assessed_kinds)],
            [label("hands up to", lang), ", ".join(ruleset.hand_up_to)],
        ]
    return [f"{header.id} — {header.title}", *aligned(rows, "  ")]


def _points_lines(ruleset: PointsRuleset, lang: Lang) -> list[str]:
    lines = ["", label("clauses heading", lang)]
    keys = ("#", "clause", "on event", "points", "cap", "section")
    rows = [[label(key, lang) for key in keys]]
    for number, clause in enumerate(ruleset.clauses, 1):
        rows.append(
            [
                str(number),
                clause.id,
                clause.on,
                _points(clause, lang),
                _cap(clause, lang),
                clause.section,
            ]
        )
    lines += aligned(rows, "  ")
    revised = _revisions(ruleset)
    # The block labels share one width, so the values line up in either language.
    keys = ("when:", "points:", "revised:", "matches:", "reading:", "source:")
    width = max(display_width(label(key, lang)) for key in keys) + 3
    tag = {key: pad(label(key, lang), width) for key in keys}
    on = label("on event", lang)
    for number, clause in enumerate(ruleset.clauses, 1):
        lines += ["", f"{number}. {clause.id} ({on} {clause.on}) — {clause.section}"]
        if clause.summary:
            lines += _wrap(tag["when:"], clause.summary, "   ")
        points = _points(clause, lang)
        if _cap(clause, lang):
            points += f"; {label('cap;', lang)} {_cap(clause, lang)}"
        lines.append(f"   {tag['points:']}{points}")
        # A revision changes numbers, never the quoted sentence: say so next to it.
        for change in revised.get(clause.id, []):
            lines.append(f"   {tag['revised:']}{change}")
        conditions = _conditions(clause, lang)
        if conditions:
            lines += _wrap(tag["matches:"], "; ".join(conditions), "   ")
        if clause.interpretation:
            lines += _wrap(tag["reading:"], clause.interpretation, "   ")
        # The sentence is quoted whole, as printed: never wrapped.
        for index, part in enumerate(clause.sentence.split(" … ")):
            lead = tag["source:"] if index == 0 else " " * width
            lines.append(f"   {lead}「{part}」")
    lines += ["", label("targets heading", lang)]
    if ruleset.targets:
        rows = [[_target_label(key, lang), str(value)] for key, value in ruleset.targets.items()]
        lines += aligned(rows, "  ")
    else:
        lines.append(f"  {label('no targets', lang)}")
    return lines


def _item_lines(item: Item, examiner_width: int, revised: list[str], lang: Lang) -> list[str]:
    examiner = pad(item.examiner or "—", examiner_width)
    head = f"    {pad(item.number, 5)} {pad(str(item.max), 4)} {examiner}  "
    lines = [head + item.text]
    indent = " " * display_width(head)
    if item.basis:
        lines.append(f"{indent}{label('basis:', lang)} {item.basis}")
    if item.per_absence is not None:
        computed = (
            f"{item.max} − 每缺席一次 {item.per_absence}, 不低于 0"
            if lang == "zh"
            else f"{item.max} − {item.per_absence} per recorded absence, not below 0"
        )
        lines.append(f"{indent}{label('computed:', lang)} {computed}")
    if item.info is not None:
        info = item.info
        evidence = (
            f"{info.measure} 对照规定的 {info.threshold}"
            if lang == "zh"
            else f"{info.measure} against the printed {info.threshold}"
        )
        lines.append(f"{indent}{label('evidence:', lang)} {evidence}")
    lines += [f"{indent}{label('revised:', lang)} {change}" for change in revised]
    return lines


def _checklist_lines(ruleset: ChecklistRuleset, lang: Lang) -> list[str]:
    lines: list[str] = []
    revised = _revisions(ruleset)
    total = label("table total", lang)
    for table in ruleset.tables:
        lines += [
            "",
            f"{label('checklist table', lang)} {table.id} — {table.title} — {total} {table.total}",
            "  " + label("checklist columns", lang).format(table=table.id),
        ]
        examiner_width = max(
            display_width(item.examiner or "—")
            for category in table.categories
            for item in category.items
        )
        for category in table.categories:
            most = label("category max", lang)
            lines.append(f"  {category.number} {category.name} — {most} {category.max}")
            for item in category.items:
                key = f"{table.id}/{item.number}"
                lines += _item_lines(item, examiner_width, revised.get(key, []), lang)
    return lines
