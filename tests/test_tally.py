"""Counting a selection of events (``model.Selection``, ``Records.tally``): both engines count
alike, in the same order of first meeting when asked, and ``stats``, ``tags``, ``kinds`` and
``compare`` print the same from either."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relcli import store
from relcli.dates import DateRange
from relcli.model import Selection, Tally
from relcli.vocabulary import KINDS, TAGS
from tests.test_hardening import datasets, partials
from tests.test_index import run
from tests.test_index_walk import second_connections


def _both(path: Path) -> tuple[Any, Any]:
    """The file in memory and through its index."""
    loaded = []
    for mode in ("never", "always"):
        os.environ["RELCLI_INDEX"] = mode
        try:
            loaded.append(store.load(path))
        finally:
            os.environ.pop("RELCLI_INDEX", None)
    return loaded[0], loaded[1]


def _listed(tally: Tally) -> tuple[Any, ...]:
    """Every counter with its keys in their order, so ``==`` also compares the order met."""
    return tuple(list(getattr(tally, field).items()) for field in Tally.FIELDS)


@st.composite
def selections(draw: st.DrawFn, actors: list[str]) -> Selection:
    def some(values: Any) -> tuple[str, ...]:
        return tuple(draw(st.lists(st.sampled_from(values), max_size=2, unique=True)))

    low, high = draw(st.none() | partials), draw(st.none() | partials)
    periods = draw(st.lists(st.tuples(partials, partials), max_size=2))
    return Selection(
        after=low.start if low else None,
        before=high.end if high else None,
        periods=tuple(DateRange(min(a.start, b.start), max(a.end, b.end)) for a, b in periods),
        kinds=some(KINDS[:4]),
        not_kinds=some(KINDS[:4]),
        tags=some(TAGS[:3]),
        any_tags=some(TAGS[:4]),
        not_tags=some(TAGS[:4]),
        actors=some(actors),
        not_actors=some(actors),
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=datasets(), data=st.data())
def test_engines_tally_alike(
    tmp_path_factory: pytest.TempPathFactory, document: dict[str, Any], data: st.DataObject
) -> None:
    path = tmp_path_factory.mktemp("tally") / "data.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    memory, indexed = _both(path)
    actors = [a["id"] for a in document["actors"]]
    for selection in (Selection(), data.draw(selections(actors))):
        for counting in (Tally.STATS, Tally.FIELDS, ("tags",), ()):
            expected = memory.tally(selection, counting, ordered=True)
            assert _listed(indexed.tally(selection, counting, ordered=True)) == _listed(expected)
            assert indexed.tally(selection, counting) == memory.tally(selection, counting)
            assert expected == Tally.of(
                (e for e in memory.events if selection.accepts(e)), counting
            )


def test_an_empty_selection_counts_nothing(tmp_path: Path, mini_document: Any) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(mini_document), encoding="utf-8")
    for dataset in _both(path):
        nothing = dataset.tally(Selection(after=date(2100, 1, 1)), Tally.FIELDS, ordered=True)
        assert nothing == Tally.of([], Tally.FIELDS) and nothing.total == 0
        kind = dataset.events[0].kind
        assert dataset.tally(Selection(kinds=(kind,), not_kinds=(kind,))).total == 0
        assert dataset.tally(Selection()).total == len(dataset.events)


def _ties(tmp_path: Path) -> Path:
    """Events whose kinds, tags and actors tie, first met in an order unlike their ids' or
    names' (with the actors named in Cyrillic), in a file whose events are not in date order."""
    events = []
    for n, (day, kind, tags, actors) in enumerate(
        [
            ("2001-05-01", "summit", ["syria", "arctic"], ["b-actor", "a-actor"]),
            ("1999", "trade", ["crimea"], ["c-actor"]),
            ("2001-05", "summit", ["syria"], []),
            ("2003-02-03", "trade", ["arctic", "crimea"], ["a-actor", "b-actor", "c-actor"]),
            ("2001", "military", [], ["c-actor"]),
        ]
    ):
        events.append(
            {
                "id": f"e{4 - n}",
                "date": day,
                "title": f"Évènement {n}",
                "summary": "Встреча",
                "kind": kind,
                "tone": ["cooperative", "neutral", "confrontational"][n % 3],
                "actors": actors,
                "tags": tags,
                "sources": [{"title": "S", "url": "https://example.org/s"}],
            }
        )
    names = {"a-actor": "Яков", "b-actor": "Борис", "c-actor": "Анна"}
    document = {
        "schema_version": 2,
        "meta": {"title": "ties"},
        "actors": [{"id": k, "name": v, "country": "RU"} for k, v in names.items()],
        "treaties": [],
        "events": events,
        "quotes": [],
    }
    path = tmp_path / "ties.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


REPORTS = [
    ["stats", "--json"],
    ["stats", "--by", "tag"],
    ["stats", "--by", "kind", "--share", "--json"],
    ["stats", "--by", "year", "--format", "csv"],
    ["stats", "--from", "2001", "--to", "2001", "--json"],
    ["stats", "--from", "2100", "--json"],
    ["stats", "--kind", "summit", "--not-kind", "summit", "--json"],
    ["stats", "--tag", "syria", "--not-tag", "arctic", "--json"],
    ["stats", "--any-tag", "crimea", "--any-tag", "syria", "--json"],
    ["stats", "--actor", "Борис", "--not-actor", "Анна", "--json"],
    ["stats", "--during", "Яков", "--json"],
    ["stats", "--search", "évènement 1", "--json"],
    ["stats", "--tag", "no-such-tag"],
    ["stats", "--actor", "Nobody"],
    ["tags", "--json"],
    ["kinds", "--format", "csv"],
    ["compare", "2001", "1999-2003", "--json"],
    ["compare", "2001", "2100", "--format", "csv"],
    ["compare", "2001"],
]


@pytest.mark.parametrize("args", REPORTS, ids=[" ".join(a) for a in REPORTS])
def test_reports_agree_between_engines(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
) -> None:
    path = _ties(tmp_path)
    monkeypatch.setenv("RELCLI_INDEX", "never")
    expected = run(capsys, ["--data", str(path), *args])
    monkeypatch.setenv("RELCLI_INDEX", "always")
    assert run(capsys, ["--data", str(path), *args]) == expected


def test_compare_breaks_ties_by_the_first_met(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELCLI_INDEX", "always")
    code, out, _ = run(capsys, ["--data", str(_ties(tmp_path)), "compare", "1999-2003", "2001"])
    assert code == 0
    code, out, _ = run(
        capsys, ["--data", str(_ties(tmp_path)), "compare", "1999-2003", "2001", "--json"]
    )
    whole = json.loads(out)[0]
    assert list(whole["top_kinds"].items()) == [("trade", 2), ("summit", 2), ("military", 1)]
    assert list(whole["top_tags"]) == ["crimea", "syria", "arctic"]
    assert list(whole["top_actors"]) == ["Анна", "Борис", "Яков"]


# ---- counting what a search finds -------------------------------------------------------------

# Text a search must read exactly: quotes and backslashes (escaped in the JSON), runs of spaces,
# tabs and newlines (folding collapses them), capitals, accents, Cyrillic, "%" and "_" (LIKE's).
PIECES = [
    "Treaty",
    "treaty",
    "ARMS",
    "arms  control",
    'say "no"',
    "back\\slash",
    "tab\there",
    "new\nline",
    "50%",
    "a_b",
    "Évènement",
    "Договор",
    "ſtrange",
    "x",
    "  ",
    "-",
    "Sta",
]
pieces = st.lists(st.sampled_from(PIECES), min_size=1, max_size=5).map(" ".join)


@st.composite
def searchable(draw: st.DrawFn) -> dict[str, Any]:
    document = draw(datasets())
    for n, event in enumerate(document["events"]):
        if draw(st.booleans()):  # a title is one line, and unique on its date: numbered
            event["title"] = f"{n} " + " ".join(draw(pieces).split())
        if draw(st.booleans()):
            event["summary"] = draw(pieces).strip() or "x"
    return document


NEEDLES = [
    "treaty",
    "TREATY",
    "arms control",
    "arms  control",
    '"no"',
    "back\\slash",
    "50%",
    "a_b",
    "evenement",
    "договор",
    "strange",
    "x",
    "sta",
    "ta",
    "here new",
    "%",
    "_",
]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=searchable(), data=st.data())
def test_engines_tally_a_search_alike(
    tmp_path_factory: pytest.TempPathFactory, document: dict[str, Any], data: st.DataObject
) -> None:
    """SQL decides plain-ASCII rows, Python the rest: together, what ``query`` finds."""
    from relcli.query import EventFilter

    path = tmp_path_factory.mktemp("search-tally") / "data.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    memory, indexed = _both(path)
    actors = [a["id"] for a in document["actors"]]
    searches = tuple(data.draw(st.lists(st.sampled_from(NEEDLES), min_size=1, max_size=2)))
    search = EventFilter(searches=searches)
    for selection in (Selection(), data.draw(selections(actors))):
        expected = Tally.of(
            (e for e in memory.events if selection.accepts(e) and search.found_in(e)),
            Tally.FIELDS,
        )
        assert memory.tally(selection, Tally.FIELDS, search=search) == expected
        assert indexed.tally(selection, Tally.FIELDS, search=search) == expected
        in_order = indexed.tally(selection, Tally.FIELDS, ordered=True, search=search)
        assert _listed(in_order) == _listed(
            memory.tally(selection, Tally.FIELDS, ordered=True, search=search)
        )


def test_a_pass_shared_by_two_connections_counts_the_same(
    tmp_path: Path, mini_document: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big table is counted in two halves at once, on a second connection in a thread:
    three tallies (the search's SQL part among them) and the sources' count of URL lists."""
    from relcli.index import halves
    from relcli.query import EventFilter

    path = tmp_path / "data.json"
    path.write_text(json.dumps(mini_document), encoding="utf-8")
    memory, indexed = _both(path)
    expected = [
        memory.tally(Selection(), Tally.FIELDS),
        memory.tally(Selection(kinds=(memory.events[0].kind,)), Tally.STATS),
        memory.tally(Selection(), Tally.FIELDS, search=EventFilter(searches=("the",))),
    ]
    opened = second_connections(monkeypatch)
    monkeypatch.setattr(halves, "SHARED_FROM", 0)
    found = [
        indexed.tally(Selection(), Tally.FIELDS),
        indexed.tally(Selection(kinds=(memory.events[0].kind,)), Tally.STATS),
        indexed.tally(Selection(), Tally.FIELDS, search=EventFilter(searches=("the",))),
    ]
    assert found == expected and opened and all(opened)
    assert indexed.event_urls(2000) == memory.event_urls(2000)  # sources, shared too
    assert len(opened) == 4


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_tally_in_date_order_shared_by_two_connections_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """A tally in chronological order (``compare``) over dates that narrow a big table is
    counted in two spans of days at once, before the middle day and from it: the counters,
    and the order in which ties were first met, are those of one pass in order."""
    import random

    from relcli.index import halves

    rng = random.Random(seed)
    days = ["1990", "1990-05", "1990-05-01", "1991-02-03", "1991", "1992-07", "1992-07-07"]
    events = [
        {
            "id": f"e{rng.randrange(10**6):06d}-{n}",
            "date": rng.choice(days) if n % 7 else f"{rng.randrange(1800, 2026)}",
            "title": f"Event {n}",
            "summary": "Summary",
            "kind": rng.choice(KINDS[:4]),
            "tone": rng.choice(["cooperative", "neutral", "confrontational"]),
            "actors": rng.sample(["a-actor", "b-actor", "c-actor"], rng.randrange(3)),
            "tags": rng.sample(list(TAGS[:5]), rng.randrange(3)),
            "sources": [{"title": "S", "url": "https://example.org/s"}],
        }
        for n in range(240)
    ]
    document = {
        "schema_version": 2,
        "meta": {"title": "spans"},
        "actors": [
            {"id": a, "name": a, "country": "RU"} for a in ("a-actor", "b-actor", "c-actor")
        ],
        "treaties": [],
        "events": events,
        "quotes": [],
    }
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    memory, indexed = _both(path)
    shared: list[Any] = []
    real = halves.Halves.run

    def run(self: Any, statements: Any, params: Any, middle: Any = None) -> Any:
        shared.append(middle)
        return real(self, statements, params, middle)

    monkeypatch.setattr(halves.Halves, "run", run)
    monkeypatch.setattr(halves, "SHARED_FROM", 0)
    for low, high in [(1990, 1990), (1990, 1991), (1700, 1989), (1800, 1899), (1900, 1989)]:
        selection = Selection(periods=(DateRange(date(low, 1, 1), date(high, 12, 31)),))
        expected = memory.tally(selection, Tally.FIELDS, ordered=True)
        found = indexed.tally(selection, Tally.FIELDS, ordered=True)
        assert _listed(found) == _listed(expected), (low, high)
    assert any(type(m) is str for m in shared)  # the dates narrowed it: split at a day
