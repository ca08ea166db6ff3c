"""Adoption clauses: gates, one base clause, bonus on top, the same outlet once.

Principle 1 (:func:`base_clause`, :func:`bonus_clauses`), principle 2
(:func:`same_outlet_once`), principle 4's warning for an adoption dated before its
submission (:func:`_warn_before_submission`), the gate clauses that zero an
adoption for some units (:func:`gate_of`), ``once = "info"`` (:func:`once_per_info`)
and caps per unit and window (:mod:`.caps`, in business order). Which clauses an
adoption matches is worked out once per outlet, submission flags and unit (:class:`Matching`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from rules import AdoptionClause, GateClause
from vocabulary.codes import matches

from .facts import Fact
from .state import PointsState, flags_match


def score_adoptions(state: PointsState) -> None:
    """Score every counted adoption: a gate zeroes it, else its base clause and bonuses."""
    live = state.live_in_order("adoption")
    by_info: dict[str, list[Fact]] = defaultdict(list)
    for fact in live:
        by_info[fact.p["info"]].append(fact)
    taken: dict[tuple[str, str], Fact] = {}  # once = "info": (clause, info) -> the fact
    clauses = state.clauses(AdoptionClause)
    # Earlier adoptions matter from where a cap window or a once-per-info clause opens.
    opens = min(
        ("" if c.once == "info" else state.caps.opens(c) for c in clauses),
        default=state.period.first,
    )
    # Without a clause once per info, every matched clause earns (once_per_info keeps all).
    once = any(c.once == "info" for c in clauses)
    matching = Matching(state)
    contains = state.period.contains
    for fact in same_outlet_once(state, live):
        if fact.day < opens:
            continue
        in_period = contains(fact.day)
        info = fact.p["info"]
        sub, flags = matching.submission(info)
        if in_period:
            _warn_before_submission(state, fact, sub)
        key = matching.key(fact, flags)
        gates = matching.gates(key, fact, sub)
        gate = gate_of(gates, fact, by_info[info]) if gates else None
        if gate is not None:
            if in_period:
                state.unscored(fact, gate_reason(gate, fact.p["outlet"]), gate)
            continue
        # Clauses once per info are taken by the first adoption that matches, even one
        # before the period (it then scores in its own period); caps are used alike.
        base, hits = matching.scoring(key, fact, sub)
        if once:
            earning = once_per_info(state, fact, () if base is None else (base,), taken, in_period)
            earning += once_per_info(state, fact, hits, taken, in_period)
        else:
            earning = list(hits) if base is None else [base, *hits]
        if in_period:
            _score_one(state, fact, base, earning)
        else:
            mode = fact.p.get("mode", "single")
            for clause in earning:
                state.caps.take(clause, fact, clause.points_for(mode))


#: What the clauses an adoption matches depend on: its outlet, its submission's flags
#: (:func:`flags_of`) and, when a clause has unit conditions, its unit and the epoch of
#: its time (``UnitHistory.epoch``).
Key = tuple[object, ...]
#: What ``flags_match`` reads of a submission: (urgent, commissioned, category), or None.
Flags = tuple[object, object, object] | None


def flags_of(sub: Fact | None) -> Flags:
    """The submission flags ``flags_match`` compares (None without a submission)."""
    if sub is None:
        return None
    p = sub.p
    return (p.get("urgent", False), p.get("commissioned", False), p.get("category"))


class Matching:
    """The clauses each adoption matches (the gates' conditions, :func:`base_clause`,
    :func:`bonus_clauses`), worked out once per :data:`Key`: a year of adoptions asks a
    few hundred distinct questions, each thousands of times. And each info's standing
    submission and its flags, looked up once."""

    def __init__(self, state: PointsState) -> None:
        self.state = state
        clauses = (*state.clauses(AdoptionClause), *state.clauses(GateClause))
        #: Whether any clause has unit conditions (kinds, below): then the unit matters.
        self.by_unit = any(c.kinds or c.below for c in clauses)
        self._gates: dict[Key, tuple[GateClause, ...]] = {}
        self._scoring: dict[Key, tuple[AdoptionClause | None, tuple[AdoptionClause, ...]]] = {}
        self._infos: dict[str, tuple[Fact | None, Flags]] = {}

    def submission(self, info: str) -> tuple[Fact | None, Flags]:
        """The info's standing submission (``PointsState.submission_of``) and its flags
        (:func:`flags_of`), once per info."""
        found = self._infos.get(info)
        if found is None:
            sub = self.state.submission_of(info)
            found = self._infos[info] = (sub, flags_of(sub))
        return found

    def key(self, fact: Fact, flags: Flags) -> Key:
        """What the clauses `fact` (whose submission has `flags`) matches depend on."""
        if not self.by_unit:
            return (fact.p["outlet"], flags)
        return (fact.p["outlet"], flags, fact.unit, self.state.units.epoch(fact.at))

    def gates(self, key: Key, fact: Fact, sub: Fact | None) -> tuple[GateClause, ...]:
        """The gate clauses whose outlets, flags and unit conditions hold, in ruleset order
        (their required outlets depend on the info's other adoptions: :func:`gate_of`)."""
        found = self._gates.get(key)
        if found is None:
            state = self.state
            found = tuple(
                g for g in state.clauses(GateClause) if adoption_match(state, g, fact, sub)
            )
            self._gates[key] = found
        return found

    def scoring(
        self, key: Key, fact: Fact, sub: Fact | None
    ) -> tuple[AdoptionClause | None, tuple[AdoptionClause, ...]]:
        """The base clause and the bonus clauses (principle 1)."""
        found = self._scoring.get(key)
        if found is None:
            state = self.state
            found = (base_clause(state, fact, sub), tuple(bonus_clauses(state, fact, sub)))
            self._scoring[key] = found
        return found


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
        state.warn(
            fact,
            0,
            f"adoption {fact.id} (seq {fact.seq}) is dated {fact.day}, before its "
            f"submission {sub.id} ({sub.day}); it still scores (principle 4)",
        )


def _score_one(
    state: PointsState, fact: Fact, base: AdoptionClause | None, earning: list[AdoptionClause]
) -> None:
    outlet = fact.p["outlet"]
    mode = fact.p.get("mode", "single")
    for clause in earning:
        note = f"{outlet}, bonus" if clause.bonus else f"{outlet}, {mode}"
        state.earn_capped(fact, clause, clause.points_for(mode), note)
    if base is None and not earning:
        state.unscored(
            fact, f"no clause of {state.rules.id} scores outlet {outlet}{state.kind_note(fact)}"
        )


def once_per_info(
    state: PointsState,
    fact: Fact,
    clauses: Sequence[AdoptionClause],
    taken: dict[tuple[str, str], Fact],
    in_period: bool,
) -> list[AdoptionClause]:
    """``once = "info"``: such a clause scores an info item for its first adoption that
    matches; a later one earns nothing under it (traced, in the period)."""
    info = fact.p["info"]
    kept = []
    for clause in clauses:
        if clause.once != "info":
            kept.append(clause)
            continue
        first = taken.setdefault((clause.id, info), fact)
        if first is fact:
            kept.append(clause)
        elif in_period and not clause.bonus:
            state.unscored(
                fact,
                f"{clause.id} scores {info} once; it scored for {first.id} (seq {first.seq})",
                clause,
            )
    return kept


def adoption_match(
    state: PointsState, clause: AdoptionClause | GateClause, fact: Fact, sub: Fact | None
) -> bool:
    """Whether an adoption clause matches: outlet, submission flags, unit conditions."""
    return (
        matches(fact.p["outlet"], clause.outlets)
        and flags_match(clause, sub)
        and state.applies(clause, fact.unit, fact.at)
    )


def base_clause(state: PointsState, fact: Fact, sub: Fact | None) -> AdoptionClause | None:
    """Principle 1: the first base (not bonus) clause that matches, in ruleset order."""
    return next(
        (
            c
            for c in state.clauses(AdoptionClause)
            if not c.bonus and adoption_match(state, c, fact, sub)
        ),
        None,
    )


def bonus_clauses(state: PointsState, fact: Fact, sub: Fact | None) -> list[AdoptionClause]:
    """Principle 1: the bonus clauses that add on top of the base clause."""
    return [
        c for c in state.clauses(AdoptionClause) if c.bonus and adoption_match(state, c, fact, sub)
    ]


def gate_of(gates: Sequence[GateClause], fact: Fact, same_info: list[Fact]) -> GateClause | None:
    """The first gate clause that zeroes this adoption, or None: of the gates whose conditions
    hold (:meth:`Matching.gates`), one not lifted by an adoption of the same info dated no
    later by one of its required outlets."""
    for gate in gates:
        if gate.requires_outlets and any(
            other.at <= fact.at and matches(other.p["outlet"], gate.requires_outlets)
            for other in same_info
            if other is not fact
        ):
            continue
        return gate
    return None


def gate_reason(gate: GateClause, outlet: str) -> str:
    """Why a gate zeroed an adoption (the trace's reason)."""
    if gate.requires_outlets:
        need = ", ".join(gate.requires_outlets)
        return f"{gate.id}: {outlet} scores only after an adoption by {need} dated no later"
    return f"{gate.id}: {outlet} adoptions score 0 for this unit's kind"
