"""Reading in a terminal: the pager, the count line, one-line views, the period shorthand,
citations, stats on one screen and help texts. Terminal cases run the installed command on a
pseudo-terminal; the rest go through the CLI in-process."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result
from tests.test_reliability import on_terminal

Run = Callable[..., Result]
SCREEN = {"LINES": "20", "COLUMNS": "100", "RELCLI_TODAY": "2026-11-25"}


def _plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\", "", text).replace("\r", "")


# ---- the pager ----------------------------------------------------------------------------------


def _recording_pager(tmp_path: Path) -> tuple[str, Path]:
    """A pager that writes what it got to a file (and what LESS it saw), then quits."""
    got = tmp_path / "paged.txt"
    script = tmp_path / "pager.py"
    script.write_text(
        "import os, sys\n"
        f"open({str(got)!r}, 'w').write(os.environ.get('LESS', '') + '\\n' + sys.stdin.read())\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {script}", got


def test_a_long_view_on_a_terminal_goes_through_the_pager(tmp_path: Path) -> None:
    pager, got = _recording_pager(tmp_path)
    code, screen = on_terminal("timeline", "--from", "2013", RELCLI_PAGER=pager, **SCREEN)
    assert code == 0, screen
    paged = got.read_text(encoding="utf-8")
    first, body = paged.split("\n", 1)
    assert first == "FRX"  # colours kept, quit at once if it fits, no screen clearing
    assert "crimea-annexed" in body and "\x1b[" in body  # styled, as on the terminal
    assert "crimea-annexed" not in screen  # went to the pager, not straight to the screen


def test_pager_from_PAGER_and_the_default_order(monkeypatch: pytest.MonkeyPatch) -> None:
    from relcli.pager import DEFAULT, command

    assert command({}) == DEFAULT.split()
    assert command({"PAGER": "most -s"}) == ["most", "-s"]
    assert command({"PAGER": "most", "RELCLI_PAGER": "less -R"}) == ["less", "-R"]
    assert command({"PAGER": "most", "RELCLI_PAGER": ""}) is None
    assert command({"PAGER": ""}) is None


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["--no-pager", "timeline", "--from", "2013"], {}),
        (["timeline", "--from", "2013", "--no-pager"], {}),  # after the command too
        (["timeline", "--from", "2013"], {"RELCLI_PAGER": ""}),
    ],
)
def test_no_pager(tmp_path: Path, args: list[str], extra: dict[str, str]) -> None:
    pager, got = _recording_pager(tmp_path)
    environment = {"RELCLI_PAGER": pager, **SCREEN, **extra}
    code, screen = on_terminal(*args, **environment)
    assert code == 0 and not got.exists()
    assert "crimea-annexed" in screen


def test_a_short_view_is_not_paged(tmp_path: Path) -> None:
    pager, got = _recording_pager(tmp_path)
    code, screen = on_terminal(
        "event", "crimea-annexed", RELCLI_PAGER=pager, **{**SCREEN, "LINES": "200"}
    )
    assert code == 0 and not got.exists() and "Russia annexes Crimea" in screen


def test_a_missing_pager_means_plain_output(tmp_path: Path) -> None:
    code, screen = on_terminal(
        "timeline", "--from", "2013", RELCLI_PAGER=str(tmp_path / "no-such-pager"), **SCREEN
    )
    assert code == 0 and "crimea-annexed" in screen and "Traceback" not in screen
    assert "relcli:" not in screen


def test_quitting_the_pager_early_ends_quietly() -> None:
    code, screen = on_terminal("timeline", RELCLI_PAGER="head -c 10", **SCREEN)
    assert code == 0
    assert "Traceback" not in screen and "Broken pipe" not in screen and "relcli:" not in screen


def test_never_paged_through_a_pipe(
    relcli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pager, got = _recording_pager(tmp_path)
    monkeypatch.setenv("RELCLI_PAGER", pager)
    monkeypatch.setenv("LINES", "5")
    assert "inf-signed" in relcli("timeline").out and not got.exists()


# ---- counts, --short, the period shorthand --------------------------------------------------------


def test_the_count_line_on_a_terminal_only(relcli: Run) -> None:
    code, screen = on_terminal("--no-pager", "timeline", "2022", "-n", "3", **SCREEN)
    lines = _plain(screen).rstrip().splitlines()
    assert code == 0
    first = next(n for n, line in enumerate(lines) if line.startswith("3 events · "))
    assert all(len(line) <= 100 for line in lines[first:])  # wrapped to the width
    footer = " ".join(lines[first:])
    assert re.match(r"3 events · [\w ]+ – [\w ]+ 2022 · █ cooperative  ▒ neutral", footer)
    assert footer.endswith("more; use --limit")
    assert "events ·" not in relcli("timeline", "-n", "3").out  # a pipe gets the rows only
    code, screen = on_terminal("--no-pager", "quotes", "--speaker", "Lavrov", **SCREEN)
    assert re.search(r"\d+ quotes · ", _plain(screen))


def test_short_views_are_one_line_per_record(relcli: Run) -> None:
    rows = relcli("timeline", "--short").out.splitlines()
    assert len(rows) == 7 and rows[0].startswith("8 Dec 1987") and rows[0].endswith("inf-signed")
    assert relcli("timeline", "--oneline").out.splitlines() == rows
    quotes = relcli("quotes", "--short").out.splitlines()
    assert len(quotes) == 3 and quotes[0].endswith("reagan-trust-but-verify")
    assert "Ronald Reagan: “" in quotes[0]
    hits = relcli("search", "treaty", "--short").out.splitlines()
    assert hits and all(len(h) <= 100 for h in hits)
    assert len(relcli("on", "12-08", "--short").out.splitlines()) == 3


def test_short_is_a_table_view(relcli: Run) -> None:
    result = relcli("timeline", "--short", "--json")
    assert result.code == 2 and "--short" in result.err


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2013", ["year-2013", "sep-2013", "syria-framework"]),
        ("2013-09", ["year-2013", "sep-2013", "syria-framework"]),  # 2013 overlaps it
        ("September 2013", ["year-2013", "sep-2013", "syria-framework"]),
        ("2014-03-18", ["crimea-annexed"]),
        ("reset", ["new-start-signed"]),
    ],
)
def test_timeline_takes_a_period(relcli: Run, period: str, expected: list[str]) -> None:
    result = relcli("timeline", period, "--json")
    assert result.code == 0, result.err
    assert [e["id"] for e in result.json()] == expected


def test_a_period_and_from_to_do_not_mix(relcli: Run) -> None:
    assert relcli("timeline", "2013", "--from", "2010").code == 2
    bad = relcli("timeline", "notaperiod")
    assert bad.code == 2 and "neither a date" in bad.err


# ---- citations -----------------------------------------------------------------------------------


def test_sources_are_blocks_with_whole_urls(relcli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    out = relcli("event", "crimea-annexed").out
    assert "Sources (to cite)" in out
    assert "  https://example.org/2014" in out.splitlines()  # its own line, whole
    quotes = relcli("quotes").out.splitlines()
    assert any(line.strip().startswith("https://") for line in quotes)
    assert not any(
        "https://" in line and not line.strip().startswith("https://") for line in quotes
    )


# ---- stats and help ---------------------------------------------------------------------------------


def test_stats_fits_one_screen_and_shows_breakdowns_on_request() -> None:
    import subprocess

    from tests.test_installed import command, env

    done = subprocess.run(
        [*command(), "stats"], capture_output=True, text=True, env=env(COLUMNS="100"), check=True
    )
    assert len(done.stdout.splitlines()) <= 50  # the bundled data, 1730s to 2020s
    assert "Most frequent kinds:" in done.stdout and "By tag" not in done.stdout
    tags = subprocess.run(
        [*command(), "stats", "--by", "tag", "--share"],
        capture_output=True,
        text=True,
        env=env(COLUMNS="100"),
        check=True,
    ).stdout
    assert "By tag" in tags and "%" in tags and "Events per" not in tags


def test_stats_share_in_machine_formats(relcli: Run) -> None:
    series = relcli("stats", "--share", "--json").json()["series"]
    with_events = [row for row in series if row["total"]]
    assert all(
        abs(row["share_cooperative"] + row["share_neutral"] + row["share_confrontational"] - 1)
        < 0.01
        for row in with_events
    )
    assert "share_cooperative" not in relcli("stats", "--json").json()["series"][0]


def test_help_has_no_python_reprs_and_states_defaults(relcli: Run) -> None:
    import typer.main

    from relcli.cli import app

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        text = relcli(name, "--help").out
        assert not re.search(r"\('[\w. ]*', '", text) and "relcli.render" not in text, name
        for param in command.params:
            if type(param).__name__.endswith("Option") and not getattr(param, "is_flag", False):
                if param.name in ("help",):
                    continue
                words = param.help or ""
                assert "default" in words.lower() or "repeatable" in words, (name, param.opts)
