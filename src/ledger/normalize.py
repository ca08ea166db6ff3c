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
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import attrs

from .codec import _DECIMAL, LEDGER_FIELDS, TIME_FORM, format_time, parse_time
from .events import EVENT_TYPES

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

    loads = orjson.loads
    LoadError: type[Exception] = orjson.JSONDecodeError
except ImportError:  # pragma: no cover - exercised where orjson has no wheel

    def dumps_canonical(obj: dict[str, Any]) -> str:
        """Canonical JSON text: sorted keys, compact, UTF-8 (not ASCII-escaped)."""
        text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        text.encode()  # a lone surrogate has no UTF-8 form: ValueError, as above
        return text

    loads = json.loads
    LoadError = json.JSONDecodeError

_STR, _BOOL, _INT, _DEC, _TIME = range(5)
_KINDS = {str: _STR, bool: _BOOL, int: _INT, Decimal: _DEC, datetime: _TIME}


def _kind(annotation: Any) -> tuple[int, bool]:
    """(value kind, optional) of a field annotation such as ``str | None``."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        (inner,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _KINDS[inner], True
    return _KINDS[annotation], False


def _spec(cls: type) -> tuple[dict[str, tuple[int, bool]], frozenset[str], dict[str, Any]]:
    hints = typing.get_type_hints(cls)
    kinds, required, defaults = {}, set(), {}
    for field in attrs.fields(cls):
        kinds[field.name] = _kind(hints[field.name])
        if field.default is attrs.NOTHING:
            required.add(field.name)
        elif field.default is not None:
            defaults[field.name] = field.default
    return kinds, frozenset(required), defaults


_SPECS = {name: _spec(cls) for name, cls in EVENT_TYPES.items()}


def normalize(obj: Any) -> dict[str, Any] | None:
    """The canonical payload of a valid event object, or None (ask cattrs why)."""
    if type(obj) is not dict:
        return None
    kind_name = obj.get("type")
    spec = _SPECS.get(kind_name) if type(kind_name) is str else None  # a list is unhashable
    if spec is None:
        return None
    kinds, required, defaults = spec
    out: dict[str, Any] = dict(defaults)
    for key, value in obj.items():
        if key == "type" or key in LEDGER_FIELDS:
            continue
        found = kinds.get(key)
        if found is None:
            return None
        kind, optional = found
        if value is None:
            if not optional:
                return None
            out.pop(key, None)
            continue
        vtype = type(value)
        if kind == _STR or kind == _BOOL or kind == _INT:
            if vtype is not (str, bool, int)[kind]:
                return None
            out[key] = value
        elif kind == _DEC:
            if vtype is not str or not _DECIMAL.fullmatch(value):
                return None
            out[key] = format(Decimal(value), "f")  # as codec.format_decimal
        else:
            out[key] = _time(value)
            if out[key] is None:
                return None
    if not required.issubset(out.keys()):
        return None
    out["type"] = obj["type"]
    return out


def _time(value: Any) -> str | None:
    if type(value) is not str:
        return None
    return _canonical_time(value)


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
