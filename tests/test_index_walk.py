"""Events in date order through the index, every way it reads them: walking the chronological
index (on one connection, or in two parts at once: ``halves.in_turn``), or walking its first rows
and reading the rest in one pass. Each gives what the same file gives in memory."""

from __future__ import annotations

import gc
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relcli import store
from relcli.cli import main
from relcli.index import halves, read
from relcli.model import Selection
from tests.conftest import MINI

# The thresholds lowered so that a file of 300 events takes every way: a walk shared from 4
# rows, its later part held up to 9 rows (so cut unevenly past 18), 12 rows walked before a pass.
LOWERED = {"WALK_SHARED_FROM": 4, "LATER_MOST": 9}
FIRST_ROWS = 12


def _document(count: int = 300, seed: int = 7) -> dict[str, Any]:
    """Events over 1800-2025, at every precision, many on the same day or month (ties)."""
    document = json.loads(MINI.read_text(encoding="utf-8"))
    model = document["events"][0]
    rng = random.Random(seed)
    days = ["1990", "1990-05", "1990-05-01", "1990-05-01", "1991-02-03", "1991", "1991-02"]
    document["events"] += [
        {
            **model,
            "id": f"e{rng.randrange(10**5):05d}-{n}",
            "title": f"Event {n}",
            "date": rng.choice(days)
            if n % 3
            else f"{rng.randint(1800, 2025)}-0{rng.randint(1, 9)}",
            "treaties": [],
        }
        for n in range(count)
    ]
    return document


@pytest.fixture(scope="module")
def data_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("walk")
    path = folder / "data.json"
    path.write_text(json.dumps(_document()), encoding="utf-8")
    cache_dir = os.environ.get("RELCLI_CACHE_DIR")
    os.environ["RELCLI_CACHE_DIR"] = str(folder / "cache")
    try:
        yield path
    finally:
        if cache_dir is None:
            os.environ.pop("RELCLI_CACHE_DIR", None)
        else:
            os.environ["RELCLI_CACHE_DIR"] = cache_dir


def _answer(args: list[str], engine: str) -> tuple[int, str]:
    from contextlib import redirect_stderr, redirect_stdout
    from io import StringIO

    out, err = StringIO(), StringIO()
    os.environ["RELCLI_INDEX"] = engine
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(args)
    finally:
        os.environ.pop("RELCLI_INDEX", None)
    return code, out.getvalue()


def _lowered(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The thresholds lowered; what each shared walk's second connection was (True: opened)."""
    for name, value in LOWERED.items():
        monkeypatch.setattr(halves, name, value)
    monkeypatch.setattr(read, "FIRST_ROWS", FIRST_ROWS)
    return second_connections(monkeypatch)


def second_connections(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """What each second connection ``halves`` asks for turns out to be (True: opened)."""
    opened: list[bool] = []
    real = halves.Halves._other

    def other(self: Any) -> Any:
        connection = real(self)
        opened.append(connection is not None)
        return connection

    monkeypatch.setattr(halves.Halves, "_other", other)
    return opened


SPANS = [
    ("1990", "1990"),  # ties: one year, every precision
    ("1990-05", "1991-02"),
    ("1850", "1900"),  # few enough to walk, cut in two
    ("1800", "1810"),  # fewer than a shared walk needs
    ("1700", "2030"),  # most of the file: the first rows walked, then one pass
    ("1991", None),
    (None, "1850"),
    ("2100", None),  # nothing
]


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_every_way_through_the_index_gives_the_order_memory_gives(
    data_file: Path, monkeypatch: pytest.MonkeyPatch, reverse: bool, fmt: str
) -> None:
    opened = _lowered(monkeypatch)
    for low, high in SPANS:
        args = ["--data", str(data_file), "timeline", "--format", fmt]
        args += ["--from", low] if low else []
        args += ["--to", high] if high else []
        args += ["--reverse"] if reverse else []
        expected = _answer(args, "never")
        assert expected[0] == 0
        assert _answer(args, "always") == expected, (low, high)
    assert opened and all(opened)  # walks were shared, each on a second connection


@settings(max_examples=40, deadline=None)
@given(
    low=st.integers(1795, 2030),
    length=st.integers(0, 120),
    reverse=st.booleans(),
    tag=st.sampled_from([None, "syria", "arms-control"]),
)
def test_any_span_gives_the_memory_order(
    data_file: Path, low: int, length: int, reverse: bool, tag: str | None
) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _lowered(monkeypatch)
        args = ["--data", str(data_file), "timeline", "--format", "jsonl"]
        args += ["--from", str(low), "--to", str(low + length)]
        args += ["--reverse"] if reverse else []
        args += ["--tag", tag] if tag else []
        assert _answer(args, "always") == _answer(args, "never")


def test_an_index_held_in_memory_walks_both_parts_on_its_one_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No second connection to an index held in memory (one it could not keep): the two parts
    one after the other, the same answer."""
    path = tmp_path / "data.json"
    path.write_text(json.dumps(_document(seed=3)), encoding="utf-8")
    monkeypatch.setenv("RELCLI_CACHE_DIR", str(tmp_path / "missing" / "file"))
    (tmp_path / "missing").write_text("not a directory", encoding="utf-8")
    opened = _lowered(monkeypatch)
    args = ["--data", str(path), "timeline", "--from", "1850", "--to", "1950", "--format", "jsonl"]
    assert _answer(args, "always") == _answer(args, "never")
    assert opened == [False]


def test_a_walk_given_up_early_leaves_no_thread_behind(
    data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``| head -1``: the first event is given out before the later part is needed, and a walk
    closed early leaves no thread running."""
    opened = _lowered(monkeypatch)
    monkeypatch.setenv("RELCLI_INDEX", "always")
    dataset: Any = store.load(data_file)
    selection = Selection(after=date(1850, 1, 1), before=date(1950, 12, 31))
    expected = list(dataset.event_json(selection))
    assert len(expected) > 2 * LOWERED["WALK_SHARED_FROM"] and opened == [True]
    before = threading.active_count()
    walk = dataset.event_json(selection)
    assert next(walk) == expected[0]
    del walk  # dropped unfinished: the walk's generator is closed
    gc.collect()
    _settled(before)
    assert list(dataset.event_json(selection)) == expected


def _settled(count: int) -> None:
    """Wait (10 s at most) until only ``count`` threads are left, and assert they are."""
    deadline = time.monotonic() + 10
    while threading.active_count() > count and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threading.active_count() == count


def _index_file(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE meta (key TEXT, value TEXT); INSERT INTO meta VALUES ('fingerprint', 'x');"
        "CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2);"
    )
    db.commit()
    return db


def test_closing_a_walk_early_interrupts_the_later_part(tmp_path: Path) -> None:
    """The later part's walk is interrupted, not left to run to its end: here a count to a
    billion (minutes), stopped at once."""
    pair = halves.Halves(_index_file(tmp_path / "index.sqlite"), lambda: 2)
    endless = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1e9)"
    before = threading.active_count()
    rows = pair.in_turn(("SELECT n FROM t", []), (f"{endless} SELECT max(n) FROM c", []))
    assert next(rows) == (1,)
    started = time.monotonic()
    rows.close()
    _settled(before)
    assert time.monotonic() - started < 10


def test_a_failure_in_the_later_part_is_raised_where_the_rows_are_read(tmp_path: Path) -> None:
    pair = halves.Halves(_index_file(tmp_path / "index.sqlite"), lambda: 2)
    rows = pair.in_turn(("SELECT n FROM t", []), ("SELECT n FROM missing", []))
    assert next(rows) == (1,)
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        list(rows)
    fine = pair.in_turn(("SELECT n FROM t WHERE n < ?", [2]), ("SELECT n FROM t WHERE n >= ?", [2]))
    assert list(fine) == [(1,), (2,)]


def test_head_of_a_shared_walk_ends_quietly(tmp_path: Path) -> None:
    """`relcli timeline --from … | head -1` where the walk is shared: the line, exit 0, and
    nothing on stderr, while the second thread is still walking."""
    path = tmp_path / "data.json"
    path.write_text(json.dumps(_document(3000)), encoding="utf-8")
    env = {**os.environ, "RELCLI_INDEX": "always", "RELCLI_CACHE_DIR": str(tmp_path / "cache")}
    lowered = "; ".join(f"halves.{name} = {value}" for name, value in LOWERED.items())
    script = (
        f"from relcli.index import halves; {lowered}; "
        "from relcli.cli import main; raise SystemExit(main())"
    )
    command = [sys.executable, "-c", script, "--data", str(path), "timeline", "--from", "1850"]
    command += ["--to", "1950", "--format", "jsonl"]
    subprocess.run(command, env=env, check=True, capture_output=True)  # builds the index
    relcli = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert relcli.stdout is not None and relcli.stderr is not None
    first = relcli.stdout.readline()
    relcli.stdout.close()  # as `| head -1` does
    assert relcli.wait(timeout=60) == 0
    assert relcli.stderr.read() == b""
    assert first.startswith(b'{"id":')


def test_the_later_part_held_is_bounded_by_its_text_too(tmp_path: Path) -> None:
    """The later part a second thread holds: ``LATER_MOST`` rows for events of the usual size,
    fewer for long ones (by the data file's bytes per event), at least one."""
    data = tmp_path / "data.jsonl"
    db = _index_file(tmp_path / "index.sqlite")
    for size, count, rows in [
        (400 * 10**6, 10**6, halves.LATER_MOST),  # 400-byte events
        (4 * 10**9, 10**6, halves.LATER_BYTES // 4000),  # 4 KB events
        (10**12, 10, 1),  # one giant event
    ]:
        with data.open("wb") as handle:
            handle.truncate(size)  # sparse: takes no room
        assert halves.Halves(db, lambda count=count: count, data).later_most() == rows
    data.unlink()  # a file gone since: the cap by rows alone
    assert halves.Halves(db, lambda: 10, data).later_most() == halves.LATER_MOST
    assert halves.Halves(db, lambda: 0).later_most() == halves.LATER_MOST
