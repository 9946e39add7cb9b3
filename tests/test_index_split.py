"""A big file read on both cores (``index.split``) and printed from the index's own JSON
(``render.stored``): the same index, the same messages, the same bytes as the other ways."""

from __future__ import annotations

import json
import multiprocessing.context
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from relcli import cache, rules
from relcli.errors import DataFileError
from relcli.index import build, fastread, split
from relcli.index import builder as builder_module
from relcli.model import Dataset, Event
from relcli.render import Listing, RenderOptions, stored
from relcli.render import json as json_format
from relcli.render import jsonl as jsonl_format
from relcli.vocabulary import KINDS, TAGS
from tests.conftest import MINI
from tests.test_hardening import datasets
from tests.test_index import _to_jsonl
from tests.test_index_build import _build, _tables

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork: Linux only")


@pytest.fixture(autouse=True)
def always_split(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file here is read on both cores, however small."""
    monkeypatch.setattr(split, "MINIMUM", 0)


def _many(count: int, *, seed: int = 1) -> dict[str, Any]:
    document = json.loads(MINI.read_text(encoding="utf-8"))
    model = document["events"][0]
    rng = random.Random(seed)
    document["events"] += [
        {
            **model,
            "id": f"copy-{n}",
            "title": f"Copy {n} é",
            "date": f"{rng.randint(1800, 2020)}-0{rng.randint(1, 9)}",
            "treaties": [],
        }
        for n in range(count)
    ]
    return document


def _write(folder: Path, document: dict[str, Any], suffix: str) -> Path:
    path = folder / f"data{suffix}"
    text = _to_jsonl(document) if suffix == ".jsonl" else json.dumps(document, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def _both_ways(source: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Index ``source`` the two-core way (asserting it was taken) and the plain way, and
    assert the two indexes are the same."""
    assert _build(source, folder / "split.sqlite", fast=True, monkeypatch=monkeypatch)
    _build(source, folder / "plain.sqlite", fast=False, monkeypatch=monkeypatch)
    assert _tables(folder / "split.sqlite") == _tables(folder / "plain.sqlite")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=datasets(), suffix=st.sampled_from([".json", ".jsonl"]))
def test_split_and_plain_indexes_are_the_same(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    document: dict[str, Any],
    suffix: str,
) -> None:
    folder = tmp_path_factory.mktemp("split")
    _both_ways(_write(folder, document, suffix), folder, monkeypatch)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_long_file_is_read_in_two_halves_into_one_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    source = _write(tmp_path, _many(3000), suffix)
    parts: list[int] = []
    shifts: list[int] = []
    real = split._Part.join

    def join(self: Any, builder: Any, before: int) -> Any:
        summary = real(self, builder, before)
        parts.append(builder.count)
        shifts.append(builder.parts[-1][1])
        return summary

    monkeypatch.setattr(split._Part, "join", join)
    _both_ways(source, tmp_path, monkeypatch)
    assert parts == [3007]  # both halves counted, once
    assert shifts == [0]  # JSON Lines: the second half's first position was guessed right
    assert [p.name for p in tmp_path.iterdir() if ".relcli-" in p.name] == []


@pytest.mark.parametrize(
    "extra",
    ["\n", "\n\n\n", "actor"],
)
def test_second_half_numbered_from_a_wrong_guess(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str
) -> None:
    """Lines that are not events amid the first half's events: the second half's events, first
    numbered as if every line before were an event, are shifted to their place."""
    lines = _to_jsonl(_many(3000)).splitlines(keepends=True)
    if extra == "actor":  # moved from the head to amid the events
        extra = lines.pop(next(n for n, line in enumerate(lines) if '"type": "actor"' in line))
    events = [n for n, line in enumerate(lines) if '"type": "event"' in line]
    lines.insert(events[100], extra)
    source = tmp_path / "data.jsonl"
    source.write_text("".join(lines), encoding="utf-8")
    shifts: list[int] = []
    real = split._Part.join

    def join(self: Any, builder: Any, before: int) -> Any:
        summary = real(self, builder, before)
        shifts.append(builder.parts[-1][1])
        return summary

    monkeypatch.setattr(split._Part, "join", join)
    _both_ways(source, tmp_path, monkeypatch)
    assert shifts == [-extra.count("\n")]


def _refused_both_ways(source: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The problems the two-core read gives for ``source``, once the one-core read (which
    this leaves in force) has given the very same."""
    with pytest.raises(DataFileError) as split_way:
        build.build_index(source, folder / "x.sqlite")
    monkeypatch.setattr(split, "MINIMUM", 10**12)  # the one-core way, for comparison
    with pytest.raises(DataFileError) as one_core:
        build.build_index(source, folder / "y.sqlite")
    assert str(split_way.value) == str(one_core.value)
    return str(split_way.value)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
@pytest.mark.parametrize("repeat", ["id", "title"])
@pytest.mark.parametrize("where", [1, 1500, 2005])  # first half, second half, next to it
def test_repeats_across_the_halves_get_the_plain_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, repeat: str, where: int
) -> None:
    document = _many(2000)
    first, last = document["events"][where], document["events"][-1]
    if repeat == "id":
        last["id"] = first["id"]
    else:
        last["date"], last["title"] = first["date"], first["title"].upper()
    source = _write(tmp_path, document, suffix)
    refused = _refused_both_ways(source, tmp_path, monkeypatch)
    assert "duplicate" in refused
    assert sorted(p.name for p in tmp_path.iterdir()) == [source.name]


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
@pytest.mark.parametrize("where", [5, 2990])  # first half, second half
def test_a_dangling_reference_is_placed_as_the_plain_way_places_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, where: int
) -> None:
    """Found only once both halves are in (the references of the whole file), so its line is
    the one the second half gave its event."""
    document = _many(3000)
    document["events"][where]["actors"] = ["nobody-here"]
    source = _write(tmp_path, document, suffix)
    refused = _refused_both_ways(source, tmp_path, monkeypatch)
    assert "nobody-here" in refused
    if suffix == ".jsonl":  # the line the event is on
        text = source.read_text(encoding="utf-8")
        line = text[: text.index('"nobody-here"')].count("\n") + 1
        assert f"line {line}.actors[0]" in refused
    else:
        assert f"$.events[{where}].actors[0]" in refused


def _fail_in_the_second_half(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    real_batches = fastread.TopLevel.vetted_batches
    real_lines = fastread.read_lines

    def stop() -> None:
        if how == "die":
            os._exit(3)  # no reply at all
        raise OSError(28, "No space left on device")

    def batches(self: Any, *args: Any, first: int = 0, **kwargs: Any) -> Any:
        if first:
            stop()
        return real_batches(self, *args, first=first, **kwargs)

    def lines(source: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("bom") is False:  # the child, reading from the middle of the file
            stop()
        return real_lines(source, *args, **kwargs)

    monkeypatch.setattr(fastread.TopLevel, "vetted_batches", batches)
    monkeypatch.setattr(fastread, "read_lines", lines)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
@pytest.mark.parametrize("how", ["fail", "die"])
def test_a_second_half_that_fails_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, how: str
) -> None:
    source = _write(tmp_path, _many(500), suffix)
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    _fail_in_the_second_half(monkeypatch, how)
    expected = "No space left" if how == "fail" else "stopped unexpectedly"
    with pytest.raises(sqlite3.OperationalError, match=expected):
        build.build_index(source, cache_dir / "x.sqlite")
    assert list(cache_dir.iterdir()) == []


def test_a_killed_builds_part_is_swept_away(tmp_path: Path) -> None:
    """A build killed outright leaves its files; the next build removes those of dead pids."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                           capture_output=True, text=True)  # fmt: skip
    dead = int(child.stdout)
    target = tmp_path / "x.sqlite"
    leftovers = [
        tmp_path / f".x.sqlite.relcli-{dead}.building",
        tmp_path / f".x.sqlite.part.relcli-{dead}.building",
    ]
    for path in leftovers:
        path.write_bytes(b"")
    cache.temporary_for(target, "building")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_what_the_halves_send_each_other_may_fill_a_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """Hashes one way and records the other, each more than the pipe holds, sent in an order
    in which neither side waits for the other to read while it writes (a million events: 8 MB
    of hashes, 3 MB of quotes). The pipe is made small here, as a big file's messages are."""
    document = _many(12_000)  # ~95 KiB of hashes a half
    quote = document["quotes"][0]
    document["quotes"] += [{**quote, "id": f"many-{n}", "text": "x" * 200} for n in range(600)]
    source = _write(tmp_path, document, suffix)
    real_pipe = multiprocessing.context.BaseContext.Pipe

    def small_pipe(self: Any, duplex: bool = True) -> Any:
        ends = real_pipe(self, duplex)
        for end in ends:
            with socket.socket(fileno=os.dup(end.fileno())) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        return ends

    monkeypatch.setattr(multiprocessing.context.BaseContext, "Pipe", small_pipe)

    class Stuck(BaseException):  # not an OSError, which the pipe's writer may take in its stride
        pass

    def stuck(signum: int, frame: Any) -> None:
        raise Stuck("the two halves wait for each other")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(30)
    try:
        _both_ways(source, tmp_path, monkeypatch)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_child_that_dies_checking_repeats_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """The child's word on repeats comes while its part is copied in: no word, no index."""
    source = _write(tmp_path, _many(500), suffix)
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    monkeypatch.setattr(split, "_verdict", lambda part, theirs: os._exit(3))
    with pytest.raises(sqlite3.OperationalError, match="stopped unexpectedly"):
        build.build_index(source, cache_dir / "x.sqlite")
    assert list(cache_dir.iterdir()) == []


def test_meanwhile_gives_what_either_side_raised(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "x.sqlite", check_same_thread=False)
    db.execute("CREATE TABLE t (x)")
    ran: list[str] = []

    def fails(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO missing VALUES (1)")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        builder_module.meanwhile(db, fails, lambda: ran.append("here"))
    assert ran == ["here"]  # this side ran to its end first
    assert builder_module.meanwhile(db, lambda db: None, lambda: 42) == 42

    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) FROM n"

    def late(db: sqlite3.Connection) -> None:  # begun only after this side failed
        time.sleep(0.3)
        db.execute(endless).fetchone()

    for sql in (lambda db: db.execute(endless).fetchone(), late):
        started = time.monotonic()
        with pytest.raises(KeyError):  # this side's failure stops the statement at once
            builder_module.meanwhile(db, sql, lambda: {}["x"])
        assert time.monotonic() - started < 10
        assert threading.active_count() == 1  # no thread left behind
    db.close()


def test_the_part_is_named_for_the_sweep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = split._Part.join

    def join(self: Any, builder: Any, before: int) -> Any:
        seen.append(self.path.name)
        return real(self, builder, before)

    monkeypatch.setattr(split._Part, "join", join)
    build.build_index(_write(tmp_path, _many(10), ".json"), tmp_path / "x.sqlite")
    assert seen == [f".x.sqlite.part.relcli-{os.getpid()}.building"]


# ``render.stored``: an event's stored JSON, in any key order and spacing, prints as the
# records would print it.


@settings(max_examples=60, deadline=None)
@given(document=datasets(), seed=st.integers(0, 2**16), indent=st.sampled_from([None, 1, 4]))
def test_stored_json_prints_as_the_records_do(
    document: dict[str, Any], seed: int, indent: int | None
) -> None:
    rng = random.Random(seed)
    texts = []
    for event in document["events"]:
        keys = list(event)
        rng.shuffle(keys)
        texts.append(json.dumps({k: event[k] for k in keys}, ensure_ascii=rng.random() < 0.5,
                                indent=indent))  # fmt: skip
    events = [Event.from_json(e) for e in document["events"]]
    listing = Listing("event", events, None)  # type: ignore[arg-type]
    options = RenderOptions(width=100, styled=False, color=False)
    assert "".join(stored.json_lines(texts)) == jsonl_format.render(listing, options)
    assert "".join(stored.json_array(texts)) == json_format.render(listing, options)


def test_stored_json_of_hostile_text_is_escaped_as_ever() -> None:
    event = json.loads(MINI.read_text(encoding="utf-8"))["events"][0]
    event["summary"] = 'bell \x07 del \x7f bidi \u202e sep \u2028 tab \t quote " é'
    text = json.dumps(event)
    listing = Listing("event", [Event.from_json(event)], None)  # type: ignore[arg-type]
    options = RenderOptions(width=100, styled=False, color=False)
    assert "".join(stored.json_lines([text])) == jsonl_format.render(listing, options)
    assert "".join(stored.json_array([text])) == json_format.render(listing, options)
    assert "".join(stored.json_array([])) == json_format.render(
        Listing("event", [], None),  # type: ignore[arg-type]
        options,
    )


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_head_gets_its_line_and_the_command_ends_quietly(tmp_path: Path, fmt: str) -> None:
    source = _write(tmp_path, _many(20000), ".jsonl")
    env = {
        **os.environ,
        "RELCLI_INDEX": "always",
        "RELCLI_CACHE_DIR": str(tmp_path / "cache"),
    }
    command = [sys.executable, "-m", "relcli", "--data", str(source), "timeline", "--format", fmt]
    subprocess.run(command, env=env, check=True, capture_output=True)  # builds the index
    relcli = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert relcli.stdout is not None
    first = relcli.stdout.readline()
    relcli.stdout.close()  # as `| head -1` does
    assert relcli.wait(timeout=60) == 0
    assert relcli.stderr is not None and relcli.stderr.read() == b""
    assert first.startswith(b"{" if fmt == "jsonl" else b"[")


@settings(max_examples=60, deadline=None)
@given(
    document=datasets(),
    low=st.none() | st.dates(min_value=date(1700, 1, 1), max_value=date(2030, 12, 31)),
    high=st.none() | st.dates(min_value=date(1700, 1, 1), max_value=date(2030, 12, 31)),
    kinds=st.lists(st.sampled_from(KINDS), max_size=2),
    tags=st.lists(st.sampled_from(TAGS), max_size=1),
)
def test_a_dataset_not_yet_built_builds_only_candidates_and_the_same_ones(
    document: dict[str, Any], low: date | None, high: date | None, kinds: list[str], tags: list[str]
) -> None:
    """The bundled data's cache: events are built from the document only if they can match."""
    lazy = Dataset.from_json(document)
    built, problems = rules.build(document)
    assert built is not None and not problems
    question = {"start": low, "end": high, "kinds": kinds, "tags": tags}
    assert lazy.candidates(**question) == built.candidates(**question)
    assert lazy._events is None  # nothing else was built


@pytest.mark.parametrize("engine", ["never", "always"])
def test_a_streamed_timeline_is_the_timeline_laid_out_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], engine: str
) -> None:
    """To a pipe, a timeline is written a few years at a time; the text is the same."""
    from relcli.cli import main, output

    source = _write(tmp_path, _many(600, seed=7), ".json")
    monkeypatch.setenv("RELCLI_INDEX", engine)
    texts = []
    for runs in [(3, 40), (10**9, 10**9)]:
        monkeypatch.setattr(output, "ROWS_AT_ONCE", runs)
        assert main(["--data", str(source), "timeline", "--reverse"]) == 0
        texts.append(capsys.readouterr().out)
    assert texts[0] == texts[1]
    assert texts[0].count("────") > 100  # many years, so many runs


@settings(max_examples=80, deadline=None)
@given(
    value=st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    ),
    indent=st.sampled_from([None, 2]),
)
@example(value=6.103515625e-05, indent=None)  # msgspec writes 0.00006103515625
@example(value=[1e-07, 1e16, 0.0001], indent=2)
def test_json_written_by_msgspec_is_json_s(value: Any, indent: int | None) -> None:
    """With msgspec loaded (a big file's index), JSON documents are written by it: the same
    text as ``json`` writes, whatever the value."""
    import msgspec  # noqa: F401 - loaded, as with an index

    separators = (",", ": ") if indent is not None else (",", ":")
    expected = json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)
    assert json_format._encoded(value, indent) == expected


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=datasets(), suffix=st.sampled_from([".json", ".jsonl"]))
def test_the_canonical_form_of_an_indexed_file_is_the_records(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    document: dict[str, Any],
    suffix: str,
) -> None:
    """``fmt`` on a big file writes the events from their stored JSON: the same text."""
    from relcli import store

    path = _write(tmp_path_factory.mktemp("canonical"), document, suffix)
    texts = []
    for mode in ("never", "always"):
        monkeypatch.setenv("RELCLI_INDEX", mode)
        dataset = store.load(path)
        assert type(dataset).__name__ == ("Dataset" if mode == "never" else "IndexedDataset")
        texts.append(store.canonical_text_for(path, dataset))
    assert texts[0] == texts[1]


@pytest.mark.parametrize("at", [0, 2, 4])
def test_a_run_with_text_msgspec_refuses_prints_as_the_records_do(
    at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs of events are decoded at once; one msgspec refuses (a lone surrogate) sends its run
    one by one, and the output is the same."""
    monkeypatch.setattr(stored, "AT_ONCE", 3)
    base = json.loads(MINI.read_text(encoding="utf-8"))["events"][0]
    events = []
    for n in range(5):
        event = {**base, "id": f"e{n}", "title": f"Event {n} é"}
        if n == at:
            event["summary"] = "lone \ud800 surrogate"
        events.append(event)
    texts = [json.dumps(e) for e in events]
    listing = Listing("event", [Event.from_json(e) for e in events], None)  # type: ignore[arg-type]
    options = RenderOptions(width=100, styled=False, color=False)
    assert "".join(stored.json_lines(texts)) == jsonl_format.render(listing, options)
    assert "".join(stored.json_array(texts)) == json_format.render(listing, options)
    lines = "".join(stored.canonical_lines(texts)).splitlines()
    assert [json.loads(line) for line in lines] == [
        {"type": "event", **e.to_json()} for e in listing.records
    ]
    nested = "".join(stored.canonical_array(texts, 1))
    assert json.loads(nested) == [e.to_json() for e in listing.records]
    assert nested.endswith("\n  ]") and nested.startswith('[\n    {\n      "id"')


@pytest.mark.parametrize("depth", [0, 1, 2])
@pytest.mark.parametrize("refused", [None, 1])
def test_an_array_nested_at_any_depth_is_what_json_writes(
    depth: int, refused: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """msgspec indents a run wrapped in ``depth`` arrays and their lines are cut off; a run
    it refuses is indented text by text: either is ``json.dumps(..., indent=2)``'s array at
    that depth, byte for byte."""
    monkeypatch.setattr(stored, "AT_ONCE", 2)
    base = json.loads(MINI.read_text(encoding="utf-8"))["events"][0]
    events = [{**base, "id": f"e{n}", "tags": [] if n else ["a"]} for n in range(5)]
    if refused is not None:
        events[refused]["summary"] = "lone \ud800 surrogate"
    texts = [json.dumps(e) for e in events]
    records = [Event.from_json(e).to_json() for e in events]
    document: Any = records
    for _ in range(depth):
        document = [document]
    expected = json.dumps(document, indent=2, ensure_ascii=False)
    for level in range(depth):  # the inner array as it stands in the document
        expected = expected[2 * level + 2 : -(2 * level + 2)]
    got = "".join(stored.canonical_array(texts, depth))
    assert got == expected.lstrip() if depth else got == expected


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
@pytest.mark.parametrize("collide", [False, True])
def test_events_the_small_tables_name_are_found_in_both_halves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, collide: bool
) -> None:
    """Quotes naming events in either half pass, one naming no event fails as the one-core way
    says; with ``collide``, the missing id's hash is an event's, so a hash alone would pass it:
    only the row read tells them apart."""
    from relcli.index import builder as builder_module

    document = _many(2000)
    quote = document["quotes"][0]
    document["quotes"] += [
        {**quote, "id": "first-half", "event": "copy-10"},
        {**quote, "id": "second-half", "event": "copy-1990"},
        {**quote, "id": "dangling", "event": "copy-missing"},
    ]
    if collide:
        real = hash

        def fake(value: Any) -> int:
            return 7 if value in ("copy-missing", "copy-1500") else real(value)

        monkeypatch.setattr(builder_module, "hash", fake, raising=False)
    source = _write(tmp_path, document, suffix)
    refused = _refused_both_ways(source, tmp_path, monkeypatch)
    assert "copy-missing" in refused
    assert "copy-10'" not in refused and "copy-1990" not in refused

    document["quotes"].pop()  # every named event exists: the index is built
    monkeypatch.setattr(split, "MINIMUM", 0)
    source = _write(tmp_path, document, suffix)
    build.build_index(source, tmp_path / "x.sqlite")
    assert (tmp_path / "x.sqlite").exists()
