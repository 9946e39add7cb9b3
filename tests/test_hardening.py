"""Bad input of every kind: data files, arguments, terminals, signals — and properties over them.

Every case goes through the real entry point and checks the documented exit code, a single
clear line on stderr, and that nothing crashed (no traceback, no code outside the table).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from relcli import datafile, query, store
from relcli.cli import render_options
from relcli.dates import PartialDate
from relcli.errors import EXIT_CODES
from relcli.model import TONES
from relcli.vocabulary import KINDS, TAGS
from tests.conftest import MINI
from tests.test_installed import command, env

DOCUMENTED = set(EXIT_CODES) - {70}
MINI_TEXT = MINI.read_text(encoding="utf-8")


def _mutated(change: Any) -> str:
    document = json.loads(MINI_TEXT)
    change(document)
    return json.dumps(document, indent=2)


def _event(document: dict[str, Any], key: str, value: Any) -> None:
    document["events"][0][key] = value


BAD_FILES: list[tuple[str, str | bytes, str]] = [
    ("empty", "", "the file is empty"),
    ("whitespace only", "  \n\t\n", "the file is empty"),
    ("not utf-8", b'{"schema_version": 1, "meta": {"title": "caf\xe9"}}', "not UTF-8 text"),
    ("truncated", MINI_TEXT[: len(MINI_TEXT) // 2], "malformed JSON"),
    ("trailing garbage", MINI_TEXT + "\n}garbage", "malformed JSON: Extra data"),
    ("a bare array", "[]", "$: expected an object, found an array"),
    ("a string", '"events"', "$: expected an object, found a string"),
    ("null", "null", "$: expected an object, found null"),
    ("deeply nested", "[" * 100000 + "]" * 100000, "malformed JSON"),
    ("missing keys", '{"schema_version": 1}', "missing required key"),
    (
        "unknown version",
        _mutated(lambda d: d.__setitem__("schema_version", 99)),
        "unsupported schema_version 99",
    ),
    (
        "version as text",
        _mutated(lambda d: d.__setitem__("schema_version", "1")),
        "unsupported schema_version '1'",
    ),
    (
        "events not a list",
        _mutated(lambda d: d.__setitem__("events", {})),
        "$.events: expected an array",
    ),
    (
        "event not an object",
        _mutated(lambda d: d["events"].__setitem__(0, 42)),
        "$.events[0]: expected an object",
    ),
    (
        "wrong type",
        _mutated(lambda d: _event(d, "title", 12)),
        "$.events[0].title: expected a string",
    ),
    (
        "impossible day",
        _mutated(lambda d: _event(d, "date", "2013-02-30")),
        "$.events[0].date: day 30 does not exist",
    ),
    (
        "year zero",
        _mutated(lambda d: _event(d, "date", "0000")),
        "$.events[0].date: year 0 is out of range",
    ),
    (
        "day-first date",
        _mutated(lambda d: _event(d, "date", "13-2-2013")),
        "is not a date of the form",
    ),
    ("month 13", _mutated(lambda d: _event(d, "date", "2013-13")), "month 13 is out of range"),
    (
        "dangling actor",
        _mutated(lambda d: _event(d, "actors", ["nobody"])),
        "no actor with id 'nobody'",
    ),
    (
        "dangling treaty",
        _mutated(lambda d: _event(d, "treaties", ["nothing"])),
        "no treaty with id 'nothing'",
    ),
    ("duplicate id", _mutated(lambda d: d["actors"].append(dict(d["actors"][0]))), "duplicate id"),
    ("unknown key", _mutated(lambda d: _event(d, "colour", "red")), "unknown key 'colour'"),
    (
        "bad url",
        _mutated(lambda d: _event(d, "sources", [{"title": "x", "url": "javascript:alert(1)"}])),
        "is not an http(s) URL",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_data_files_exit_3_with_one_clear_line(
    relcli, write_data, name: str, content: str | bytes, message: str
) -> None:  # type: ignore[no-untyped-def]
    path = write_data(content)
    for args in (["timeline"], ["treaty", "INF"], ["quotes", "--json"]):
        result = relcli("--data", str(path), *args)
        assert result.code == 3, (name, result.err)
        assert result.out == ""
        lines = result.err.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"relcli: {path}: "), result.err
        assert message in lines[0]


def test_malformed_json_names_line_and_column(relcli, write_data) -> None:  # type: ignore[no-untyped-def]
    path = write_data('{\n  "schema_version": 1,\n  "meta": {"title": "x",}\n}')
    result = relcli("--data", str(path), "timeline")
    # Python 3.13's json points at the trailing comma (column 24), 3.11 at what follows it (25)
    assert re.search(r"line 3, column 2[45]: malformed JSON", result.err), result.err


def test_missing_and_directory_and_unreadable(
    relcli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    assert relcli("--data", str(tmp_path / "none.json"), "timeline").err.endswith("no such file\n")
    assert relcli("--data", str(tmp_path), "timeline").err.endswith(
        "is a directory, not a data file\n"
    )
    locked = tmp_path / "locked.json"
    locked.write_text(MINI_TEXT, encoding="utf-8")

    def refuse(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(datafile, "read_bounded", refuse)
    result = relcli("--data", str(locked), "timeline")
    assert (result.code, result.err) == (3, f"relcli: {locked}: permission denied\n")


def test_a_50_megabyte_file(relcli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A huge file is read, and its one fault, at the very end, is still located precisely."""
    document = json.loads(MINI_TEXT)
    document["meta"]["description"] = "x" * (50 * 1024 * 1024)
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(document)[:-1] + ',"extra": 1}', encoding="utf-8")
    assert path.stat().st_size > 50 * 1024 * 1024
    result = relcli("--data", str(path), "treaties")
    assert result.code == 3
    assert (
        result.err
        == f"relcli: {path}: $.extra: unknown key 'extra' (allowed: actors, eras, events, meta, quotes, schema_version, treaties)\n"
    )


def test_read_commands_never_write(relcli, write_data) -> None:  # type: ignore[no-untyped-def]
    path = write_data(MINI_TEXT)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    for args in (
        ["timeline"],
        ["treaty", "INF"],
        ["treaties"],
        ["quotes"],
        ["event", "inf-signed"],
        ["validate"],
        ["fmt", "--check"],
    ):
        relcli("--data", str(path), *args)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


BAD_ARGUMENTS: list[tuple[list[str], str]] = [
    (["treaty", ""], "Invalid value for 'NAME': must not be empty"),
    (["treaty", "   "], "must not be empty"),
    (["event", "x" * 201], "is 201 characters long; at most 200 are accepted"),
    (["timeline", "--search", ""], "'--search' / '-s': must not be empty"),
    (["timeline", "--actor", ""], "must not be empty"),
    (["timeline", "--tag", "a" * 5000], "is 5000 characters long"),
    (["quotes", "--speaker", ""], "must not be empty"),
    (["treaties", "--status", ""], "must not be empty"),
    (["timeline", "--from", ""], "must not be empty"),
    (
        ["timeline", "--from", "2015", "--to", "2014"],
        "--from (2015-01-01) is after --to (2014-12-31)",
    ),
    (["quotes", "--from", "2015-03", "--to", "2015-02"], "is after --to"),
    (
        ["timeline", "--from", "the day after forever"],
        'cannot read "the day after forever" as a date',
    ),
    (["timeline", "--to", "02/03/2014"], "ambiguous"),
    (["timeline", "--from", "2014-02-29"], "day 29 does not exist in 2014-02"),
    (["timeline", "--limit", "0"], "0 is not in the range x>=1"),
    (["timeline", "--limit", "-1"], "-1 is not in the range x>=1"),
    (["timeline", "--limit", "many"], "'many' is not a valid"),
    (["timeline", "--format", "yaml"], "'yaml' is not one of"),
    (["treaty", "INF", "--format", ""], "is not one of"),
    (["timeline", "--nope"], "No such option: --nope"),
    (["nope"], "No such command 'nope'"),
]


@pytest.mark.parametrize(("args", "message"), BAD_ARGUMENTS)
def test_bad_arguments_exit_2(relcli, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = relcli(*args)
    assert result.code == 2, result.err
    assert result.out == ""
    assert message in result.err
    assert result.err.startswith("relcli: ") and "Traceback" not in result.err


def test_unknown_names_suggest(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("timeline", "--treaty", "New STRAT")
    assert result.code == 1 and 'did you mean "New START"' in result.err


HOSTILE = "[bold red]x[/] [link=https://evil.example]y[/link] \x1b]0;pwned\x07\x1b[2J\r\u202e\u2066evil\x00\x9b31m"


def test_hostile_text_with_forced_colour(
    relcli, write_data, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(MINI_TEXT)
    document["events"][0]["title"] = "title " + HOSTILE.replace("\r", "")  # titles are one line
    document["events"][0]["summary"] = "summary " + HOSTILE
    document["quotes"][0]["text"] = HOSTILE
    path = write_data(document)
    monkeypatch.setenv("FORCE_COLOR", "1")
    for args in (
        ["timeline"],
        ["event", document["events"][0]["id"]],
        ["quotes"],
        ["timeline", "-f", "md"],
    ):
        result = relcli("--data", str(path), *args)
        assert result.code == 0, result.err
        # The only OSC allowed: hyperlinks (OSC 8) to the sources' own URLs.
        out = re.sub(r"\x1b\]8;(id=\d+)?;https://example\.org/[\w/.-]*\x1b\\", "", result.out)
        out = out.replace("\x1b]8;;\x1b\\", "")
        assert "\x1b]" not in out, args  # no other OSC: window titles, data-made links
        assert "\x1b[2J" not in out and "\r" not in out and "\x00" not in out and "\x9b" not in out
        assert "\u202e" not in out and "\u2066" not in out
        if args[0] != "timeline" or len(args) == 1:
            assert "[bold red]x[/]" in out
    exact = relcli("--data", str(path), "timeline", "--json").json()
    assert any(e["summary"] == "summary " + HOSTILE for e in exact)


class _Terminal:
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("environment", "styled", "color"),
    [
        ({}, True, True),
        ({"NO_COLOR": "1"}, True, False),
        ({"TERM": "dumb"}, False, False),
        ({"TERM": "dumb", "FORCE_COLOR": "1"}, True, True),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
    ],
)
def test_terminal_styling_rules(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], styled: bool, color: bool
) -> None:
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    options = render_options(_Terminal())
    assert (options.styled, options.color) == (styled, color)


@pytest.mark.parametrize("columns", ["1", "20", "37", "500", "100000", "junk"])
def test_any_terminal_width(relcli, monkeypatch: pytest.MonkeyPatch, columns: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", columns)
    for args in (
        ["timeline"],
        ["treaty", "INF"],
        ["treaties"],
        ["quotes"],
        ["event", "crimea-annexed"],
    ):
        result = relcli(*args)
        assert result.code == 0 and result.out.strip()


def test_debug_environment_shows_traceback(relcli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(query, "treaties_matching", broken)
    assert relcli("treaties").code == 70
    monkeypatch.setenv("RELCLI_DEBUG", "1")
    with pytest.raises(RuntimeError):
        relcli("treaties")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a FIFO")
def test_ctrl_c_exits_130_without_traceback(tmp_path: Path) -> None:
    """A process blocked reading its data (a FIFO with no writer) is interrupted like Ctrl-C."""
    fifo = tmp_path / "data.json"
    os.mkfifo(fifo)
    proc = subprocess.Popen(
        [*command(), "--data", str(fifo), "timeline"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env(),
    )
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert err.decode() == "relcli: interrupted\n" and out == b""


# ---- properties -------------------------------------------------------------------------------

slugs = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
days = st.dates(min_value=date(1700, 1, 1), max_value=date(2030, 12, 31))
partials = days.flatmap(
    lambda d: st.sampled_from(
        [PartialDate(d.year), PartialDate(d.year, d.month), PartialDate.from_date(d)]
    )
)
texts = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda t: t.strip() != ""
)
one_line = texts.map(lambda t: " ".join(t.split()) or "x")
SOURCE = {"title": "Source", "url": "https://example.org/s"}


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, Any]:
    actor_ids = draw(st.lists(slugs, min_size=1, max_size=4, unique=True))
    actors = [
        {
            "id": a,
            "name": draw(one_line),
            "country": draw(st.sampled_from(["US", "RU", "SU", "other"])),
        }
        for a in actor_ids
    ]
    events = []
    for n, event_id in enumerate(draw(st.lists(slugs, max_size=8, unique=True))):
        start = draw(partials)
        event: dict[str, Any] = {
            "id": event_id,
            "date": start.iso(),
            "title": f"{n} {draw(one_line)}",
            "summary": draw(texts),
            "kind": draw(st.sampled_from(KINDS)),
            "tone": draw(st.sampled_from(TONES)),
            "actors": draw(st.lists(st.sampled_from(actor_ids), max_size=2, unique=True)),
            "tags": draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True)),
            "sources": [SOURCE],
        }
        if draw(st.booleans()):
            extra = draw(partials)
            if extra.start >= start.start:
                event["end_date"] = extra.iso()
        events.append(event)
    quotes = [
        {
            "id": f"q{n}",
            "text": draw(texts),
            "speaker": draw(st.sampled_from(actor_ids)),
            "date": draw(partials).iso(),
            "context": draw(texts),
            "sources": [SOURCE],
        }
        for n in range(draw(st.integers(0, 3)))
    ]
    return {
        "schema_version": 2,
        "meta": {"title": "generated"},
        "actors": actors,
        "treaties": [],
        "events": events,
        "quotes": quotes,
    }


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=datasets())
def test_valid_files_round_trip_through_json_output(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    path = tmp_path / "generated.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    dataset = store.load(path)
    again = tmp_path / "again.json"
    again.write_text(store.canonical_text(dataset), encoding="utf-8")
    assert store.load(again).to_json() == store.canonical(dataset).to_json()
    assert store.validate_file(again)[1:] == ([], True)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=datasets(), low=st.none() | partials, high=st.none() | partials)
def test_cli_period_filter_matches_oracle(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    document: dict[str, Any],
    low: PartialDate | None,
    high: PartialDate | None,
) -> None:
    from relcli.cli import main

    path = tmp_path / "generated.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    args = ["--data", str(path), "timeline", "--json"]
    if low:
        args += ["--from", low.iso()]
    if high:
        args += ["--to", high.iso()]
    capsys.readouterr()
    code = main(args)
    out, err = capsys.readouterr()
    if low and high and low.start > high.end:
        assert code == 2 and "is after --to" in err
        return
    assert code == 0, err
    expected = set()
    for event in document["events"]:
        first = PartialDate.parse(event["date"]).start
        last = PartialDate.parse(event.get("end_date") or event["date"]).end
        if (low is None or last >= low.start) and (high is None or first <= high.end):
            expected.add(event["id"])
    got = [e["id"] for e in json.loads(out)]
    assert set(got) == expected and len(got) == len(expected)
    keys = [PartialDate.parse(e["date"]).sort_key() for e in json.loads(out)]
    assert keys == sorted(keys)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_garbage_files_never_crash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    from relcli.cli import main

    path = tmp_path / "garbage.json"
    path.write_bytes(content)
    capsys.readouterr()
    code = main(["--data", str(path), "timeline"])
    _, err = capsys.readouterr()
    assert code in DOCUMENTED and "Traceback" not in err


TOKENS = [
    "timeline",
    "treaty",
    "treaties",
    "quotes",
    "event",
    "validate",
    "--from",
    "--to",
    "--tag",
    "--kind",
    "--actor",
    "--treaty",
    "--search",
    "--limit",
    "--reverse",
    "--format",
    "--json",
    "json",
    "csv",
    "md",
    "INF",
    "2013",
    "2013-09",
    "March 2014",
    "1990s",
    "-n",
    "0",
    "5",
    "--speaker",
    "Lavrov",
    "syria",
    "summit",
    "--status",
    "expired",
    "--data",
]


@settings(max_examples=200, deadline=None)
@given(args=st.lists(st.sampled_from(TOKENS) | st.text(max_size=12), max_size=7))
def test_random_arguments_never_crash(args: list[str]) -> None:
    from contextlib import redirect_stderr, redirect_stdout
    from io import StringIO

    from relcli.cli import main

    assume("fmt" not in args)  # the one command that writes; it has its own tests
    env_before = os.environ.get("RELCLI_DATA")
    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(args)
    assert code in DOCUMENTED, (args, err.getvalue())
    assert "Traceback" not in err.getvalue()
    assert os.environ.get("RELCLI_DATA") == env_before
    assert sys.stdout is not out
