"""Building the index: the fast way (msgspec, a writer on the other core) against the plain way."""

from __future__ import annotations

import copy
import datetime
import gc
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relcli import rules
from relcli.datafile import lone_surrogates
from relcli.dates import PartialDate, iso_columns, iso_span
from relcli.errors import DataFileError
from relcli.index import batch, build, fastread, writer
from relcli.index.builder import Builder
from relcli.model import EVENT_KEYS, EVENT_REQUIRED, SOURCE_KEYS
from tests.conftest import MINI
from tests.test_hardening import datasets
from tests.test_index import _to_jsonl


def _tables(path: Path) -> dict[str, list[Any]]:
    """Everything an index holds, with each event's JSON decoded (its spacing may differ)."""
    db = sqlite3.connect(path)
    try:
        events = [
            (*row[:-1], json.loads(row[-1]))
            for row in db.execute("SELECT * FROM events ORDER BY pos")
        ]
        return {
            "events": events,
            "records": db.execute("SELECT * FROM records ORDER BY kind, pos").fetchall(),
            "links": sorted(db.execute("SELECT * FROM event_treaties").fetchall()),
            "meta": sorted(db.execute("SELECT * FROM meta").fetchall()),
        }
    finally:
        db.close()


def _build(source: Path, target: Path, *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Build an index of ``source``; return whether the fast way read it."""
    taken: list[bool] = []
    real = build._read_fast

    def spy(*args: Any) -> bool:
        result = real(*args) if fast else False
        taken.append(result)
        return result

    with monkeypatch.context() as patch:
        patch.setattr(build, "_read_fast", spy)
        build.build_index(source, target)
    return taken == [True]


def test_the_fast_way_reads_a_valid_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _build(MINI, tmp_path / "fast.sqlite", fast=True, monkeypatch=monkeypatch)
    assert not _build(MINI, tmp_path / "plain.sqlite", fast=False, monkeypatch=monkeypatch)
    fast, plain = _tables(tmp_path / "fast.sqlite"), _tables(tmp_path / "plain.sqlite")
    assert fast == plain
    assert len(fast["events"]) == 7 and gc.isenabled()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=datasets(), indent=st.sampled_from([None, 1, "\t"]), bom=st.booleans())
def test_fast_and_plain_indexes_are_the_same(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    document: dict[str, Any],
    indent: Any,
    bom: bool,
) -> None:
    folder = tmp_path_factory.mktemp("same")
    source = folder / "data.json"
    text = json.dumps(document, ensure_ascii=False, indent=indent)
    source.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    assert _build(source, folder / "fast.sqlite", fast=True, monkeypatch=monkeypatch)
    _build(source, folder / "plain.sqlite", fast=False, monkeypatch=monkeypatch)
    assert _tables(folder / "fast.sqlite") == _tables(folder / "plain.sqlite")


def _event(**changes: Any) -> dict[str, Any]:
    document = json.loads(MINI.read_text(encoding="utf-8"))
    event = copy.deepcopy(document["events"][0])
    event.update(changes)
    return event


GIVE_UP = {
    "unknown key": _event(colour="red"),
    "missing key": {k: v for k, v in _event().items() if k != "tone"},
    "id not a slug": _event(id="Not A Slug"),
    "empty id": _event(id=""),
    "two slugs as one id": _event(id="a|b"),
    "two slugs as one actor": _event(actors=["a|b"]),
    "impossible day": _event(date="2013-02-30"),
    "year zero": _event(date="0000"),
    "month 13": _event(date="2013-13"),
    "end before start": _event(date="2013-05", end_date="2013-04-30"),
    "empty end date": _event(end_date=""),
    "blank title": _event(title="   "),
    "title with a line break": _event(title="a\nb"),
    "title with a carriage return": _event(title="a\rb"),
    "blank summary": _event(summary="\t"),
    "unknown kind": _event(kind="party"),
    "unknown tone": _event(tone="warm"),
    "unknown tag": _event(tags=["nonsense"]),
    "actor not a slug": _event(actors=["A B"]),
    "empty actor": _event(actors=[""]),
    "null actors": _event(actors=None),
    "no sources": _event(sources=[]),
    "source with an extra key": _event(sources=[{"title": "t", "url": "https://e.org", "x": 1}]),
    "javascript url": _event(sources=[{"title": "t", "url": "javascript:alert(1)"}]),
    "blank source title": _event(sources=[{"title": " ", "url": "https://e.org"}]),
    "source title with a carriage return": _event(
        sources=[{"title": "a\rb", "url": "https://e.org"}]
    ),
    "publisher with a carriage return": _event(
        sources=[{"title": "t", "url": "https://e.org", "publisher": "a\rb"}]
    ),
    "lone surrogate": _event(title="\ud800 x"),
    "number as title": _event(title=5),
}


@pytest.mark.parametrize("event", GIVE_UP.values(), ids=GIVE_UP.keys())
def test_the_fast_way_gives_up_on_what_it_cannot_vouch_for(
    tmp_path: Path, event: dict[str, Any]
) -> None:
    document = json.loads(MINI.read_text(encoding="utf-8"))
    if event["id"] == document["events"][0]["id"]:
        event = event | {"id": "added"}  # not a duplicate: that is found later, by the builder
    document["events"].append(event)
    source = tmp_path / "data.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    builder = Builder(source, tmp_path / "x.sqlite")
    try:
        assert not build._read_fast(source, builder, lambda done: None)
    finally:
        build._discard(builder)
    assert gc.isenabled()


@pytest.mark.parametrize(
    "text",
    [
        b'{"schema_version": 1, "events": {}}',  # events not an array
        b'{"schema_version": 1, "events": [], "extra": 1}',  # unknown top-level key
        b'{"schema_version": 1, "actors": []}',  # no events
        b'{"schema_version": 1, "events": [1, ]}',  # malformed
        b'{"schema_version": 1, "events": []} trailing',
        b'{"schema_version": 1, "meta": {"t": "\xff"}, "events": []}',  # not UTF-8
        b"[]",
        b"",
    ],
)
def test_the_fast_way_gives_up_on_unusual_documents(text: bytes) -> None:
    with pytest.raises(batch.GiveUp):
        document = fastread.TopLevel(text)
        list(document.top_items())


def test_invalid_files_get_the_plain_messages(tmp_path: Path) -> None:
    """A fast-path refusal leads to the plain reading: line and column, or the JSON path."""
    source = tmp_path / "data.json"
    source.write_bytes(b'{"schema_version": 1,\n "events": [1, ]}')
    with pytest.raises(DataFileError) as caught:
        build.build_index(source, tmp_path / "x.sqlite")
    assert caught.value.problems[0].line == 2
    document = json.loads(MINI.read_text(encoding="utf-8"))
    document["events"][3]["date"] = "2013-02-30"
    source.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        build.build_index(source, tmp_path / "x.sqlite")
    assert caught.value.problems[0].path == "$.events[3].date"
    assert "day 30 does not exist" in caught.value.problems[0].message
    assert not (tmp_path / "x.sqlite").exists()


def _span_by_objects(text: str) -> Any:
    try:
        date = PartialDate.parse(text)
    except ValueError:
        return None
    return (
        date.start.isoformat(),
        date.end.isoformat(),
        int(date.precision),
        date.month if date.day else None,
        date.day,
    )


date_like = st.from_regex(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", fullmatch=True)


@settings(max_examples=400, deadline=None)
@given(st.one_of(date_like, st.text(max_size=12)))
def test_span_keeps_the_rules_of_partial_dates(text: str) -> None:
    iso_span.cache_clear()
    assert iso_span(text) == _span_by_objects(text)


@pytest.mark.parametrize("text", ["2000-02-29", "1900-02-29", "2024-02-29", "0001", "9999-12-31"])
def test_span_on_leap_days_and_edges(text: str) -> None:
    assert iso_span(text) == _span_by_objects(text)


# Dates a month may or may not have (29 February of leap and common years, 30 and 31 of every
# month), the year 0000, and text that is not a date at all (newlines included).
near_dates = st.one_of(
    date_like,
    st.builds(
        "{:04d}-{:02d}-{:02d}".format,
        st.sampled_from([0, 1, 1900, 2000, 2023, 2024, 9999]),
        st.integers(0, 13),
        st.sampled_from([0, 1, 28, 29, 30, 31, 32]),
    ),
    st.text(alphabet="0123456789-\n ", max_size=11),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(date_like, near_dates), max_size=30))
def test_date_columns_are_iso_span_of_each_date(values: list[str]) -> None:
    """A run's dates as columns (the index build's way) say what ``iso_span`` says of each."""
    spans = [iso_span(value) for value in values]
    columns = iso_columns(values)
    if None in spans:
        assert columns is None
    else:
        assert columns == tuple([span[n] for span in spans] for n in range(3))  # type: ignore[index]


valid_dates = st.builds(
    lambda day, cut: day.isoformat()[:cut],
    st.dates(min_value=datetime.date(1, 1, 1)),
    st.sampled_from([4, 7, 10]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(valid_dates, min_size=1, max_size=40))
def test_date_columns_of_valid_runs(values: list[str]) -> None:
    spans = [iso_span(value) for value in values]
    assert iso_columns(values) == tuple([span[n] for span in spans] for n in range(3))  # type: ignore[index]


def test_date_columns_of_a_run_of_valid_dates() -> None:
    run = ["2013", "2013-02", "2024-02-29", "1900-02", "2013-09-14", "2000-02"]
    assert iso_columns(run) == (
        ["2013-01-01", "2013-02-01", "2024-02-29", "1900-02-01", "2013-09-14", "2000-02-01"],
        ["2013-12-31", "2013-02-28", "2024-02-29", "1900-02-28", "2013-09-14", "2000-02-29"],
        [1, 2, 3, 2, 3, 2],
    )
    for wrong in ("1900-02-29", "2013-04-31", "0000", "2013\n2014", "2013-13", ""):
        assert iso_columns([*run, wrong]) is None, wrong


# ---- the writer ------------------------------------------------------------------------------

COLUMNS = (
    [0], ["a"], ["2013-01-01"], ["2013-12-31"], [1], None, ["summit"],
    ["neutral"], [[]], [[]], [[]], ["https://a.org/1"],
)  # fmt: skip


def _empty_index(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.executescript(writer.SCHEMA)
    db.close()
    return path


@pytest.mark.parametrize("process", [True, False])
def test_the_writer_writes_columns_with_or_without_their_json(
    tmp_path: Path, process: bool
) -> None:
    bodies = [b'{"id": "b"}', '{"id": "é"}'.encode()]
    path = _empty_index(tmp_path / "x.sqlite")
    events = writer.EventWriter(path, bodies=bodies, process=process)
    events.put_columns(COLUMNS, ['{"id": "a"}'])
    events.put_columns(
        ([1], ["é"], ["2014-01-01"], ["2014-01-01"], [3], None, ["summit"],
         ["neutral"], [["syria"]], [[]], [["inf", "new-start"]],
         ["https://a.org/1\nhttps://b.org/2"])
    )  # fmt: skip
    events.close()
    rows = sqlite3.connect(path).execute("SELECT * FROM events ORDER BY pos").fetchall()
    assert rows[0][8:] == ("||", "||", "||", "https://a.org/1", 1, '{"id": "a"}')
    assert rows[1][8:] == (
        "|syria|", "||", "|inf|new-start|", "https://a.org/1\nhttps://b.org/2", 0, '{"id": "é"}'
    )  # fmt: skip


@pytest.mark.parametrize("process", [True, False])
def test_a_failing_writer_is_reported(tmp_path: Path, process: bool) -> None:
    path = tmp_path / "x.sqlite"
    path.write_bytes(b"")  # no tables
    events = writer.EventWriter(path, process=process)
    events.put_columns(COLUMNS, ["{}"])
    with pytest.raises(sqlite3.OperationalError, match="index writer failed: no such table"):
        events.close()


def test_a_writer_that_dies_is_reported(tmp_path: Path) -> None:
    events = writer.EventWriter(_empty_index(tmp_path / "x.sqlite"), process=True)
    events.worker.kill()
    events.worker.join()
    events.put_columns(COLUMNS, ["{}"])
    with pytest.raises(sqlite3.OperationalError, match="stopped unexpectedly"):
        events.close()


@pytest.mark.parametrize("process", [True, False])
def test_an_aborted_writer_commits_nothing(tmp_path: Path, process: bool) -> None:
    path = _empty_index(tmp_path / "x.sqlite")
    events = writer.EventWriter(path, process=process)
    events.put_columns(COLUMNS, ["{}"])
    events.abort()
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM events").fetchone() == (0,)


# ---- JSON Lines ------------------------------------------------------------------------------


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=datasets(), crlf=st.booleans(), bom=st.booleans(), blank=st.booleans())
def test_fast_and_plain_json_lines_indexes_are_the_same(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    document: dict[str, Any],
    crlf: bool,
    bom: bool,
    blank: bool,
) -> None:
    folder = tmp_path_factory.mktemp("lines")
    source = folder / "data.jsonl"
    text = _to_jsonl(document)
    if blank:
        text = text.replace("\n", "\n\n", 2)
    if crlf:
        text = text.replace("\n", "\r\n")
    source.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    assert _build(source, folder / "fast.sqlite", fast=True, monkeypatch=monkeypatch)
    _build(source, folder / "plain.sqlite", fast=False, monkeypatch=monkeypatch)
    fast, plain = _tables(folder / "fast.sqlite"), _tables(folder / "plain.sqlite")
    assert fast == plain


def _lines_with(tmp_path: Path, extra: str) -> Path:
    document = json.loads(MINI.read_text(encoding="utf-8"))
    source = tmp_path / "data.jsonl"
    source.write_text(_to_jsonl(document) + extra, encoding="utf-8")
    return source


@pytest.mark.parametrize(
    "extra",
    [
        json.dumps({"type": "event", **_event(id="added", date="2013-02-30")}) + "\n",
        json.dumps({**_event(id="added")}) + "\n",  # no type
        json.dumps({"type": "party"}) + "\n",
        "[1, 2]\n",
        "{not json\n",
    ],
    ids=["invalid event", "no type", "unknown type", "not an object", "malformed"],
)
def test_the_fast_way_gives_up_on_json_lines_it_cannot_vouch_for(
    tmp_path: Path, extra: str
) -> None:
    source = _lines_with(tmp_path, extra)
    builder = Builder(source, tmp_path / "x.sqlite")
    try:
        assert not build._read_fast(source, builder, lambda done: None)
    finally:
        build._discard(builder)
    with pytest.raises(DataFileError) as caught:  # the plain way then says where
        build.build_index(source, tmp_path / "x.sqlite")
    first = caught.value.problems[0]
    last = len(source.read_text(encoding="utf-8").splitlines())
    assert first.path.startswith(f"line {last}") or first.line == last, first


def test_json_lines_duplicates_are_located_by_line(tmp_path: Path) -> None:
    document = json.loads(MINI.read_text(encoding="utf-8"))
    repeated = json.dumps({"type": "event", **document["events"][2]})
    source = _lines_with(tmp_path, repeated + "\n")
    with pytest.raises(DataFileError) as caught:
        build.build_index(source, tmp_path / "x.sqlite")
    last = len(source.read_text(encoding="utf-8").splitlines())
    assert any(p.path == f"line {last}" for p in caught.value.problems), caught.value.problems


def test_a_writer_thread_builds_the_same_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where there is no fork (Windows, macOS) the rows are written by a thread instead."""
    build.build_index(MINI, tmp_path / "process.sqlite")
    monkeypatch.setattr(writer.sys, "platform", "darwin")
    build.build_index(MINI, tmp_path / "thread.sqlite")
    assert _tables(tmp_path / "thread.sqlite") == _tables(tmp_path / "process.sqlite")


def test_the_typed_event_has_the_schema_keys() -> None:
    """msgspec's types say which keys an event has and which it needs: those of ``model``."""
    fields = batch.TypedEvent.__struct_fields__
    required = fields[: len(fields) - len(batch.TypedEvent.__struct_defaults__)]
    assert set(fields) == set(EVENT_KEYS) and set(required) == EVENT_REQUIRED
    assert set(batch.TypedSource.__struct_fields__) == set(SOURCE_KEYS)


@pytest.mark.parametrize("event", GIVE_UP.values(), ids=GIVE_UP.keys())
def test_what_the_fast_way_refuses_the_checker_refuses(event: dict[str, Any]) -> None:
    """Either engine says an event is invalid, or neither: the fast way never vouches for one
    the checker refuses (a source title with a carriage return once passed an index)."""
    assert rules.check_event(event, "$.events[0]") or lone_surrogates(event)


def test_the_plain_way_gives_problems_in_the_order_of_the_file(tmp_path: Path) -> None:
    """Events wait to be vouched for as a run; what is found meanwhile keeps its place."""
    document = json.loads(MINI.read_text(encoding="utf-8"))
    good = document["events"]
    document["events"] = [good[0], {**good[1], "date": "2013-02-30"}]
    text = _to_jsonl(document)
    text += '{"type": "wat"}\n'
    text += json.dumps({"type": "event", **good[2], "title": "\ud800 x"}) + "\n"
    text += json.dumps({"type": "event", **good[3], "kind": "party"}) + "\n"
    text += json.dumps({"type": "event", **good[4]}) + "\n"
    source = tmp_path / "data.jsonl"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        build.build_index(source, tmp_path / "x.sqlite")
    streamed = caught.value.problems[:4]  # then what needs the whole file (references)
    lines = [int(p.path.split()[1].rstrip(":")) for p in streamed]
    assert lines == [13, 19, 20, 21], caught.value.problems  # the bad date, then appended lines


def test_the_plain_way_finds_a_few_bad_events_in_a_long_run(tmp_path: Path) -> None:
    """The fast rules vouch for most of the run; the checker words the few they refuse."""
    document = json.loads(MINI.read_text(encoding="utf-8"))
    template = document["events"][0]
    events = []
    for n in range(300):
        event = {**template, "id": f"e{n}", "title": f"Event {n}", "treaties": []}
        if n in (3, 150, 299):
            event["date"] = "2013-02-30"
        events.append(event)
    document["events"] = events
    source = tmp_path / "data.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        build.build_index(source, tmp_path / "x.sqlite")
    refused = [p.path for p in caught.value.problems if p.path.startswith("$.events[")]
    assert refused == [
        "$.events[3].date",
        "$.events[150].date",
        "$.events[299].date",
    ]
