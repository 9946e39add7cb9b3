from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relcli.dates import InvalidDate, PartialDate, Precision, human_span


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2013", date(2013, 1, 1), date(2013, 12, 31), Precision.YEAR),
        ("2013-09", date(2013, 9, 1), date(2013, 9, 30), Precision.MONTH),
        ("2012-02", date(2012, 2, 1), date(2012, 2, 29), Precision.MONTH),
        ("2013-02", date(2013, 2, 1), date(2013, 2, 28), Precision.MONTH),
        ("2013-09-14", date(2013, 9, 14), date(2013, 9, 14), Precision.DAY),
        ("1741", date(1741, 1, 1), date(1741, 12, 31), Precision.YEAR),
    ],
)
def test_partial_dates_are_intervals(
    text: str, start: date, end: date, precision: Precision
) -> None:
    parsed = PartialDate.parse(text)
    assert (parsed.start, parsed.end, parsed.precision) == (start, end, precision)
    assert parsed.iso() == text


@pytest.mark.parametrize(
    "text",
    [
        "2013-02-30",
        "2013-13",
        "2013-00",
        "0000",
        "13-2-2013",
        "2013-9",
        "2013/09/14",
        "",
        " 2013",
        "2013-09-14T00:00",
        "２０１３",
    ],
)
def test_impossible_or_malformed_dates_are_rejected(text: str) -> None:
    with pytest.raises(InvalidDate):
        PartialDate.parse(text)


def test_a_period_sorts_before_its_days() -> None:
    dates = [
        PartialDate.parse(t) for t in ["2013-09-14", "2013-09", "2013", "2013-01-01", "2012-12-31"]
    ]
    ordered = [d.iso() for d in sorted(dates, key=PartialDate.sort_key)]
    assert ordered == ["2012-12-31", "2013", "2013-01-01", "2013-09", "2013-09-14"]


def test_human_form_shows_precision() -> None:
    assert PartialDate.parse("2013").human() == "2013"
    assert PartialDate.parse("2013-09").human() == "Sep 2013"
    assert PartialDate.parse("2013-09-04").human() == "4 Sep 2013"
    assert (
        human_span(PartialDate.parse("1943-11-28"), PartialDate.parse("1943-12-01"))
        == "28 Nov – 1 Dec 1943"
    )
    assert (
        human_span(PartialDate.parse("1918-08"), PartialDate.parse("1920-04-01"))
        == "Aug 1918 – 1 Apr 1920"
    )
    assert human_span(PartialDate.parse("1781"), PartialDate.parse("1783")) == "1781 – 1783"


partial_dates = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).flatmap(
    lambda d: st.sampled_from(
        [PartialDate(d.year), PartialDate(d.year, d.month), PartialDate.from_date(d)]
    )
)


@given(partial_dates)
def test_iso_round_trip_and_interval_contains_itself(value: PartialDate) -> None:
    assert PartialDate.parse(value.iso()) == value
    assert value.start <= value.end
    assert value.range.overlaps(value.range)
