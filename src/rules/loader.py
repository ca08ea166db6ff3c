"""Reading ruleset files (the shipped TOML format) into the model of :mod:`rules.model`.

A ruleset file is flat TOML (see ``docs/rules.md``). It is structured with a
strict cattrs converter — decimals only from strings, strings only from
strings, booleans only from booleans, integers only from integers, no unknown
keys — and then checked against the code lists of :mod:`ledger.codes`. Every
failure is a :class:`~rules.errors.RulesError` whose one-line message names the
file and the key path, e.g. ``dalian-2011.toml: clauses[3].points: expected a
decimal string, got 0.5`` (array indices count from 0).
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory, is_mapping, mapping_structure_factory
from cattrs.errors import ForbiddenExtraKeysError

from rules.errors import RulesError
from rules.model import (
    CLAUSE_TRIGGERS,
    ChecklistRuleset,
    Clause,
    InfoEvidence,
    PointsRuleset,
    Ruleset,
    RulesetHeader,
    Source,
    Table,
)
from rules.strict import Strict
from vocabulary import codes

#: The shipped rulesets, in the order `rules list` shows them (RULES.md).
SHIPPED_IDS: tuple[str, ...] = (
    "jiangsu-2016",
    "changzhou-2016",
    "dalian-2011",
    "suzhou-2015",
    "county-targets",
)

FAMILIES = ("points", "checklist")
CAP_WINDOWS = ("quarter",)
ONCE = ("year", "info")
INFO_MEASURES = ("adopted_per_month", "adopted_per_year", "submissions_per_year")

#: Which optional clause fields each trigger uses. A field set on a clause whose
#: trigger ignores it is refused: the replay engine would silently drop it.
_CLAUSE_FIELDS: Mapping[str, frozenset[str]] = {
    "submission": frozenset(
        {"points", "cap", "cap_per", "once", "kinds", "below"}
        | {"urgent", "commissioned", "categories"}
    ),
    "adoption": frozenset(
        {"points", "single", "combined", "cap", "cap_per", "bonus", "once", "outlets"}
        | {"kinds", "below", "urgent", "commissioned", "categories"}
    ),
    "instruction": frozenset(
        {"points", "cap", "cap_per", "once", "levels", "kinds", "below"}
        | {"urgent", "commissioned", "categories"}
    ),
    "activity": frozenset({"points", "cap", "cap_per", "once", "kinds", "below"}),
    "ranking": frozenset({"points", "once", "kinds", "below", "ranking_source", "max_rank"}),
    "gate": frozenset(
        {"outlets", "requires_outlets", "kinds", "below", "urgent", "commissioned", "categories"}
    ),
    "deadline": frozenset(
        {"hours", "veto_reason", "kinds", "below", "urgent", "commissioned", "categories"}
    ),
    "award": frozenset({"outlets", "min_items", "kinds", "below"}),
}
# The fields every clause has; never "not used".
_CLAUSE_ALWAYS = frozenset({"id", "on", "section", "sentence", "interpretation", "summary"})

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")

T = TypeVar("T")


# --------------------------------------------------------------------------- file schemas


@attrs.frozen(kw_only=True)
class SourceFile:
    """``[source]`` of a ruleset file (``number`` may be absent: some documents have none)."""

    document: str
    title: str
    number: str | None = None
    issued: date | None = None


@attrs.frozen(kw_only=True)
class PointsFile:
    """A points ruleset file, before it becomes a :class:`PointsRuleset`."""

    id: str
    family: str
    title: str
    source: SourceFile
    assessed_kinds: tuple[str, ...]
    clauses: tuple[Clause, ...]
    effective_from: date | None = None
    effective_until: date | None = None
    hand_up_to: tuple[str, ...] | None = None
    targets: dict[str, Decimal] = attrs.field(factory=dict)
    notes: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class ChecklistFile:
    """A checklist ruleset file, before it becomes a :class:`ChecklistRuleset`."""

    id: str
    family: str
    title: str
    source: SourceFile
    tables: tuple[Table, ...]
    effective_from: date | None = None
    effective_until: date | None = None
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------- strict converter


class BadValue(ValueError):
    """A value of the wrong type or form; the message is shown as it is."""


def describe(value: object) -> str:
    """A short TOML-flavoured rendering of a bad value for error messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return repr(value)


def canonical_decimal(value: Decimal) -> Decimal:
    """The same number without trailing zeros or exponent ("0.50" -> 0.5, "10.0" -> 10).

    Decimals are canonical from the start so that equal points print, compare and
    fingerprint alike however the file wrote them.
    """
    value = value.normalize()
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        value = value.quantize(Decimal(1))
    return value + 0  # turns -0 into 0


_STRICT = Strict(
    error=BadValue, show=describe, whole_number="an integer", decimal_form_on_type=False
)


def parse_decimal(value: object) -> Decimal:
    """A Decimal from a plain decimal string (``"0.5"``, ``"-2"``); anything else is refused."""
    return canonical_decimal(_STRICT.decimal(value))


def _structure_decimal(value: object, _: type) -> Decimal:
    return parse_decimal(value)


def _structure_date(value: object, _: type) -> date:
    # TOML dates arrive as `date`; revision files (CONTRACT §6) quote them as strings.
    if type(value) is date:
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
        raise BadValue(f"not a valid date: {describe(value)}")
    raise BadValue(f"expected a date (2016-07-01), got {describe(value)}")


def _is_homogeneous_tuple(type_: Any) -> bool:
    args = get_args(type_)
    return get_origin(type_) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_hook_factory(type_: Any, converter: cattrs.BaseConverter) -> Callable[[Any, Any], Any]:
    inner = homogenous_tuple_structure_factory(type_, converter)

    def structure(value: object, target: Any) -> Any:
        # cattrs would happily iterate a string into a tuple of characters.
        if not isinstance(value, list | tuple):
            raise BadValue(f"expected an array, got {describe(value)}")
        return inner(value, target)

    return structure


def _mapping_hook_factory(type_: Any, converter: cattrs.BaseConverter) -> Callable[[Any, Any], Any]:
    inner = mapping_structure_factory(type_, converter)

    def structure(value: object, target: Any) -> Any:
        if not isinstance(value, dict):
            raise BadValue(f"expected a table, got {describe(value)}")
        return inner(value, target)

    return structure


def make_converter() -> cattrs.Converter:
    """The strict converter for ruleset and revision files."""
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    _STRICT.register(converter)
    converter.register_structure_hook(Decimal, _structure_decimal)  # canonical decimals
    converter.register_structure_hook(date, _structure_date)
    converter.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_hook_factory)
    converter.register_structure_hook_factory(is_mapping, _mapping_hook_factory)
    return converter


CONVERTER = make_converter()


def _format_exception(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, BadValue):
        return str(exc)
    if isinstance(exc, ForbiddenExtraKeysError):
        extra = ", ".join(f'"{key}"' for key in sorted(exc.extra_fields))
        valid = ", ".join(field.name for field in attrs.fields(exc.cl))
        noun = "key" if len(exc.extra_fields) == 1 else "keys"
        return f"unknown {noun} {extra} (valid: {valid})"
    if isinstance(exc, KeyError):
        return "required key missing"
    return cattrs.v.format_exception(exc, type_)


def _toml_path(cattrs_path: str) -> str:
    """``$.override['adopt.central'].single`` -> ``override."adopt.central".single``."""

    def key(match: re.Match[str]) -> str:
        name = match.group(1)
        return f".{name}" if _BARE_KEY_RE.fullmatch(name) else f'."{name}"'

    path = re.sub(r"\['((?:[^'\\]|\\.)*)'\]", key, cattrs_path)
    return path.removeprefix("$").removeprefix(".")


def structure_error(exc: BaseException, name: str) -> RulesError:
    """The first cattrs error as a one-line RulesError naming `name` and the key path."""
    lines = cattrs.transform_error(exc, path="$", format_exception=_format_exception)
    # An unknown key is most often a misspelt one: report it before the "missing" it causes.
    lines.sort(key=lambda line: not line.startswith("unknown key"))
    message, _, path = lines[0].rpartition(" @ ")
    path = _toml_path(path)
    more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
    return RulesError(f"{name}: {path}: {message}{more}" if path else f"{name}: {message}{more}")


def structure(data: Mapping[str, Any], cls: type[T], name: str) -> T:
    """Structure TOML data into `cls` with the strict converter, or raise RulesError."""
    try:
        return CONVERTER.structure(data, cls)
    except (cattrs.BaseValidationError, BadValue) as exc:
        raise structure_error(exc, name) from None


# --------------------------------------------------------------------------- unstructuring


def _make_plain_converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    converter.register_unstructure_hook(Decimal, lambda value: str(canonical_decimal(value)))
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_unstructure_hook_factory(
        _is_homogeneous_tuple,
        lambda type_, conv: (
            lambda value: [conv.unstructure(item, get_args(type_)[0]) for item in value]
        ),
    )
    return converter


_PLAIN = _make_plain_converter()


def unstructure(ruleset: Ruleset) -> dict[str, Any]:
    """The ruleset as plain JSON data: Decimals as strings, dates ISO, tuples as lists."""
    data: dict[str, Any] = _PLAIN.unstructure(ruleset, type(ruleset))
    return data


def to_plain(value: Any) -> Any:
    """Any model object (clause, table, item …) as plain JSON data."""
    return _PLAIN.unstructure(value)


# --------------------------------------------------------------------------- reading files


def read_toml(path: Path, name: str) -> dict[str, Any]:
    """Parse a TOML file, naming `name` in any error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RulesError(f"{name}: cannot read the file: {exc.strerror or exc}") from None
    return parse_toml(raw, name)


def parse_toml(raw: bytes, name: str) -> dict[str, Any]:
    """Parse TOML bytes, naming `name` in any error."""
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise RulesError(f"{name}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{name}: invalid TOML: {exc}") from None


def parse_ruleset(data: Mapping[str, Any], name: str) -> Ruleset:
    """A ruleset from the data of a shipped-format file (``family`` = points | checklist)."""
    if "family" not in data:
        raise RulesError(f'{name}: family: required key missing ("points" or "checklist")')
    family = data["family"]
    if family not in FAMILIES:
        raise RulesError(
            f'{name}: family: expected "points" or "checklist", got {describe(family)}'
        )
    if family == "points":
        points = structure(data, PointsFile, name)
        ruleset: Ruleset = PointsRuleset(
            header=_header(points),
            assessed_kinds=points.assessed_kinds,
            hand_up_to=points.assessed_kinds if points.hand_up_to is None else points.hand_up_to,
            clauses=points.clauses,
            targets=dict(points.targets),
            notes=points.notes,
        )
    else:
        checklist = structure(data, ChecklistFile, name)
        ruleset = ChecklistRuleset(
            header=_header(checklist), tables=checklist.tables, notes=checklist.notes
        )
    validate(ruleset, name)
    return ruleset


def _header(file: PointsFile | ChecklistFile) -> RulesetHeader:
    source = Source(
        document=file.source.document,
        number=file.source.number,
        title=file.source.title,
        issued=file.source.issued,
    )
    return RulesetHeader(
        id=file.id,
        title=file.title,
        source=source,
        effective_from=file.effective_from,
        effective_until=file.effective_until,
        lineage=(file.id,),
    )


def read_ruleset(path: Path, name: str | None = None) -> Ruleset:
    """Read a shipped-format ruleset file (no revision, no id checks)."""
    shown = name if name is not None else str(path)
    return parse_ruleset(read_toml(path, shown), shown)


@functools.cache
def load_shipped(ruleset_id: str) -> Ruleset:
    """A shipped ruleset by id, read once from the package data."""
    name = f"{ruleset_id}.toml"
    if ruleset_id not in SHIPPED_IDS:
        raise RulesError(f"{ruleset_id}: not a shipped ruleset ({', '.join(SHIPPED_IDS)})")
    resource = resources.files("rules") / "data" / name
    if not resource.is_file():
        raise RulesError(f"{name}: the shipped ruleset file is missing from the package")
    ruleset = parse_ruleset(parse_toml(resource.read_bytes(), name), name)
    if ruleset.id != ruleset_id:
        raise RulesError(f'{name}: id: expected "{ruleset_id}", got {describe(ruleset.id)}')
    return ruleset


# --------------------------------------------------------------------------- validation


def _fail(name: str, path: str, message: str) -> NoReturn:
    raise RulesError(f"{name}: {path}: {message}")


def _choices(values: Iterable[str]) -> str:
    return ", ".join(values)


def valid_outlet_pattern(pattern: str) -> bool:
    """An outlet code, or ``prefix.*`` matching at least one outlet code."""
    if pattern.endswith(".*"):
        return any(codes.matches(outlet, (pattern,)) for outlet in codes.OUTLETS)
    return pattern in codes.OUTLETS


def check_ident(name: str, path: str, value: str) -> None:
    """Ids are non-empty and carry no whitespace (they appear in reports and file keys)."""
    if not value or any(ch.isspace() for ch in value):
        _fail(name, path, f"expected a non-empty id without spaces, got {describe(value)}")


def check_not_negative(name: str, path: str, value: Decimal | int | None) -> None:
    """Maxima, caps, targets and the like are never negative."""
    if value is not None and value < 0:
        _fail(name, path, f"must not be negative, got {value}")


def validate(ruleset: Ruleset, name: str) -> None:
    """Check a structured ruleset against the code lists and its own consistency."""
    header = ruleset.header
    check_ident(name, "id", header.id)
    _check_text(name, "title", header.title)
    _check_text(name, "source.document", header.source.document)
    if (
        header.effective_from is not None
        and header.effective_until is not None
        and header.effective_until < header.effective_from
    ):
        _fail(
            name,
            "effective_until",
            f"{header.effective_until} is before effective_from {header.effective_from}",
        )
    if isinstance(ruleset, PointsRuleset):
        _validate_points(ruleset, name)
    else:
        _validate_checklist(ruleset, name)


def _check_text(name: str, path: str, value: str) -> None:
    if not value.strip():
        _fail(name, path, "must not be empty")


def _check_codes(
    name: str, path: str, values: Iterable[str], valid: Mapping[str, object], what: str
) -> None:
    for index, value in enumerate(values):
        if value not in valid:
            _fail(
                name,
                f"{path}[{index}]",
                f"unknown {what} {describe(value)}; valid: {_choices(valid)}",
            )


def _check_outlets(name: str, path: str, patterns: Iterable[str]) -> None:
    for index, pattern in enumerate(patterns):
        if not valid_outlet_pattern(pattern):
            _fail(
                name,
                f"{path}[{index}]",
                f"{describe(pattern)} is not an outlet code nor a pattern matching one "
                f'(e.g. "province.union.*"); outlets: {_choices(codes.OUTLETS)}',
            )


def check_target_key(name: str, path: str, key: str) -> None:
    """Target keys are unit kinds or department codes."""
    if key not in codes.UNIT_KINDS and key not in codes.DEPARTMENTS:
        _fail(
            name,
            path,
            f"{describe(key)} is neither a unit kind ({_choices(codes.UNIT_KINDS)}) "
            f"nor a department code ({_choices(codes.DEPARTMENTS)})",
        )


def _validate_points(ruleset: PointsRuleset, name: str) -> None:
    if not ruleset.assessed_kinds:
        _fail(name, "assessed_kinds", "must name at least one unit kind")
    _check_codes(name, "assessed_kinds", ruleset.assessed_kinds, codes.UNIT_KINDS, "unit kind")
    _check_codes(name, "hand_up_to", ruleset.hand_up_to, codes.UNIT_KINDS, "unit kind")
    for key, value in ruleset.targets.items():
        path = f"targets.{toml_key(key)}"
        check_target_key(name, path, key)
        check_not_negative(name, path, value)
    if not ruleset.clauses:
        _fail(name, "clauses", "a points ruleset needs at least one clause")
    seen: dict[str, int] = {}
    for index, clause in enumerate(ruleset.clauses):
        path = f"clauses[{index}]"
        if clause.id in seen:
            _fail(
                name, f"{path}.id", f'"{clause.id}" is already the id of clauses[{seen[clause.id]}]'
            )
        seen[clause.id] = index
        _validate_clause(clause, name, path)


def toml_key(key: str) -> str:
    """A TOML key as written in a path: bare where it can be, quoted otherwise."""
    return key if _BARE_KEY_RE.fullmatch(key) else f'"{key}"'


def _validate_clause(clause: Clause, name: str, path: str) -> None:
    check_ident(name, f"{path}.id", clause.id)
    if clause.on not in CLAUSE_TRIGGERS:
        _fail(
            name,
            f"{path}.on",
            f"unknown trigger {describe(clause.on)}; valid: {_choices(CLAUSE_TRIGGERS)}",
        )
    _check_text(name, f"{path}.section", clause.section)
    _check_text(name, f"{path}.sentence", clause.sentence)

    # Fields the trigger does not use must keep their defaults.
    used = _CLAUSE_FIELDS[clause.on] | _CLAUSE_ALWAYS
    for field in attrs.fields(Clause):
        if field.name not in used and getattr(clause, field.name) != field.default:
            _fail(name, f"{path}.{field.name}", f'not used by a clause on "{clause.on}"')

    _check_outlets(name, f"{path}.outlets", clause.outlets)
    _check_outlets(name, f"{path}.requires_outlets", clause.requires_outlets)
    _check_codes(name, f"{path}.levels", clause.levels, codes.LEVELS, "leader level")
    _check_codes(name, f"{path}.kinds", clause.kinds, codes.UNIT_KINDS, "unit kind")
    _check_codes(name, f"{path}.below", clause.below, codes.UNIT_KINDS, "unit kind")
    _check_codes(name, f"{path}.categories", clause.categories, codes.CATEGORIES, "category")
    if clause.veto_reason is not None and clause.veto_reason not in codes.VETO_REASONS:
        _fail(
            name,
            f"{path}.veto_reason",
            f"unknown veto reason {describe(clause.veto_reason)}; "
            f"valid: {_choices(codes.VETO_REASONS)}",
        )
    if clause.cap_per is not None and clause.cap_per not in CAP_WINDOWS:
        _fail(name, f"{path}.cap_per", f"expected one of {_choices(CAP_WINDOWS)}")
    if clause.once is not None and clause.once not in ONCE:
        _fail(name, f"{path}.once", f"expected one of {_choices(ONCE)}")
    if (clause.cap is None) != (clause.cap_per is None):
        _fail(name, f"{path}.cap", "cap and cap_per go together")
    check_not_negative(name, f"{path}.cap", clause.cap)
    check_not_negative(name, f"{path}.hours", clause.hours)

    # What each trigger needs to be interpretable.
    if clause.on == "adoption":
        if clause.points is None and clause.single is None:
            _fail(name, path, "an adoption clause needs points, or single (and combined)")
        if clause.points is not None and clause.single is not None:
            _fail(name, f"{path}.single", "give either points or single/combined, not both")
        if clause.combined is not None and clause.single is None:
            _fail(name, f"{path}.combined", "combined needs single")
        if not clause.outlets:
            _fail(name, f"{path}.outlets", "an adoption clause names its outlets")
    elif clause.on in ("submission", "instruction", "activity", "ranking"):
        if clause.points is None:
            _fail(name, f"{path}.points", f'required for a clause on "{clause.on}"')
    if clause.on == "instruction" and not clause.levels:
        _fail(name, f"{path}.levels", "an instruction clause names its leader levels")
    if clause.on == "gate" and not clause.outlets:
        _fail(name, f"{path}.outlets", "a gate names the outlets it conditions")
    if clause.on == "ranking":
        if clause.ranking_source is None:
            _fail(name, f"{path}.ranking_source", "required for a ranking clause")
        if clause.max_rank is None or clause.max_rank < 1:
            _fail(name, f"{path}.max_rank", "required for a ranking clause, at least 1")
    if clause.on == "deadline" and (clause.hours is None or clause.veto_reason is None):
        _fail(name, path, "a deadline clause needs hours and veto_reason")
    if clause.on == "award":
        if clause.min_items is None or clause.min_items < 1:
            _fail(name, f"{path}.min_items", "required for an award clause, at least 1")
        if not clause.outlets:
            _fail(name, f"{path}.outlets", "an award clause names the outlets that count")


def _validate_checklist(ruleset: ChecklistRuleset, name: str) -> None:
    if not ruleset.tables:
        _fail(name, "tables", "a checklist ruleset needs at least one table")
    table_ids: dict[str, int] = {}
    for t_index, table in enumerate(ruleset.tables):
        t_path = f"tables[{t_index}]"
        check_ident(name, f"{t_path}.id", table.id)
        if table.id in table_ids:
            _fail(name, f"{t_path}.id", f'"{table.id}" is already tables[{table_ids[table.id]}]')
        table_ids[table.id] = t_index
        _check_text(name, f"{t_path}.title", table.title)
        if not table.categories:
            _fail(name, f"{t_path}.categories", "a table needs at least one category")
        numbers: set[int] = set()
        items: set[str] = set()
        for c_index, category in enumerate(table.categories):
            c_path = f"{t_path}.categories[{c_index}]"
            if category.number in numbers:
                _fail(name, f"{c_path}.number", f"category {category.number} appears twice")
            numbers.add(category.number)
            _check_text(name, f"{c_path}.name", category.name)
            check_not_negative(name, f"{c_path}.max", category.max)
            if not category.items:
                _fail(name, f"{c_path}.items", "a category needs at least one item")
            for i_index, item in enumerate(category.items):
                i_path = f"{c_path}.items[{i_index}]"
                if not item.number.startswith(f"{category.number}."):
                    _fail(
                        name,
                        f"{i_path}.number",
                        f'"{item.number}" does not start with its category number '
                        f'"{category.number}."',
                    )
                if item.number in items:
                    _fail(name, f"{i_path}.number", f'"{item.number}" appears twice in {table.id}')
                items.add(item.number)
                _check_text(name, f"{i_path}.text", item.text)
                check_not_negative(name, f"{i_path}.max", item.max)
                check_not_negative(name, f"{i_path}.per_absence", item.per_absence)
                if item.info is not None:
                    _validate_info(item.info, name, f"{i_path}.info")
            # The printed category and table maxima are sums: a mismatch is a typo.
            item_sum = sum((item.max for item in category.items), Decimal(0))
            if item_sum != category.max:
                _fail(
                    name,
                    f"{c_path}.max",
                    f"{category.max} is not the sum of its items ({item_sum})",
                )
        category_sum = sum((category.max for category in table.categories), Decimal(0))
        if category_sum != table.total:
            _fail(
                name,
                f"{t_path}.total",
                f"{table.total} is not the sum of its categories ({category_sum})",
            )


def _validate_info(info: InfoEvidence, name: str, path: str) -> None:
    if info.measure not in INFO_MEASURES:
        _fail(name, f"{path}.measure", f"expected one of {_choices(INFO_MEASURES)}")
    check_not_negative(name, f"{path}.threshold", info.threshold)
