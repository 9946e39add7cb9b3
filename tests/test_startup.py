"""Start-up paths: the record texts the cache keeps for JSON output, and importing only the
module of the command that runs. Both must leave every output exactly as it was."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from relcli import cache, store
from relcli.model import TEXTS
from relcli.render import Listing, to_json
from relcli.render import json as json_render
from tests.conftest import MINI
from tests.test_hardening import datasets
from tests.test_installed import command, env


@pytest.fixture(autouse=True)
def small_file_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELCLI_INDEX", "never")


def _cached(path: Path) -> Any:
    store.load(path)  # reads the file and writes the cache
    dataset = store.load(path)
    assert dataset.record_texts("events") or not dataset.events
    return dataset


def test_texts_are_the_records_as_relcli_prints_them(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(store.bundled_path().read_bytes())
    dataset = _cached(path)
    for kind, records in (("events", dataset.events), ("quotes", dataset.quotes)):
        texts = dataset.record_texts(kind)
        assert len(texts) == len(records) > 0
        for record in records:
            assert texts[record.id] == json_render.dumps(record.to_json())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=datasets())
def test_json_from_texts_equals_json_encoded(tmp_path: Path, document: dict[str, Any]) -> None:
    """Hostile text (quotes, backslashes, controls, any script) prints the same either way."""
    path = tmp_path / "generated.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    dataset = _cached(path)
    for listing in (
        Listing("event", dataset.events, dataset),
        Listing("quote", dataset.quotes, dataset),
        Listing("event", dataset.events[:1], dataset),
        Listing("event", (), dataset),
    ):
        plain = json_render.dumps(to_json(listing)) + "\n"
        assert json_render.render(listing, None) == plain  # type: ignore[arg-type]


JSON_COMMANDS = [
    ["timeline", "--json"],
    ["timeline", "--from", "March 2014", "--json"],
    ["timeline", "--from", "2013", "--format", "jsonl"],
    ["treaty", "INF", "--json"],
    ["treaties", "--json"],
    ["quotes", "--speaker", "Lavrov", "--json"],
    ["event", "inf-treaty-signed", "--json"],
    ["quote", "--json", "lavrov-peregruzka"],
    ["actor", "Lavrov", "--json"],
    ["search", "treaty", "--json"],
    ["on", "12-08", "--json"],
    ["timeline", "--from", "2014", "--json", "--fields", "id,date"],
]


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=" ".join)
def test_json_output_is_the_same_with_and_without_the_cache(
    tmp_path: Path, args: list[str]
) -> None:
    def run(**settings: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [*command(), *args], capture_output=True, env=env(**settings), timeout=60
        )

    run(RELCLI_CACHE_DIR=str(tmp_path))  # writes the cache
    cached, plain = run(RELCLI_CACHE_DIR=str(tmp_path)), run(RELCLI_CACHE="0")
    assert cached.returncode == plain.returncode == 0
    assert cached.stdout == plain.stdout and cached.stdout.startswith((b"[", b"{"))


def test_an_entry_from_before_the_texts_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(MINI.read_bytes())
    dataset = store.load(path)
    entry = cache.location(path, ".marshal")
    assert entry is not None
    entry.write_bytes(cache.packed(cache.fingerprint(path), dataset.to_json()))  # no texts
    assert "events" + TEXTS not in cache.read_document(path, dict)
    assert store.load(path).to_json() == dataset.to_json()  # read again, and cached with them
    assert "events" + TEXTS in cache.read_document(path, dict)
    assert store.load(path).record_texts("events")


def test_commands_map_to_the_modules_that_define_them() -> None:
    from relcli.cli import app
    from relcli.cli.application import COMMANDS

    names = [info.callback.__name__ for info in app.registered_commands]  # type: ignore[union-attr]
    assert names == list(COMMANDS)  # all of them, in the order of --help
    for info in app.registered_commands:
        assert info.callback.__module__ == f"relcli.cli.{COMMANDS[info.callback.__name__]}"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("args", "imported", "not_imported"),
    [
        (["treaty", "INF", "--json"], "lookup", ["listing", "reports", "datafiles"]),
        (["timeline", "--from", "2013", "--json"], "listing", ["lookup", "reports", "datafiles"]),
        (["--help"], "reports", []),
        (["timelin"], "datafiles", []),  # "No such command": the suggestions need every name
    ],
)
def test_a_run_imports_only_its_command_module(
    args: list[str], imported: str, not_imported: list[str]
) -> None:
    probe = (
        "import sys; from relcli.cli import main; main(sys.argv[1:]); "
        "sys.stderr.write(' '.join(sorted(m for m in sys.modules if m.startswith('relcli.cli.'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, env=env(), timeout=60
    )
    modules = result.stderr.decode().split("\n")[-1].split()
    assert f"relcli.cli.{imported}" in modules
    assert not [m for m in not_imported if f"relcli.cli.{m}" in modules]


def test_search_hits_from_texts_print_as_encoded(tmp_path: Path) -> None:
    """Hits hold their records one level down: each mark is indented where it stands."""
    from relcli import search
    from relcli.render import SearchResults

    path = tmp_path / "data.json"
    path.write_bytes(store.bundled_path().read_bytes())
    dataset = _cached(path)
    for text in ("treaty", "Lavrov", "INF", "Crimea"):
        hits = search.search(dataset, text, ("event",))
        assert hits
        results = SearchResults(text, (), hits, dataset)
        assert json_render.render(results, None) == json_render.dumps(to_json(results)) + "\n"  # type: ignore[arg-type]


class _Ended(Exception):
    pass


@pytest.fixture
def ending(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``script.run`` with ``main`` answering 3, in a process with no other thread and no
    atexit function (pytest has both: they are set by the tests), and how it would end."""
    import atexit
    import gc
    import os
    import threading

    import relcli.cli
    from relcli import script

    ends: list[tuple[str, int]] = []

    def end(how: str) -> Any:
        def record(code: int) -> None:
            ends.append((how, code))
            raise _Ended

        return record

    monkeypatch.setattr(relcli.cli, "main", lambda: 3)
    monkeypatch.setattr(os, "_exit", end("at once"))
    monkeypatch.setattr(sys, "exit", end("usual"))
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 0)

    def run() -> list[tuple[str, int]]:
        with pytest.raises(_Ended):
            script.run()
        return ends

    yield run
    gc.unfreeze()
    assert gc.isenabled()


def test_the_script_ends_at_once_with_the_exit_code(ending: Any) -> None:
    assert ending() == [("at once", 3)]


def test_the_script_exits_the_usual_way_while_a_thread_runs(
    ending: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert ending() == [("usual", 3)]


def test_the_script_exits_the_usual_way_for_atexit_functions(
    ending: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import atexit

    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 1)
    assert ending() == [("usual", 3)]


def test_the_installed_script_flushes_everything_before_it_ends(tmp_path: Path) -> None:
    """Output through a pipe, exit codes and stderr arrive whole though shutdown is skipped."""
    whole = subprocess.run(
        [*command(), "timeline", "--json"], capture_output=True, env=env(), timeout=60
    )
    assert whole.returncode == 0 and json.loads(whole.stdout)
    missing = subprocess.run(
        [*command(), "treaty", "NO-SUCH"], capture_output=True, env=env(), timeout=60
    )
    assert missing.returncode == 1 and missing.stderr.startswith(b"relcli: ")
    target = tmp_path / "out.csv"
    written = subprocess.run(
        [*command(), "export", "csv", str(target)], capture_output=True, env=env(), timeout=60
    )
    assert written.returncode == 0 and target.read_text(encoding="utf-8").count("\n") > 400
