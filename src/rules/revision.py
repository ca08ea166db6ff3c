"""Revised rules (CONTRACT §6): a TOML file that extends a ruleset and changes numbers.

A revision names the ruleset it ``extends`` (a shipped id, or the path of
another revision, relative to the revision's own folder), overrides the
numbers a clause already has (``points``, ``single``, ``combined``, ``cap``;
for checklists ``points`` = the item's maximum and ``per_absence``), may give a
clause whose kind honours a cap a ``cap`` and ``cap_per`` (CONTRACT §8.7), sets
targets, and may move ``effective_from``. Everything else — the clauses' order,
triggers, sentences — stays the base's, so a revision is a what-if on numbers,
not a new regulation.

Every change is also written into the result's ``notes`` so that
``rules show`` and ``explain`` show what the revision did.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

import attrs

from rules.checks import BadValue, check_ident, check_not_negative, choices, describe, quoted
from rules.errors import RulesError
from rules.loader import (
    SHIPPED_IDS,
    check_target_key,
    load_shipped,
    parse_decimal,
    parse_ruleset,
    read_toml,
    structure,
    toml_key,
    unknown_ruleset,
)
from rules.model import (
    CAP_WINDOWS,
    ChecklistRuleset,
    Clause,
    PointsRuleset,
    Ruleset,
    RulesetHeader,
    Table,
    overridable_fields,
)
from vocabulary.suggest import did_you_mean

#: The overridable fields of a checklist item (clause id ``<table>/<item>``).
CHECKLIST_OVERRIDABLE = ("points", "per_absence")


@attrs.frozen(kw_only=True)
class TargetOverride:
    """``[target."KIND_OR_DEPT"]``."""

    points: Decimal


@attrs.frozen(kw_only=True)
class RevisionFile:
    """A revision file as written (CONTRACT §6)."""

    id: str
    extends: str
    title: str | None = None
    effective_from: date | None = None
    # Values stay raw here: the field names are checked first (the error then lists the
    # clause's valid fields), and each value is parsed as a decimal string afterwards.
    override: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    target: dict[str, TargetOverride] = attrs.field(factory=dict)


#: One file of a chain being loaded: (resolved path, the name shown in messages).
_Link = tuple[Path, str]

#: The most revision files one chain may hold (each file is a level of recursion, and an
#: office's what-ifs stack a handful of them).
MAX_CHAIN = 64


def load_path(path: Path, name: str | None = None) -> Ruleset:
    """A ruleset from a file: a revision (has ``extends``) or a whole ruleset (has ``family``).

    `name` is how the file is named in error messages (default: the path as given).
    A whole ruleset file may not take a shipped id.
    """
    return _load(path, name if name is not None else str(path), ())


def _load(path: Path, name: str, chain: tuple[_Link, ...]) -> Ruleset:
    real = path.resolve()
    for position, (seen, _) in enumerate(chain):
        if seen == real:
            cycle = " → ".join([shown for _, shown in chain[position:]] + [name])
            raise RulesError(f"{chain[-1][1]}: extends: cycle {cycle}")
    if len(chain) >= MAX_CHAIN:
        raise RulesError(
            f"{chain[0][1]}: extends: a chain of more than {MAX_CHAIN} revision files "
            f"(stopped at {name})"
        )
    data = read_toml(path, name)
    if "extends" in data:
        return _revise(data, path, name, (*chain, (real, name)))
    if "family" in data:
        ruleset = parse_ruleset(data, name)
        if ruleset.id in SHIPPED_IDS:
            _fail(name, "id", f'"{ruleset.id}" is a shipped ruleset id; give the file its own id')
        return ruleset
    _fail(
        name,
        "extends",
        "required key missing (a revision names the ruleset it extends: "
        f"a shipped id — {', '.join(SHIPPED_IDS)} — or the path of another revision)",
    )


def _fail(name: str, path: str, message: str) -> NoReturn:
    raise RulesError(f"{name}: {path}: {message}")


def _decimal(name: str, path: str, raw: object) -> Decimal:
    try:
        return parse_decimal(raw)
    except BadValue as exc:
        _fail(name, path, str(exc))


def _revise(data: Mapping[str, Any], path: Path, name: str, chain: tuple[_Link, ...]) -> Ruleset:
    revision = structure(data, RevisionFile, name)
    check_ident(name, "id", revision.id)
    if revision.id in SHIPPED_IDS:
        _fail(name, "id", f'"{revision.id}" is a shipped ruleset id; a revision needs its own id')

    base = _base(revision.extends, path, name, chain)
    if revision.id in base.header.lineage:
        lineage = " → ".join(base.header.lineage)
        _fail(
            name, "id", f'"{revision.id}" already appears in the lineage of {base.id} ({lineage})'
        )

    notes: list[str] = []
    tag = f"revision {revision.id} of {base.id}"
    if isinstance(base, PointsRuleset):
        clauses = _override_clauses(base, revision.override, name, notes, tag)
        targets = _override_targets(base, revision.target, name, notes, tag)
        header = _header(base.header, revision, name, notes, tag)
        return attrs.evolve(
            base, header=header, clauses=clauses, targets=targets, notes=(*base.notes, *notes)
        )
    if revision.target:
        _fail(name, "target", f"{base.id} is a checklist ruleset: it has no targets")
    tables = _override_items(base, revision.override, name, notes, tag)
    header = _header(base.header, revision, name, notes, tag)
    return attrs.evolve(base, header=header, tables=tables, notes=(*base.notes, *notes))


def _base(extends: str, path: Path, name: str, chain: tuple[_Link, ...]) -> Ruleset:
    if extends in SHIPPED_IDS:
        return load_shipped(extends)
    # Relative paths resolve against the folder of the file that names them.
    base_path = path.parent / extends
    if not base_path.is_file():
        # The path holds the file's text: a line break in it would break the one line
        # (found by the fuzz profile's longer run), so it is quoted whenever it is odd.
        shown = str(base_path) if str(base_path).isprintable() else quoted(str(base_path))
        raise unknown_ruleset(
            extends,
            f"{name}: extends: {describe(extends)} is neither a shipped ruleset "
            f"({', '.join(SHIPPED_IDS)}) nor a file ({shown})",
        )
    return _load(base_path, str(base_path), chain)


def _header(
    base: RulesetHeader, revision: RevisionFile, name: str, notes: list[str], tag: str
) -> RulesetHeader:
    effective_from = base.effective_from
    if revision.effective_from is not None:
        effective_from = revision.effective_from
        if base.effective_until is not None and effective_from > base.effective_until:
            _fail(
                name,
                "effective_from",
                f"{effective_from} is after the base's effective_until {base.effective_until}",
            )
        notes.append(f"{tag}: effective_from {base.effective_from or 'none'} → {effective_from}")
    return attrs.evolve(
        base,
        id=revision.id,
        title=revision.title if revision.title is not None else f"{base.title} (revision)",
        effective_from=effective_from,
        lineage=(revision.id, *base.lineage),
    )


def _override_clauses(
    base: PointsRuleset,
    overrides: Mapping[str, Mapping[str, Any]],
    name: str,
    notes: list[str],
    tag: str,
) -> tuple[Clause, ...]:
    by_id = {clause.id: clause for clause in base.clauses}
    changed: dict[str, Clause] = {}
    for clause_id, fields in overrides.items():
        path = f"override.{toml_key(clause_id)}"
        clause = by_id.get(clause_id)
        if clause is None:
            valid = ", ".join(by_id) + did_you_mean(clause_id, by_id)
            _fail(
                name, path, f"no clause {quoted(clause_id)} in {base.id}; valid clause ids: {valid}"
            )
        changed[clause_id] = _override_clause(clause, fields, name, path, notes, tag)
    return tuple(changed.get(clause.id, clause) for clause in base.clauses)


def _override_clause(
    clause: Clause,
    fields: Mapping[str, Any],
    name: str,
    path: str,
    notes: list[str],
    tag: str,
) -> Clause:
    """The clause with the numbers it has (§6) and, where its kind is capped, a cap and
    its window (§8.7) set as the revision says."""
    # A number that is None on the base clause is one the clause does not have.
    valid = overridable_fields(clause)
    changes: dict[str, Any] = {}  # by field name (evolve checks each name)
    for field, raw in fields.items():
        where = f"{path}.{toml_key(field)}"
        if field not in valid:
            _fail(
                name,
                where,
                f"clause {quoted(clause.id)} has no field {quoted(field)} to override; "
                f"valid fields: {', '.join(valid) or 'none (it awards no points)'}",
            )
        value: str | Decimal
        if field == "cap_per":
            value = _cap_window(name, where, raw)
        else:
            value = _decimal(name, where, raw)
            if field == "cap":
                check_not_negative(name, where, value)
        before = getattr(clause, field)
        notes.append(f"{tag}: {clause.id}.{field} {'none' if before is None else before} → {value}")
        changes[field] = value
    revised = attrs.evolve(clause, **changes)
    capped = getattr(revised, "cap", None), getattr(revised, "cap_per", None)
    if (capped[0] is None) != (capped[1] is None):
        missing = "cap_per" if capped[1] is None else "cap"
        _fail(
            name,
            f"{path}.{missing}",
            f"required with {'cap' if missing == 'cap_per' else 'cap_per'}: a cap is counted "
            f"per window ({choices(CAP_WINDOWS)})",
        )
    return revised


def _cap_window(name: str, path: str, raw: object) -> str:
    if isinstance(raw, str) and raw in CAP_WINDOWS:
        return raw
    _fail(name, path, f"expected one of {choices(CAP_WINDOWS)}, got {describe(raw)}")


def _override_targets(
    base: PointsRuleset,
    targets: Mapping[str, TargetOverride],
    name: str,
    notes: list[str],
    tag: str,
) -> dict[str, Decimal]:
    result = dict(base.targets)
    for key, target in targets.items():
        path = f"target.{toml_key(key)}"
        check_target_key(name, path, key)
        check_not_negative(name, f"{path}.points", target.points)
        notes.append(f"{tag}: target {key} {result.get(key, 'none')} → {target.points}")
        result[key] = target.points
    return result


def checklist_clause_ids(ruleset: ChecklistRuleset) -> tuple[str, ...]:
    """The revision clause ids of a checklist: ``<table>/<item>``, e.g. ``county/township/1.4``."""
    return tuple(
        f"{table.id}/{item.number}"
        for table in ruleset.tables
        for category in table.categories
        for item in category.items
    )


def _override_items(
    base: ChecklistRuleset,
    overrides: Mapping[str, Mapping[str, Any]],
    name: str,
    notes: list[str],
    tag: str,
) -> tuple[Table, ...]:
    tables = {table.id: table for table in base.tables}
    for clause_id, fields in overrides.items():
        path = f"override.{toml_key(clause_id)}"
        table_id, _, number = clause_id.rpartition("/")
        table = tables.get(table_id)
        if table is None:
            _fail(
                name,
                path,
                f"no table {quoted(table_id)} in {base.id}; checklist clause ids are "
                f"<table>/<item>, tables: {', '.join(tables)}",
            )
        try:
            item = table.item(number)
        except KeyError:
            valid = ", ".join(
                f"{table.id}/{i.number}" for category in table.categories for i in category.items
            )
            _fail(name, path, f"no item {quoted(number)} in {table.id}; valid clause ids: {valid}")
        # `points` is the item's maximum; only computed items have a per-absence deduction.
        had = [
            field
            for field in CHECKLIST_OVERRIDABLE
            if field == "points" or getattr(item, field) is not None
        ]
        changes: dict[str, Any] = {}  # Decimals, by field name (evolve checks each name)
        for field, raw in fields.items():
            if field not in had:
                _fail(
                    name,
                    f"{path}.{toml_key(field)}",
                    f"item {quoted(clause_id)} has no field {quoted(field)} to override; "
                    f"valid fields: {', '.join(had)}",
                )
            value = _decimal(name, f"{path}.{field}", raw)
            check_not_negative(name, f"{path}.{field}", value)
            before = item.max if field == "points" else item.per_absence
            notes.append(f"{tag}: {clause_id}.{field} {before} → {value}")
            changes["max" if field == "points" else field] = value
        tables[table_id] = _replace_item(table, number, changes)
    return tuple(tables.values())


def _replace_item(table: Table, number: str, changes: Mapping[str, Any]) -> Table:
    """The table with one item changed; a new maximum moves its category and total alike."""
    categories = []
    delta = Decimal(0)
    for category in table.categories:
        items = []
        category_delta = Decimal(0)
        for item in category.items:
            if item.number == number:
                new = attrs.evolve(item, **changes)
                category_delta = new.max - item.max
                item = new
            items.append(item)
        delta += category_delta
        categories.append(
            attrs.evolve(category, items=tuple(items), max=category.max + category_delta)
        )
    return attrs.evolve(table, categories=tuple(categories), total=table.total + delta)
