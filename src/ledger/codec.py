"""JSON form of events: strict structuring (no silent coercion) and canonical output.

The converter refuses what cattrs would otherwise coerce (``1.9 -> 1``,
``None -> "None"``, ``"x" -> True``); decimals come only from strings. Errors
come back as ``(field, message)`` pairs so the importer can print
``FILE:LINE: field: message``.
"""

from __future__ import annotations

import json
import re
import typing
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Literal

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError
from cattrs.preconf.json import make_converter

from rules.strict import Strict
from vocabulary.suggest import did_you_mean

from .events import EVENT_TYPES, AnyEvent, Event

#: China Standard Time. Fixed offset: Asia/Shanghai has kept +08:00 since 1991,
#: and a fixed offset needs no tz database on the user's machine.
CST = timezone(timedelta(hours=8), "+08:00")

#: What CONTRACT §2 allows for `at`: a date, or a date-time with an optional offset.
TIME_FORM = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?"
)


class FieldError(ValueError):
    """A value of the wrong form; the message says what was expected."""


def parse_decimal(value: Any) -> Decimal:
    """A Decimal from a decimal string such as ``"0.5"`` or ``"-2"``; floats are refused."""
    return _STRICT.decimal(value)


def parse_time(value: Any) -> datetime:
    """An aware datetime from ``YYYY-MM-DD`` (00:00) or ISO-8601; no offset means +08:00."""
    if type(value) is not str or not TIME_FORM.fullmatch(value):
        raise FieldError(f"expected a date YYYY-MM-DD or an ISO-8601 date-time, got {_show(value)}")
    try:
        if len(value) == 10:
            parsed = datetime.combine(date.fromisoformat(value), datetime.min.time())
        else:
            parsed = datetime.fromisoformat(value)
    except ValueError:
        raise FieldError(
            f"expected a date YYYY-MM-DD or an ISO-8601 date-time, got {_show(value)}"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=CST)
    try:
        if parsed.year in (1, 9999):  # 0001-01-01T00:00+01:00 has no +08:00 form: say so here
            parsed.astimezone(CST)
    except OverflowError:
        raise FieldError(
            f"expected a time within years 1 … 9999 in +08:00, got {_show(value)}"
        ) from None
    return parsed


def format_time(value: datetime) -> str:
    """The canonical text of a business time: ISO-8601 in +08:00 (naive means +08:00)."""
    if value.tzinfo is None:  # not the machine's local zone: CONTRACT §2 fixes +08:00
        value = value.replace(tzinfo=CST)
    return value.astimezone(CST).isoformat()


def format_decimal(value: Decimal) -> str:
    """Plain notation (``"0.0000001"``, never ``"1E-7"``), so an export re-imports."""
    return format(value, "f")


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False) if _jsonable(value) else repr(value)
    except ValueError:  # Python prints no int of over 4,300 digits (an API caller's value)
        text = "a number of thousands of digits"
    except RecursionError:
        text = "a value nested too deeply"
    return text if len(text) <= 40 else text[:37] + "..."


def _jsonable(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | list | dict)


def _is_code(annotation: Any) -> bool:
    return typing.get_origin(annotation) is Literal


_STRICT = Strict(
    error=FieldError, show=_show, whole_number="a whole number", decimal_form_on_type=True
)


def _make() -> cattrs.Converter:
    conv = make_converter(forbid_extra_keys=True, detailed_validation=True)
    _STRICT.register(conv)
    # A code field (a Literal of vocabulary.codes) is read as a string here; whether it is
    # a listed code is ledger.validate's check, whose message lists the codes.
    conv.register_structure_hook_func(_is_code, _STRICT.text)
    conv.register_structure_hook(datetime, lambda v, _: parse_time(v))
    conv.register_unstructure_hook(Decimal, format_decimal)
    conv.register_unstructure_hook(datetime, format_time)
    return conv


converter = _make()

#: Fields the export adds; an exported file re-imports, and these are set anew.
LEDGER_FIELDS = frozenset({"seq", "recorded_at", "recorded_by", "hash", "prev_hash"})


def structure(obj: Any) -> tuple[AnyEvent | None, list[tuple[str, str]]]:
    """Turn a decoded JSON object into an event, or into ``(field, message)`` errors.

    A missing ``id`` must have been filled in by the caller (ids are generated
    at import so that a batch is deterministic once read).
    """
    if not isinstance(obj, dict):
        return None, [("", f"expected a JSON object, got {_show(obj)}")]
    kind = obj.get("type")
    if kind is None:
        return None, [("type", "required field missing")]
    cls = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        return None, [
            (
                "type",
                f"unknown type {_show(kind)}; expected one of {', '.join(EVENT_TYPES)}"
                f"{did_you_mean(kind, EVENT_TYPES)}",
            )
        ]
    body = {k: v for k, v in obj.items() if k != "type" and k not in LEDGER_FIELDS}
    try:
        return converter.structure(body, cls), []
    except ClassValidationError as exc:
        return None, list(_flatten(exc))


def _flatten(exc: BaseException, prefix: str = "") -> Any:
    """Yield (field, message) for every leaf of a cattrs exception group."""
    if isinstance(exc, ForbiddenExtraKeysError):
        known = [field.name for field in attrs.fields(exc.cl)]
        for key in sorted(exc.extra_fields):
            yield (prefix + key, f"unknown field{did_you_mean(key, known)}")
        return
    if isinstance(exc, ExceptionGroup):
        for sub in exc.exceptions:
            note = next((n for n in getattr(sub, "__notes__", []) if n), "")
            name = getattr(note, "name", None)
            field = prefix + name if isinstance(name, str) else prefix
            if isinstance(sub, ExceptionGroup | ForbiddenExtraKeysError):
                yield from _flatten(sub, field + "." if field else "")
            elif isinstance(sub, KeyError):
                yield (field, "required field missing")
            elif isinstance(sub, FieldError):
                yield (field, str(sub))
            else:
                yield (field, f"invalid value ({type(sub).__name__}: {sub})")
        return
    yield (prefix.rstrip("."), str(exc))


def unstructure(event: Event) -> dict[str, Any]:
    """The canonical JSON object of an event: ``type`` first, absent optionals omitted."""
    body = converter.unstructure(event)
    out: dict[str, Any] = {"type": event.TYPE}
    out.update((k, v) for k, v in body.items() if v is not None)
    return out


def canonical_json(obj: dict[str, Any]) -> str:
    """The one text of a JSON object that hashing and comparison use."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
