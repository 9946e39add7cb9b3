"""Ranking search hits: the best ``--limit`` found by weighing only the events that may rank
(``search._event_hits``) are the first of the full ranking, alike in memory and through the
index, with ties, accents and other scripts."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relcli import search, store
from relcli.cli import main
from relcli.dates import PartialDate
from tests.test_hardening import datasets, partials

WORDS = ["a", "é", "e", "x y", "1", "syria", "crim", "ев", "Straße", "strasse", "0 1", "zz"]


def _load(path: Path, mode: str) -> Any:
    os.environ["RELCLI_INDEX"] = mode
    try:
        return store.load(path)
    finally:
        os.environ.pop("RELCLI_INDEX", None)


def _ranked(hits: list[search.Hit]) -> list[tuple[str, str, int]]:
    return [(h.type, h.id, h.score) for h in hits]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    document=datasets(),
    text=st.sampled_from(WORDS) | st.text(min_size=1, max_size=6),
    limit=st.none() | st.integers(1, 4),
    low=st.none() | partials,
    types=st.sampled_from([search.TYPES, ("event",), ("event", "quote")]),
)
def test_engines_rank_alike(
    tmp_path_factory: pytest.TempPathFactory,
    document: dict[str, Any],
    text: str,
    limit: int | None,
    low: PartialDate | None,
    types: tuple[str, ...],
) -> None:
    # Titles that tie: the same words in several events, so scores tie and dates decide.
    for event in document["events"][::2]:
        event["title"] = f"{event['title'][:2]} Straße é syria"
    path = tmp_path_factory.mktemp("search") / "data.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    start = low.range if low else None
    for mode in ("never", "always"):
        dataset = _load(path, mode)
        everything = search.search(dataset, text, types, start=start)
        expected = everything[:limit] if limit is not None else everything
        for count in (False, True):
            hits, total = search.ranked(dataset, text, types, limit, start=start, count=count)
            assert _ranked(hits) == _ranked(expected)
            assert total == (len(everything) if count or limit is None else None)
        texts = search.ranked_texts(dataset, text, types, start=start)
        if mode == "never":
            in_memory, records = _ranked(everything), everything
            assert texts is None  # no texts kept: ``ranked`` builds the records
        else:
            assert _ranked(everything) == in_memory
            assert everything == records  # the index's events read from their texts (StoredHit)
            if "event" in types and search.query_words(text):
                assert texts is not None
                assert [_ranked_text(hit) for hit in texts] == in_memory


def _ranked_text(hit: Any) -> tuple[str, str, int]:
    """``_ranked`` of one of ``ranked_texts``' hits: an event as its text, or a ``Hit``."""
    if isinstance(hit, search.StoredHit):
        record = json.loads(hit.text)
        assert record["id"] == hit.id and PartialDate.parse(record["date"]) == hit.date
        assert hit.date.sort_key() == hit.sort_key and hit.title == record["title"]
    return hit.type, hit.id, hit.score


def _many(tmp_path: Path) -> Path:
    """Events that tie on score, out of date order in the file, some of them non-ASCII."""
    events = []
    for n in range(30):
        events.append(
            {
                "id": f"e{n:02d}",
                "date": f"{2000 + (n * 7) % 13}" + ("-05" if n % 3 else ""),
                "title": ["Treaty talks", "Treaty", "Договор treaty", "Traité treaty"][n % 4],
                "summary": "treaty" if n % 5 else "Tréaty, and talks",
                "kind": "agreement",
                "tone": "neutral",
                "tags": ["arms-control"] if n % 2 else [],
                "sources": [{"title": "S", "url": "https://example.org/s"}],
            }
        )
    document = {
        "schema_version": 2,
        "meta": {"title": "many"},
        "actors": [{"id": "a", "name": "Treaty Maker", "country": "US"}],
        "treaties": [],
        "events": events,
        "quotes": [],
    }
    path = tmp_path / "many.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


CASES = [
    ["search", "treaty", "--limit", "5", "--json"],
    ["search", "treaty", "--limit", "1"],
    ["search", "treaty", "--json"],
    ["search", "treaty", "--all", "--json"],
    ["search", "treaty", "--all", "--limit", "2"],
    ["search", "treaty", "--all", "--format", "jsonl"],
    ["search", "treaty talks", "--all", "--json"],
    ["search", "treaty", "--all", "--type", "event", "--type", "actor", "--format", "jsonl"],
    ["search", "treaty", "--all", "--type", "actor", "--json"],
    ["search", "договор", "--all", "--json"],
    ["search", "treaty", "--all", "--from", "2005", "--to", "2008", "--json"],
    ["search", "treaty", "--all", "--from", "2100", "--format", "jsonl"],
    ["search", "treaty", "--all", "--json", "--fields", "id,score"],
    ["search", "treaty", "--all", "--json", "--jq", ".[0].id"],
    ["search", "treaty", "--all", "--format", "csv"],
    ["search", "treaty", "--all", "--format", "md"],
    ["search", "treaty talks", "--all"],
    ["search", "treaty", "--all", "--short"],
    ["search", "treaty talks", "--limit", "3", "--json"],
    ["search", "tréaty", "--limit", "4", "--type", "event", "--json"],
    ["search", "договор", "--limit", "2", "--json"],
    ["search", "treaty", "--from", "2005", "--to", "2008", "--limit", "3", "--json"],
    ["search", "treaty", "--from", "2100", "--json"],
    ["search", "nothing-here", "--limit", "3"],
    ["search", "treaty", "--limit", "0"],
    ["search", "treaty", "--type", "nonsense"],
]


@pytest.mark.parametrize("args", CASES, ids=[" ".join(a) for a in CASES])
def test_search_agrees_between_engines(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
) -> None:
    path = _many(tmp_path)
    results = []
    for mode in ("never", "always"):
        monkeypatch.setenv("RELCLI_INDEX", mode)
        capsys.readouterr()
        code = main(["--data", str(path), *args])
        results.append((code, *capsys.readouterr()))
    assert results[0] == results[1]


def test_a_limit_keeps_the_oldest_of_equal_scores(tmp_path: Path) -> None:
    dataset = _load(_many(tmp_path), "always")
    hits = search.search(dataset, "treaty", ("event",), 6)
    assert len(hits) == 6
    keys = [(-h.score, h.date.sort_key(), h.id) for h in hits if h.date]
    assert keys == sorted(keys)
    assert hits == search.search(dataset, "treaty", ("event",))[:6]


@pytest.mark.parametrize("engine", ["never", "always"])
@pytest.mark.parametrize("at_once", [1, 2, 5])
def test_many_hits_are_encoded_a_run_at_a_time_into_the_same_json(
    relcli, monkeypatch: pytest.MonkeyPatch, engine: str, at_once: int
) -> None:  # type: ignore[no-untyped-def]
    """``search --all --json`` encodes its hits a run at a time (a big file's half million hits
    held a JSON value each at once): the text is the one encoded whole, from a small file's
    cached texts (events and quotes written from them) and from an index alike."""
    from relcli.render import json as json_format

    monkeypatch.setenv("RELCLI_INDEX", engine)
    whole = relcli("search", "the", "--all", "--json")
    assert whole.code == 0 and len(whole.json()) > 5
    monkeypatch.setattr(json_format, "HITS_AT_ONCE", at_once)
    runs = relcli("search", "the", "--all", "--json")
    assert runs.code == 0 and runs.out == whole.out
    types = {hit["type"] for hit in runs.json()}
    assert {"event", "quote"} <= types


def _every_field_score(words: list[str], phrase: str, fields: list[tuple[int, str]]) -> int:
    """The score as every field weighed (``search._score`` stops early): the reference."""
    folded = [(weight, search.fold(text)) for weight, text in fields]
    total = 0
    for word in words:
        pattern, whole = search._patterns(word)
        best = 0
        for weight, text in folded:
            if whole.search(text):
                best = max(best, 2 * weight)
            elif pattern.search(text):
                best = max(best, weight)
        if best == 0:
            return 0
        total += best
    if len(words) > 1 and any(w == search.TITLE and phrase in text for w, text in folded):
        total += search.PHRASE_BONUS
    return total


_WORDS = st.sampled_from(["abcd", "abcdef", "ab", "bcda", "Abcd", "é", "abcdé"])


@settings(max_examples=500, deadline=None)
@given(
    words=st.lists(_WORDS, min_size=1, max_size=3),
    fields=st.lists(
        st.tuples(
            st.sampled_from([search.TITLE, search.LABEL, search.BODY]),
            st.lists(_WORDS | st.sampled_from([" ", "-", "x", "É"]), max_size=8).map("".join),
        ),
        max_size=6,
    ),
)
def test_a_score_that_stops_early_is_the_score_of_every_field(
    words: list[str], fields: list[tuple[int, str]]
) -> None:
    folded = [search.fold(w) for w in words if search.fold(w)]
    if not folded:
        return
    ordered = sorted(fields, key=lambda f: -f[0])  # weightiest first, as _fields gives them
    phrase = " ".join(folded)
    assert search._score(folded, phrase, ordered) == _every_field_score(folded, phrase, ordered)


def test_every_kind_of_record_gives_its_fields_weightiest_first() -> None:
    dataset = store.load(store.bundled_path())
    records = [dataset.events[0], dataset.treaties[0], dataset.quotes[0], dataset.actors[0]]
    records += list(dataset.eras)[:1]
    for record in records:
        weights = [weight for weight, _ in search._fields(dataset, record)]
        assert weights == sorted(weights, reverse=True), type(record).__name__


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_every_hit_of_an_index_is_written_from_its_text_as_the_records_write_it(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    """``search --all`` of an index writes each event from its stored text (``render.stored``),
    a run at a time; what msgspec refuses goes through the records and ``json``: both give the
    text the records give, hits of other kinds (an actor, a quote) in their places."""
    from relcli.render import stored

    path = _many(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["quotes"] = [
        {
            "id": "q1",
            "speaker": "a",
            "date": "2005-05",
            "text": "A treaty is a treaty.",
            "context": "Talks",
            "sources": [{"title": "S", "url": "https://example.org/s"}],
        }
    ]
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    args = ["--data", str(path), "search", "treaty", "--all", "--format", fmt]
    texts = []
    for mode, refused in (("never", False), ("always", False), ("always", True)):
        monkeypatch.setenv("RELCLI_INDEX", mode)
        if refused:
            monkeypatch.setattr(stored, "_many", lambda *_: None)
        monkeypatch.setattr(stored, "AT_ONCE", 7)  # runs of 7 hits, the first alone
        capsys.readouterr()
        assert main(args) == 0
        texts.append(capsys.readouterr().out)
    assert texts[0] == texts[1] == texts[2]
    hits = [json.loads(line) for line in texts[0].splitlines()] if fmt == "jsonl" else None
    hits = hits or json.loads(texts[0])
    assert {hit["type"] for hit in hits} == {"event", "actor", "quote"}
    assert len(hits) == 32


def test_what_weighing_raises_in_sql_is_raised_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite calls the search's weighing for each row: an error in it surfaces as itself,
    not as SQLite's "user-defined function raised exception"."""
    dataset = _load(_many(tmp_path), "always")

    def broken(*_: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(search, "_event_fields", broken)
    texts = search.ranked_texts(dataset, "treaty")
    assert texts is not None
    with pytest.raises(KeyboardInterrupt):
        next(iter(texts))


def test_sql_weighs_each_event_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every event is weighed once, the ones that score too (SQLite merging the rows' query
    into the one that sorts them would weigh those again to sort them)."""
    dataset = _load(_many(tmp_path), "always")
    weighed: list[str] = []
    real = search._event_fields

    def counted(names: Any, event: Any) -> Any:
        weighed.append(event.title)
        return real(names, event)

    monkeypatch.setattr(search, "_event_fields", counted)
    texts = search.ranked_texts(dataset, "treaty")
    assert texts is not None
    hits = [hit for hit in texts if hit.type == "event"]
    assert len(hits) == 30 == len(weighed)  # every event holds the word, each weighed once


@pytest.mark.parametrize("engine", ["never", "always"])
@pytest.mark.parametrize("at_once", [1, 4, 7])
@pytest.mark.parametrize("styled", [False, True])
def test_a_long_table_of_hits_is_written_as_it_is_laid_out_the_same_text(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    engine: str,
    at_once: int,
    styled: bool,
) -> None:
    """More hits than ``HITS_AT_ONCE`` are laid out and written a run at a time, in the widths
    of them all: the table laid out at once, to the byte (a heading once, dates of every width,
    on a terminal the marks and the count line at the end)."""
    from relcli.cli import listing
    from relcli.render import table

    monkeypatch.setenv("RELCLI_INDEX", engine)
    monkeypatch.setenv("COLUMNS", "70")
    if styled:
        monkeypatch.setenv("FORCE_COLOR", "1")
    args = ["--data", str(_many(tmp_path)), "search", "treaty", "--all"]
    capsys.readouterr()
    assert main(args) == 0
    whole = capsys.readouterr().out
    assert whole.count("type") == 1 and len(whole.splitlines()) > 30
    assert ("31 matches" in whole) is styled and ("\x1b[" in whole) is styled
    monkeypatch.setattr(table, "HITS_AT_ONCE", at_once)
    written: list[str] = []
    monkeypatch.setattr(listing, "stream_view", lambda pieces: written.extend(pieces))
    assert main(args) == 0
    assert "".join(written) == whole and len(written) > 31 // at_once
    assert main([*args, "--csv-raw"]) == 2  # still a usage error, as ``emit`` words it


def test_a_long_table_of_hits_on_a_terminal_is_paged_as_it_is_laid_out(tmp_path: Path) -> None:
    """On a terminal the pieces go to the pager as they come; quitting it stops the rest."""
    from tests.test_reading import SCREEN, _recording_pager
    from tests.test_reliability import on_terminal

    events = [
        {
            "id": f"e{n}",
            "date": f"{1000 + n}",
            "title": f"Treaty {n}",
            "summary": "A treaty.",
            "kind": "agreement",
            "tone": "neutral",
            "sources": [{"title": "S", "url": "https://example.org/s"}],
        }
        for n in range(1100)
    ]
    document = {"schema_version": 2, "meta": {"title": "t"}, "actors": [], "treaties": []}
    document |= {"events": events, "quotes": []}
    path = tmp_path / "treaties.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    pager, got = _recording_pager(tmp_path)
    code, screen = on_terminal(
        "--data", str(path), "search", "treaty", "--all", RELCLI_PAGER=pager, **SCREEN
    )
    assert code == 0, screen
    paged = got.read_text(encoding="utf-8")
    assert paged.startswith("FRX\n") and "e1099" in paged and "1100 matches" in paged
    assert "e1099" not in screen


@pytest.mark.parametrize("query", ["maker", "maker talks", "talks", 'a"b', "мир"])
def test_a_word_in_many_actors_names_narrows_before_weighing_as_sql_would(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """A word in more than 50 actors' names is too many to narrow by in SQL: ``search --all``
    of an index leaves out, before weighing, the rows of plain ASCII that neither hold it nor
    name one of those actors. Events that hold it only through an actor's name, only in their
    text, in other than ASCII or behind an escape are all found, as in memory."""
    actors = [
        {"id": f"m{n}", "name": f"Maker {n}" if n % 2 else f"Мир Maker {n}", "country": "US"}
        for n in range(60)
    ]
    texts = ["talks", 'a "a"b" talks', "Мир talks", "nothing", "maker's talks"]
    events = [
        {
            "id": f"e{n:02d}",
            "date": f"{1900 + n}",
            "title": texts[n % len(texts)],
            "summary": texts[(n + 2) % len(texts)],
            "kind": "agreement",
            "tone": "neutral",
            "actors": [f"m{n}"] if n % 3 == 0 else [],
            "sources": [{"title": "S", "url": "https://example.org/s"}],
        }
        for n in range(60)
    ]
    document = {"schema_version": 2, "meta": {"title": "m"}, "actors": actors, "events": events}
    document |= {"treaties": [], "quotes": []}
    path = tmp_path / "makers.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    from relcli.index import ranking

    asked: list[str | None] = []
    real = ranking.Weighed.names

    def names(self: Any, group: int, actors: str | None) -> bool:
        asked.append(actors)
        return real(self, group, actors)

    monkeypatch.setattr(ranking.Weighed, "names", names)
    results = []
    for mode in ("never", "always"):
        monkeypatch.setenv("RELCLI_INDEX", mode)
        capsys.readouterr()
        code = main(["--data", str(path), "search", query, "--all", "--type", "event", "--json"])
        results.append((code, *capsys.readouterr()))
    assert results[0] == results[1]
    assert results[0][0] == 0 and len(json.loads(results[0][1])) > 0
    if query.startswith("maker"):  # in 60 names: SQL asks Python of the rows its LIKE leaves out
        assert asked and len(asked) < len(events)
