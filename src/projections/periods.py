"""Periods (CONTRACT §3, §8.5): a year, half, quarter or month, or a range of quarters or
months within one year (``2011Q1..2011Q3``, ``2011-01..2011-09``: a circular's year to
date), as a closed range of local dates."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date
from functools import cached_property

import attrs

from .errors import BadPeriod

_FORMS = re.compile(r"(\d{4})(?:(Q[1-4])|(H[12])|-(0[1-9]|1[0-2]))?")
_EXPECTED = (
    "expected YYYY, YYYYQ1…Q4, YYYYH1/H2, YYYY-MM, or a range within one year "
    "YYYYQn..YYYYQm or YYYY-MM..YYYY-MM (e.g. 2016Q3, 2016Q1..2016Q3)"
)


@attrs.frozen
class Period:
    """``2016``, ``2016Q3``, ``2016H2``, ``2016-03`` or a range (``2016Q1..2016Q3``); start
    and end are local dates."""

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
    """Parse a period label or range; a bad one is a one-line :class:`BadPeriod` (a
    LedgerError) saying what is expected."""
    label = text.strip()
    first_text, dots, last_text = label.partition("..")
    first = _single(text, first_text)
    if not dots:
        return first
    last = _single(text, last_text)
    same_form = first_text[4:5] == last_text[4:5] and first_text[4:5] in ("Q", "-")
    if not same_form:
        raise BadPeriod(
            f"period {text!r}: a range joins two quarters or two months of one year "
            "(e.g. 2011Q1..2011Q3 or 2011-01..2011-09)",
            text,
        )
    if first.year != last.year:
        raise BadPeriod(f"period {text!r}: a range stays within one year ({_EXPECTED})", text)
    if last.start < first.start:
        raise BadPeriod(f"period {text!r}: the range ends before it starts", text)
    return Period(label=label, start=first.start, end=last.end)


def _single(text: str, part: str) -> Period:
    match = _FORMS.fullmatch(part)
    if not match:
        raise BadPeriod(f"period {text!r}: {_EXPECTED}", text)
    year = int(match.group(1))
    if year < 1:  # there is no year 0 in the calendar (datetime refuses it)
        raise BadPeriod(
            f"period {text!r}: year {match.group(1)} does not exist ({_EXPECTED})", text
        )
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
    return Period(label=part, start=date(year, first, 1), end=end)


def quarter_of(day: str) -> str:
    """``2016-08-03`` -> ``2016Q3``."""
    return f"{day[:4]}Q{(int(day[5:7]) - 1) // 3 + 1}"


def window_of(day: str, per: str) -> str:
    """The label of the cap window (``cap_per``) holding a day: ``2016-08-03`` per
    ``quarter`` -> ``2016Q3``; per ``month`` ``2016-08``, ``half`` ``2016H2``, ``year`` ``2016``."""
    if per == "quarter":
        return quarter_of(day)
    if per == "month":
        return day[:7]
    if per == "half":
        return f"{day[:4]}H{1 if int(day[5:7]) <= 6 else 2}"
    if per == "year":
        return day[:4]
    raise ValueError(f"cap_per {per!r}: expected quarter, half, year or month")


def window_first(day: str, per: str) -> str:
    """The first day of the cap window holding a day (where that window's cap opens)."""
    month = int(day[5:7])
    first_month = {
        "quarter": (month - 1) // 3 * 3 + 1,
        "half": 1 if month <= 6 else 7,
        "year": 1,
        "month": month,
    }[per]
    return f"{day[:4]}-{first_month:02d}-01"
