"""The regulations as data: shipped rulesets, revisions, and how they are shown.

Public API::

    rules.shipped_ids()              # ("jiangsu-2016", "changzhou-2016", "dalian-2011", ...)
    rules.load("dalian-2011")        # a shipped id, or a path to a revision TOML
    rules.fingerprint(ruleset)       # sha256 of the canonical JSON
    rules.checklist_tables()         # {"suzhou-2015/city": Table, ...}
    rules.checklist_item("county/township", "1.4")

Every failure to load is a :class:`RulesError` with a one-line message naming
the file and the key path.
"""

from __future__ import annotations

from rules.catalog import checklist_item, checklist_tables, fingerprint, load, shipped_ids
from rules.errors import RulesError
from rules.model import (
    CLAUSE_TRIGGERS,
    OVERRIDABLE,
    Category,
    ChecklistRuleset,
    Clause,
    InfoEvidence,
    Item,
    PointsRuleset,
    Ruleset,
    RulesetHeader,
    Source,
    Table,
)

__all__ = [
    "CLAUSE_TRIGGERS",
    "OVERRIDABLE",
    "Category",
    "ChecklistRuleset",
    "Clause",
    "InfoEvidence",
    "Item",
    "PointsRuleset",
    "RulesError",
    "Ruleset",
    "RulesetHeader",
    "Source",
    "Table",
    "checklist_item",
    "checklist_tables",
    "fingerprint",
    "load",
    "shipped_ids",
]
