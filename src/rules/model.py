"""The shape of a ruleset: frozen records, each clause carrying the sentence it implements.

Two families share one header (id, source document, effective dates, lineage):

* :class:`PointsRuleset` — the information-work regulations (jiangsu-2016,
  changzhou-2016, dalian-2011): clauses that award points for events.
* :class:`ChecklistRuleset` — the fixed 100-point target checklists
  (suzhou-2015, county-targets): tables of items scored by an examiner.

A clause is one record per trigger (:class:`SubmissionClause`, :class:`AdoptionClause`,
…; :data:`Clause` is their union): each has the fields its kind honours and no other.
The replay engine (``projections.points``) has one module per kind; everything a
regulation says that varies between rulesets is data here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import ClassVar, Literal

import attrs

#: The windows a cap is counted in (``cap_per``): a unit's points under a capped
#: clause never exceed ``cap`` in one calendar month, quarter, half-year or year.
CAP_WINDOWS = ("quarter", "half", "year", "month")
CapWindow = Literal["quarter", "half", "year", "month"]


@attrs.frozen(kw_only=True)
class Source:
    """The printed document a ruleset implements."""

    document: str  # seed file name, e.g. "002_22e12029cb82e91e.txt"
    number: str | None  # 文号, e.g. "大工办发[2011] 15号"; None where the document has none
    title: str
    issued: date | None = None


# --------------------------------------------------------------------------- clauses
#
# One record per trigger (``on``), as Beancount has one record per directive: a
# clause has exactly the fields its kind honours, so a field the engine would
# ignore cannot be written (the loader refuses it, naming the fields the kind has).


@attrs.frozen(kw_only=True)
class BaseClause:
    """What every clause has: its id, its source, and the units it applies to."""

    id: str
    section: str  # e.g. "§五(一)1"
    sentence: str  # the original Chinese sentence, verbatim from the seed
    interpretation: str | None = None  # how an ambiguous sentence is read (RULES.md)
    summary: str | None = None  # one line in English: when the clause applies
    kinds: tuple[str, ...] = ()  # unit kinds the clause applies to; empty = every kind
    below: tuple[str, ...] = ()  # also units with an ancestor of one of these kinds

    #: The values ``once`` may take on this kind (empty: the kind has no ``once``).
    ONCE: ClassVar[tuple[str, ...]] = ()
    #: Whether a ``cap`` per ``cap_per`` window limits what a unit earns under it.
    CAPPED: ClassVar[bool] = False


@attrs.frozen(kw_only=True)
class SubmissionClause(BaseClause):
    """Flat points per submission (报送), optionally capped per unit and window."""

    on: Literal["submission"] = "submission"
    points: Decimal
    cap: Decimal | None = None
    cap_per: CapWindow | None = None
    urgent: bool | None = None  # the submission must (not) be urgent
    commissioned: bool | None = None  # the submission must (not) be commissioned
    categories: tuple[str, ...] = ()  # submission categories required

    CAPPED: ClassVar[bool] = True


@attrs.frozen(kw_only=True)
class AdoptionClause(BaseClause):
    """Points for an adoption (采用) by one of `outlets`: flat, or by mode."""

    on: Literal["adoption"] = "adoption"
    outlets: tuple[str, ...]  # outlet patterns ("central.*")
    points: Decimal | None = None
    single: Decimal | None = None  # adoption `mode` single (单条采用)
    combined: Decimal | None = None  # adoption `mode` combined (综合采用)
    cap: Decimal | None = None
    cap_per: CapWindow | None = None
    bonus: bool = False  # adds on top of the base clause (principle 1)
    once: Literal["info"] | None = None  # "info": the clause scores an info item once
    urgent: bool | None = None  # the info's submission must (not) be urgent
    commissioned: bool | None = None
    categories: tuple[str, ...] = ()

    ONCE: ClassVar[tuple[str, ...]] = ("info",)
    CAPPED: ClassVar[bool] = True

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
class InstructionClause(BaseClause):
    """Points for a leader's instruction (批示) at one of `levels` (once per info and level)."""

    on: Literal["instruction"] = "instruction"
    levels: tuple[str, ...]  # leader levels
    points: Decimal
    cap: Decimal | None = None
    cap_per: CapWindow | None = None
    urgent: bool | None = None  # the info's submission must (not) be urgent
    commissioned: bool | None = None
    categories: tuple[str, ...] = ()

    CAPPED: ClassVar[bool] = True


@attrs.frozen(kw_only=True)
class ActivityClause(BaseClause):
    """Points for an activity a unit holds; ``once = "year"`` scores a unit's year once."""

    on: Literal["activity"] = "activity"
    points: Decimal
    cap: Decimal | None = None
    cap_per: CapWindow | None = None
    once: Literal["year"] | None = None

    ONCE: ClassVar[tuple[str, ...]] = ("year",)
    CAPPED: ClassVar[bool] = True


@attrs.frozen(kw_only=True)
class RankingClause(BaseClause):
    """Points for a ranking from `ranking_source` within the top `max_rank`."""

    on: Literal["ranking"] = "ranking"
    points: Decimal
    ranking_source: str
    max_rank: int
    once: Literal["year"] | None = None  # "year": once per unit and ranking year

    ONCE: ClassVar[tuple[str, ...]] = ("year",)


@attrs.frozen(kw_only=True)
class GateClause(BaseClause):
    """A condition zeroing adoptions by `outlets`, unless one of `requires_outlets` came first."""

    on: Literal["gate"] = "gate"
    outlets: tuple[str, ...]
    requires_outlets: tuple[str, ...] = ()  # a prior adoption by one of these lifts it
    urgent: bool | None = None  # the info's submission must (not) be urgent
    commissioned: bool | None = None
    categories: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class DeadlineClause(BaseClause):
    """A derived veto: an urgent submission reported more than `hours` after its incident.

    Only an urgent submission carries ``incident_at`` (``ledger.validate``), so the kind
    reads urgent ones alone: ``urgent`` is fixed, not a field a file may set (``urgent =
    false`` could never fire, and leaving it out would change nothing).
    """

    on: Literal["deadline"] = "deadline"
    hours: Decimal  # the allowed delay
    veto_reason: str  # the reason of the derived veto
    commissioned: bool | None = None  # the submission must (not) be commissioned

    urgent: ClassVar[bool] = True
    categories: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class AwardClause(BaseClause):
    """Eligibility (principle 10): no veto, and `min_items` info items adopted by `outlets`."""

    on: Literal["award"] = "award"
    outlets: tuple[str, ...]
    min_items: int  # distinct adopted info items required


Clause = (
    SubmissionClause
    | AdoptionClause
    | InstructionClause
    | ActivityClause
    | RankingClause
    | GateClause
    | DeadlineClause
    | AwardClause
)

#: The kinds whose points a ``cap`` per ``cap_per`` window can limit (``CAPPED``).
CappedClause = SubmissionClause | AdoptionClause | InstructionClause | ActivityClause

#: The record of each trigger, in the order the engine runs them.
CLAUSE_KINDS: Mapping[str, type[Clause]] = {
    "submission": SubmissionClause,
    "adoption": AdoptionClause,
    "instruction": InstructionClause,
    "activity": ActivityClause,
    "ranking": RankingClause,
    "gate": GateClause,
    "deadline": DeadlineClause,
    "award": AwardClause,
}

#: What a clause reacts to. ``gate`` clauses are conditions that zero an
#: adoption; ``deadline`` derives a veto; ``award`` judges eligibility.
CLAUSE_TRIGGERS = tuple(CLAUSE_KINDS)

#: The numbers of a clause a revision may override where the base clause has them
#: (CONTRACT §6); ``cap`` and ``cap_per`` it may also add where the kind is capped (§8.7).
OVERRIDABLE = ("points", "single", "combined", "cap")
CAP_FIELDS = ("cap", "cap_per")


def clause_fields(kind: type[Clause]) -> tuple[str, ...]:
    """The fields a clause of this kind has, in file order (``on`` after the id)."""
    names = [field.name for field in attrs.fields(kind)]
    names.remove("on")
    return ("id", "on", *names[1:])


def overridable_fields(clause: Clause) -> tuple[str, ...]:
    """The fields a revision may set on `clause`: the numbers it has (§6), and a cap
    with its window wherever its kind honours one (§8.7)."""
    had = [field for field in OVERRIDABLE if getattr(clause, field, None) is not None]
    if type(clause).CAPPED:
        had += [field for field in CAP_FIELDS if field not in had]
    return tuple(had)


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
