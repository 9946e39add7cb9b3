"""The quick plain rows of a timeline (``render.quickrows``) are the layout's, character for
character, wherever they are used; anything they cannot be sure of goes to the layout."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from relcli import store
from relcli.dates import PartialDate
from relcli.model import Actor, Dataset, Event, Source
from relcli.render import layout, quickrows

words = st.sampled_from(
    [
        "Treaty",
        "on",
        "the",
        "Non-Proliferation",
        "of",
        "Nuclear",
        "Weapons",
        "a",
        "x" * 30,
        "Reagan's",
        "(INF)",
        "U.S.-Soviet",
        "talks,",
        "summit:",
        "z" * 70,
        "Ab;",
        "semi;;;",
    ]
)
plain_text = st.lists(words, min_size=1, max_size=12).map(" ".join)
odd_text = st.sampled_from(["Договор", "tab\there", "two  spaces", " lead", "wide 世界", "é"])
ids = st.from_regex(r"[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,12}){0,6}", fullmatch=True)
days = st.dates(min_value=PartialDate(1700).start, max_value=PartialDate(2030).end)
partials = days.flatmap(
    lambda d: st.sampled_from(
        [PartialDate(d.year), PartialDate(d.year, d.month), PartialDate.from_date(d)]
    )
)
ACTORS = {
    "a1": Actor("a1", "Mikhail Gorbachev", "SU"),
    "a2": Actor("a2", "Ronald Reagan", "US"),
    "a3": Actor("a3", "Сергей Лавров", "RU"),
    "a4": Actor("a4", "A Very Long Name Indeed For A Column Of People", "other"),
}


@st.composite
def events(draw: st.DrawFn, odd: bool) -> Event:
    start = draw(partials)
    end = draw(st.none() | partials)
    return Event(
        draw(ids),
        start,
        draw(plain_text | odd_text) if odd else draw(plain_text),
        "summary",
        "summit",
        draw(st.sampled_from(["cooperative", "neutral", "confrontational"])),
        (Source("s", "https://example.org"),),
        end if end is not None and end.start >= start.start else None,
        tuple(
            draw(
                st.lists(
                    st.sampled_from(["a1", "a2", "a4", "zz"] + (["a3"] if odd else [])),
                    max_size=3,
                    unique=True,
                )
            )
        ),
        tuple(
            draw(
                st.lists(
                    st.sampled_from(["arms-control", "nato", "space", "x" * 40]),
                    max_size=3,
                    unique=True,
                )
            )
        ),
    )


def _dataset() -> Any:
    return Dataset({"title": "t"}, tuple(ACTORS.values()), (), (), ())


@settings(max_examples=300, deadline=None)
@given(
    listed=st.lists(events(odd=False), max_size=12) | st.lists(events(odd=True), max_size=6),
    width=st.integers(20, 220),
)
def test_quick_rows_are_the_layouts(listed: list[Event], width: int) -> None:
    listed.sort(key=lambda e: (e.date.sort_key(), e.id))
    dataset = _dataset()
    quick = quickrows.timeline(listed, dataset, width)
    assert quick == layout.plain(layout.timeline(listed, dataset, width))


@settings(max_examples=50, deadline=None)
@given(listed=st.lists(events(odd=False), min_size=1, max_size=8), width=st.integers(20, 220))
def test_plain_ascii_rows_take_the_quick_way(listed: list[Event], width: int) -> None:
    listed.sort(key=lambda e: (e.date.sort_key(), e.id))
    assert quickrows._event_rows(listed, _dataset(), width) is not None


def test_the_bundled_timeline_is_the_same_either_way() -> None:
    dataset = store.load()
    for width in (20, 60, 80, 100, 140, 200):
        expected = layout.plain(layout.timeline(list(dataset.events), dataset, width))
        assert quickrows.timeline(list(dataset.events), dataset, width) == expected


@settings(max_examples=500, deadline=None)
@given(
    text=st.lists(words, max_size=12).map(" ".join),
    handle=st.none() | ids | st.just("h" * 40),
    width=st.integers(1, 90),
)
def test_a_line_at_a_time_wraps_as_the_layout_word_by_word(
    text: str, handle: str | None, width: int
) -> None:
    """``quickrows._wrap`` finds each line by its last space; ``layout._wrap_tokens`` takes a
    word at a time: the same lines, long words cut and the id never, at every width."""
    tokens = [(word, "", " ") for word in text.split()]
    tokens += [(handle, "id", "  ")] if handle is not None else []
    expected = ["".join(piece for piece, _ in line) for line in layout._wrap_tokens(tokens, width)]
    assert quickrows._wrap(text, handle, width) == (expected if tokens else [])
