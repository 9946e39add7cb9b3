"""The hand-written record classes keep what the dataclasses they replaced gave."""

from __future__ import annotations

import pytest

from relcli import store
from relcli.dates import DateRange, PartialDate
from relcli.model import Dataset, Event, Source


def _event(title: str = "Summit") -> Event:
    return Event(
        id="summit",
        date=PartialDate(1986, 10),
        title=title,
        summary="Leaders met.",
        kind="summit",
        tone="neutral",
        sources=(Source("Example", "https://example.org"),),
    )


def test_records_compare_and_hash_by_value() -> None:
    assert _event() == _event()
    assert hash(_event()) == hash(_event())
    assert _event() != _event("Other")
    assert len({PartialDate(2013), PartialDate(2013), PartialDate(2013, 1)}) == 2
    assert PartialDate(2013) != DateRange(PartialDate(2013).start, PartialDate(2013).end)


def test_records_are_immutable() -> None:
    event = _event()
    with pytest.raises(AttributeError, match="immutable"):
        event.title = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del event.title
    with pytest.raises(AttributeError):
        event.extra = 1  # type: ignore[attr-defined]
    assert event.title == "Summit"


def test_defaults_and_repr() -> None:
    event = _event()
    assert event.end_date is None and event.actors == () and event.treaties == ()
    assert repr(PartialDate(2013, 9)) == "PartialDate(day=None, month=9, year=2013)"
    assert "title='Summit'" in repr(event)


def test_date_validation_survives_the_rewrite() -> None:
    assert PartialDate(2012, 2, 29).iso() == "2012-02-29"
    for bad in [(2013, 2, 29), (2013, 4, 31), (2013, 13), (0,), (2013, None, 5), (2013, 1, 0)]:
        with pytest.raises(ValueError):
            PartialDate(*bad)


@pytest.mark.parametrize("text", ["1867", "1867-03", "1867-03-30", "2024-02-29"])
def test_from_valid_iso_agrees_with_the_strict_parser(text: str) -> None:
    assert PartialDate.from_valid_iso(text) == PartialDate.parse(text)


def test_dataset_round_trips_and_compares_by_records(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RELCLI_CACHE", "0")
    dataset = store.load()
    again = Dataset.from_json(dataset.to_json())
    assert again == dataset
    assert again.event_by_id.keys() == dataset.event_by_id.keys()
    assert f"{len(dataset.events)} events" in repr(dataset)
    with pytest.raises(TypeError):
        hash(dataset)


def test_bundles_build_like_named_tuples() -> None:
    from relcli.query import EventFilter
    from relcli.render import RenderOptions

    assert RenderOptions() == RenderOptions(100, False, False, False, None)
    assert RenderOptions(60, color=True).width == 60 and RenderOptions(60, color=True).color
    assert EventFilter(limit=3).limit == 3 and EventFilter().actors == ()
    assert repr(RenderOptions()) == (
        "RenderOptions(width=100, styled=False, color=False, short=False, total=None, "
        "csv_raw=False)"
    )
    with pytest.raises(TypeError):
        RenderOptions(1, 2, 3, 4, 5, 6, 7)
    with pytest.raises(TypeError):
        RenderOptions(80, width=90)
    with pytest.raises(TypeError):
        RenderOptions(colour=True)
    with pytest.raises(AttributeError):
        RenderOptions().width = 3  # type: ignore[misc]
    from relcli.render import Listing

    with pytest.raises(TypeError, match="missing 'dataset'"):
        Listing("event", [])


def test_key_lists_are_the_order_to_json_writes() -> None:
    """Validator, index and --fields read the key lists; to_json must write the same keys."""
    from relcli.model import ACTOR_KEYS, EVENT_KEYS, EVENT_REQUIRED, QUOTE_KEYS, TREATY_KEYS

    dataset = store.load()
    assert tuple(dataset.events[0].to_json()) == EVENT_KEYS
    assert tuple(dataset.treaties[0].to_json()) == TREATY_KEYS
    assert tuple(dataset.quotes[0].to_json()) == QUOTE_KEYS
    assert tuple(dataset.actors[0].to_json()) == ACTOR_KEYS
    assert set(EVENT_KEYS) > EVENT_REQUIRED


def test_a_dataset_from_a_document_builds_each_collection_on_first_use() -> None:
    eager = store.load()  # validated and built record by record (or from the cache)
    lazy = Dataset.from_json(eager.to_json())
    assert lazy._events is None and lazy._actors is None  # nothing built yet
    assert lazy.treaty_by_id.keys() == eager.treaty_by_id.keys()
    assert lazy._events is None and lazy._actors is None  # treaties alone
    assert lazy.events is lazy.events  # built once
    assert lazy == eager and repr(lazy) == repr(eager)
    assert lazy.event_by_id["crimea-annexed"] == eager.event_by_id["crimea-annexed"]
