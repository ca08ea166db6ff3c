"""The regulations as data: shipped rulesets, revisions, and how they are shown.

Public API::

    rules.shipped_ids()              # ("jiangsu-2016", "changzhou-2016", "dalian-2011", ...)
    rules.load("dalian-2011")        # a shipped id, or a path to a revision TOML
    rules.fingerprint(ruleset)       # sha256 of the canonical JSON
    rules.checklist_tables()         # {"suzhou-2015/city": Table, ...}
    rules.checklist_item("county/township", "1.4")

A points ruleset's clauses are one record per trigger (``SubmissionClause``,
``AdoptionClause``, ``InstructionClause``, ``ActivityClause``, ``RankingClause``,
``GateClause``, ``DeadlineClause``, ``AwardClause``; ``Clause`` is their union),
each with the fields its kind honours.

Every failure to load is a :class:`RulesError` with a one-line message naming
the file and the key path; a reference to no ruleset at all is its subclass
:class:`UnknownRuleset` (``.ruleset_id``, ``.suggestion``).
"""

from __future__ import annotations

from rules.catalog import checklist_item, checklist_tables, fingerprint, load, shipped_ids
from rules.errors import RulesError, UnknownRuleset
from rules.model import (
    CAP_WINDOWS,
    CLAUSE_KINDS,
    CLAUSE_TRIGGERS,
    OVERRIDABLE,
    ActivityClause,
    AdoptionClause,
    AwardClause,
    BaseClause,
    CappedClause,
    Category,
    ChecklistRuleset,
    Clause,
    DeadlineClause,
    GateClause,
    InfoEvidence,
    InstructionClause,
    Item,
    PointsRuleset,
    RankingClause,
    Ruleset,
    RulesetHeader,
    Source,
    SubmissionClause,
    Table,
    clause_fields,
    overridable_fields,
)

# Read by scoreledger_start (without importing us): this package is scoreledger's own.
__distribution__ = "scoreledger"

__all__ = [
    "CAP_WINDOWS",
    "CLAUSE_KINDS",
    "CLAUSE_TRIGGERS",
    "OVERRIDABLE",
    "ActivityClause",
    "AdoptionClause",
    "AwardClause",
    "BaseClause",
    "CappedClause",
    "Category",
    "ChecklistRuleset",
    "Clause",
    "DeadlineClause",
    "GateClause",
    "InfoEvidence",
    "InstructionClause",
    "Item",
    "PointsRuleset",
    "RankingClause",
    "RulesError",
    "Ruleset",
    "RulesetHeader",
    "Source",
    "SubmissionClause",
    "Table",
    "UnknownRuleset",
    "checklist_item",
    "checklist_tables",
    "clause_fields",
    "fingerprint",
    "load",
    "overridable_fields",
    "shipped_ids",
]
