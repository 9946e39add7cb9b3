"""Dates typed by a person (``--from 'March 2014'``) turned into the interval they mean.

Plain ISO partials, decades, English month-name dates ("March 2014", "Mar 2014", "14 March
2014", "March 14, 2014") and a few relative phrases are read here by hand; everything else goes
to dateparser, imported only then (it costs ~0.2 s; a property test holds the hand reading to
dateparser's on those forms). dateparser fills missing parts
with today's month and day, so it runs with settings that stop that, and its ``parts`` tell the
precision the person gave: "March 2014" is the whole month, never 2014-03-25.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from .dates import ISO_PARTIAL, DateRange, InvalidDate, PartialDate, Precision
from .errors import BadDate, UsageProblem

# Patterns as strings, compiled (and cached) by ``re`` on first use: the plain ISO path, the
# usual one, never needs them (0.5 ms to compile them all).
_DECADE = r"^(?:the\s+)?(\d{3})0s$"
_AGO = r"^(\d{1,4})\s+(day|week|month|year)s?\s+ago$"
_RELATIVE_PERIOD = r"^(this|last|next)\s+(year|month)$"
# 03/04/2013, 3.4.13, 03-04-2013: day-first or month-first cannot be told apart.
_NUMERIC = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})$"

_MONTH_YEAR = r"^([a-z]+)\.?,?\s+(\d{4})$"
_DAY_MONTH_YEAR = r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$"
_MONTH_DAY_YEAR = r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$"
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

LANGUAGES = ["en"]


def parse_user_date(text: str, today: date) -> DateRange:
    """Read ``text`` as a day, month, year or decade; raise ``BadDate`` when it cannot be read.

    ``today`` anchors relative phrases ("last year", "5 years ago") and nothing else.
    """
    raw = text
    text = " ".join(text.strip().lower().split())
    if not text:
        raise BadDate(raw, "empty")
    if ISO_PARTIAL.fullmatch(text):
        try:
            return PartialDate.parse(text).range
        except InvalidDate as exc:
            raise BadDate(raw, str(exc)) from None
    if text.isdigit():
        raise BadDate(raw, "years have four digits")
    found = _read_by_hand(text, today) or _read_month_names(raw, text)
    if found is not None:
        return found
    numeric = re.match(_NUMERIC, text)
    if numeric:
        first, second = int(numeric.group(1)), int(numeric.group(2))
        if first <= 12 and second <= 12 and first != second:
            raise BadDate(raw, "ambiguous: day and month could be either way round; use YYYY-MM-DD")
    return _read_with_dateparser(raw, text, today)


def _read_by_hand(text: str, today: date) -> DateRange | None:
    decade = re.match(_DECADE, text)
    if decade:
        first = int(decade.group(1)) * 10
        if first < 1:
            return None
        return DateRange(date(first, 1, 1), date(first + 9, 12, 31))
    if text == "today":
        return PartialDate.from_date(today).range
    if text == "yesterday":
        return PartialDate.from_date(today - timedelta(days=1)).range
    period = re.match(_RELATIVE_PERIOD, text)
    if period:
        step = {"this": 0, "last": -1, "next": 1}[period.group(1)]
        if period.group(2) == "year":
            return PartialDate(today.year + step).range
        month_index = today.year * 12 + (today.month - 1) + step
        return PartialDate(month_index // 12, month_index % 12 + 1).range
    ago = re.match(_AGO, text)
    if ago:
        count, unit = int(ago.group(1)), ago.group(2)
        try:
            if unit in ("day", "week"):
                day = today - timedelta(days=count * (7 if unit == "week" else 1))
            else:
                months = count * (12 if unit == "year" else 1)
                month_index = today.year * 12 + (today.month - 1) - months
                year, month = month_index // 12, month_index % 12 + 1
                last = _days_in_month(year, month)
                day = date(year, month, min(today.day, last))
        except (ValueError, OverflowError):
            return None
        return PartialDate.from_date(day).range
    return None


def _read_month_names(raw: str, text: str) -> DateRange | None:
    """``march 2014``, ``14 mar 2014``, ``march 14, 2014``: None when it is none of these (or
    the month word is not an English month name), for dateparser to try."""
    day: str | None
    if found := re.match(_MONTH_YEAR, text):
        month, day, year = found.group(1), None, found.group(2)
    elif found := re.match(_DAY_MONTH_YEAR, text):
        day, month, year = found.groups()
    elif found := re.match(_MONTH_DAY_YEAR, text):
        month, day, year = found.groups()
    else:
        return None
    number = MONTHS.get(month)
    if number is None or int(year) < 1:
        return None
    try:
        value = PartialDate(int(year), number, int(day) if day is not None else None)
        return value.range
    except (InvalidDate, ValueError):
        raise BadDate(raw, f"there is no day {day} in {month.capitalize()} {year}") from None


def _days_in_month(year: int, month: int) -> int:
    import calendar

    return calendar.monthrange(year, month)[1]


def _settings(today: date) -> dict[str, Any]:
    return {
        # Absolute readings only: relative ones are handled above, deliberately.
        "PARSERS": ["custom-formats", "absolute-time"],
        # Never borrow today's month or day for a part the person did not give.
        "PREFER_DAY_OF_MONTH": "first",
        "PREFER_MONTH_OF_YEAR": "first",
        "RELATIVE_BASE": datetime(today.year, today.month, today.day),
        "RETURN_AS_TIMEZONE_AWARE": False,
    }


def _read_with_dateparser(raw: str, text: str, today: date) -> DateRange:
    from dateparser.date import DateDataParser

    parser = DateDataParser(languages=LANGUAGES, settings=_settings(today))
    try:
        data = parser.get_date_data(text)
    except Exception:  # dateparser raises a zoo of errors on odd input
        raise BadDate(raw) from None
    if data is None or data.date_obj is None:
        raise BadDate(raw)
    parts = set(getattr(data, "parts", ()) or ())
    if "year" not in parts:
        raise BadDate(raw, "give a year")
    value = data.date_obj.date()
    if "day" in parts and "month" in parts:
        precision = Precision.DAY
    elif "month" in parts:
        precision = Precision.MONTH
    else:
        precision = Precision.YEAR
    return PartialDate.from_date(value, precision).range


_MONTH_DAY = r"^(\d{1,2})[-/.](\d{1,2})$"


def parse_month_day(text: str) -> tuple[int, int]:
    """``12-08``, ``12/8``, ``December 8`` or ``8 Dec`` to (month, day); 29 February is allowed."""
    import calendar

    raw = text
    text = " ".join(text.strip().lower().replace(",", " ").split())
    month = day = None
    numeric = re.match(_MONTH_DAY, text)
    if numeric:
        month, day = int(numeric.group(1)), int(numeric.group(2))
    else:
        names = MONTHS  # English, whatever the locale (calendar's names follow it)
        parts = text.split()
        if len(parts) == 2:
            first, second = parts
            if first in names and second.isdigit():
                month, day = names[first], int(second)
            elif second in names and first.isdigit():
                month, day = names[second], int(first)
    if month is None or day is None:
        raise UsageProblem(
            f'cannot read "{raw}" as a day of the year; use MM-DD (12-08) or a month and day ("December 8")'
        )
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]:
        raise UsageProblem(f'"{raw}" is not a day of the year (month {month}, day {day})')
    return month, day
