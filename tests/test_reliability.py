"""Never clobber, never hang, always heal: writes, bounded inputs, the cache, --jq and terminals.

Each case here failed before the change that made it pass (see the README's "Files relcli
writes" and exit-code table).
"""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from relcli import cache, store
from tests.conftest import MINI
from tests.test_installed import command, env

MINI_TEXT = MINI.read_text(encoding="utf-8")


def run(*args: str, cwd: Path | None = None, stdout: object = subprocess.PIPE, **extra: str):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [*command(), *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=env(**extra),
        timeout=60,
    )


def on_terminal(*args: str, **extra: str) -> tuple[int, str]:
    """Run relcli with stdout and stderr on a pseudo-terminal; its exit code and screen text."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*command(), *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=env(**extra),
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace")


# ---- writes -------------------------------------------------------------------------------------


def test_symlink_is_written_through_and_kept(relcli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    real = tmp_path / "real.md"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert relcli("export", "md", str(link)).code == 2  # exists: --force needed
    assert relcli("export", "md", str(link), "--force").code == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8").startswith("|")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "real.md"]


def test_dangling_symlink_needs_force_and_then_creates_its_target(relcli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    link = tmp_path / "chart.svg"
    link.symlink_to(tmp_path / "target.svg")
    refused = relcli("stats", "--svg", str(link))
    assert refused.code == 2 and "link to a missing file" in refused.err
    assert relcli("stats", "--svg", str(link), "--force").code == 0
    assert link.is_symlink() and (tmp_path / "target.svg").read_text().startswith("<svg")


def test_data_file_behind_a_symlink_is_rewritten_by_fmt(relcli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    real = tmp_path / "real.json"
    real.write_text(json.dumps(json.loads(MINI_TEXT)), encoding="utf-8")  # valid, not canonical
    link = tmp_path / "data.json"
    link.symlink_to(real)
    assert relcli("fmt", str(link)).code == 0
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == store.canonical_text(store.load(real))


def test_character_device_is_a_stream_never_replaced(relcli) -> None:  # type: ignore[no-untyped-def]
    assert relcli("export", "md", os.devnull).code == 0  # no --force needed for a stream
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_dev_stdout_is_written_as_a_stream(tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    with out.open("w") as handle:
        result = run("export", "md", "/dev/stdout", "--force", stdout=handle)
    assert result.returncode == 0, result.stderr
    assert Path("/dev/stdout").is_symlink() or stat.S_ISCHR(os.stat("/dev/stdout").st_mode)
    assert out.read_text(encoding="utf-8").startswith("|")


def test_fifo_is_written_as_a_stream(relcli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert relcli("export", "jsonl", str(fifo)).code == 0
    reader.join(10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received and received[0].startswith(b'{"id"')


@pytest.mark.parametrize(
    "args", [("export", "ics", "-"), ("export", "csv", "-"), ("stats", "--svg", "-")]
)
def test_dash_is_standard_output(relcli, tmp_path: Path, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    os.chdir(tmp_path)
    result = relcli(*args)
    assert result.code == 0 and result.out and result.err == ""
    assert not (tmp_path / "-").exists()


def test_new_files_follow_the_umask_and_existing_ones_keep_their_mode(
    relcli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    old = os.umask(0o022)
    try:
        new = tmp_path / "new.csv"
        assert relcli("export", "csv", str(new)).code == 0
        assert stat.S_IMODE(new.stat().st_mode) == 0o644
        private = tmp_path / "private.csv"
        private.write_text("x")
        private.chmod(0o600)
        assert relcli("export", "csv", str(private), "--force").code == 0
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_hard_links_keep_sharing_the_new_text(relcli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "a.csv"
    first.write_text("x")
    second = tmp_path / "b.csv"
    os.link(first, second)
    assert relcli("export", "csv", str(first), "--force").code == 0
    assert second.read_text() == first.read_text() != "x"


def test_fmt_keeps_json_lines(relcli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(MINI_TEXT)
    lines = [{"type": "meta", "schema_version": 2, **document["meta"]}]
    for array, kind in (("events", "event"), ("actors", "actor"), ("treaties", "treaty")):
        lines += [{"type": kind, **r} for r in reversed(document[array])]
    lines += [{"type": "quote", **r} for r in document["quotes"]]
    path = tmp_path / "data.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert relcli("fmt", str(path)).code == 0
    rewritten = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(rewritten[0])["type"] == "meta"
    assert all(json.loads(line)["type"] for line in rewritten)
    assert relcli("--data", str(path), "timeline", "--json").code == 0
    assert relcli("fmt", "--check", str(path)).code == 0


def test_fmt_refuses_a_fifo_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "data.json"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = run("fmt", str(fifo))
    assert result.returncode == 2 and "pipe or a device" in result.stderr
    assert time.monotonic() - started < 10


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_directory(relcli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tmp_path.chmod(0o555)
    try:
        result = relcli("export", "csv", str(tmp_path / "x.csv"))
    finally:
        tmp_path.chmod(0o755)
    assert result.code == 74 and "Permission denied" in result.err


def test_write_errors_are_one_line_exit_74_and_leave_nothing(relcli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    long_name = tmp_path / ("x" * 300 + ".csv")
    result = relcli("export", "csv", str(long_name))
    assert result.code == 74 and result.err.count("\n") == 1 and "too long" in result.err
    directory = tmp_path / "dir"
    directory.mkdir()
    assert relcli("export", "csv", str(directory), "--force").code == 74
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_disk_file_and_stdout() -> None:
    result = run("export", "csv", "/dev/full")
    assert result.returncode == 74 and "No space left" in result.stderr
    for args in (("timeline", "--json"), ("--help",), ("--version",), ("timeline",)):
        with open("/dev/full", "w") as full:
            result = run(*args, stdout=full)
        assert result.returncode == 74, (args, result.stderr)
        assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr


def test_temporary_writer_files_removed_on_failure(relcli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def failing_replace(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    result = relcli("export", "csv", str(tmp_path / "x.csv"))
    assert result.code == 74 and "No space left" in result.err
    assert list(tmp_path.iterdir()) == []


# ---- data that passes validation must not crash later ------------------------------------------

SURROGATE = MINI_TEXT.replace(
    '"title": "Reagan and Gorbachev', '"title": "\\ud800 Reagan and Gorbachev', 1
)


@pytest.mark.parametrize("index", ["never", "always"])
def test_lone_surrogate_is_invalid(relcli, write_data, monkeypatch, index: str) -> None:  # type: ignore[no-untyped-def]
    assert SURROGATE != MINI_TEXT
    monkeypatch.setenv("RELCLI_INDEX", index)
    path = write_data(SURROGATE)
    result = relcli("validate", str(path))
    assert result.code == 3 and "$.events[0].title" in result.err and "surrogate" in result.err
    assert relcli("--data", str(path), "export", "csv", "-").code == 3


def test_lone_surrogate_in_json_lines(relcli, write_data) -> None:  # type: ignore[no-untyped-def]
    lines = [
        json.dumps({"type": "meta", "schema_version": 1, "title": "x"}),
        '{"type": "actor", "id": "a\\udc00"}',
    ]
    path = write_data("\n".join(lines) + "\n", name="data.jsonl")
    result = relcli("validate", str(path))
    assert result.code == 3 and "line 2" in result.err and "surrogate" in result.err


@pytest.mark.parametrize("index", ["never", "always"])
def test_deep_nesting_is_a_data_error_on_both_paths(
    relcli, write_data, monkeypatch, index: str
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RELCLI_INDEX", index)
    deep = "[" * 5000 + "]" * 5000
    document = MINI_TEXT.replace('"summary": "', f'"nested": {deep}, "summary": "', 1)
    result = relcli("validate", str(write_data(document)))
    assert result.code == 3 and "nested too deeply" in result.err
    line = '{"type": "event", "id": "x", "summary": ' + "[" * 3000 + "]" * 3000 + "}"
    meta = json.dumps({"type": "meta", "schema_version": 1, "title": "x"})
    result = relcli("validate", str(write_data(f"{meta}\n{line}\n", name="d.jsonl")))
    assert result.code == 3 and "nested too deeply" in result.err


def test_dev_zero_and_endless_streams_are_bounded() -> None:
    started = time.monotonic()
    result = run("--data", "/dev/zero", "timeline")
    assert result.returncode == 3 and "NUL byte" in result.stderr
    assert time.monotonic() - started < 10
    endless = subprocess.Popen(["yes", "{"], stdout=subprocess.PIPE)
    try:
        result = subprocess.run(
            [*command(), "--data", "/dev/stdin", "timeline"],
            stdin=endless.stdout,
            capture_output=True,
            text=True,
            env=env(RELCLI_MAX_INPUT="1000000"),
            timeout=60,
        )
    finally:
        endless.kill()
        endless.wait()
    assert result.returncode == 3 and "RELCLI_MAX_INPUT" in result.stderr


def test_json_lines_line_bound(relcli, write_data, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RELCLI_MAX_LINE", "100")
    meta = json.dumps({"type": "meta", "schema_version": 1, "title": "x" * 200})
    result = relcli("validate", str(write_data(meta + "\n", name="d.jsonl")))
    assert result.code == 3 and "RELCLI_MAX_LINE" in result.err


# ---- the cache heals itself --------------------------------------------------------------------


def _indexed(write_data, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RELCLI_INDEX", "always")
    return write_data(MINI_TEXT)


def test_damaged_index_is_discarded_and_rebuilt(relcli, write_data, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = _indexed(write_data, monkeypatch)
    expected = relcli("--data", str(path), "timeline", "--json").out
    entry = cache.location(path, ".sqlite")
    assert entry is not None and entry.exists()
    data = bytearray(entry.read_bytes())
    data[4096 : 4096 * 3] = bytes(4096 * 2)  # zero the pages after the header
    entry.write_bytes(bytes(data))
    for _ in range(2):  # healed once, then fine for good
        result = relcli("--data", str(path), "timeline", "--json")
        assert (result.code, result.out) == (0, expected)


def test_a_renderers_bug_does_not_discard_the_index(relcli, write_data, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An error raised outside the code that reads cached data is a bug to report, not damage:
    the index is kept (rebuilding it would cost a big file's first read) and the run ends."""
    from relcli.render import rich_table

    path = _indexed(write_data, monkeypatch)
    assert relcli("--data", str(path), "sources").code == 0
    entry = cache.location(path, ".sqlite")
    assert entry is not None and entry.exists()
    before = entry.stat()

    def broken(summary: object) -> object:
        raise TypeError("a renderer's bug")

    monkeypatch.setattr(rich_table, "_sources_summary", broken)
    result = relcli("--data", str(path), "sources")
    assert result.code == 70 and "internal error: TypeError: a renderer's bug" in result.err
    assert "discarded" not in result.err
    after = entry.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_truncated_index_rebuilt(relcli, write_data, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = _indexed(write_data, monkeypatch)
    expected = relcli("--data", str(path), "treaty", "INF", "--json").out
    entry = cache.location(path, ".sqlite")
    assert entry is not None
    entry.write_bytes(entry.read_bytes()[:5000])
    result = relcli("--data", str(path), "treaty", "INF", "--json")
    assert (result.code, result.out) == (0, expected)


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b"",
        lambda b: b"\x00garbage",
        lambda b: b"[\xff\xff\xff\x7f",  # a list of 2**31 slots: 4 s of work if unmarshalled
        lambda b: b[:-100],
        lambda b: b[:40] + b"[\xff\xff\xff\x7f" + b[45:],
    ],
)
def test_garbled_marshal_cache_is_rebuilt_at_once(relcli, write_data, damage) -> None:  # type: ignore[no-untyped-def]
    path = write_data(MINI_TEXT)
    expected = relcli("--data", str(path), "timeline", "--json").out
    entry = cache.location(path, ".marshal")
    assert entry is not None and entry.exists()
    entry.write_bytes(damage(entry.read_bytes()))
    started = time.monotonic()
    result = relcli("--data", str(path), "timeline", "--json")
    assert (result.code, result.out) == (0, expected)
    assert time.monotonic() - started < 1


def test_cache_entry_writable_by_others_is_ignored(relcli, write_data) -> None:  # type: ignore[no-untyped-def]
    path = write_data(MINI_TEXT)
    relcli("--data", str(path), "timeline", "--json")
    entry = cache.location(path, ".marshal")
    assert entry is not None
    fingerprint = cache.fingerprint(path)
    import marshal

    poisoned = {**json.loads(MINI_TEXT), "events": []}
    entry.write_bytes(marshal.dumps((fingerprint, poisoned)))
    entry.chmod(0o666)
    result = relcli("--data", str(path), "timeline", "--json")
    assert result.code == 0 and len(json.loads(result.out)) == len(json.loads(MINI_TEXT)["events"])
    assert "ignoring the cache entry" in result.err and result.err.count("\n") == 1


def test_shared_cache_directory_is_not_used(
    relcli, write_data, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    shared = tmp_path / "shared-cache"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("RELCLI_CACHE_DIR", str(shared))
    result = relcli("--data", str(write_data(MINI_TEXT)), "timeline", "--json")
    assert result.code == 0 and "not using the cache directory" in result.err
    assert list(shared.iterdir()) == []


def test_leftovers_of_dead_builders_are_swept(relcli, write_data, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = _indexed(write_data, monkeypatch)
    entry = cache.location(path, ".sqlite")
    assert entry is not None
    entry.parent.mkdir(parents=True, exist_ok=True)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    leftover = entry.parent / f".{entry.name}.relcli-{dead.stdout.strip()}.building"
    leftover.write_bytes(b"half an index")
    mine = entry.parent / f".{entry.name}.relcli-{os.getpid()}.building"
    mine.write_bytes(b"in progress")
    assert relcli("--data", str(path), "timeline", "--json").code == 0
    assert not leftover.exists() and mine.exists()
    mine.unlink()


def _big_file(tmp_path: Path, events: int) -> Path:
    path = tmp_path / "big.json"
    subprocess.run(
        [
            sys.executable,
            str(Path(__file__).parent.parent / "bench" / "generate.py"),
            str(events),
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    return path


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_first_build_leaves_no_process_and_no_file(tmp_path: Path, sig: int) -> None:
    data = _big_file(tmp_path, 60_000)
    cache_dir = tmp_path / "cache"
    shell = subprocess.Popen(
        [
            "bash",
            "-c",
            f'"$0" --data {data} timeline --from 2013 --format jsonl 2>&1 | cat',
            command()[0],
        ],
        stdout=subprocess.PIPE,
        env=env(RELCLI_CACHE_DIR=str(cache_dir), RELCLI_INDEX="always"),
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    building: list[Path] = []
    while time.monotonic() < deadline and not building:
        building = list(cache_dir.glob(".*.building")) if cache_dir.exists() else []
        time.sleep(0.02)
    assert building, "the build did not start"
    pid = int(building[0].name.split("relcli-")[1].split(".")[0])
    os.kill(pid, sig)
    shell.communicate(timeout=20)  # `| cat` ends: no orphan holds the pipe
    assert shell.returncode is not None
    time.sleep(0.2)
    leftovers = (
        [p for p in cache_dir.iterdir() if ".building" in p.name] if cache_dir.exists() else []
    )
    if sig == signal.SIGTERM:
        assert leftovers == []  # cleaned up on the way out
    result = run(
        "--data",
        str(data),
        "treaty",
        "T1",
        "--json",
        RELCLI_CACHE_DIR=str(cache_dir),
        RELCLI_INDEX="always",
    )
    assert result.returncode == 0
    assert [p for p in cache_dir.iterdir() if ".building" in p.name] == []


def test_sigterm_exits_143(tmp_path: Path) -> None:
    fifo = tmp_path / "data.json"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [*command(), "--data", str(fifo), "timeline"], stderr=subprocess.PIPE, text=True, env=env()
    )
    time.sleep(1.0)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 143 and "terminated" in err


# ---- untrusted text never reaches the terminal raw --------------------------------------------

HOSTILE = MINI_TEXT.replace(
    '"title": "Reagan and Gorbachev',
    '"title": "\\u001b]0;pwned\\u0007\\u001b[2J Reagan and Gorbachev',
    1,
)


def test_jq_output_is_cleaned_on_a_terminal_and_exact_to_a_pipe(tmp_path: Path) -> None:
    data = tmp_path / "hostile.json"
    data.write_text(HOSTILE, encoding="utf-8")
    code, screen = on_terminal("--data", str(data), "timeline", "--jq", ".[0].title")
    assert code == 0 and "\x1b]0;" not in screen and "\x1b[2J" not in screen and "pwned" in screen
    piped = run("--data", str(data), "timeline", "--jq", ".[0].title")
    assert "\x1b]0;pwned\x07" in piped.stdout


def test_force_color_csv_on_a_terminal_is_cleaned(tmp_path: Path) -> None:
    data = tmp_path / "hostile.json"
    data.write_text(HOSTILE, encoding="utf-8")
    code, screen = on_terminal("--data", str(data), "timeline", "--format", "csv", FORCE_COLOR="1")
    assert code == 0 and "\x1b]0;" not in screen and "\x1b[2J" not in screen


def test_error_messages_escape_data(relcli, write_data) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(MINI_TEXT)
    document["events"][0]["\x1b[31mred\x1b]0;x\x07"] = 1
    result = relcli("--data", str(write_data(document)), "timeline")
    assert result.code == 3 and "\x1b" not in result.err and "\\x1b[31mred" in result.err


# ---- --jq has limits ---------------------------------------------------------------------------


def test_jq_recursion_without_end_is_a_clear_error() -> None:
    result = run("treaties", "--jq", "def f: 1 + f; f", RELCLI_JQ_MEMORY="256")
    assert result.returncode == 2 and "recursed without end" in result.stderr


def test_jq_repeat_ends_under_head() -> None:
    started = time.monotonic()
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", '"$0" treaties --jq "repeat(1)" | head -3', command()[0]],
        capture_output=True,
        text=True,
        env=env(),
        timeout=30,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "1\n1\n1\n", "")
    assert time.monotonic() - started < 10


def test_jq_time_bound() -> None:
    result = run("treaties", "--jq", "last(range(1e15))", RELCLI_JQ_TIMEOUT="1")
    assert result.returncode == 2 and "RELCLI_JQ_TIMEOUT" in result.stderr


def test_jq_halt_and_halt_error(relcli) -> None:  # type: ignore[no-untyped-def]
    first = relcli("treaties", "--jq", ".[0].id").out
    result = relcli("treaties", "--jq", '.[0].id, ("bye\\n" | halt_error(4)), "never"')
    assert (result.code, result.out, result.err) == (4, first, "bye\n")
    result = relcli("treaties", "--jq", "{a: 1} | halt_error")
    assert (result.code, result.err) == (5, '{\n  "a": 1\n}\n')
    result = relcli("treaties", "--jq", '"x", halt, "y"')
    assert (result.code, result.out) == (0, "x\n")


def test_jq_syntax_error_columns_are_the_users(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("treaties", "--jq", ".[0.name")
    assert result.code == 2 and "column" in result.err
    column = int(result.err.split("column ")[1].split(":")[0])
    assert column <= len(".[0.name") + 1


# ---- smaller ----------------------------------------------------------------------------------


@pytest.mark.parametrize("index", ["never", "always"])
def test_escaped_slash_is_found_by_both_engines(
    relcli, write_data, monkeypatch, index: str
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RELCLI_INDEX", index)
    text = MINI_TEXT.replace(
        '"title": "Reagan and Gorbachev', '"title": "US\\/Soviet: Reagan and Gorbachev', 1
    )
    result = relcli("--data", str(write_data(text)), "timeline", "--search", "us/soviet", "--json")
    assert result.code == 0 and len(json.loads(result.out)) == 1


@pytest.mark.parametrize("home", ["", "relative", "/nonexistent/home"])
def test_no_home_means_no_cache_and_nothing_created(tmp_path: Path, home: str) -> None:
    result = subprocess.run(
        [*command(), "treaty", "INF", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={k: v for k, v in env(HOME=home).items() if k != "XDG_CACHE_HOME"},
        timeout=60,
    )
    assert result.returncode == 0 and result.stderr == ""
    assert list(tmp_path.iterdir()) == []
    assert not Path("/nonexistent").exists()
    assert cache.directory() is not None  # the test session's own setting is untouched


def test_cyrillic_arguments_under_a_c_locale() -> None:
    result = run(
        "actor", "Лавров", "--json", LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "sergey-lavrov"


def test_a_bug_is_not_blamed_on_the_cache(relcli, write_data, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from relcli import query

    path = write_data(MINI_TEXT)
    assert relcli("--data", str(path), "treaties").code == 0  # the cache entry now exists

    def broken(*args: object, **kwargs: object) -> None:
        raise NameError("name 'oops' is not defined")

    monkeypatch.setattr(query, "treaties_matching", broken)
    result = relcli("--data", str(path), "treaties")
    assert result.code == 70 and "damaged cache" not in result.err

    def typo(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug that looks like damage")

    monkeypatch.setattr(query, "treaties_matching", typo)
    result = relcli("--data", str(path), "treaties")
    assert result.code == 70 and "damaged cache" not in result.err  # the rerun failed too


# ---- writing a file in pieces (a big export as it is produced) --------------------------------


def _pieces(fail_after: int | None = None):  # type: ignore[no-untyped-def]
    for n in range(5):
        if fail_after is not None and n == fail_after:
            raise RuntimeError("the producer failed")
        yield f"piece {n} é\n"


def test_pieces_make_the_whole_file_in_one_rename(tmp_path: Path) -> None:
    from relcli import datafile

    target = tmp_path / "out.txt"
    target.write_text("old\n", encoding="utf-8")
    datafile.write_text(target, _pieces(), force=True)
    assert target.read_text(encoding="utf-8") == "".join(_pieces())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_failing_producer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    from relcli import datafile

    target = tmp_path / "out.txt"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        datafile.write_text(target, _pieces(fail_after=3), force=True)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_pieces_to_a_hard_linked_file_are_written_whole_in_place(tmp_path: Path) -> None:
    from relcli import datafile

    target, other = tmp_path / "out.txt", tmp_path / "other-name.txt"
    target.write_text("old\n", encoding="utf-8")
    os.link(target, other)
    with pytest.raises(RuntimeError):  # nothing is written before every piece is made
        datafile.write_text(target, _pieces(fail_after=3), force=True)
    assert other.read_text(encoding="utf-8") == "old\n"
    datafile.write_text(target, _pieces(), force=True)
    assert other.read_text(encoding="utf-8") == "".join(_pieces())


def test_pieces_to_a_fifo_are_streamed(tmp_path: Path) -> None:
    from relcli import datafile

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    datafile.write_text(fifo, _pieces(), force=True)
    reader.join(timeout=10)
    assert got == ["".join(_pieces()).encode("utf-8")] and stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_an_indexed_export_to_a_file_is_what_stdout_gets(  # type: ignore[no-untyped-def]
    relcli, write_data, monkeypatch, tmp_path: Path, fmt: str
) -> None:
    path = _indexed(write_data, monkeypatch)
    target = tmp_path / f"out.{fmt}"
    printed = relcli("--data", str(path), "export", fmt, "-", "--from", "1990")
    written = relcli("--data", str(path), "export", fmt, str(target), "--from", "1990")
    assert printed.code == written.code == 0 and printed.out
    assert target.read_text(encoding="utf-8") == printed.out
    count = printed.out.count("\n") if fmt == "jsonl" else len(json.loads(printed.out))
    assert f"wrote {count} events" in written.err
