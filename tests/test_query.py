from __future__ import annotations

import contextlib
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from relcli import query, store
from relcli.dates import DateRange, PartialDate
from relcli.errors import Ambiguous, NotFound, UsageProblem
from relcli.userdates import parse_user_date


@pytest.fixture(scope="module")
def dataset():  # type: ignore[no-untyped-def]
    from tests.conftest import MINI

    return store.load(MINI)


@pytest.mark.parametrize(
    ("name", "treaty_id"),
    [
        ("INF", "inf-treaty"),
        ("inf", "inf-treaty"),
        ("inf-treaty", "inf-treaty"),
        ("Intermediate-Range", "inf-treaty"),
        ("intermediate–range nuclear", "inf-treaty"),
        ("New START", "new-start"),
        ("new start", "new-start"),
        ("START", "start-i"),
        ("start ii", "start-ii"),
    ],
)
def test_treaty_by_name(dataset, name: str, treaty_id: str) -> None:  # type: ignore[no-untyped-def]
    assert query.treaty_by_name(dataset, name).id == treaty_id


def test_unknown_treaty_suggests_close_names(dataset) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound) as caught:
        query.treaty_by_name(dataset, "INFF")
    assert caught.value.suggestions[0] == "INF"
    assert str(caught.value) == 'no treaty named "INFF" — did you mean "INF"?'


def test_ambiguous_treaty_lists_candidates(dataset) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Ambiguous) as caught:
        query.treaty_by_name(dataset, "strategic")
    assert set(caught.value.candidates) == {"New START", "START", "START II"}


@pytest.mark.parametrize(
    "name", ["Lavrov", "lavrov", "Sergey Lavrov", "sergei lavrov", "Сергей Лавров", "sergey-lavrov"]
)
def test_actor_by_name_is_forgiving(dataset, name: str) -> None:  # type: ignore[no-untyped-def]
    assert query.actor_by_name(dataset, name).id == "sergey-lavrov"


def test_vocabulary_terms(dataset) -> None:  # type: ignore[no-untyped-def]
    assert query.tag_named("Arms Control") == "arms-control"
    assert query.kind_named("SUMMIT") == "summit"
    assert query.status_named("never-in-force") == "never in force"
    with pytest.raises(NotFound) as caught:
        query.tag_named("arms-contrl")
    assert caught.value.suggestions[0] == "arms-control"


def ids(events) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.id for e in events]


def test_interval_filters(dataset) -> None:  # type: ignore[no-untyped-def]
    def between(start: str | None, end: str | None) -> list[str]:
        today = date(2026, 11, 25)
        wanted = query.EventFilter(
            start=parse_user_date(start, today) if start else None,
            end=parse_user_date(end, today) if end else None,
        )
        return ids(query.events_matching(dataset, wanted))

    assert between("2013", "2013") == ["year-2013", "sep-2013", "syria-framework"]
    # A year-only event overlaps every part of its year.
    assert between("2013-06", "2013-06") == ["year-2013"]
    assert between("2013-09-14", "2013-09-14") == ["year-2013", "sep-2013", "syria-framework"]
    assert between("2013-09-15", "2013-12") == ["year-2013", "sep-2013"]
    # An event with an end date is found by any day of its span.
    assert between("2014-03-20", "2014-03-20") == ["crimea-annexed"]
    assert between(None, "1987") == ["inf-signed"]
    assert between("2014-04", None) == ["inf-violation"]


def test_filters_combine(dataset) -> None:  # type: ignore[no-untyped-def]
    run = lambda **kw: ids(query.events_matching(dataset, query.EventFilter(**kw)))  # noqa: E731
    assert run(tags=("syria",)) == ["sep-2013", "syria-framework"]
    assert run(tags=("syria", "chemical-weapons"), kinds=("agreement",)) == ["syria-framework"]
    assert run(actors=("john-kerry", "sergey-lavrov")) == ["sep-2013", "syria-framework"]
    assert run(treaties=("inf-treaty",)) == ["inf-signed", "inf-violation"]
    assert run(searches=("CHEMICAL",)) == ["sep-2013", "syria-framework"]
    assert run(searches=("строгий",)) == ["new-start-signed"]
    assert run(searches=("chemical", "framework")) == ["syria-framework"]
    assert run(tags=("syria",), not_kinds=("agreement",)) == ["sep-2013"]
    assert run(any_tags=("syria", "crimea")) == ["sep-2013", "syria-framework", "crimea-annexed"]
    assert run(tags=("syria",), not_tags=("chemical-weapons",)) == []
    assert run(actors=("john-kerry",), not_actors=("sergey-lavrov",)) == []
    assert run(limit=2, reverse=True) == ["inf-violation", "crimea-annexed"]
    assert run(kinds=("agreement", "conflict")) == [
        "inf-signed",
        "new-start-signed",
        "syria-framework",
        "crimea-annexed",
    ]


def test_period_order_is_checked() -> None:
    with pytest.raises(UsageProblem, match="is after --to"):
        query.check_period(PartialDate(2014).range, PartialDate(2013).range)
    query.check_period(PartialDate(2013).range, PartialDate(2013).range)


def test_treaty_links(dataset) -> None:  # type: ignore[no-untyped-def]
    inf = dataset.treaty_by_id["inf-treaty"]
    events = query.events_of_treaty(dataset, inf)
    assert ids(events) == ["inf-signed", "inf-violation"]
    assert [q.id for q in query.quotes_of_events(dataset, events)] == ["reagan-trust-but-verify"]
    assert [t.id for t in query.treaties_matching(dataset)] == [
        "inf-treaty",
        "start-i",
        "start-ii",
        "new-start",
    ]
    expired = query.TreatyFilter(statuses=("expired",))
    assert [t.id for t in query.treaties_matching(dataset, expired)] == ["start-i", "new-start"]
    either = query.TreatyFilter(statuses=("expired", "never in force"))
    assert [t.id for t in query.treaties_matching(dataset, either)] == [
        "start-i",
        "start-ii",
        "new-start",
    ]
    since_2000 = query.TreatyFilter(start=PartialDate(2000).range, parties=("US", "RU"))
    assert [t.id for t in query.treaties_matching(dataset, since_2000)] == ["new-start"]


def test_quotes_filters(dataset) -> None:  # type: ignore[no-untyped-def]
    run = lambda **kw: [q.id for q in query.quotes_matching(dataset, query.QuoteFilter(**kw))]  # noqa: E731
    assert run(speakers=("john-kerry",)) == ["kerry-act-of-aggression"]
    assert run(start=PartialDate(2013).range, end=PartialDate(2013).range) == ["lavrov-2013"]
    assert run(searches=("TRUST",)) == ["reagan-trust-but-verify"]
    assert run(searches=("trust", "nothing of the kind")) == []


days = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
partials = days.flatmap(
    lambda d: st.sampled_from(
        [PartialDate(d.year), PartialDate(d.year, d.month), PartialDate.from_date(d)]
    )
)


@given(
    record=st.tuples(partials, st.integers(0, 400)),
    start=st.none() | partials,
    end=st.none() | partials,
)
def test_within_matches_a_day_by_day_oracle(record: tuple[PartialDate, int], start, end) -> None:  # type: ignore[no-untyped-def]
    # --from after --to is a usage error (checked by check_period), so the oracle needs low <= high.
    assume(start is None or end is None or start.start <= end.end)
    first, extra = record
    span = DateRange(first.start, first.end + timedelta(days=extra))
    low = start.start if start else date.min
    high = end.end if end else date.max
    day, brute = span.start, False
    while day <= span.end:
        if low <= day <= high:
            brute = True
            break
        day += timedelta(days=1)
    assert query.within(span, start.range if start else None, end.range if end else None) == brute


@given(st.text(max_size=30))
def test_lookups_never_crash(name: str) -> None:
    from tests.conftest import MINI

    dataset = store.load(MINI)
    for lookup in (query.treaty_by_name, query.actor_by_name, query.event_by_id):
        with contextlib.suppress(NotFound, Ambiguous):
            lookup(dataset, name)
