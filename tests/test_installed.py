"""The command as a user runs it: a separate process, real pipes, another directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MINI


def command() -> list[str]:
    script = Path(sys.executable).with_name("relcli")
    if script.exists():
        return [str(script)]
    found = shutil.which("relcli")
    return [found] if found else [sys.executable, "-m", "relcli"]


def env(**extra: str) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RELCLI_", "FORCE_COLOR", "NO_COLOR"))
    }
    clean.update(extra)
    return clean


def run(*args: str, cwd: Path | None = None, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command(), *args], capture_output=True, text=True, cwd=cwd, env=env(**extra), timeout=60
    )


def test_bundled_data_from_another_directory(tmp_path: Path) -> None:
    result = run("timeline", "--from", "2013", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)
    assert events and all(e["date"] >= "2013" for e in events)
    assert result.stderr == ""


def test_version_comes_from_metadata() -> None:
    from importlib.metadata import version

    result = run("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"relcli {version('relcli')}")


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "relcli", "treaty", "INF", "--json"],
        capture_output=True,
        text=True,
        env=env(),
        timeout=60,
    )
    assert result.returncode == 0 and json.loads(result.stdout)["id"] == "inf-treaty"


def test_environment_variable_selects_data() -> None:
    result = run("treaties", "--json", RELCLI_DATA=str(MINI))
    assert [t["id"] for t in json.loads(result.stdout)] == [
        "inf-treaty",
        "start-i",
        "start-ii",
        "new-start",
    ]


@pytest.fixture(scope="module")
def big_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough events that every format is far larger than a 64 KB pipe buffer."""
    document: dict[str, Any] = json.loads(MINI.read_text(encoding="utf-8"))
    template = document["events"][0]
    for n in range(3000):
        event = dict(
            template, id=f"bulk-{n}", date=f"{1900 + n % 120}-01-01", title=f"Bulk event number {n}"
        )
        document["events"].append(event)
    path = tmp_path_factory.mktemp("big") / "big.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv", "md"])
def test_closed_pipe_ends_quietly(big_data: Path, fmt: str) -> None:
    """`relcli ... | head -1`: no traceback, no 'Broken pipe', exit 0."""
    proc = subprocess.Popen(
        [*command(), "--data", str(big_data), "timeline", "--format", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    code = proc.wait(timeout=60)
    err = proc.stderr.read().decode()
    assert first
    assert code == 0, err
    assert err == ""


def _piped(args: list[str], reader: str) -> subprocess.CompletedProcess[str]:
    """`relcli ARGS | READER` in bash under `set -o pipefail`."""
    line = " ".join([*command(), *args])
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{line} | {reader}"],
        capture_output=True,
        text=True,
        env=env(),
    )


def test_shell_pipeline_with_pipefail(big_data: Path) -> None:
    result = _piped(["--data", str(big_data), "timeline"], "head -1")
    assert result.returncode == 0 and result.stderr == ""


def test_version_fast_path_to_a_closed_pipe() -> None:
    """`relcli --version` skips Click; it must still end quietly when the reader is gone."""
    result = _piped(["--version"], "head -c 0")
    assert result.returncode == 0 and result.stderr == ""
    assert run("--version").stdout.startswith("relcli ")


def test_non_utf8_locale_still_prints() -> None:
    result = run(
        "--data",
        str(MINI),
        "event",
        "new-start-signed",
        LC_ALL="C",
        LANG="C",
        PYTHONIOENCODING="ascii",
    )
    assert result.returncode == 0, result.stderr
    assert "Obama and Medvedev sign New START" in result.stdout


def test_output_to_a_pipe_has_no_escape_codes() -> None:
    result = run("timeline", "--from", "2020", TERM="xterm-256color")
    assert result.returncode == 0 and "\x1b" not in result.stdout
    forced = run("timeline", "--from", "2020", FORCE_COLOR="1")
    assert "\x1b[" in forced.stdout


def test_machine_formats_do_not_import_rich_or_dateparser() -> None:
    """Nor msgspec and sqlite3, which only large files need."""
    code = (
        "import sys, io, contextlib\n"
        "from relcli.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['timeline', '--from', '2013-09', '--json'])\n"
        "    main(['treaty', 'INF', '--format', 'csv'])\n"
        "heavy = ('rich', 'dateparser', 'msgspec', 'sqlite3')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env(), timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
