"""Strict structuring hooks: a value is taken only in its own type, never coerced.

cattrs would turn ``1.9`` into ``1``, ``None`` into ``"None"`` and ``"x"`` into
``True``. Both file families that are read with cattrs — the ruleset and revision
files (:mod:`rules.loader`) and the event JSON (:mod:`ledger.codec`, a layer up)
— register these hooks instead; each family says which exception a bad value
raises and how the value is shown in the message (TOML- or JSON-flavoured).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import cattrs

#: A plain decimal: optional minus, digits, optional fraction (no exponent, no NaN).
DECIMAL_FORM = re.compile(r"-?[0-9]+(\.[0-9]+)?")


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
        if type(value) is not int:
            if type(value) is float and value.is_integer() and abs(value) >= 2**63:
                # orjson reads an integer beyond 64 bits as a float: do not echo "1e+23"
                # as if typed.
                raise self.error(
                    f"expected {self.whole_number}, got one beyond 64 bits (≈{value:.3g})"
                )
            raise self.error(f"expected {self.whole_number}, got {self.show(value)}")
        return value

    def decimal(self, value: Any, _: Any = None) -> Decimal:
        """A Decimal from a plain decimal string (``"0.5"``, ``"-2"``); floats are refused."""
        if type(value) is not str and not self.decimal_form_on_type:
            raise self.error(f"expected a decimal string, got {self.show(value)}")
        if type(value) is not str or not DECIMAL_FORM.fullmatch(value):
            raise self.error(f'expected a decimal string like "0.5", got {self.show(value)}')
        return Decimal(value)

    def register(self, converter: cattrs.Converter) -> None:
        """Register the string, boolean, integer and decimal hooks on `converter`."""
        converter.register_structure_hook(str, self.text)
        converter.register_structure_hook(bool, self.boolean)
        converter.register_structure_hook(int, self.integer)
        converter.register_structure_hook(Decimal, self.decimal)
