"""The import fast path: a JSON object straight to its canonical payload dict.

cattrs (``ledger.codec``) is the reference: it builds event objects and words
the error messages. Building and unbuilding an attrs object per line costs
~23 µs, most of an import's budget, so bulk import first tries this
table-driven check, which accepts exactly what cattrs accepts and yields
exactly ``unstructure(structure(obj))`` (held by a property test). Anything it
does not accept is handed to cattrs, which says what is wrong.
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import attrs

from rules.strict import EXACT_DECIMAL, EXACT_RULE, INT_MAX, INT_MIN, is_exact

from .codec import LEDGER_FIELDS, TIME_FORM, format_time, parse_time
from .events import EVENT_TYPES, Event

loads: Callable[[str | bytes], Any]  # orjson's, else json's: both take text or bytes
try:  # orjson: 2.7x faster loads/dumps, byte-identical canonical text (tested)
    import orjson

    def dumps_canonical(obj: dict[str, Any]) -> str:
        """Canonical JSON text: sorted keys, compact, UTF-8 (not ASCII-escaped).

        Raises ValueError when the object has no UTF-8 text (a lone surrogate).
        """
        try:
            return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS).decode()
        except orjson.JSONEncodeError:
            # orjson refuses integers beyond 64 bits, which json writes; a lone
            # surrogate fails both ways and surfaces as UnicodeEncodeError.
            text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            text.encode()
            return text

    def dumps_bytes(obj: Any) -> bytes:
        """Compact JSON bytes of a decoded value, in the order it was read."""
        try:
            return orjson.dumps(obj)
        except orjson.JSONEncodeError:  # integers beyond 64 bits (from json or the API)
            return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()

    loads = orjson.loads
    LoadError: type[Exception] = orjson.JSONDecodeError
except ImportError:  # pragma: no cover - exercised where orjson has no wheel

    def dumps_canonical(obj: dict[str, Any]) -> str:
        """Canonical JSON text: sorted keys, compact, UTF-8 (not ASCII-escaped)."""
        text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        text.encode()  # a lone surrogate has no UTF-8 form: ValueError, as above
        return text

    def dumps_bytes(obj: Any) -> bytes:
        """Compact JSON bytes of a decoded value, in the order it was read."""
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()

    loads = json.loads
    LoadError = json.JSONDecodeError

_STRICT = (str, bool, int)  # kinds checked by exact type; Decimal and datetime are texts


def _kind(annotation: Any) -> tuple[type, bool]:
    """(value type, optional) of a field annotation such as ``str | None``.

    A code (a ``Literal`` of ``vocabulary.codes``) is a ``str`` here, as in cattrs; whether
    it is a listed code is ``ledger.validate``'s check.
    """
    optional = False
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        (annotation,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = True
    if typing.get_origin(annotation) is typing.Literal:
        return str, optional
    return annotation, optional


@attrs.frozen
class _Spec:
    """What one event type accepts: each field's type, which are required, their defaults."""

    kinds: dict[str, tuple[type, bool]]
    required: frozenset[str]
    defaults: dict[str, Any]


def _spec(cls: type) -> _Spec:
    hints = typing.get_type_hints(cls)
    kinds, required, defaults = {}, set(), {}
    for field in attrs.fields(cls):
        kinds[field.name] = _kind(hints[field.name])
        if field.default is attrs.NOTHING:
            required.add(field.name)
        elif field.default is not None:
            defaults[field.name] = field.default
    return _Spec(kinds, frozenset(required), defaults)


_SPECS = {name: _spec(cls) for name, cls in EVENT_TYPES.items()}


def event_fields(event_type: str) -> list[tuple[str, type, bool]]:
    """``(field, value type, required)`` of an event type, in declaration order.

    A code is a ``str``; a decimal is ``Decimal`` and a time ``datetime`` (both written
    as strings in JSON). ``type`` itself is not listed. Spreadsheet import reads cells by
    these types, so it accepts exactly the fields the JSON Lines path does.
    """
    spec = _SPECS[event_type]
    return [(name, kind, name in spec.required) for name, (kind, _) in spec.kinds.items()]


_WHAT = {
    str: "a string",
    bool: "True or False",
    int: "an int",
    Decimal: "a finite Decimal (never a float)",
    datetime: "a datetime",
}
_JSONISH = (str, int, float, bool, list, dict)  # their repr does not name the type


def type_problems(event: Event) -> list[tuple[str, str]]:
    """``(field, message)`` for each value of an event object that is not of its declared type.

    attrs does not check types, and the JSON hooks would quietly turn a float into a
    six-digit decimal string (``0.1234567 -> "0.123457"``): an event object gets this
    check before it is encoded.
    """
    spec = _SPECS.get(event.TYPE)
    if spec is None:  # the base class Event, or a subclass that names no type of the ledger
        kinds = ", ".join(cls.__name__ for cls in EVENT_TYPES.values())
        return [("type", f"{type(event).__name__} is not an event type; expected one of {kinds}")]
    problems = []
    for name, (kind, optional) in spec.kinds.items():
        value = getattr(event, name)
        if value is None:
            ok = optional
        elif kind is Decimal:
            ok = type(value) is Decimal and value.is_finite()
            if ok and not is_exact(value):
                problems.append((name, f"{value} cannot be held exactly: {EXACT_RULE}"))
                continue
        elif kind is datetime:
            ok = isinstance(value, datetime)
        else:
            ok = type(value) is kind
            if ok and kind is int and not INT_MIN <= value <= INT_MAX:
                problems.append((name, "expected an int, got one beyond 64 bits"))
                continue
        if not ok:
            shown = f"{type(value).__name__} {value!r}" if type(value) in _JSONISH else repr(value)
            problems.append((name, f"expected {_WHAT[kind]}, got {shown}"))
    return problems


@attrs.frozen
class _Plan:
    """How to check an object with one particular list of keys (a producer repeats its own)."""

    defaults: dict[str, Any]
    dropped: tuple[str, ...]  # "type" aside, keys the payload does not keep (seq, hash, ...)
    strict: tuple[tuple[str, type], ...]  # present str/bool/int fields and their type
    texts: tuple[tuple[str, type], ...]  # present Decimal and datetime fields
    optional: frozenset[str]  # present fields that may be null


def _plan(spec: _Spec, keys: tuple[Any, ...]) -> _Plan | None:
    """The plan for these keys, or None when one is unknown or a required one is missing."""
    dropped: list[str] = []
    strict: list[tuple[str, type]] = []
    texts: list[tuple[str, type]] = []
    optional: set[str] = set()
    for key in keys:
        if key == "type":
            continue
        if key in LEDGER_FIELDS:
            dropped.append(key)
            continue
        found = spec.kinds.get(key)
        if found is None:
            return None
        kind, may_be_null = found
        (strict if kind in _STRICT else texts).append((key, kind))
        if may_be_null:
            optional.add(key)
    if not spec.required.issubset(keys):
        return None
    return _Plan(spec.defaults, tuple(dropped), tuple(strict), tuple(texts), frozenset(optional))


_PLANS: dict[tuple[Any, ...], _Plan | None] = {}


def normalize(obj: Any) -> dict[str, Any] | None:
    """The canonical payload of a valid event object, or None (ask cattrs why)."""
    if type(obj) is not dict:
        return None
    kind_name = obj.get("type")
    spec = _SPECS.get(kind_name) if type(kind_name) is str else None  # a list is unhashable
    if spec is None:
        return None
    keys = (kind_name, *obj)
    try:
        plan = _PLANS[keys]
    except KeyError:
        if len(_PLANS) > 4096:  # key orders are few per producer; never let a stream grow it
            _PLANS.clear()
        plan = _PLANS[keys] = _plan(spec, keys[1:])
    if plan is None:
        return None
    out = dict(plan.defaults)
    out.update(obj)
    for key in plan.dropped:
        del out[key]
    for key, kind in plan.strict:
        value = out[key]
        if type(value) is not kind:
            if value is None and key in plan.optional:
                del out[key]  # null means absent, as cattrs reads an optional field
                continue
            return None
        if type(value) is int and not INT_MIN <= value <= INT_MAX:
            return None
    for key, kind in plan.texts:
        value = out[key]
        if value is None:
            if key not in plan.optional:
                return None
            del out[key]
        elif kind is Decimal:
            if type(value) is not str or not EXACT_DECIMAL.fullmatch(value):
                return None
            out[key] = format(Decimal(value), "f")  # as codec.format_decimal
        else:
            text = _time(value)
            if text is None:
                return None
            out[key] = text
    return out


#: The common naive forms, minute or second (``2016-03-01T09:30[:15]``): texts too many to
#: cache (a year has 525,600 minutes), so they are checked and completed arithmetically.
_NAIVE_CLOCK = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?")


#: Canonical texts of the times seen lately, valid ones only: a log repeats its times (a
#: day's items share a few hours), and a hit costs a tenth of checking the text again.
#: Bounded (emptied when full) like _PLANS, so a stream of distinct times cannot grow it.
_SEEN_TIMES: dict[str, str] = {}
_SEEN_TIMES_MAX = 1 << 14


def _time(value: Any) -> str | None:
    if type(value) is not str:
        return None
    text = _SEEN_TIMES.get(value)
    if text is None:
        text = _check_time(value)
        if text is not None:
            if len(_SEEN_TIMES) >= _SEEN_TIMES_MAX:
                _SEEN_TIMES.clear()
            _SEEN_TIMES[value] = text
    return text


def _check_time(value: str) -> str | None:
    """The canonical +08:00 text of a time string, or None when it is not a valid time."""
    if _NAIVE_CLOCK.fullmatch(value):
        seconds = value[17:] or "00"
        if (
            value[11:13] < "24"
            and value[14:16] < "60"
            and seconds < "60"
            and _valid_date(value[:10])
        ):
            # No offset means +08:00 (CONTRACT §2); isoformat() always writes the seconds.
            return f"{value[:16]}:{seconds}+08:00"
        return None
    return _canonical_time(value)


@lru_cache(maxsize=1 << 12)
def _valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)  # range check: 2016-02-30 is refused
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1 << 16)
def _canonical_time(value: str) -> str | None:
    """Canonical +08:00 text of a time string, or None. Cached: logs repeat their dates."""
    if not TIME_FORM.fullmatch(value):
        return None
    try:
        if len(value) == 10:
            date.fromisoformat(value)  # range check: 2016-02-30 is refused
            return value + "T00:00:00+08:00"
        if value[-1] != "Z" and value[-6] not in "+-":
            # No offset means +08:00 (CONTRACT §2): no conversion, only the text.
            return datetime.fromisoformat(value).isoformat() + "+08:00"
        return format_time(parse_time(value))
    except ValueError:
        return None
