"""The shape of a ruleset: frozen records, each clause carrying the sentence it implements.

Two families share one header (id, source document, effective dates, lineage):

* :class:`PointsRuleset` — the information-work regulations (jiangsu-2016,
  changzhou-2016, dalian-2011): clauses that award points for events.
* :class:`ChecklistRuleset` — the fixed 100-point target checklists
  (suzhou-2015, county-targets): tables of items scored by an examiner.

The replay engine (``projections``) interprets clauses by their ``on`` field;
everything a regulation says that varies between rulesets is data here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import attrs

#: What a clause reacts to. ``gate`` clauses are conditions that zero an
#: adoption; ``deadline`` derives a veto; ``award`` judges eligibility.
CLAUSE_TRIGGERS = (
    "submission",
    "adoption",
    "instruction",
    "activity",
    "ranking",
    "gate",
    "deadline",
    "award",
)

#: The clause fields a revision may override (CONTRACT §6).
OVERRIDABLE = ("points", "single", "combined", "cap")


@attrs.frozen(kw_only=True)
class Source:
    """The printed document a ruleset implements."""

    document: str  # seed file name, e.g. "002_22e12029cb82e91e.txt"
    number: str | None  # 文号, e.g. "大工办发[2011] 15号"; None where the document has none
    title: str
    issued: date | None = None


@attrs.frozen(kw_only=True)
class Clause:
    """One scoring rule, with the section and verbatim sentence that it implements."""

    id: str
    on: str  # one of CLAUSE_TRIGGERS
    section: str  # e.g. "§五(一)1"
    sentence: str  # the original Chinese sentence, verbatim from the seed
    interpretation: str | None = None  # how an ambiguous sentence is read (RULES.md)
    summary: str | None = None  # one line in English: when the clause applies
    points: Decimal | None = None
    single: Decimal | None = None  # adoption `mode` single (单条采用)
    combined: Decimal | None = None  # adoption `mode` combined (综合采用)
    cap: Decimal | None = None
    cap_per: str | None = None  # "quarter": the cap window
    bonus: bool = False  # adds on top of the base clause (principle 1)
    once: str | None = None  # "year": once per unit and year; "info": once per info item
    outlets: tuple[str, ...] = ()  # adoption/gate/award: outlet patterns ("central.*")
    levels: tuple[str, ...] = ()  # instruction: leader levels
    kinds: tuple[str, ...] = ()  # unit kinds the clause applies to; empty = every kind
    below: tuple[str, ...] = ()  # also units with an ancestor of one of these kinds
    urgent: bool | None = None  # submission must (not) be urgent
    commissioned: bool | None = None  # submission must (not) be commissioned
    categories: tuple[str, ...] = ()  # submission categories required
    ranking_source: str | None = None
    max_rank: int | None = None
    requires_outlets: tuple[str, ...] = ()  # gate: a prior adoption by one of these lifts it
    hours: Decimal | None = None  # deadline: the allowed delay
    veto_reason: str | None = None  # deadline: the reason of the derived veto
    min_items: int | None = None  # award: distinct adopted info items required

    def points_for(self, mode: str | None = None) -> Decimal:
        """The points this clause awards for an adoption `mode` (or its flat points)."""
        if mode == "combined" and self.combined is not None:
            return self.combined
        if self.single is not None and mode in (None, "single"):
            return self.single
        if self.points is not None:
            return self.points
        return self.single if self.single is not None else Decimal(0)


@attrs.frozen(kw_only=True)
class RulesetHeader:
    """What every ruleset has: identity, source, effective dates, lineage."""

    id: str
    title: str
    source: Source
    effective_from: date | None = None
    effective_until: date | None = None
    #: This ruleset's id and the ids it extends, nearest first (for scoped adjustments).
    lineage: tuple[str, ...] = ()

    def in_force(self, start: date, end: date) -> bool:
        """Whether the whole closed date range lies inside the effective dates."""
        if self.effective_from is not None and start < self.effective_from:
            return False
        return not (self.effective_until is not None and end > self.effective_until)


@attrs.frozen(kw_only=True)
class PointsRuleset:
    """An information-work regulation: clauses awarding points for events."""

    header: RulesetHeader
    assessed_kinds: tuple[str, ...]
    #: Kinds a non-assessed unit hands its points to (nearest ancestor); default assessed_kinds.
    hand_up_to: tuple[str, ...]
    clauses: tuple[Clause, ...]
    #: Annual targets by department code or unit kind (department code wins).
    targets: Mapping[str, Decimal] = attrs.field(factory=dict)
    notes: tuple[str, ...] = ()  # what scores 0 and other remarks, printed by `rules show`

    @property
    def id(self) -> str:
        return self.header.id

    def clause(self, clause_id: str) -> Clause:
        """The clause with this id (KeyError naming the valid ids otherwise)."""
        for clause in self.clauses:
            if clause.id == clause_id:
                return clause
        raise KeyError(f"{clause_id}: not a clause of {self.id}")

    def target_for(self, kind: str, department: str | None) -> Decimal | None:
        """The annual target of a unit, or None where the ruleset sets none."""
        if department is not None and department in self.targets:
            return self.targets[department]
        return self.targets.get(kind)


@attrs.frozen(kw_only=True)
class InfoEvidence:
    """What the ledger can show for a checklist item about information work."""

    #: "adopted_per_month" | "adopted_per_year" | "submissions_per_year"
    measure: str
    threshold: int  # the printed number (以上 includes it)


@attrs.frozen(kw_only=True)
class Item:
    """One row of a target checklist (目标管理评分表)."""

    number: str  # "1.1" (category.item in printed order)
    text: str  # 考核项目 / 考评内容, as printed
    max: Decimal
    examiner: str  # 考核部门 / 考核责任部室 (blank cells take the one above)
    basis: str | None = None  # 评分细则, where printed
    per_absence: Decimal | None = None  # computed items: deduction per recorded absence
    info: InfoEvidence | None = None


@attrs.frozen(kw_only=True)
class Category:
    number: int
    name: str
    max: Decimal
    items: tuple[Item, ...]


@attrs.frozen(kw_only=True)
class Table:
    """A 100-point checklist table, e.g. ``suzhou-2015/city``."""

    id: str
    title: str
    total: Decimal
    categories: tuple[Category, ...]

    def item(self, number: str) -> Item:
        for category in self.categories:
            for item in category.items:
                if item.number == number:
                    return item
        raise KeyError(f"{number}: not an item of {self.id}")


@attrs.frozen(kw_only=True)
class ChecklistRuleset:
    """A checklist regulation: tables scored by examiners, some items computed."""

    header: RulesetHeader
    tables: tuple[Table, ...]
    notes: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.header.id

    def table(self, table_id: str) -> Table:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(f"{table_id}: not a table of {self.id}")


Ruleset = PointsRuleset | ChecklistRuleset
