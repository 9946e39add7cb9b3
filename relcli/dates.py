"""Partial dates: a year, a month or a day, each read as the interval it covers.

Stored dates keep the precision their source gives ("2013", "2013-09", "2013-09-14"), so a
date is an interval, never a point with an invented month or day. This module is the strict
reader for stored dates and for plain ISO input; natural language lives in ``userdates``.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from enum import IntEnum

from .valueclass import FrozenRecord, set_field

ISO_PARTIAL = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")

_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


class Precision(IntEnum):
    """How much of a date is known; coarser sorts first (see ``PartialDate.sort_key``)."""

    YEAR = 1
    MONTH = 2
    DAY = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class InvalidDate(ValueError):
    """A string that is not a real ISO partial date (bad shape, month 13, 2013-02-30, year 0)."""


class DateRange(FrozenRecord):
    """A closed interval of days. Records and user filters are compared as ranges."""

    __slots__ = ("end", "start")
    start: date
    end: date

    def __init__(self, start: date, end: date) -> None:
        set_field(self, "start", start)
        set_field(self, "end", end)

    def overlaps(self, other: DateRange) -> bool:
        return self.start <= other.end and other.start <= self.end


class PartialDate(FrozenRecord):
    """A year, a month of a year, or a day; ``None`` marks the parts the source does not give."""

    __slots__ = ("day", "month", "year")
    year: int
    month: int | None
    day: int | None

    def __init__(self, year: int, month: int | None = None, day: int | None = None) -> None:
        if not 1 <= year <= 9999:
            raise InvalidDate(f"year {year} is out of range 1..9999")
        if month is None:
            if day is not None:
                raise InvalidDate("a day needs a month")
        elif not 1 <= month <= 12:
            raise InvalidDate(f"month {month} is out of range 1..12")
        elif day is not None and not (1 <= day <= 28 or 1 <= day <= _last_day(year, month)):
            raise InvalidDate(f"day {day} does not exist in {year:04d}-{month:02d}")
        set_field(self, "year", year)
        set_field(self, "month", month)
        set_field(self, "day", day)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; anything else raises ``InvalidDate``."""
        match = ISO_PARTIAL.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidDate(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match.groups()
        return cls(int(year), int(month) if month else None, int(day) if day else None)

    @classmethod
    def from_valid_iso(cls, text: str) -> PartialDate:
        """Read a date validated before (the load cache, the index): slicing, not the regex."""
        if len(text) == 4:
            return cls(int(text))
        if len(text) == 7:
            return cls(int(text[:4]), int(text[5:7]))
        return cls(int(text[:4]), int(text[5:7]), int(text[8:10]))

    @classmethod
    def from_date(cls, value: date, precision: Precision = Precision.DAY) -> PartialDate:
        if precision is Precision.YEAR:
            return cls(value.year)
        if precision is Precision.MONTH:
            return cls(value.year, value.month)
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> Precision:
        if self.month is None:
            return Precision.YEAR
        if self.day is None:
            return Precision.MONTH
        return Precision.DAY

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> date:
        if self.month is None:
            return date(self.year, 12, 31)
        if self.day is None:
            return date(self.year, self.month, _last_day(self.year, self.month))
        return date(self.year, self.month, self.day)

    @property
    def range(self) -> DateRange:
        return DateRange(self.start, self.end)

    def sort_key(self) -> tuple[date, int]:
        """Order by the first day covered; on a tie the coarser date comes first.

        So an event dated only ``2013`` sorts before ``2013-01-01`` and everything else in
        2013, and ``2013-09`` sorts before ``2013-09-01``: a period opens before its days.
        """
        return (self.start, int(self.precision))

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def human(self) -> str:
        """``2013``, ``Sep 2013`` or ``14 Sep 2013``: the precision is visible in the text."""
        if self.month is None:
            return f"{self.year}"
        if self.day is None:
            return f"{_MONTHS[self.month - 1]} {self.year}"
        return f"{self.day} {_MONTHS[self.month - 1]} {self.year}"

    def __str__(self) -> str:
        return self.iso()


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _last_day(year: int, month: int) -> int:
    """Days in a month of the proleptic Gregorian calendar (``calendar`` costs 0.6 ms to import)."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


@functools.lru_cache(maxsize=1 << 17)
def iso_span(value: str) -> tuple[str, str, int, int | None, int | None] | None:
    """(first day, last day, precision, month, day) of an ISO date string, or None if invalid.

    ``PartialDate``'s rules, written out on strings: a million events hold about a hundred
    thousand distinct dates, and this is three times faster than building the objects. Dates
    repeat a great deal in large files, hence the cache as well. A property test holds it to
    ``PartialDate``.
    """
    match = ISO_PARTIAL.fullmatch(value)
    if match is None:
        return None
    year, month, day = match.groups()
    if year == "0000":
        return None
    if month is None:
        return (f"{year}-01-01", f"{year}-12-31", 1, None, None)
    if not "01" <= month <= "12":
        return None
    last = _last_day(int(year), int(month))
    if day is None:
        return (f"{year}-{month}-01", f"{year}-{month}-{last:02d}", 2, None, None)
    if not 1 <= int(day) <= last:
        return None
    return (value, value, 3, int(month), int(day))


_YEAR = "(?!0000)[0-9]{4}"
# Dates each followed by a newline. The days a month never has are refused here; 29 February
# needs its year, so it is checked apart (``iso_columns``).
_ISO_RUN = re.compile(
    rf"(?:(?:{_YEAR}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
    rf"|(?:0[13578]|1[02])-31|02-29)|{_YEAR}-(?:0[1-9]|1[0-2])|{_YEAR})\n)*"
)
_PRECISION = {4: 1, 7: 2, 10: 3}  # by the length of a valid date
_FIRST_DAY = {4: "-01-01", 7: "-01", 10: ""}  # what a date's first day adds to it
_last_days: dict[str, str] = {}  # of a valid year or month: 129,987 there are, at most


def iso_columns(values: list[str]) -> tuple[list[str], list[str], list[int]] | None:
    """``iso_span``'s first day, last day and precision of each of ``values``, as three lists;
    None if any is not a date. For runs of thousands of dates (an index build): one regex over
    the run and C-level maps, where ``iso_span`` costs ~3 µs a date, and a million events hold
    ~110,000 distinct ones (0.2 s less per half a million). A property test holds it to
    ``iso_span``."""
    if not values:
        return [], [], []
    joined = "\n".join(values) + "\n"
    if joined.count("\n") != len(values) or _ISO_RUN.fullmatch(joined) is None:
        return None
    if "-02-29" in joined:
        leap = (v for v in values if v.endswith("-02-29"))
        if any(_last_day(int(v[:4]), 2) != 29 for v in leap):
            return None
    lengths = list(map(len, values))
    precisions = list(map(_PRECISION.__getitem__, lengths))
    if lengths.count(10) == len(values):
        return values, values, precisions
    firsts = list(map(str.__add__, values, map(_FIRST_DAY.__getitem__, lengths)))
    for value in {v for v in values if len(v) < 10} - _last_days.keys():  # valid: bounded
        _last_days[value] = iso_span(value)[1]  # type: ignore[index]
    return firsts, list(map(_last_days.get, values, values)), precisions  # type: ignore[arg-type]


def range_label(days: DateRange) -> str:
    """``2019``, ``Mar 2019``, ``1 Mar 2019`` or ``1 Mar 2019 – 15 Apr 2019``: the interval as a
    person would name it."""
    a, b = days.start, days.end
    if a == b:
        return PartialDate(a.year, a.month, a.day).human()
    if (a.month, a.day, b.month, b.day) == (1, 1, 12, 31) and a.year == b.year:
        return str(a.year)
    if (
        a.day == 1
        and (a.year, a.month) == (b.year, b.month)
        and b.day == _last_day(b.year, b.month)
    ):
        return PartialDate(a.year, a.month).human()
    return f"{PartialDate(a.year, a.month, a.day).human()} – {PartialDate(b.year, b.month, b.day).human()}"


def span(start: PartialDate, end: PartialDate | None) -> DateRange:
    """The days covered by a record dated ``start`` (and optionally ending ``end``)."""
    return DateRange(start.start, (end or start).end)


def human_span(start: PartialDate, end: PartialDate | None) -> str:
    """``18 Mar – 21 Mar 2014``: the year is written once when both ends share it."""
    if end is None or end == start:
        return start.human()
    first = start.human()
    if start.year == end.year and start.month is not None:
        first = first.removesuffix(f" {start.year}")
    return f"{first} – {end.human()}"
