"""Large files through the SQLite index: same answers as in memory, JSON Lines, invalidation."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relcli import cache, store
from relcli.cli import main
from relcli.datastream import ArrayEnd, Element, Value, stream_json
from relcli.dates import DateRange
from relcli.model import Records, Selection, chronological
from tests.conftest import MINI
from tests.test_hardening import datasets, partials
from tests.test_installed import command, env

COMMANDS = [
    ["timeline"],
    ["timeline", "--from", "2013-06"],
    ["timeline", "--from", "2013", "--to", "2013", "--json"],
    ["timeline", "--tag", "syria", "--kind", "agreement", "--format", "csv"],
    ["timeline", "--actor", "Lavrov", "--actor", "kerry", "--json"],
    ["timeline", "--treaty", "INF", "--format", "jsonl"],
    ["timeline", "--tag", "syria", "--kind", "agreement", "--reverse", "--format", "jsonl"],
    ["timeline", "--from", "2013", "--limit", "3", "--json"],
    ["timeline", "--from", "2099", "--json"],
    ["export", "jsonl", "-", "--tag", "syria", "--not-kind", "agreement"],
    ["export", "json", "-", "--during", "Obama", "--reverse", "--limit", "3"],
    ["export", "json", "-", "--from", "2099"],
    ["timeline", "--to", "1900", "--reverse", "--limit", "2", "--format", "jsonl"],
    ["timeline", "--search", "chemical", "--reverse", "--limit", "1", "--json"],
    ["timeline", "--search", "СТРОГИЙ", "--json"],
    ["timeline", "--during", "Obama", "--format", "md"],
    ["timeline", "--during", "Putin", "--to", "2013-09", "--json"],
    ["treaty", "INF"],
    ["treaty", "New START", "--json"],
    ["treaties", "--json"],
    ["quotes", "--speaker", "Kerry"],
    ["event", "crimea-annexed", "--json"],
    ["event", "crimea-anexed"],
    ["actor", "Lavrov", "--json"],
    ["search", "chemical weapons", "--json"],
    ["search", "Lavrov"],
    ["search", "cold war", "--json"],
    ["on", "12-08", "--json"],
    ["on", "March 21", "--json"],
    ["tags", "--json"],
    ["kinds"],
    ["eras", "--json"],
    ["stats", "--json"],
    ["stats", "--during", "Obama", "--by", "decade"],
    ["timeline", "--fields", "id,date", "--jq", ".[-1]"],
    ["timeline", "--not-tag", "syria", "--json"],
    ["timeline", "--any-tag", "crimea", "--any-tag", "syria", "--not-kind", "agreement", "--json"],
    ["timeline", "--not-actor", "Lavrov", "--search", "a", "--search", "the", "--json"],
    ["quotes", "--tag", "syria", "--speaker", "Kerry", "--speaker", "Lavrov", "--json"],
    ["quotes", "--treaty", "INF", "--country", "US", "--json"],
    ["treaties", "--party", "SU", "--from", "1990", "--json"],
    ["search", "treaty", "--from", "2000", "--json"],
    ["on", "12-08", "--type", "quote", "--json"],
    ["stats", "--not-tag", "syria", "--json"],
    ["stats", "--search", "treaty", "--json"],
    ["stats", "--search", "arms control", "--by", "tag"],
    ["stats", "--search", "Лавров", "--search", "a", "--json"],
    ["stats", "--search", "'s", "--from", "2000", "--json"],
    ["compare", "1980-1990", "2010-2020", "--json"],
    ["validate"],
]


def run(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_index_and_memory_agree(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setenv("RELCLI_INDEX", "never")
    expected = run(capsys, args)
    monkeypatch.setenv("RELCLI_INDEX", "always")
    assert run(capsys, args) == expected
    assert run(capsys, args) == expected  # second run: from the existing index


def test_threshold_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RELCLI_INDEX", raising=False)
    monkeypatch.setenv("RELCLI_INDEX_THRESHOLD", "1000")
    assert type(store.load(MINI)).__name__ == "IndexedDataset"
    assert cache.location(MINI, ".sqlite").exists()
    monkeypatch.setenv("RELCLI_INDEX_THRESHOLD", str(10**9))
    assert type(store.load(MINI)).__name__ == "Dataset"


def _to_jsonl(document: dict[str, Any]) -> str:
    lines = [
        json.dumps(
            {"type": "meta", "schema_version": document["schema_version"], **document["meta"]}
        )
    ]
    for array, kind in (
        ("actors", "actor"),
        ("treaties", "treaty"),
        ("events", "event"),
        ("quotes", "quote"),
        ("eras", "era"),
    ):
        lines += [
            json.dumps({"type": kind, **record}, ensure_ascii=False)
            for record in document.get(array, [])
        ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("mode", ["never", "always"])
def test_jsonl_input_is_accepted_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    document = json.loads(MINI.read_text(encoding="utf-8"))
    path = tmp_path / "data.jsonl"
    path.write_text(_to_jsonl(document), encoding="utf-8")
    monkeypatch.setenv("RELCLI_INDEX", "never")
    reference = [run(capsys, ["--data", str(MINI), *args]) for args in COMMANDS[:12]]
    monkeypatch.setenv("RELCLI_INDEX", mode)
    assert [run(capsys, ["--data", str(path), *args]) for args in COMMANDS[:12]] == reference


@pytest.mark.parametrize("mode", ["never", "always"])
def test_jsonl_errors_name_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setenv("RELCLI_INDEX", mode)
    document = json.loads(MINI.read_text(encoding="utf-8"))
    good = _to_jsonl(document).splitlines()
    text = list(good)
    line = next(i for i, t in enumerate(text) if '"type": "event"' in t)
    bad = json.loads(text[line])
    bad["date"] = "2013-02-30"
    text[line] = json.dumps(bad)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    code, out, err = run(capsys, ["--data", str(path), "timeline"])
    assert code == 3 and out == ""
    assert f"line {line + 1}: $.date: day 30 does not exist" in err
    path.write_text(
        "\n".join([*text[:3], '{"type": "event", "id": ', *text[4:]]) + "\n", encoding="utf-8"
    )
    code, _, err = run(capsys, ["--data", str(path), "timeline"])
    assert code == 3 and f"{path}: line 4, column" in err and "malformed JSON" in err
    path.write_text("\n".join([*good, '{"type": "planet", "id": "mars"}']) + "\n", encoding="utf-8")
    code, _, err = run(capsys, ["--data", str(path), "timeline"])
    assert code == 3 and "unknown type 'planet'" in err


def test_index_is_rebuilt_when_the_file_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELCLI_INDEX", "always")
    path = tmp_path / "data.json"
    shutil.copy(MINI, path)
    assert (
        run(
            capsys,
            ["--data", str(path), "event", "year-2013", "--fields", "title", "--jq", ".title"],
        )[1]
        == "A year known only by its year\n"
    )
    before = path.stat()
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "A year known only by its year", "A YEAR KNOWN ONLY BY ITS YEAR"
        ),
        encoding="utf-8",
    )
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (
        run(capsys, ["--data", str(path), "event", "year-2013", "--jq", ".title"])[1]
        == "A YEAR KNOWN ONLY BY ITS YEAR\n"
    )
    os.utime(path)  # touched
    assert (
        run(capsys, ["--data", str(path), "event", "year-2013", "--jq", ".title"])[1]
        == "A YEAR KNOWN ONLY BY ITS YEAR\n"
    )
    replacement = tmp_path / "new.json"
    shutil.copy(MINI, replacement)
    os.replace(replacement, path)  # replaced
    assert (
        run(capsys, ["--data", str(path), "event", "year-2013", "--jq", ".title"])[1]
        == "A year known only by its year\n"
    )
    path.unlink()  # deleted
    code, _, err = run(capsys, ["--data", str(path), "timeline"])
    assert code == 3 and err.strip().endswith("no such file")


def test_invalid_large_files_report_every_problem_and_keep_no_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELCLI_INDEX", "always")
    document = json.loads(MINI.read_text(encoding="utf-8"))
    document["events"][0]["date"] = "2013-02-30"
    document["events"][1]["actors"] = ["nobody"]
    document["events"].append(dict(document["events"][2]))
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = run(capsys, ["--data", str(path), "validate"])
    assert code == 3
    assert "$.events[0].date: day 30 does not exist in 2013-02" in err
    assert "$.events[1].actors[0]: no actor with id 'nobody'" in err
    assert "duplicate id" in err
    assert not cache.location(path, ".sqlite").exists()


def test_concurrent_index_builders(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    shutil.copy(MINI, path)
    cache_dir = tmp_path / "cache"
    procs = [
        subprocess.Popen(
            [*command(), "--data", str(path), "timeline", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env(RELCLI_CACHE_DIR=str(cache_dir), RELCLI_INDEX="always"),
        )
        for _ in range(6)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outputs]
    assert len({o for o, _ in outputs}) == 1 and len(json.loads(outputs[0][0])) == 7
    assert [p.suffix for p in cache_dir.iterdir()] == [".sqlite"]


def test_unwritable_cache_still_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("RELCLI_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setenv("RELCLI_INDEX", "always")
    code, out, _ = run(capsys, ["timeline", "--json"])
    assert code == 0 and len(json.loads(out)) == 7


def test_stream_json_reads_any_key_order() -> None:
    text = '{"events": [1, 2], "meta": {"a": 1}, "schema_version": 1}'
    assert list(stream_json(text)) == [
        Element("events", 0, 1, "1"),
        Element("events", 1, 2, "2"),
        ArrayEnd("events"),
        Value("meta", {"a": 1}),
        Value("schema_version", 1),
    ]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    document=datasets(),
    low=st.none() | partials,
    high=st.none() | partials,
    search=st.none() | st.sampled_from(["a", "1", "é", "x y"]),
)
def test_random_files_agree_between_engines(
    tmp_path_factory: pytest.TempPathFactory,
    document: dict[str, Any],
    low: Any,
    high: Any,
    search: str | None,
) -> None:
    from contextlib import redirect_stderr, redirect_stdout
    from io import StringIO

    path = tmp_path_factory.mktemp("agree") / "data.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    args = ["--data", str(path), "timeline", "--json"]
    if low:
        args += ["--from", low.iso()]
    if high:
        args += ["--to", high.iso()]
    if search:
        args += ["--search", search]
    results = []
    for mode in ("never", "always"):
        os.environ["RELCLI_INDEX"] = mode
        out, err = StringIO(), StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(args)
        results.append((code, out.getvalue(), err.getvalue()))
    os.environ.pop("RELCLI_INDEX", None)
    assert results[0] == results[1]


def _many_events(tmp_path: Path, count: int) -> Path:
    document = json.loads(MINI.read_text(encoding="utf-8"))
    model = document["events"][0]
    document["events"] += [
        {**model, "id": f"copy-{n}", "title": f"Copy {n}", "treaties": []} for n in range(count)
    ]
    document["quotes"] = []
    path = tmp_path / "many.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_index_build_shows_progress_on_a_terminal_only(tmp_path: Path, suffix: str) -> None:
    import pty

    path = _many_events(tmp_path, 45_000)
    if suffix == ".jsonl":
        jsonl = path.with_suffix(".jsonl")
        jsonl.write_text(_to_jsonl(json.loads(path.read_text("utf-8"))), encoding="utf-8")
        path = jsonl
    args = [*command(), "--data", str(path), "timeline", "--from", "2013", "--format", "jsonl"]
    settings = {"RELCLI_INDEX": "always", "TERM": "xterm"}
    # stderr on a pipe: nothing at all
    piped = subprocess.run(
        args,
        capture_output=True,
        env=env(RELCLI_CACHE_DIR=str(tmp_path / "a"), **settings),
        check=False,
    )
    assert piped.returncode == 0 and piped.stderr == b""
    # stderr on a terminal: a progress bar that ends at 100% and clears its line
    leader, follower = pty.openpty()
    with subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env(RELCLI_CACHE_DIR=str(tmp_path / "b"), **settings),
    ) as process:
        os.close(follower)
        out, _ = process.communicate(timeout=120)
    shown = b""
    with contextlib.suppress(OSError):
        while chunk := os.read(leader, 65536):
            shown += chunk
    os.close(leader)
    assert process.returncode == 0 and out == piped.stdout
    assert b"relcli: indexing [" in shown and b"100%" in shown, shown
    assert shown.endswith(b"\r"), shown[-80:]


def test_an_actor_id_holding_two_slugs_gets_the_validators_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    document = json.loads(MINI.read_text(encoding="utf-8"))
    document["events"][0]["actors"] = ["a|b"]
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    results = []
    for mode in ("never", "always"):
        monkeypatch.setenv("RELCLI_INDEX", mode)
        results.append(run(capsys, ["--data", str(path), "validate"]))
    assert results[0][0] == results[1][0] == 3
    # the same first line (the index then also misses the event for references to it)
    assert results[0][2].splitlines()[0] == results[1][2].splitlines()[0]
    assert "'a|b' is not a slug" in results[1][2]


@pytest.mark.parametrize("mode", ["never", "always"])
def test_both_datasets_offer_the_whole_interface(
    monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """``model.Records`` is the one interface: callers never ask which dataset they have."""
    monkeypatch.setenv("RELCLI_INDEX", mode)
    dataset = store.load(MINI)
    members = {n for n in vars(Records) if not n.startswith("_")} | set(Records.__annotations__)
    assert members >= {"candidates", "count_overlapping", "tally", "event_by_id"}
    assert not {m for m in members if not hasattr(dataset, m)}
    middle = DateRange(date(1990, 1, 1), date(2013, 12, 31))
    assert dataset.count_overlapping([middle]) == [4]
    assert dataset.count_overlapping([middle, DateRange(date(2100, 1, 1), date(2101, 1, 1))]) == [
        4,
        0,
    ]
    assert dataset.count_overlapping([]) == []
    assert [e.id for e in dataset.candidates(start=date(2014, 1, 1))] == [
        e.id for e in chronological(dataset.events) if e.range.end >= date(2014, 1, 1)
    ]
    assert sorted(dataset.tally(Selection()).kinds.elements()) == sorted(
        e.kind for e in dataset.events
    )


def test_an_index_of_an_older_layout_is_rebuilt_not_misread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index written before the layout changed (no urls column) carries the older
    ``cache.FORMAT`` in its fingerprint: it is built again, never read as it is."""
    import sqlite3

    path = tmp_path / "data.json"
    shutil.copy(MINI, path)
    monkeypatch.setenv("RELCLI_INDEX", "always")
    store.load(path)
    target = cache.location(path, ".sqlite")
    assert target is not None
    with contextlib.closing(sqlite3.connect(target)) as db:
        (stored,) = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        older = json.loads(stored)
        assert older[0] == cache.FORMAT
        older[0] = cache.FORMAT - 1
        db.execute("UPDATE meta SET value = ? WHERE key = 'fingerprint'", (json.dumps(older),))
        db.execute("ALTER TABLE events DROP COLUMN urls")
        db.commit()
    dataset = store.load(path)
    columns = [row[1] for row in dataset.db.execute("PRAGMA table_info(events)")]  # type: ignore[attr-defined]
    assert "urls" in columns
    (stored,) = dataset.db.execute(  # type: ignore[attr-defined]
        "SELECT value FROM meta WHERE key = 'fingerprint'"
    ).fetchone()
    assert json.loads(stored)[0] == cache.FORMAT


@pytest.mark.parametrize("kept", [("actors", "events"), ("events",), ("meta",)])
def test_missing_arrays_are_reported_alike_by_both_engines(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    kept: tuple[str, ...],
) -> None:
    """The arrays a file lacks are named in the same order (by name) with or without an index:
    the index named them in the schema's order, so the first problem shown differed."""
    document = json.loads(MINI.read_text(encoding="utf-8"))
    path = tmp_path / "some.json"
    path.write_text(
        json.dumps({k: v for k, v in document.items() if k in ("schema_version", "meta", *kept)}),
        encoding="utf-8",
    )
    results = []
    for mode in ("never", "always"):
        monkeypatch.setenv("RELCLI_INDEX", mode)
        results += [run(capsys, ["--data", str(path), *args]) for args in (["validate"], ["tags"])]
    assert results[:2] == results[2:]
    assert results[0][0] == 3 and "missing required key" in results[0][2]


@pytest.mark.parametrize("kept", [True, False])
def test_an_index_sorts_big_answers_on_helper_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: bool
) -> None:
    """SQLite may sort with helper threads on every connection an index is read through, the
    cached one and the private one held in memory (an index it could not keep)."""
    path = tmp_path / "data.json"
    shutil.copy(MINI, path)
    monkeypatch.setenv("RELCLI_INDEX", "always")
    if not kept:
        monkeypatch.setenv("RELCLI_CACHE_DIR", str(tmp_path / "missing" / "file"))
        (tmp_path / "missing").write_text("not a directory", encoding="utf-8")
    dataset = store.load(path)
    files = [row[2] for row in dataset.db.execute("PRAGMA database_list")]  # type: ignore[attr-defined]
    assert files[0].endswith(".sqlite") is kept  # a file in the cache, or held in memory
    (threads,) = dataset.db.execute("PRAGMA threads").fetchone()  # type: ignore[attr-defined]
    assert threads == min(os.cpu_count() or 1, 4)
    every = dataset.event_json(Selection())  # type: ignore[attr-defined]
    assert len(list(every)) == len(dataset.events)
