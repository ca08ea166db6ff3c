"""The public entry points: shipped rulesets, loading by id or path, fingerprints, checklists."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

from rules.errors import RulesError
from rules.loader import SHIPPED_IDS, load_shipped, unknown_ruleset, unstructure
from rules.model import ChecklistRuleset, Item, Ruleset, Table
from rules.revision import load_path


def shipped_ids() -> tuple[str, ...]:
    """The ids of the shipped rulesets: jiangsu-2016, changzhou-2016, dalian-2011,
    suzhou-2015, county-targets (in that order)."""
    return SHIPPED_IDS


def load(ref: str | os.PathLike[str]) -> Ruleset:
    """A ruleset by shipped id, or from the path of a revision file (CONTRACT §6).

    A shipped id wins over a file of the same name. Shipped rulesets are read
    once and cached; files are read on every call (they may be edited between
    runs). A path may also name a whole ruleset file in the shipped format, as
    long as its id is not a shipped one. Raises :class:`UnknownRuleset` (a
    :class:`RulesError`) when `ref` names neither, else :class:`RulesError` with a
    one-line message naming the file and the key path.
    """
    if isinstance(ref, str) and ref in SHIPPED_IDS:
        return load_shipped(ref)
    path = Path(ref)
    if not path.is_file():
        shown = os.fspath(ref)
        shipped = ", ".join(SHIPPED_IDS)
        message = f"{shown}: neither a shipped ruleset ({shipped}) nor a revision file"
        raise unknown_ruleset(shown, message)
    return load_path(path, os.fspath(ref))


def fingerprint(ruleset: Ruleset) -> str:
    """The sha256 (hex) of the ruleset's canonical JSON.

    Canonical: sorted keys, compact separators, UTF-8 text, Decimals as
    canonical strings, dates ISO. Any change of a number, sentence, note or
    lineage changes it; loading the same rules again does not.
    """
    text = json.dumps(
        unstructure(ruleset), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def _checklist_tables() -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for ruleset_id in SHIPPED_IDS:
        ruleset = load_shipped(ruleset_id)
        if not isinstance(ruleset, ChecklistRuleset):
            continue
        for table in ruleset.tables:
            if table.id in tables:
                raise RulesError(f"{ruleset_id}.toml: table {table.id} is also shipped elsewhere")
            tables[table.id] = table
    return tables


def checklist_tables() -> dict[str, Table]:
    """Every table of the shipped checklist rulesets by id.

    Table ids look like ``suzhou-2015/city`` or ``county/township``. The dict is a copy.
    """
    return dict(_checklist_tables())


def checklist_item(table_id: str, item: str) -> Item | None:
    """The item ``item`` (e.g. ``"1.4"``) of a shipped checklist table, or None if there is none."""
    table = _checklist_tables().get(table_id)
    if table is None:
        return None
    try:
        return table.item(item)
    except KeyError:
        return None
