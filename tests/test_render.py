from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relcli import query, store
from relcli.render import FORMATS, EventDetail, Listing, RenderOptions, TreatyDetail, renderer
from relcli.render.safety import clean, escape_json_controls
from tests.conftest import MINI

DATASET = store.load(MINI)
PLAIN = RenderOptions(width=100)


def listing(kind: str = "event") -> Listing:
    records = {
        "event": query.chronological(DATASET.events),
        "treaty": DATASET.treaties,
        "quote": DATASET.quotes,
    }[kind]
    return Listing(kind, list(records), DATASET)


def test_json_of_one_event_is_exact() -> None:
    event = DATASET.event_by_id["crimea-annexed"]
    text = renderer("json")(Listing("event", [event], DATASET), PLAIN)
    assert text == (
        "[\n"
        "  {\n"
        '    "id": "crimea-annexed",\n'
        '    "date": "2014-03-18",\n'
        '    "end_date": "2014-03-21",\n'
        '    "title": "Russia annexes Crimea",\n'
        '    "summary": "Putin signs the treaty absorbing Crimea; the United States calls it illegal.",\n'
        '    "kind": "conflict",\n'
        '    "tone": "confrontational",\n'
        '    "actors": [\n      "vladimir-putin",\n      "barack-obama"\n    ],\n'
        '    "tags": [\n      "ukraine",\n      "crimea"\n    ],\n'
        '    "treaties": [],\n'
        '    "sources": [\n      {\n        "title": "Fixture",\n        "url": "https://example.org/2014",\n'
        '        "publisher": null,\n        "published": null\n      }\n    ]\n'
        "  }\n"
        "]\n"
    )


def test_json_keeps_cyrillic_readable_and_precision() -> None:
    text = renderer("json")(listing(), PLAIN)
    assert "Строгий" in text and "\\u" not in text
    dates = [e["date"] for e in json.loads(text)]
    assert "2013" in dates and "2013-09" in dates


def test_jsonl_has_one_object_per_line() -> None:
    lines = renderer("jsonl")(listing(), PLAIN).splitlines()
    assert len(lines) == len(DATASET.events)
    assert [json.loads(line)["id"] for line in lines] == [e.id for e in listing().records]


@pytest.mark.parametrize("kind", ["event", "treaty", "quote"])
def test_csv_has_header_and_flattened_lists(kind: str) -> None:
    rows = list(csv.DictReader(io.StringIO(renderer("csv")(listing(kind), PLAIN))))
    assert len(rows) == len(listing(kind).records)
    if kind == "event":
        crimea = next(r for r in rows if r["id"] == "crimea-annexed")
        assert crimea["actors"] == "vladimir-putin; barack-obama"
        assert crimea["sources"] == "https://example.org/2014"
    if kind == "treaty":
        inf = next(r for r in rows if r["id"] == "inf-treaty")
        assert inf["signed"] == "1987-12-08"
        assert inf["milestones"].startswith("1987-12-08 signed; 1988-06-01 entered into force")


def test_markdown_is_a_pipe_table() -> None:
    text = renderer("md")(listing("quote"), PLAIN)
    lines = text.splitlines()
    assert lines[0] == "| id | date | speaker | text | context | event | sources |"
    assert lines[1] == "|---|---|---|---|---|---|---|"
    assert len(lines) == 2 + len(DATASET.quotes)


def test_detail_views_in_every_format() -> None:
    inf = DATASET.treaty_by_id["inf-treaty"]
    events = query.events_of_treaty(DATASET, inf)
    detail = TreatyDetail(inf, events, query.quotes_of_events(DATASET, events), DATASET)
    body = json.loads(renderer("json")(detail, PLAIN))
    assert body["id"] == "inf-treaty"
    assert [e["id"] for e in body["linked_events"]] == ["inf-signed", "inf-violation"]
    assert [q["id"] for q in body["linked_quotes"]] == ["reagan-trust-but-verify"]
    assert "## Milestones" in renderer("md")(detail, PLAIN)
    assert renderer("csv")(detail, PLAIN).count("\n") == 2
    event = DATASET.event_by_id["inf-signed"]
    detail2 = EventDetail(event, [inf], query.quotes_of_events(DATASET, [event]), DATASET)
    for name in FORMATS:
        assert renderer(name)(detail2, PLAIN)


def test_table_timeline_groups_by_year() -> None:
    text = renderer("table")(listing(), PLAIN)
    lines = text.splitlines()
    headings = [line.split()[0] for line in lines if "─" in line]
    assert headings == ["1987", "2010", "2013", "2014"]
    assert "Sep 2013" in text and "8 Dec 1987" in text and "18 Mar – 21 Mar 2014" in text
    assert "\x1b" not in text
    assert all(line == line.rstrip() for line in lines)


@pytest.mark.parametrize("width", [20, 40, 300])
def test_table_renders_at_any_width(width: int) -> None:
    for kind in ("event", "treaty", "quote"):
        text = renderer("table")(listing(kind), RenderOptions(width=width))
        assert text.strip()


def test_styles_only_when_asked() -> None:
    styled = renderer("table")(listing(), RenderOptions(width=100, styled=True, color=True))
    assert "\x1b[" in styled
    no_color = renderer("table")(listing(), RenderOptions(width=100, styled=True, color=False))
    assert "\x1b[1m" in no_color and "\x1b[3" not in no_color.replace("\x1b[3m", "")


HOSTILE = "[bold red]x[/] [link=https://evil.example]y[/link] \x1b[31mred\x1b]0;title\x07 \r\u202eevil\x00 \x9b31m"


def test_terminal_text_is_literal_and_inert() -> None:
    cleaned = clean(HOSTILE)
    assert "\x1b" not in cleaned and "\r" not in cleaned and "\u202e" not in cleaned
    assert "\x00" not in cleaned and "\x9b" not in cleaned
    assert "[bold red]x[/]" in cleaned


def test_json_escapes_only_the_dangerous_and_round_trips() -> None:
    text = escape_json_controls(json.dumps({"t": HOSTILE}, ensure_ascii=False))
    assert "\u202e" not in text and "\x9b" not in text and "\x1b" not in text
    assert json.loads(text)["t"] == HOSTILE


# The row views (timeline, search, on, --short) have one layout (render/layout.py): plain text
# to a pipe, the same text with ANSI styles on a terminal; on a pipe they do not import Rich.


def _without_escapes(text: str) -> list[str]:
    return [line.rstrip() for line in re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()]


def _views() -> list[Any]:
    from relcli import search
    from relcli.render import SearchResults

    hits = search.search(DATASET, "treaty")
    return [
        listing(),
        SearchResults("treaty", ["treaty"], hits, DATASET),
        Listing("event", query.chronological(DATASET.events), DATASET, ("chemical",)),
    ]


@pytest.mark.parametrize("width", [20, 24, 37, 60, 100, 161, 240])
@pytest.mark.parametrize("short", [False, True])
def test_styled_views_are_the_plain_views_with_styles(width: int, short: bool) -> None:
    for document in _views():
        styled = renderer("table")(
            document, RenderOptions(width=width, styled=True, color=True, short=short)
        )
        plain = renderer("table")(document, RenderOptions(width=width, short=short))
        assert "\x1b[" in styled and "\x1b[" not in plain
        body = _without_escapes(styled)
        assert body[: len(plain.splitlines())] == plain.splitlines()
        footer = body[len(plain.splitlines()) :]  # the count line, on a terminal only,
        assert footer and all(len(line) <= max(width, 20) for line in footer)  # wrapped
        assert re.match(r"\d+ \w+ · ", " ".join(footer))


@settings(max_examples=60, deadline=None)
@given(
    picks=st.lists(st.integers(min_value=0, max_value=520), max_size=30, unique=True),
    width=st.integers(min_value=20, max_value=260),
)
def test_ids_are_never_cut(picks: list[int], width: int) -> None:
    from relcli import store

    dataset = store.load(store.bundled_path())
    events = query.chronological(dataset.events[i] for i in picks if i < len(dataset.events))
    for short in (False, True):
        text = renderer("table")(
            Listing("event", events, dataset), RenderOptions(width=width, short=short)
        )
        words = set(text.split())
        assert all(e.id in words for e in events), width
        if short:
            assert len(text.splitlines()) == len(events)


def test_rows_use_the_width_and_give_way_when_narrow() -> None:
    from relcli import store

    dataset = store.load(store.bundled_path())
    events = [e for e in dataset.events if e.date.year == 2022][:12]
    wide = renderer("table")(Listing("event", events, dataset), RenderOptions(width=220))
    rows = wide.splitlines()[1:]
    assert len(rows) == len(events)  # one line per event
    assert all(e.id in row and f"#{e.tags[0]}" in row for e, row in zip(events, rows, strict=True))
    narrow = renderer("table")(Listing("event", events, dataset), RenderOptions(width=60))
    assert max(len(line) for line in narrow.splitlines()) <= 60
    assert all(e.id in narrow.split() for e in events)


def test_tone_is_visible_without_colour() -> None:
    from relcli.render.layout import TONE_MARK

    text = renderer("table")(listing(), RenderOptions(width=100))
    row = next(line for line in text.splitlines() if line.startswith("18 Mar – 21 Mar 2014"))
    assert TONE_MARK["confrontational"] in row
    styled = renderer("table")(listing(), RenderOptions(width=100, styled=True, color=False))
    assert "\x1b[31m" not in styled and "█ cooperative" in styled  # NO_COLOR: marks and legend


def test_the_count_line_says_how_many_and_how_many_more() -> None:
    from relcli.render.table import count_line

    events = query.chronological(DATASET.events)
    assert count_line(Listing("event", events, DATASET), None).startswith(
        f"{len(events)} events · 8 Dec 1987 – Jul 2014 · █ cooperative"
    )
    assert count_line(Listing("event", events[:2], DATASET), 9).endswith("… 7 more; use --limit")
    assert count_line(Listing("event", [], DATASET), 0) is None


def test_search_hits_explain_themselves_with_a_snippet() -> None:
    from relcli import search
    from relcli.render import SearchResults

    hits = search.search(DATASET, "illegal")
    assert [h.id for h in hits] == ["crimea-annexed"]
    text = renderer("table")(SearchResults("illegal", ["illegal"], hits, DATASET), PLAIN)
    assert "Russia annexes Crimea  crimea-annexed" in text
    assert "the United States calls it illegal" in text  # the summary, where the word is
    in_title = search.search(DATASET, "crimea")
    text = renderer("table")(SearchResults("crimea", ["crimea"], in_title, DATASET), PLAIN)
    assert "calls it illegal" not in text  # the title shows why: no snippet


@pytest.mark.parametrize(
    ("args", "first_lines"),
    [
        (["timeline", "--from", "2013"], lambda out: out.startswith("2013 ─")),
        (["search", "reset"], lambda out: out.splitlines()[0].split() == ["type", "date", "match"]),
    ],
    ids=["timeline", "search"],
)
def test_a_table_to_a_pipe_does_not_import_rich(args: list[str], first_lines: Any) -> None:
    code = (
        f"import sys; from relcli.cli import main; code = main({args!r}); "
        "assert not [m for m in sys.modules if m.startswith('rich')], 'rich imported'; "
        "sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert first_lines(done.stdout), done.stdout[:300]


def test_the_narrow_characters_are_one_cell_for_rich_too() -> None:
    from rich.cells import cell_len

    from relcli.render.layout import _NOT_NARROW, cells

    narrow = [chr(c) for c in range(0x20, 0x25A0) if not _NOT_NARROW.search(chr(c))]
    assert len(narrow) > 1000
    assert [c for c in narrow if cell_len(c) != 1] == []
    for text in ["Сергей Лавров", "6 Jul – 8 Jul 2009", "漢字 x", "e\u0301", "a\u200bb", "█▒░"]:
        assert cells(text) == cell_len(text)


@pytest.mark.parametrize("width", [20, 47, 100, 180])
@pytest.mark.parametrize("styled", [False, True])
def test_rich_views_drawn_in_runs_are_the_views_drawn_part_by_part(
    monkeypatch: pytest.MonkeyPatch, width: int, styled: bool
) -> None:
    """``rich_table`` prints each run of parts as one ``Group`` (a print per part cost 1.4 s of
    10,000 quotes): the text is that of a print per part, plain and styled."""
    from rich.console import Console, RenderableType

    from relcli.render import rich_table

    documents: list[Any] = [listing("treaty")]
    for treaty in DATASET.treaties:
        events = query.events_of_treaty(DATASET, treaty)
        quotes = query.quotes_of_events(DATASET, events)
        documents.append(TreatyDetail(treaty, events, quotes, DATASET))
    for event in DATASET.events:
        treaties = [DATASET.treaty_by_id[t] for t in event.treaties if t in DATASET.treaty_by_id]
        quotes = query.quotes_of_events(DATASET, [event])
        documents.append(EventDetail(event, treaties, quotes, DATASET))
    options = RenderOptions(width=width, styled=styled, color=styled)
    links = re.compile(r"id=\d+;")  # Rich numbers each hyperlink afresh

    def one_by_one(console: Console, run: list[RenderableType]) -> None:
        for part in run:
            console.print(part)
        run.clear()

    for document in documents:
        drawn = rich_table.render(document, options)
        monkeypatch.setattr(rich_table, "_print", one_by_one)
        expected = rich_table.render(document, options)
        monkeypatch.undo()
        assert links.sub("", drawn) == links.sub("", expected)
        assert drawn.strip()


@pytest.mark.parametrize("separator", ["\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\r\n"])
def test_line_separators_keep_words_apart(separator: str) -> None:
    """A line or paragraph separator is a newline on a terminal (a space on one line), not
    dropped: dropped, it ran the words on either side together."""
    text = f"First.{separator}Second.\tThird."
    assert clean(text) == "First.\nSecond. Third."
    assert clean(text, one_line=True) == "First. Second. Third."
