"""Strict structuring hooks: a value is taken only in its own type, never coerced.

cattrs would turn ``1.9`` into ``1``, ``None`` into ``"None"`` and ``"x"`` into
``True``. Both file families that are read with cattrs — the ruleset and revision
files (:mod:`rules.loader`) and the event JSON (:mod:`ledger.codec`, a layer up)
— register these hooks instead; each family says which exception a bad value
raises and how the value is shown in the message (TOML- or JSON-flavoured).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import cattrs

#: A plain decimal: optional minus, digits, optional fraction (no exponent, no NaN).
DECIMAL_FORM = re.compile(r"-?[0-9]+(\.[0-9]+)?")

#: The most digits a decimal may have before the point (leading zeros aside) and after it
#: (trailing zeros aside). Python's decimals keep 28 significant digits and round beyond;
#: with these bounds any sum or multiple of up to a billion such values stays within 28
#: digits (12 + 9 + 7), so nothing the ledger computes is ever rounded.
INTEGER_DIGITS = 12
FRACTION_DIGITS = 7
#: A plain decimal within those bounds (what the import fast path accepts as it is).
EXACT_DECIMAL = re.compile(
    rf"-?0*[0-9]{{1,{INTEGER_DIGITS}}}(?:\.(?=[0-9])[0-9]{{0,{FRACTION_DIGITS}}}0*)?"
)
EXACT_RULE = (
    f"a decimal has at most {INTEGER_DIGITS} digits before the point and "
    f"{FRACTION_DIGITS} after, so that every sum stays exact"
)
#: Integers are 64-bit signed, as SQLite and orjson hold them.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def is_exact(value: Decimal) -> bool:
    """Whether a finite Decimal lies within the bounds above (trailing zeros aside)."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN and infinities
        return False
    significant = list(digits)
    while len(significant) > 1 and significant[-1] == 0 and exponent < 0:
        significant.pop()
        exponent += 1
    while len(significant) > 1 and significant[0] == 0:
        significant.pop(0)
    fraction = max(0, -exponent)
    whole = max(0, len(significant) + exponent)
    return fraction <= FRACTION_DIGITS and whole <= INTEGER_DIGITS


@attrs.frozen(kw_only=True)
class Strict:
    """The strict hooks of one file family."""

    error: type[ValueError]  # what a bad value raises (its message is shown as it is)
    show: Callable[[Any], str]  # a bad value as the family's users write it
    whole_number: str  # how an integer is named: "an integer", "a whole number"
    #: Whether a decimal given in another type is told the form too ("like "0.5"").
    decimal_form_on_type: bool

    def text(self, value: Any, _: Any = None) -> str:
        if type(value) is not str:
            raise self.error(f"expected a string, got {self.show(value)}")
        return value

    def boolean(self, value: Any, _: Any = None) -> bool:
        if type(value) is not bool:
            raise self.error(f"expected true or false, got {self.show(value)}")
        return value

    def integer(self, value: Any, _: Any = None) -> int:
        """An int within 64 bits, whether it came as an int (json, the API) or, beyond 64
        bits, as the float orjson reads it: the same integer is refused in the same words."""
        if type(value) is int and INT_MIN <= value <= INT_MAX:
            return value
        if type(value) is int or (
            type(value) is float
            and (math.isinf(value) or value.is_integer())
            and abs(value) > INT_MAX
        ):
            # Never echoed as if typed ("1e+23"); and Python cannot print an int of over
            # 4,300 digits.
            about = f" (≈{float(value):.3g})" if abs(value) < 1e300 else ""
            raise self.error(f"expected {self.whole_number}, got one beyond 64 bits{about}")
        raise self.error(f"expected {self.whole_number}, got {self.show(value)}")

    def decimal(self, value: Any, _: Any = None) -> Decimal:
        """A Decimal from a plain decimal string (``"0.5"``, ``"-2"``); floats are refused."""
        if type(value) is not str and not self.decimal_form_on_type:
            raise self.error(f"expected a decimal string, got {self.show(value)}")
        if type(value) is not str or not DECIMAL_FORM.fullmatch(value):
            raise self.error(f'expected a decimal string like "0.5", got {self.show(value)}')
        if not EXACT_DECIMAL.fullmatch(value):
            raise self.error(f"{self.show(value)} cannot be held exactly: {EXACT_RULE}")
        return Decimal(value)

    def register(self, converter: cattrs.Converter) -> None:
        """Register the string, boolean, integer and decimal hooks on `converter`."""
        converter.register_structure_hook(str, self.text)
        converter.register_structure_hook(bool, self.boolean)
        converter.register_structure_hook(int, self.integer)
        converter.register_structure_hook(Decimal, self.decimal)
