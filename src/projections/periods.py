"""Periods (CONTRACT §3): a year, half, quarter or month, as a closed range of local dates."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date
from functools import cached_property

import attrs

from ledger.errors import LedgerError

_FORMS = re.compile(r"(\d{4})(?:(Q[1-4])|(H[12])|-(0[1-9]|1[0-2]))?")


@attrs.frozen
class Period:
    """``2016``, ``2016Q3``, ``2016H2`` or ``2016-03``; start and end are local dates."""

    label: str
    start: date
    end: date

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def is_year(self) -> bool:
        return self.start == date(self.year, 1, 1) and self.end == date(self.year, 12, 31)

    def contains(self, day: str) -> bool:
        """Whether a local date ``YYYY-MM-DD`` (or the date part of an ``at``) lies inside."""
        return self.first <= day[:10] <= self.last

    # Plain text bounds, computed once: the replay compares them with `at` strings.
    @cached_property
    def first(self) -> str:
        return self.start.isoformat()

    @cached_property
    def last(self) -> str:
        return self.end.isoformat()

    @cached_property
    def year_first(self) -> str:
        """The first day of the period's year: the start of 'year to date'."""
        return f"{self.year:04d}-01-01"

    @property
    def quarter_first(self) -> str:
        """The first day of the quarter holding the period's start (where a cap window opens)."""
        return f"{self.year:04d}-{(self.start.month - 1) // 3 * 3 + 1:02d}-01"

    def quarters(self) -> list[str]:
        """The labels of the quarters the period overlaps (caps are kept per quarter)."""
        first_q = (self.start.month - 1) // 3 + 1
        last_q = (self.end.month - 1) // 3 + 1
        return [f"{self.year}Q{q}" for q in range(first_q, last_q + 1)]


def parse_period(text: str) -> Period:
    """Parse a period label; a bad one is a one-line LedgerError saying what is expected."""
    match = _FORMS.fullmatch(text.strip())
    if not match:
        raise LedgerError(
            f"period {text!r}: expected YYYY, YYYYQ1…Q4, YYYYH1/H2 or YYYY-MM (e.g. 2016Q3)"
        )
    year = int(match.group(1))
    quarter, half, month = match.group(2), match.group(3), match.group(4)
    if quarter:
        q = int(quarter[1])
        first, last = 3 * q - 2, 3 * q
    elif half:
        h = int(half[1])
        first, last = 6 * h - 5, 6 * h
    elif month:
        first = last = int(month)
    else:
        first, last = 1, 12
    end = date(year, last, monthrange(year, last)[1])
    return Period(label=text.strip(), start=date(year, first, 1), end=end)


def quarter_of(day: str) -> str:
    """``2016-08-03`` -> ``2016Q3``."""
    return f"{day[:4]}Q{(int(day[5:7]) - 1) // 3 + 1}"
