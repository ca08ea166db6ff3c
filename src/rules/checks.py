"""The checks ruleset and revision files share: one-line failures naming the file and key.

Every check raises :class:`~rules.errors.RulesError` as ``FILE: KEY.PATH: what is
wrong`` (array indices count from 0); :class:`BadValue` is the converter's own
refusal of a value, its message shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import NoReturn

from rules.errors import RulesError
from vocabulary import codes


class BadValue(ValueError):
    """A value of the wrong type or form; the message is shown as it is."""


def quoted(text: str) -> str:
    """`text` in double quotes as TOML writes it, for a message: quotes, backslashes and
    anything unprintable (line breaks, controls, bidi marks) escaped, so a key or value
    from the file can never break the message's one line."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04X}" if ord(char) < 0x10000 else f"\\U{ord(char):08X}")
    return '"' + "".join(out) + '"'


def describe(value: object) -> str:
    """A short TOML-flavoured rendering of a bad value for error messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return quoted(value)
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


def fail(name: str, path: str, message: str) -> NoReturn:
    """Refuse the file `name` at key `path`."""
    raise RulesError(f"{name}: {path}: {message}")


def choices(values: Iterable[str]) -> str:
    return ", ".join(values)


def valid_outlet_pattern(pattern: str) -> bool:
    """An outlet code, or ``prefix.*`` matching at least one outlet code."""
    if pattern.endswith(".*"):
        return any(codes.matches(outlet, (pattern,)) for outlet in codes.OUTLETS)
    return pattern in codes.OUTLETS


def check_ident(name: str, path: str, value: str) -> None:
    """Ids are non-empty and carry no whitespace (they appear in reports and file keys)."""
    if not value or any(ch.isspace() for ch in value):
        fail(name, path, f"expected a non-empty id without spaces, got {describe(value)}")


def check_not_negative(name: str, path: str, value: Decimal | int | None) -> None:
    """Maxima, caps, targets and the like are never negative."""
    if value is not None and value < 0:
        fail(name, path, f"must not be negative, got {value}")


def check_text(name: str, path: str, value: str) -> None:
    if not value.strip():
        fail(name, path, "must not be empty")


def check_codes(
    name: str, path: str, values: Iterable[str], valid: Mapping[str, object], what: str
) -> None:
    """Every value is a code of `valid` (a code list of CONTRACT §2)."""
    for index, value in enumerate(values):
        if value not in valid:
            fail(
                name,
                f"{path}[{index}]",
                f"unknown {what} {describe(value)}; valid: {choices(valid)}",
            )


def check_outlets(name: str, path: str, patterns: Iterable[str]) -> None:
    """Every pattern is an outlet code or ``prefix.*`` matching one."""
    for index, pattern in enumerate(patterns):
        if not valid_outlet_pattern(pattern):
            fail(
                name,
                f"{path}[{index}]",
                f"{describe(pattern)} is not an outlet code nor a pattern matching one "
                f'(e.g. "province.union.*"); outlets: {choices(codes.OUTLETS)}',
            )
