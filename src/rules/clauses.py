"""Clauses from a ruleset file: structured by their trigger, then checked by kind.

A ``[[clauses]]`` table is structured into the record of its ``on``
(:data:`rules.model.CLAUSE_KINDS`); a key another kind has but this one does not
is refused naming the fields this kind has (``levels`` on an adoption would mean
nothing to the engine), a key no kind has is an unknown key. Each kind then has
its own list of checks (:data:`CHECKS`), as Beancount's validations are a list
of functions: codes of CONTRACT §2, what the kind needs to be interpretable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import cattrs
from cattrs.errors import AttributeValidationNote, ClassValidationError

from rules.checks import (
    BadValue,
    check_codes,
    check_ident,
    check_not_negative,
    check_outlets,
    check_text,
    choices,
    describe,
    fail,
)
from rules.model import (
    CLAUSE_KINDS,
    CLAUSE_TRIGGERS,
    ActivityClause,
    AdoptionClause,
    AwardClause,
    BaseClause,
    Clause,
    DeadlineClause,
    GateClause,
    InstructionClause,
    RankingClause,
    SubmissionClause,
    clause_fields,
)
from vocabulary import codes

#: Every key some kind of clause has: a key outside it is a misspelling.
_ANY_KIND = frozenset(name for kind in CLAUSE_KINDS.values() for name in clause_fields(kind))


# --------------------------------------------------------------------------- structuring


def _at(field: str, exc: Exception) -> ClassValidationError:
    """`exc` as cattrs reports an attribute's error, so the key path names `field`."""
    exc.add_note(AttributeValidationNote(f"Structuring a clause @ attribute {field}", field, Any))
    return ClassValidationError("While structuring a clause", [exc], BaseClause)


def register_clause_hook(converter: cattrs.Converter) -> None:
    """Structure :data:`~rules.model.Clause` (the union) into the record its ``on`` names."""

    def structure(value: object, _: Any) -> Clause:
        if not isinstance(value, dict):
            raise BadValue(f"expected a table, got {describe(value)}")
        if "on" not in value:
            raise _at("on", KeyError("on"))
        on = value["on"]
        kind = CLAUSE_KINDS.get(on) if isinstance(on, str) else None
        if kind is None:
            message = f"unknown trigger {describe(on)}; valid: {choices(CLAUSE_TRIGGERS)}"
            raise _at("on", BadValue(message))
        fields = clause_fields(kind)
        for key in value:
            if key not in fields and key in _ANY_KIND:
                message = f'not used by a clause on "{on}" (its fields: {choices(fields)})'
                raise _at(key, BadValue(message))
        clause: Clause = converter.structure(value, kind)
        return clause

    converter.register_structure_hook_func(lambda type_: type_ == Clause, structure)


# --------------------------------------------------------------------------- checks by kind


def _check_base(clause: BaseClause, name: str, path: str) -> None:
    check_ident(name, f"{path}.id", clause.id)
    check_text(name, f"{path}.section", clause.section)
    check_text(name, f"{path}.sentence", clause.sentence)
    check_codes(name, f"{path}.kinds", clause.kinds, codes.UNIT_KINDS, "unit kind")
    check_codes(name, f"{path}.below", clause.below, codes.UNIT_KINDS, "unit kind")


def _check_flags(
    clause: SubmissionClause | AdoptionClause | InstructionClause | GateClause | DeadlineClause,
    name: str,
    path: str,
) -> None:
    check_codes(name, f"{path}.categories", clause.categories, codes.CATEGORIES, "category")


def _check_cap(
    clause: SubmissionClause | AdoptionClause | InstructionClause | ActivityClause,
    name: str,
    path: str,
) -> None:
    if (clause.cap is None) != (clause.cap_per is None):
        fail(name, f"{path}.cap", "cap and cap_per go together")
    check_not_negative(name, f"{path}.cap", clause.cap)


def _check_named_outlets(
    clause: AdoptionClause | GateClause | AwardClause, name: str, path: str, what: str
) -> None:
    if not clause.outlets:
        fail(name, f"{path}.outlets", what)
    check_outlets(name, f"{path}.outlets", clause.outlets)


def _check_submission(clause: SubmissionClause, name: str, path: str) -> None:
    _check_flags(clause, name, path)
    _check_cap(clause, name, path)


def _check_adoption(clause: AdoptionClause, name: str, path: str) -> None:
    _check_named_outlets(clause, name, path, "an adoption clause names its outlets")
    _check_flags(clause, name, path)
    _check_cap(clause, name, path)
    if clause.points is None and clause.single is None:
        fail(name, path, "an adoption clause needs points, or single (and combined)")
    if clause.points is not None and clause.single is not None:
        fail(name, f"{path}.single", "give either points or single/combined, not both")
    if clause.combined is not None and clause.single is None:
        fail(name, f"{path}.combined", "combined needs single")


def _check_instruction(clause: InstructionClause, name: str, path: str) -> None:
    if not clause.levels:
        fail(name, f"{path}.levels", "an instruction clause names its leader levels")
    check_codes(name, f"{path}.levels", clause.levels, codes.LEVELS, "leader level")
    _check_flags(clause, name, path)
    _check_cap(clause, name, path)


def _check_activity(clause: ActivityClause, name: str, path: str) -> None:
    _check_cap(clause, name, path)


def _check_ranking(clause: RankingClause, name: str, path: str) -> None:
    check_text(name, f"{path}.ranking_source", clause.ranking_source)
    if clause.max_rank < 1:
        fail(name, f"{path}.max_rank", "required for a ranking clause, at least 1")


def _check_gate(clause: GateClause, name: str, path: str) -> None:
    _check_named_outlets(clause, name, path, "a gate names the outlets it conditions")
    check_outlets(name, f"{path}.requires_outlets", clause.requires_outlets)
    _check_flags(clause, name, path)


def _check_deadline(clause: DeadlineClause, name: str, path: str) -> None:
    check_not_negative(name, f"{path}.hours", clause.hours)
    if clause.veto_reason not in codes.VETO_REASONS:
        fail(
            name,
            f"{path}.veto_reason",
            f"unknown veto reason {describe(clause.veto_reason)}; "
            f"valid: {choices(codes.VETO_REASONS)}",
        )
    _check_flags(clause, name, path)


def _check_award(clause: AwardClause, name: str, path: str) -> None:
    _check_named_outlets(clause, name, path, "an award clause names the outlets that count")
    if clause.min_items < 1:
        fail(name, f"{path}.min_items", "required for an award clause, at least 1")


#: Each kind's own checks (after the ones every clause has).
CHECKS: Mapping[type[BaseClause], Callable[[Any, str, str], None]] = {
    SubmissionClause: _check_submission,
    AdoptionClause: _check_adoption,
    InstructionClause: _check_instruction,
    ActivityClause: _check_activity,
    RankingClause: _check_ranking,
    GateClause: _check_gate,
    DeadlineClause: _check_deadline,
    AwardClause: _check_award,
}


def validate_clause(clause: Clause, name: str, path: str) -> None:
    """Check one structured clause: what every clause needs, then its kind's checks."""
    _check_base(clause, name, path)
    CHECKS[type(clause)](clause, name, path)
