"""How points are written: plain decimals, no exponent, no trailing zeros ("10", "0.5")."""

from __future__ import annotations

from decimal import Decimal
from typing import overload


@overload
def fmt(value: Decimal) -> str: ...
@overload
def fmt(value: None) -> None: ...
@overload
def fmt(value: Decimal | None) -> str | None: ...
def fmt(value: Decimal | None) -> str | None:
    """``Decimal("10.0")`` -> ``"10"``; ``Decimal("0.50")`` -> ``"0.5"``; None stays None."""
    if value is None:
        return None
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text
