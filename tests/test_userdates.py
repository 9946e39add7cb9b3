from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relcli.errors import BadDate
from relcli.userdates import parse_user_date

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2013", "2013-01-01", "2013-12-31"),
        ("2013-09", "2013-09-01", "2013-09-30"),
        ("2013-09-14", "2013-09-14", "2013-09-14"),
        ("March 2014", "2014-03-01", "2014-03-31"),
        ("march 2014", "2014-03-01", "2014-03-31"),
        ("Feb 2012", "2012-02-01", "2012-02-29"),
        ("14 September 2013", "2013-09-14", "2013-09-14"),
        ("September 14, 2013", "2013-09-14", "2013-09-14"),
        ("13/02/2013", "2013-02-13", "2013-02-13"),
        ("1990s", "1990-01-01", "1999-12-31"),
        ("the 1980s", "1980-01-01", "1989-12-31"),
        ("last year", "2025-01-01", "2025-12-31"),
        ("this year", "2026-01-01", "2026-12-31"),
        ("last month", "2026-10-01", "2026-10-31"),
        ("5 years ago", "2021-11-25", "2021-11-25"),
        ("3 months ago", "2026-08-25", "2026-08-25"),
        ("2 weeks ago", "2026-11-11", "2026-11-11"),
        ("today", "2026-11-25", "2026-11-25"),
        ("yesterday", "2026-11-24", "2026-11-24"),
    ],
)
def test_user_dates_mean_the_interval_given(text: str, start: str, end: str) -> None:
    found = parse_user_date(text, TODAY)
    assert (found.start.isoformat(), found.end.isoformat()) == (start, end)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "notadate",
        "March",
        "2013-02-30",
        "0000",
        "01/02/2013",
        "сентябрь 2013",
        "13",
        "2013-13",
    ],
)
def test_unreadable_or_ambiguous_dates_are_errors(text: str) -> None:
    with pytest.raises(BadDate) as caught:
        parse_user_date(text, TODAY)
    assert caught.value.value == text


def test_missing_parts_never_come_from_today() -> None:
    for today in (date(2026, 11, 25), date(2001, 2, 3), date(2030, 7, 31)):
        found = parse_user_date("March 2014", today)
        assert (found.start, found.end) == (date(2014, 3, 1), date(2014, 3, 31))
        found = parse_user_date("2013", today)
        assert (found.start, found.end) == (date(2013, 1, 1), date(2013, 12, 31))


def test_iso_input_does_not_import_dateparser() -> None:
    code = (
        "import sys; from datetime import date; from relcli.userdates import parse_user_date;"
        "parse_user_date('2013-09', date(2026, 1, 1)); print('dateparser' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=date(1700, 1, 1), max_value=date(2100, 12, 31)))
def test_month_names_give_the_whole_month(day: date) -> None:
    found = parse_user_date(day.strftime("%B %Y"), TODAY)
    assert found.start == day.replace(day=1)
    assert found.end.month == day.month and found.end.year == day.year
    assert (found.end.replace(day=1) == found.start) and found.end.day >= 28


# ---- month names by hand, as dateparser reads them ------------------------------------------------

_MONTH_NAMES = [
    ("January", "Jan"),
    ("February", "Feb"),
    ("March", "Mar"),
    ("April", "Apr"),
    ("May", "May"),
    ("June", "Jun"),
    ("July", "Jul"),
    ("August", "Aug"),
    ("September", "Sep"),
    ("October", "Oct"),
    ("November", "Nov"),
    ("December", "Dec"),
]


@st.composite
def month_name_dates(draw: st.DrawFn) -> str:
    import calendar

    year = draw(st.integers(min_value=1700, max_value=2100))
    month = draw(st.integers(min_value=1, max_value=12))
    name = draw(st.sampled_from(_MONTH_NAMES[month - 1]))
    name = draw(st.sampled_from([name, name.lower(), name.upper()]))
    day = draw(st.integers(min_value=1, max_value=calendar.monthrange(year, month)[1]))
    form = draw(st.sampled_from(["{m} {y}", "{d} {m} {y}", "{m} {d}, {y}", "{m} {d} {y}"]))
    return form.format(m=name, d=day, y=year)


@settings(max_examples=150, deadline=None)
@given(text=month_name_dates())
def test_month_names_by_hand_agree_with_dateparser(text: str) -> None:
    from relcli.userdates import _read_month_names, _read_with_dateparser

    folded = " ".join(text.lower().split())
    by_hand = _read_month_names(text, folded)
    assert by_hand is not None
    assert by_hand == _read_with_dateparser(text, folded, date(2026, 11, 25))


def test_common_forms_do_not_import_dateparser() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from datetime import date; from relcli.userdates import parse_user_date\n"
        "for t in ['March 2014', 'Mar 2014', '14 March 2014', 'March 14, 2014', '1990s',"
        " 'last year', '5 years ago', '2014-03']:\n"
        "    parse_user_date(t, date(2026, 11, 25))\n"
        "assert 'dateparser' not in sys.modules, 'dateparser imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_day_that_does_not_exist_is_named() -> None:
    with pytest.raises(BadDate, match="no day 31 in February 2014"):
        parse_user_date("31 February 2014", date(2026, 11, 25))
