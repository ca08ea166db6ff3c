"""Every field a clause accepts has its effect (issue 9 item 2).

For each clause kind and each field its record has (``rules.model``), changing that
field changes the score of some generated ledger (``ledger.testing.ledgers``). A field
no generated ledger can feel is either one the generators never exercise (then the
generator is fixed, never this test) or one the engine ignores (then the engine or the
loader is fixed: a field a kind cannot honour is refused).

A change is made as an office would make it: through a revision file (CONTRACT §6) for
the fields a revision may set (the numbers the clause has, and ``cap``/``cap_per`` on a
kind that honours a cap); through a whole ruleset file in the shipped format, loaded by
path, for the fields a revision cannot touch (what a clause matches, its conditions, its
windows). The base it is compared with is loaded the same way, so the one field is all
that differs. The ledgers searched are a pool drawn once per ruleset (derandomized, so a
run is repeatable; its size follows the profile's ``max_examples``) and appended once,
each then scored under both rulesets of every case: drawing and appending cost far more
than a replay.

What a clause says rather than does (``id``, ``section``, ``sentence``, ``summary``,
``interpretation``) is not a scoring field and is left out; ``on`` is the kind itself.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from propkit import YEAR, folder, ledger_of

import rules
from ledger import Ledger
from ledger.testing import ledgers
from projections import score
from projections.model import Scoreboard
from rules.model import CLAUSE_KINDS, clause_fields, overridable_fields
from toml_text import toml_text

DATA = Path(rules.__file__).parent / "data"
#: What a clause says, not what it does.
WORDS = ("id", "on", "section", "sentence", "summary", "interpretation")
#: Ledgers in a ruleset's pool, per example the profile allows (ci: 25 -> 100).
POOL_PER_EXAMPLE = 4
#: What each pool ledger holds: units enough for trees with a level below the assessed
#: one, and events enough for windows, bursts and repeats.
UNITS = (3, 12)
SIZE = (30, 80)
#: Ledgers drawn under one seed (see _draw).
PER_SEED = 5


@attrs.frozen
class Case:
    """Change `field` of clause `clause` of `ruleset` to `value`, from a base in which
    `base` is set first (to make the field matter: a window needs a cap)."""

    kind: str
    field: str
    ruleset: str
    clause: str
    value: Any
    base: dict[str, Any] = attrs.field(factory=dict)

    @property
    def name(self) -> str:
        return f"{self.kind}.{self.field}"


# One case per (kind, field). Values are written as a TOML file would hold them.
CASES = [
    # submission: dalian-2011's `submission` (0.5 a submission, 10 a quarter, not commissioned)
    Case("submission", "kinds", "dalian-2011", "submission", ["industry_union"]),
    Case("submission", "below", "dalian-2011", "submission", ["county"], {"kinds": ["county"]}),
    Case("submission", "points", "dalian-2011", "submission", "1"),
    Case("submission", "cap", "dalian-2011", "submission", "1"),
    Case("submission", "cap_per", "dalian-2011", "submission", "year"),
    Case("submission", "urgent", "dalian-2011", "submission", True),
    Case("submission", "commissioned", "dalian-2011", "submission", True),
    Case("submission", "categories", "dalian-2011", "submission", ["experience"]),
    # adoption: dalian-2011's `adopt.city_union` (single 4, combined 2; first match wins)
    Case("adoption", "kinds", "dalian-2011", "adopt.city_union", ["industry_union"]),
    Case("adoption", "below", "dalian-2011", "adopt.city_union", ["county"], {"kinds": ["county"]}),
    Case("adoption", "outlets", "dalian-2011", "adopt.city_union", ["city.union.web.*"]),
    Case("adoption", "points", "jiangsu-2016", "adopt.central", "21"),
    Case("adoption", "single", "dalian-2011", "adopt.city_union", "5"),
    Case("adoption", "combined", "dalian-2011", "adopt.city_union", "3"),
    Case(
        "adoption", "cap", "dalian-2011", "adopt.city_union", "4", {"cap": "8", "cap_per": "year"}
    ),
    Case(
        "adoption",
        "cap_per",
        "dalian-2011",
        "adopt.city_union",
        "year",
        {"cap": "4", "cap_per": "quarter"},
    ),
    Case("adoption", "bonus", "changzhou-2016", "bonus.experience", False),
    Case("adoption", "once", "dalian-2011", "adopt.city_union", "info"),
    Case("adoption", "urgent", "dalian-2011", "adopt.city_union", True),
    Case("adoption", "commissioned", "dalian-2011", "adopt.city_union", True),
    Case("adoption", "categories", "dalian-2011", "adopt.city_union", ["regular"]),
    # instruction: dalian-2011's `instr.province_union_city` (6 points)
    Case("instruction", "kinds", "dalian-2011", "instr.province_union_city", ["industry_union"]),
    Case(
        "instruction",
        "below",
        "dalian-2011",
        "instr.province_union_city",
        ["county"],
        {"kinds": ["county"]},
    ),
    Case("instruction", "levels", "dalian-2011", "instr.province_union_city", ["city"]),
    Case("instruction", "points", "dalian-2011", "instr.province_union_city", "7"),
    Case(
        "instruction",
        "cap",
        "dalian-2011",
        "instr.province_union_city",
        "6",
        {"cap": "12", "cap_per": "year"},
    ),
    Case(
        "instruction",
        "cap_per",
        "dalian-2011",
        "instr.province_union_city",
        "year",
        {"cap": "6", "cap_per": "quarter"},
    ),
    Case("instruction", "urgent", "dalian-2011", "instr.province_union_city", True),
    Case("instruction", "commissioned", "dalian-2011", "instr.province_union_city", True),
    Case("instruction", "categories", "dalian-2011", "instr.province_union_city", ["regular"]),
    # activity: changzhou-2016's `activity` (10 points, counties and the units below them)
    Case("activity", "kinds", "changzhou-2016", "activity", []),
    Case("activity", "below", "changzhou-2016", "activity", []),
    Case("activity", "points", "changzhou-2016", "activity", "11"),
    Case("activity", "cap", "changzhou-2016", "activity", "10", {"cap": "20", "cap_per": "year"}),
    Case(
        "activity",
        "cap_per",
        "changzhou-2016",
        "activity",
        "year",
        {"cap": "10", "cap_per": "quarter"},
    ),
    Case("activity", "once", "changzhou-2016", "activity", "year"),
    # ranking: changzhou-2016's `bonus.province_top10` (30 points, top 10, once a year)
    Case("ranking", "kinds", "changzhou-2016", "bonus.province_top10", []),
    Case("ranking", "below", "changzhou-2016", "bonus.province_top10", ["county"]),
    Case("ranking", "points", "changzhou-2016", "bonus.province_top10", "31"),
    Case(
        "ranking", "ranking_source", "changzhou-2016", "bonus.province_top10", "city.union.annual"
    ),
    Case("ranking", "max_rank", "changzhou-2016", "bonus.province_top10", 3),
    Case("ranking", "once", "changzhou-2016", "bonus.province_top10", None),
    # gate: jiangsu-2016's `routing` (cities' and counties' central/provincial adoptions
    # score only after one by the provincial union)
    Case("gate", "kinds", "jiangsu-2016", "routing", ["county"]),
    Case("gate", "below", "jiangsu-2016", "routing", ["city"], {"kinds": ["county"]}),
    Case("gate", "outlets", "jiangsu-2016", "routing", ["central.*"]),
    Case("gate", "requires_outlets", "jiangsu-2016", "routing", []),
    Case("gate", "urgent", "jiangsu-2016", "routing", True),
    Case("gate", "commissioned", "jiangsu-2016", "routing", True),
    Case("gate", "categories", "jiangsu-2016", "routing", ["regular"]),
    # deadline: dalian-2011's `urgent.deadline` (an urgent report more than 1 hour late)
    Case("deadline", "kinds", "dalian-2011", "urgent.deadline", ["industry_union"]),
    Case("deadline", "below", "dalian-2011", "urgent.deadline", ["county"], {"kinds": ["county"]}),
    Case("deadline", "hours", "dalian-2011", "urgent.deadline", "48"),
    Case("deadline", "veto_reason", "dalian-2011", "urgent.deadline", "missed_report"),
    Case("deadline", "commissioned", "dalian-2011", "urgent.deadline", False),
    Case("deadline", "categories", "dalian-2011", "urgent.deadline", ["regular"]),
    # award: dalian-2011's `award` (no veto and two items adopted by the outlets named)
    Case("award", "kinds", "dalian-2011", "award", ["industry_union"]),
    # Eligibility is judged for the assessed kinds: an industry union below the city joins.
    Case("award", "below", "dalian-2011", "award", ["city"], {"kinds": ["county"]}),
    Case("award", "outlets", "dalian-2011", "award", ["central.*"]),
    Case("award", "min_items", "dalian-2011", "award", 1),
]


def test_the_cases_are_every_field_of_every_kind() -> None:
    wanted = {
        f"{kind}.{field}"
        for kind, record in CLAUSE_KINDS.items()
        for field in clause_fields(record)
        if field not in WORDS
    }
    assert sorted(case.name for case in CASES) == sorted(wanted)
    for case in CASES:
        assert rules.load(case.ruleset).clause(case.clause).on == case.kind, case.name


# -- the two rulesets of a case ------------------------------------------------------------


def _by_revision(case: Case) -> bool:
    clause = rules.load(case.ruleset).clause(case.clause)
    allowed = overridable_fields(clause)
    return all(field in allowed for field in [*case.base, case.field])


def _revision(where: Path, name: str, case: Case, changes: dict[str, Any]) -> rules.Ruleset:
    document = {"id": f"{case.ruleset}-{name}", "extends": case.ruleset}
    document["override"] = {case.clause: changes}
    path = where / f"{name}.toml"
    path.write_text(toml_text(document, headers=True), encoding="utf-8")
    return rules.load(path)


def _ruleset_file(where: Path, name: str, case: Case, changes: dict[str, Any]) -> rules.Ruleset:
    document = tomllib.loads((DATA / f"{case.ruleset}.toml").read_text(encoding="utf-8"))
    document["id"] = f"{case.ruleset}-edited"  # a shipped id is refused; both files share it
    for clause in document["clauses"]:
        if clause["id"] == case.clause:
            clause.update(changes)
            for field in [f for f, v in changes.items() if v is None]:
                del clause[field]  # TOML has no null: an absent field is the default
    path = where / f"{name}.toml"
    path.write_text(toml_text(document, headers=False), encoding="utf-8")
    return rules.load(path)


def rulesets(where: Path, case: Case) -> tuple[rules.Ruleset, rules.Ruleset]:
    """The base and the changed ruleset of `case`, loaded from files written in `where`."""
    make = _revision if _by_revision(case) else _ruleset_file
    changed = {**case.base, case.field: case.value}
    if not case.base and make is _revision:
        return rules.load(case.ruleset), make(where, "changed", case, changed)
    return make(where, "base", case, dict(case.base)), make(where, "changed", case, changed)


# -- what a score is -----------------------------------------------------------------------


def outcome(board: Scoreboard) -> list[tuple[Any, ...]]:
    """Everything a board says about each unit's score: its total and lines by clause, its
    vetoes and their reasons, its rank, award and target; not the words."""
    return sorted(
        (
            unit.unit,
            unit.total,
            tuple((line.clause, line.points) for line in unit.lines),
            tuple((veto.event, veto.reason, veto.derived) for veto in unit.vetoes),
            unit.rank,
            unit.eligible,
            unit.target_met,
        )
        for unit in board.units
    )


def _draw(ruleset: str, count: int) -> list[list[dict[str, Any]]]:
    """`count` ledgers drawn for `ruleset`, the same ones every run.

    Drawn a few at a time under many fixed seeds: one run of Hypothesis mutates what it
    drew before, so a hundred ledgers of one run share most of their events, and a rare
    combination is rare in all of them alike."""
    drawn: list[list[dict[str, Any]]] = []

    @settings(
        max_examples=PER_SEED,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(ledgers(ruleset=ruleset, size=SIZE, units=UNITS))
    def collect(events: list[dict[str, Any]]) -> None:
        drawn.append(events)

    for number in range(-(-count // PER_SEED)):
        seed(number)(collect)()
    return drawn[:count]


class Pools:
    """Each ruleset's pool of ledgers, drawn and appended on first use, under one folder."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self.pools: dict[str, list[Ledger]] = {}
        self.count = POOL_PER_EXAMPLE * (settings.default.max_examples or 25)

    def of(self, ruleset: str) -> list[Ledger]:
        if ruleset not in self.pools:
            opened = []
            for number, events in enumerate(_draw(ruleset, self.count)):
                ledger = Ledger.open(self.where / f"{ruleset}-{number}.sqlite", create=True)
                ledger.append_many(events)
                opened.append(ledger)
            self.pools[ruleset] = opened
        return self.pools[ruleset]

    def close(self) -> None:
        for pool in self.pools.values():
            for ledger in pool:
                ledger.close()


@pytest.fixture(scope="module")
def pools() -> Iterator[Pools]:
    with folder() as where:
        kept = Pools(where)
        try:
            yield kept
        finally:
            kept.close()


def _differs(ledger: Ledger, base: rules.Ruleset, changed: rules.Ruleset, period: str) -> bool:
    boards = [score(ledger, ruleset, period, keep=False) for ruleset in (base, changed)]
    assert all(isinstance(board, Scoreboard) for board in boards)
    return outcome(boards[0]) != outcome(boards[1])  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_changing_the_field_changes_some_ledgers_score(case: Case, pools: Pools) -> None:
    with folder() as where:
        base, changed = rulesets(where, case)
    assert base != changed
    period = str(YEAR[case.ruleset])
    pool = pools.of(case.ruleset)
    assert any(_differs(ledger, base, changed, period) for ledger in pool), (
        f"{case.name}: no ledger of {len(pool)} drawn for {case.ruleset} scores differently "
        f"with {case.field} = {case.value!r}: fix the generator, or the engine or loader"
    )


@given(events=ledgers(ruleset="dalian-2011"))
@settings(max_examples=10)
def test_a_change_to_the_same_value_changes_no_score(events: list[dict[str, Any]]) -> None:
    # The comparison is no pushover: a revision that writes the value the clause already
    # has, loaded the same way as a real change, scores every ledger alike.
    case = Case("submission", "points", "dalian-2011", "submission", "0.5", {"cap": "10"})
    assert rules.load("dalian-2011").clause("submission").points == Decimal("0.5")  # type: ignore[union-attr]
    with folder() as where:
        base, changed = rulesets(where, case)
        with ledger_of(events, where) as ledger:
            assert not _differs(ledger, base, changed, "2011")
