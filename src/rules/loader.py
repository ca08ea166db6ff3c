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
import re
import tomllib
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory, is_mapping, mapping_structure_factory
from cattrs.errors import ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from rules.checks import (
    BadValue,
    check_codes,
    check_ident,
    check_not_negative,
    check_text,
    choices,
    describe,
    fail,
    quoted,
)
from rules.clauses import register_clause_hook, validate_clause
from rules.errors import RulesError, UnknownRuleset
from rules.model import (
    Category,
    ChecklistRuleset,
    Clause,
    DeadlineClause,
    InfoEvidence,
    PointsRuleset,
    Ruleset,
    RulesetHeader,
    Source,
    Table,
)
from rules.strict import Strict
from vocabulary import codes
from vocabulary.suggest import close_match, did_you_mean

#: The shipped rulesets, in the order `rules list` shows them (RULES.md).
SHIPPED_IDS: tuple[str, ...] = (
    "jiangsu-2016",
    "changzhou-2016",
    "dalian-2011",
    "suzhou-2015",
    "county-targets",
)

FAMILIES = ("points", "checklist")
INFO_MEASURES = ("adopted_per_month", "adopted_per_year", "submissions_per_year")

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


def _guarded(
    inner: Callable[[Any, Any], Any], accepted: type | tuple[type, ...], expected: str
) -> Callable[[Any, Any], Any]:
    """`inner`, run only on a value of the TOML type it structures: left alone, cattrs would
    iterate a string into a tuple of characters, or call .keys() on an array or a string
    and say "unknown error"."""

    def structure(value: object, target: Any) -> Any:
        if not isinstance(value, accepted):
            raise BadValue(f"expected {expected}, got {describe(value)}")
        return inner(value, target)

    return structure


def _tuple_hook_factory(type_: Any, converter: cattrs.BaseConverter) -> Callable[[Any, Any], Any]:
    inner = homogenous_tuple_structure_factory(type_, converter)
    return _guarded(inner, (list, tuple), "an array")


def _mapping_hook_factory(type_: Any, converter: cattrs.BaseConverter) -> Callable[[Any, Any], Any]:
    return _guarded(mapping_structure_factory(type_, converter), dict, "a table")


def _record_hook_factory(type_: Any, converter: cattrs.BaseConverter) -> Callable[[Any, Any], Any]:
    return _guarded(make_dict_structure_fn(type_, converter), dict, "a table")


def _is_literal(type_: Any) -> bool:
    return get_origin(type_) is Literal


def _structure_literal(value: object, type_: Any) -> object:
    # One of a closed list of words (cap_per, once): say which.
    allowed = get_args(type_)
    if isinstance(value, str) and value in allowed:
        return value
    raise BadValue(f"expected one of {choices(allowed)}")


def make_converter() -> cattrs.Converter:
    """The strict converter for ruleset and revision files."""
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    _STRICT.register(converter)
    converter.register_structure_hook(Decimal, _structure_decimal)  # canonical decimals
    converter.register_structure_hook(date, _structure_date)
    converter.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_hook_factory)
    converter.register_structure_hook_factory(is_mapping, _mapping_hook_factory)
    converter.register_structure_hook_factory(attrs.has, _record_hook_factory)
    converter.register_structure_hook_func(_is_literal, _structure_literal)
    register_clause_hook(converter)
    return converter


CONVERTER = make_converter()


def _format_exception(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, BadValue):
        return str(exc)
    if isinstance(exc, ForbiddenExtraKeysError):
        extra = ", ".join(quoted(key) for key in sorted(exc.extra_fields))
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
        return f".{name}" if _BARE_KEY_RE.fullmatch(name) else f'."{name}"'  # repr-escaped

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
    plain_deadline = make_dict_unstructure_fn(DeadlineClause, converter)
    # A deadline reads urgent submissions only: that is part of what the clause says, so
    # its plain form (and the ruleset's fingerprint) keeps saying it, though no file may.
    converter.register_unstructure_hook(
        DeadlineClause, lambda clause: {**plain_deadline(clause), "urgent": clause.urgent}
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
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise RulesError(
            f"{name}: invalid TOML: nested too deeply (a ruleset or revision nests a few levels)"
        ) from None


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


def unknown_ruleset(ref: str, message: str) -> UnknownRuleset:
    """The error for a reference `ref` to no ruleset: `message` ends with a did-you-mean
    when a shipped id is close, which the error also carries as its `suggestion`."""
    return UnknownRuleset(
        f"{message}{did_you_mean(ref, SHIPPED_IDS)}",
        ref,
        close_match(ref, SHIPPED_IDS),
        SHIPPED_IDS,
    )


@functools.cache
def load_shipped(ruleset_id: str) -> Ruleset:
    """A shipped ruleset by id, read once from the package data."""
    name = f"{ruleset_id}.toml"
    if ruleset_id not in SHIPPED_IDS:
        raise unknown_ruleset(
            ruleset_id, f"{ruleset_id}: not a shipped ruleset ({', '.join(SHIPPED_IDS)})"
        )
    resource = resources.files("rules") / "data" / name
    if not resource.is_file():
        raise RulesError(f"{name}: the shipped ruleset file is missing from the package")
    ruleset = parse_ruleset(parse_toml(resource.read_bytes(), name), name)
    if ruleset.id != ruleset_id:
        raise RulesError(f'{name}: id: expected "{ruleset_id}", got {describe(ruleset.id)}')
    return ruleset


# --------------------------------------------------------------------------- validation


def validate(ruleset: Ruleset, name: str) -> None:
    """Check a structured ruleset against the code lists and its own consistency."""
    header = ruleset.header
    check_ident(name, "id", header.id)
    check_text(name, "title", header.title)
    check_text(name, "source.document", header.source.document)
    if (
        header.effective_from is not None
        and header.effective_until is not None
        and header.effective_until < header.effective_from
    ):
        fail(
            name,
            "effective_until",
            f"{header.effective_until} is before effective_from {header.effective_from}",
        )
    if isinstance(ruleset, PointsRuleset):
        _validate_points(ruleset, name)
    else:
        _validate_checklist(ruleset, name)


def check_target_key(name: str, path: str, key: str) -> None:
    """Target keys are unit kinds or department codes."""
    if key not in codes.UNIT_KINDS and key not in codes.DEPARTMENTS:
        fail(
            name,
            path,
            f"{describe(key)} is neither a unit kind ({choices(codes.UNIT_KINDS)}) "
            f"nor a department code ({choices(codes.DEPARTMENTS)})",
        )


def _validate_points(ruleset: PointsRuleset, name: str) -> None:
    if not ruleset.assessed_kinds:
        fail(name, "assessed_kinds", "must name at least one unit kind")
    check_codes(name, "assessed_kinds", ruleset.assessed_kinds, codes.UNIT_KINDS, "unit kind")
    check_codes(name, "hand_up_to", ruleset.hand_up_to, codes.UNIT_KINDS, "unit kind")
    for key, value in ruleset.targets.items():
        path = f"targets.{toml_key(key)}"
        check_target_key(name, path, key)
        check_not_negative(name, path, value)
    if not ruleset.clauses:
        fail(name, "clauses", "a points ruleset needs at least one clause")
    seen: dict[str, int] = {}
    for index, clause in enumerate(ruleset.clauses):
        path = f"clauses[{index}]"
        if clause.id in seen:
            fail(
                name, f"{path}.id", f'"{clause.id}" is already the id of clauses[{seen[clause.id]}]'
            )
        seen[clause.id] = index
        validate_clause(clause, name, path)


def toml_key(key: str) -> str:
    """A TOML key as written in a path: bare where it can be, quoted otherwise."""
    return key if _BARE_KEY_RE.fullmatch(key) else quoted(key)


def _validate_checklist(ruleset: ChecklistRuleset, name: str) -> None:
    if not ruleset.tables:
        fail(name, "tables", "a checklist ruleset needs at least one table")
    table_ids: dict[str, int] = {}
    for t_index, table in enumerate(ruleset.tables):
        t_path = f"tables[{t_index}]"
        check_ident(name, f"{t_path}.id", table.id)
        if table.id in table_ids:
            fail(name, f"{t_path}.id", f'"{table.id}" is already tables[{table_ids[table.id]}]')
        table_ids[table.id] = t_index
        _validate_table(table, name, t_path)


def _validate_table(table: Table, name: str, t_path: str) -> None:
    check_text(name, f"{t_path}.title", table.title)
    if not table.categories:
        fail(name, f"{t_path}.categories", "a table needs at least one category")
    numbers: set[int] = set()
    items: set[str] = set()
    for c_index, category in enumerate(table.categories):
        c_path = f"{t_path}.categories[{c_index}]"
        if category.number in numbers:
            fail(name, f"{c_path}.number", f"category {category.number} appears twice")
        numbers.add(category.number)
        _validate_category(category, table.id, items, name, c_path)
        _check_sum(name, f"{c_path}.max", category.max, [i.max for i in category.items], "items")
    maxima = [category.max for category in table.categories]
    _check_sum(name, f"{t_path}.total", table.total, maxima, "categories")


def _check_sum(name: str, path: str, stated: Decimal, parts: list[Decimal], what: str) -> None:
    # The printed category and table maxima are sums: a mismatch is a typo.
    total = sum(parts, Decimal(0))
    if total != stated:
        fail(name, path, f"{stated} is not the sum of its {what} ({total})")


def _validate_category(
    category: Category, table_id: str, items: set[str], name: str, c_path: str
) -> None:
    """One category's own fields and its items (`items`: the table's numbers so far)."""
    check_text(name, f"{c_path}.name", category.name)
    check_not_negative(name, f"{c_path}.max", category.max)
    if not category.items:
        fail(name, f"{c_path}.items", "a category needs at least one item")
    for i_index, item in enumerate(category.items):
        i_path = f"{c_path}.items[{i_index}]"
        if not item.number.startswith(f"{category.number}."):
            fail(
                name,
                f"{i_path}.number",
                f'"{item.number}" does not start with its category number "{category.number}."',
            )
        if item.number in items:
            fail(name, f"{i_path}.number", f'"{item.number}" appears twice in {table_id}')
        items.add(item.number)
        check_text(name, f"{i_path}.text", item.text)
        check_not_negative(name, f"{i_path}.max", item.max)
        check_not_negative(name, f"{i_path}.per_absence", item.per_absence)
        if item.info is not None:
            _validate_info(item.info, name, f"{i_path}.info")


def _validate_info(info: InfoEvidence, name: str, path: str) -> None:
    if info.measure not in INFO_MEASURES:
        fail(name, f"{path}.measure", f"expected one of {choices(INFO_MEASURES)}")
    check_not_negative(name, f"{path}.threshold", info.threshold)
