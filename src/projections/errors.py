"""The errors the projections API raises for a reference to nothing: an unknown ruleset,
a unit not on the board, a period that does not parse.

Each is a :class:`ledger.errors.LedgerError` (whose message is the one line the command
line prints, exit 2) and carries the offending value as an attribute, so that a program
can tell them apart without reading the message.
"""

from __future__ import annotations

import rules
from ledger.errors import LedgerError


class UnknownRuleset(LedgerError, rules.UnknownRuleset):
    """The ruleset given to score, explain, diff or a circular names no shipped ruleset and
    no file.

    Both a ``LedgerError`` (as every error of this API) and a :class:`rules.UnknownRuleset`
    (as ``rules.load`` raises it): ``ruleset_id``, ``suggestion`` and ``shipped`` are that
    error's.
    """

    @classmethod
    def from_rules(cls, error: rules.UnknownRuleset) -> UnknownRuleset:
        return cls(str(error), error.ruleset_id, error.suggestion, error.shipped)


class UnknownUnit(LedgerError):
    """The unit asked for is not on the period's board.

    ``unit`` is the id as given; ``ruleset`` and ``period`` the board's; ``registered``
    whether the ledger registers the unit at all (if so the ruleset does not list it for
    that period); ``suggestion`` the listed unit it was most likely meant to be, or None.
    """

    def __init__(
        self,
        message: str,
        unit: str,
        ruleset: str,
        period: str,
        registered: bool,
        suggestion: str | None = None,
    ) -> None:
        super().__init__(message)
        self.unit = unit
        self.ruleset = ruleset
        self.period = period
        self.registered = registered
        self.suggestion = suggestion

    def __reduce__(self) -> tuple[type[UnknownUnit], tuple[object, ...]]:
        # Pickled whole (multiprocessing), not as Exception's bare message.
        fields = (self.unit, self.ruleset, self.period, self.registered, self.suggestion)
        return (type(self), (str(self), *fields))


class BadPeriod(LedgerError):
    """A period label that is not one of CONTRACT §3's forms (``2016``, ``2016Q3``,
    ``2016H2``, ``2016-03``, a range within one year). ``period`` is the text as given."""

    def __init__(self, message: str, period: str) -> None:
        super().__init__(message)
        self.period = period

    def __reduce__(self) -> tuple[type[BadPeriod], tuple[str, str]]:
        return (type(self), (str(self), self.period))
