"""Adoption clauses: gates, one base clause, bonus on top, the same outlet once.

Principle 1 (:func:`base_clause`, :func:`bonus_clauses`), principle 2
(:func:`same_outlet_once`), principle 4's warning for an adoption dated before its
submission (:func:`_warn_before_submission`), and the gate clauses that zero an
adoption for some units (:func:`gate_of`).
"""

from __future__ import annotations

from collections import defaultdict

from rules import Clause
from vocabulary.codes import matches

from .facts import Fact
from .state import PointsState, flags_match


def score_adoptions(state: PointsState) -> None:
    """Score every counted adoption: a gate zeroes it, else its base clause and bonuses."""
    live = state.live_in_order("adoption")
    by_info: dict[str, list[Fact]] = defaultdict(list)
    for fact in live:
        by_info[fact.p["info"]].append(fact)
    bonus_taken: set[tuple[str, str]] = set()
    for fact in same_outlet_once(state, live):
        in_period = state.period.contains(fact.day)
        sub = state.submission_of(fact.p["info"])
        if in_period:
            _warn_before_submission(state, fact, sub)
        gate = gate_of(state, fact, by_info[fact.p["info"]])
        if gate is not None:
            if in_period:
                state.unscored(fact, gate_reason(gate, fact.p["outlet"]), gate)
            continue
        # Bonus clauses once per info are taken by the first adoption that matches, even
        # one before the period (it then scores in its own period).
        hits = bonus_clauses(state, fact, sub, bonus_taken)
        if in_period:
            _score_one(state, fact, sub, hits)


def same_outlet_once(state: PointsState, live: list[Fact]) -> list[Fact]:
    """Principle 2: the earliest adoption of an info by an outlet counts; later ones are traced."""
    first_by_outlet: dict[tuple[str, str], Fact] = {}
    counted: list[Fact] = []
    for fact in live:
        key = (fact.p["info"], fact.p["outlet"])
        earlier = first_by_outlet.get(key)
        if earlier is None:
            first_by_outlet[key] = fact
            counted.append(fact)
        elif state.period.contains(fact.day):
            state.unscored(
                fact,
                f"{key[1]} already adopted {key[0]} ({earlier.id}, seq {earlier.seq}): "
                "the same outlet earns once",
            )
    return counted


def _warn_before_submission(state: PointsState, fact: Fact, sub: Fact | None) -> None:
    """Principle 4: an adoption dated before its submission still scores, with a warning."""
    if sub is not None and fact.at < sub.at:
        state.warnings.append(
            f"adoption {fact.id} (seq {fact.seq}) is dated {fact.day}, before its "
            f"submission {sub.id} ({sub.day}); it still scores (principle 4)"
        )


def _score_one(state: PointsState, fact: Fact, sub: Fact | None, hits: list[Clause]) -> None:
    outlet = fact.p["outlet"]
    mode = fact.p.get("mode", "single")
    clause = base_clause(state, fact, sub)
    if clause is not None:
        state.earn(fact, clause, clause.points_for(mode), f"{outlet}, {mode}")
    for bonus in hits:
        state.earn(fact, bonus, bonus.points_for(mode), f"{outlet}, bonus")
    if clause is None and not hits:
        state.unscored(
            fact, f"no clause of {state.rules.id} scores outlet {outlet}{state.kind_note(fact)}"
        )


def adoption_match(state: PointsState, clause: Clause, fact: Fact, sub: Fact | None) -> bool:
    """Whether an adoption clause matches: outlet, submission flags, unit conditions."""
    return (
        matches(fact.p["outlet"], clause.outlets)
        and flags_match(clause, sub)
        and state.applies(clause, fact.unit, fact.at)
    )


def base_clause(state: PointsState, fact: Fact, sub: Fact | None) -> Clause | None:
    """Principle 1: the first base (not bonus) clause that matches, in ruleset order."""
    return next(
        (
            c
            for c in state.clauses("adoption")
            if not c.bonus and adoption_match(state, c, fact, sub)
        ),
        None,
    )


def bonus_clauses(
    state: PointsState, fact: Fact, sub: Fact | None, taken: set[tuple[str, str]]
) -> list[Clause]:
    """Principle 1: the bonus clauses that add on top; `once = "info"` ones take the info."""
    info = fact.p["info"]
    hits = [
        c
        for c in state.clauses("adoption")
        if c.bonus
        and adoption_match(state, c, fact, sub)
        and (c.once != "info" or (c.id, info) not in taken)
    ]
    taken.update((c.id, info) for c in hits if c.once == "info")
    return hits


def gate_of(state: PointsState, fact: Fact, same_info: list[Fact]) -> Clause | None:
    """The first gate clause that zeroes this adoption, or None."""
    for gate in state.clauses("gate"):
        if not matches(fact.p["outlet"], gate.outlets):
            continue
        if not state.applies(gate, fact.unit, fact.at):
            continue
        if gate.requires_outlets and any(
            other.at <= fact.at and matches(other.p["outlet"], gate.requires_outlets)
            for other in same_info
            if other is not fact
        ):
            continue
        return gate
    return None


def gate_reason(gate: Clause, outlet: str) -> str:
    """Why a gate zeroed an adoption (the trace's reason)."""
    if gate.requires_outlets:
        need = ", ".join(gate.requires_outlets)
        return f"{gate.id}: {outlet} scores only after an adoption by {need} dated no later"
    return f"{gate.id}: {outlet} adoptions score 0 for this unit's kind"
