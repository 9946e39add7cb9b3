"""Shell completion, --fields, --jq, exports, the generated reference and the packaging."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tarfile
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MINI
from tests.test_installed import command, env

ROOT = Path(__file__).resolve().parent.parent


# ---- completion -------------------------------------------------------------------------------


def complete_bash(words: str, **extra: str) -> list[str]:
    """The values offered, as bash reads back the words it inserts (see test_shells.py)."""
    parts = words.split(" ")
    result = subprocess.run(
        command(),
        capture_output=True,
        text=True,
        timeout=60,
        env=env(
            _RELCLI_COMPLETE="complete_bash",
            COMP_WORDS=words,
            COMP_CWORD=str(len(parts) - 1),
            RELCLI_DATA=str(MINI),
            **extra,
        ),
    )
    assert result.returncode == 0, result.stderr
    return [shlex.split(line)[0] for line in result.stdout.splitlines() if line]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("relcli ti", ["timeline"]),
        ("relcli tr", ["treaty", "treaties"]),
        ("relcli treaty N", ["New START"]),
        ("relcli treaty I", ["INF", "INF Treaty", "Intermediate-Range Nuclear Forces Treaty"]),
        ("relcli treaty new", ["New START"]),  # a name rather than the id: see completion.py
        ("relcli treaty new-", ["new-start"]),
        ("relcli actor Lav", ["Lavrov"]),
        ("relcli actor Сер", ["Сергей Лавров"]),
        ("relcli quotes --speaker Ke", ["Kerry"]),
        ("relcli timeline --tag arm", ["arms-control"]),
        ("relcli timeline --kind su", ["summit"]),
        ("relcli timeline --during Cold", ["Cold War"]),
        ("relcli event syria", ["syria-framework"]),
        ("relcli timeline --format j", ["json", "jsonl"]),
        ("relcli treaties --status nev", ["never in force"]),
        ("relcli search x --type tr", ["treaty"]),
    ],
)
def test_bash_completion_offers_values_from_the_data(words: str, expected: list[str]) -> None:
    assert complete_bash(words) == expected


def test_completion_reads_the_data_option(tmp_path: Path) -> None:
    document: dict[str, Any] = json.loads(MINI.read_text(encoding="utf-8"))
    document["treaties"][0]["aliases"] = ["Zulu Accord"]
    path = tmp_path / "other.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert complete_bash(f"relcli --data {path} treaty Zu") == ["Zulu Accord"]
    assert complete_bash("relcli --data /no/such/file treaty Zu") == []  # silent, never an error


def test_zsh_completion() -> None:
    result = subprocess.run(
        command(),
        capture_output=True,
        text=True,
        timeout=60,
        env=env(
            _RELCLI_COMPLETE="complete_zsh",
            _TYPER_COMPLETE_ARGS="relcli treaty N",
            RELCLI_DATA=str(MINI),
        ),
    )
    assert "'New START'" in result.stdout


# ---- --fields ---------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", [["--fields"], ["--fields", "help"], ["--fields", "--json"]])
def test_fields_alone_lists_the_fields(relcli, spelling: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = relcli("timeline", *spelling)
    assert result.code == 0
    assert result.out.split() == [
        "id",
        "date",
        "end_date",
        "title",
        "summary",
        "kind",
        "tone",
        "actors",
        "tags",
        "treaties",
        "sources",
        "actor_names",
        "treaty_names",
    ]
    assert "linked_events" in relcli("treaty", "INF", "--fields").out.split()


def test_fields_select_json_keys_and_columns(relcli) -> None:  # type: ignore[no-untyped-def]
    body = relcli("timeline", "--fields", "id,date,title", "--json", "-n", "2").json()
    assert body == [
        {
            "id": "inf-signed",
            "date": "1987-12-08",
            "title": "Reagan and Gorbachev sign the INF Treaty",
        },
        {
            "id": "new-start-signed",
            "date": "2010-04-08",
            "title": "Obama and Medvedev sign New START in Prague",
        },
    ]
    assert relcli("treaty", "INF", "--fields", "id,status", "--json").json() == {
        "id": "inf-treaty",
        "status": "terminated",
    }
    csv_text = relcli("quotes", "--fields", "speaker,date", "-f", "csv").out
    assert csv_text.splitlines()[0] == "speaker,date"
    assert relcli("timeline", "--fields", "date,title", "-f", "md").out.startswith(
        "| date | title |"
    )
    table = relcli("timeline", "--fields", "date,tags").out
    assert "date" in table and "tags" in table and "arms-control; nuclear" in table
    assert [
        row["period"]
        for row in relcli("stats", "--by", "decade", "--fields", "period,total", "--json").json()
    ] == ["1980s", "1990s", "2000s", "2010s"]


def test_unknown_field(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("timeline", "--fields", "id,titel")
    assert result.code == 2 and 'unknown field "titel" — did you mean "title"?' in result.err


# ---- --jq -------------------------------------------------------------------------------------


def test_jq_filters_json(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("timeline", "--from", "2013", "--fields", "date,title", "--jq", ".[0]")
    assert json.loads(result.out) == {"date": "2013", "title": "A year known only by its year"}
    titles = relcli("quotes", "--jq", ".[].speaker").out.splitlines()
    assert titles == ["ronald-reagan", "sergey-lavrov", "john-kerry"]  # strings print raw
    assert relcli("treaties", "--jq", "length").out == "4\n"
    assert relcli("treaty", "INF", "--json", "--jq", ".milestones | map(.date)").out.startswith(
        '[\n  "1987-12-08"'
    )


def test_jq_errors(relcli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    result = relcli("timeline", "--jq", ".[")
    assert result.code == 2 and result.err.startswith("relcli: --jq: ")
    assert relcli("timeline", "--jq", ".[0].title | tonumber").code == 2
    assert relcli("timeline", "-f", "csv", "--jq", ".").code == 2
    monkeypatch.setitem(sys.modules, "jq", None)
    missing = relcli("timeline", "--jq", ".")
    assert missing.code == 2 and "pip install 'relcli[jq]'" in missing.err


# ---- exports ----------------------------------------------------------------------------------


def test_export_ics_parses_back(relcli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import icalendar

    target = tmp_path / "events.ics"
    result = relcli("export", "ics", str(target))
    assert result.code == 0 and result.out == "" and "wrote 7 events" in result.err
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 7
    day = events["inf-signed@relcli"]
    assert (day.decoded("DTSTART"), day.decoded("DTEND")) == (date(1987, 12, 8), date(1987, 12, 9))
    month = events["sep-2013@relcli"]
    assert (month.decoded("DTSTART"), month.decoded("DTEND")) == (
        date(2013, 9, 1),
        date(2013, 10, 1),
    )
    assert str(month["X-RELCLI-PRECISION"]) == "month"
    year = events["year-2013@relcli"]
    assert (year.decoded("DTSTART"), year.decoded("DTEND")) == (date(2013, 1, 1), date(2014, 1, 1))
    span = events["crimea-annexed@relcli"]
    assert (span.decoded("DTSTART"), span.decoded("DTEND")) == (
        date(2014, 3, 18),
        date(2014, 3, 22),
    )
    assert (
        str(events["new-start-signed@relcli"]["SUMMARY"])
        == "Obama and Medvedev sign New START in Prague"
    )
    assert "Строгий" in str(events["new-start-signed@relcli"]["DESCRIPTION"])
    assert all(len(line.encode()) <= 75 for line in target.read_bytes().decode().split("\r\n"))


def test_export_timelinejs(relcli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "timeline.json"
    assert relcli("export", "timelinejs", str(target), "--from", "2013").code == 0
    document = json.loads(target.read_text(encoding="utf-8"))
    assert set(document) >= {"title", "events"}
    slides = {s["unique_id"]: s for s in document["events"]}
    assert slides["year-2013"]["start_date"] == {"year": "2013"}
    assert slides["sep-2013"]["start_date"] == {"year": "2013", "month": "9"}
    assert slides["crimea-annexed"]["end_date"] == {"year": "2014", "month": "3", "day": "21"}
    assert slides["syria-framework"]["text"][
        "headline"
    ] == "Geneva framework on Syria&#x27;s chemical weapons".replace("&#x27;", "'")
    assert all("group" not in s for s in slides.values())  # no era in the fixture covers 2013
    tagged = tmp_path / "by-tag.json"
    assert relcli("export", "timelinejs", str(tagged), "--group", "tag").code == 0
    assert {s.get("group") for s in json.loads(tagged.read_text())["events"]} >= {
        "arms-control",
        "syria",
    }
    assert json.loads(tagged.read_text())["eras"][0]["text"]["headline"] == "Cold War"


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "md"])
def test_export_plain_formats(relcli, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / f"events.{fmt}"
    assert relcli("export", fmt, str(target), "--tag", "syria").code == 0
    text = target.read_text(encoding="utf-8")
    assert text == relcli("timeline", "--tag", "syria", "--format", fmt).out


def test_export_refuses_to_overwrite_and_leaves_no_temporary_files(relcli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "events.csv"
    target.write_text("precious", encoding="utf-8")
    result = relcli("export", "csv", str(target))
    assert result.code == 2 and "already exists; use --force" in result.err
    assert target.read_text(encoding="utf-8") == "precious"
    assert relcli("export", "csv", str(target), "--force").code == 0
    assert target.read_text(encoding="utf-8").startswith("id,date")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv"]
    missing = relcli("export", "csv", str(tmp_path / "missing" / "x.csv"))
    assert missing.code == 74 and "No such file or directory" in missing.err
    assert relcli("export", "pdf", str(tmp_path / "x.pdf")).code == 2


# ---- reference docs and packaging -------------------------------------------------------------


def test_cli_reference_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_every_command_help_has_a_summary_and_an_example() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    sections = text.split("\n## ")[2:]  # skip the title and the top-level help
    assert len(sections) >= 17
    for section in sections:
        assert "Example: relcli" in section, section.splitlines()[0]


@pytest.mark.skipif(os.environ.get("RELCLI_SKIP_BUILD") == "1", reason="packaging test disabled")
def test_wheel_and_sdist_ship_the_data(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-d", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    for expected in [
        "relcli/data/events.json",
        "relcli/data/events.schema.json",
        "relcli/py.typed",
        "relcli/cli/__init__.py",
    ]:
        assert expected in names
    metadata = (
        zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    )
    assert (
        "Requires-Dist: typer<0.29,>=0.26" in metadata
        and "Requires-Dist: dateparser>=1.2" in metadata
    )
    sdist = next(tmp_path.glob("*.tar.gz"))
    with tarfile.open(sdist) as archive:
        members = [m.split("/", 1)[1] for m in archive.getnames() if "/" in m]
    for expected in [
        "data/events.json",
        "data/events.schema.json",
        "README.md",
        "pyproject.toml",
        "relcli/py.typed",
    ]:
        assert expected in members


def test_no_help_shows_python_internals(relcli) -> None:  # type: ignore[no-untyped-def]
    from relcli.cli import app

    names = [info.name or info.callback.__name__ for info in app.registered_commands]  # type: ignore[union-attr]
    for name in ["", *names]:
        text = relcli(*([name] if name else []), "--help").out
        assert not re.search(r"\('[^']*', '", text) and "relcli.render" not in text, name


def test_search_takes_unquoted_words(relcli) -> None:  # type: ignore[no-untyped-def]
    quoted = relcli("search", "Reagan Gorbachev", "--json").json()
    unquoted = relcli("search", "Reagan", "Gorbachev", "--json").json()
    assert quoted and quoted == unquoted
