"""TOML text from plain data, for tests that write ruleset and revision files (the
standard library reads TOML but does not write it)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any


def _string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{_string(k)} = {_value(v)}" for k, v in value.items()) + "}"


def toml_text(document: dict[str, Any], headers: bool) -> str:
    """`document` as TOML; with `headers`, a table of tables as ``[a."b"]`` sections."""
    lines, sections = [], []
    for key, value in document.items():
        nested = isinstance(value, dict) and all(isinstance(v, dict) for v in value.values())
        if headers and nested and value:
            for sub, table in value.items():
                sections.append(f"\n[{_string(key)}.{_string(sub)}]")
                sections += [f"{_string(k)} = {_value(v)}" for k, v in table.items()]
        else:
            lines.append(f"{_string(key)} = {_value(value)}")
    return "\n".join(lines + sections) + "\n"
