"""Exploration: actors, --during, search, on-this-day, vocabularies, statistics and the SVG chart."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relcli import query, search, stats, store
from relcli.errors import UsageProblem
from relcli.render import FORMATS
from relcli.render.svg import stats_chart
from relcli.userdates import parse_month_day
from tests.conftest import MINI

DATASET = store.load(MINI)


# ---- actors -----------------------------------------------------------------------------------


def test_actors_listing_and_filters(relcli) -> None:  # type: ignore[no-untyped-def]
    everyone = [a["id"] for a in relcli("actors", "--json").json()]
    assert everyone[:2] == ["mikhail-gorbachev", "john-kerry"]  # sorted by surname
    assert len(everyone) == len(DATASET.actors)
    assert [a["id"] for a in relcli("actors", "--country", "ru", "--json").json()] == [
        "sergey-lavrov",
        "vladimir-putin",
    ]
    assert [a["id"] for a in relcli("actors", "--role", "secretary of STATE", "--json").json()] == [
        "john-kerry"
    ]
    assert (
        relcli("actors", "--country", "USA", "--json").json()
        == relcli("actors", "--country", "us", "--json").json()
    )
    result = relcli("actors", "--country", "Rusia")
    assert result.code == 2 and 'no country named "Rusia" — did you mean "Russia"' in result.err


@pytest.mark.parametrize(
    "name", ["Lavrov", "lavrov", "Sergei Lavrov", "SERGEY LAVROV", "Сергей Лавров", "sergey-lavrov"]
)
def test_actor_sheet(relcli, name: str) -> None:  # type: ignore[no-untyped-def]
    result = relcli("actor", name)
    assert result.code == 0
    for expected in [
        "Sergey Lavrov",
        "Minister of Foreign Affairs, 9 Mar 2004 – present",
        "Events (2)",
        "Quotes (1)",
        "Лавров",
    ]:
        assert expected in result.out


def test_actor_json_links_events_and_quotes(relcli) -> None:  # type: ignore[no-untyped-def]
    body = relcli("actor", "Kerry", "--json").json()
    assert body["id"] == "john-kerry"
    assert [e["id"] for e in body["linked_events"]] == ["sep-2013", "syria-framework"]
    assert [q["id"] for q in body["linked_quotes"]] == ["kerry-act-of-aggression"]


def test_unknown_actor_suggests(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("actor", "Lavorv")
    assert (
        result.code == 1
        and result.err.strip() == 'relcli: no actor named "Lavorv" — did you mean "Sergey Lavrov"?'
    )


# ---- --during ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (
            ["--during", "Obama"],
            [
                "new-start-signed",
                "year-2013",
                "sep-2013",
                "syria-framework",
                "crimea-annexed",
                "inf-violation",
            ],
        ),
        (["--during", "Cold War"], ["inf-signed"]),
        (["--during", "the cold war"], ["inf-signed"]),
        (["--during", "reset"], ["new-start-signed"]),
        (["--during", "Obama", "--from", "2014"], ["crimea-annexed", "inf-violation"]),
        (["--during", "Gorbachev", "--tag", "arms-control"], ["inf-signed"]),
        (["--during", "Putin", "--to", "2010"], []),
        (["--during", "Putin", "--to", "2013-09"], ["year-2013", "sep-2013", "syria-framework"]),
    ],
)
def test_during(relcli, args: list[str], ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = relcli("timeline", *args, "--json")
    assert result.code == 0, result.err
    assert [e["id"] for e in result.json()] == ids


def test_during_on_quotes_and_errors(relcli) -> None:  # type: ignore[no-untyped-def]
    assert [q["id"] for q in relcli("quotes", "--during", "Reagan", "--json").json()] == [
        "reagan-trust-but-verify"
    ]
    result = relcli("timeline", "--during", "Cold Wr")
    assert result.code == 1 and 'did you mean "Cold War"' in result.err


def test_period_of_an_actor_with_gaps() -> None:
    putin = query.period_named(DATASET, "Putin")
    assert [(r.start, r.end.year) for r in putin.ranges] == [
        (date(2000, 5, 7), 2008),
        (date(2012, 5, 7), 9999),
    ]
    assert query.period_named(DATASET, "Cold War").label == "Cold War"


def test_merge_ranges_joins_touching_terms() -> None:
    from relcli.dates import PartialDate

    merged = query.merge_ranges(
        [PartialDate(2001).range, PartialDate(2000).range, PartialDate(2005).range]
    )
    assert [(r.start.year, r.end.year) for r in merged] == [(2000, 2001), (2005, 2005)]


# ---- search -----------------------------------------------------------------------------------


def test_search_ranks_titles_first() -> None:
    hits = search.search(DATASET, "chemical weapons")
    assert [h.id for h in hits][:1] == ["syria-framework"]  # phrase in the title
    assert {h.id for h in hits} == {"syria-framework", "sep-2013"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INF", {"inf-treaty", "inf-signed", "inf-violation", "reagan-trust-but-verify"}),
        ("weapons chemical", {"syria-framework", "sep-2013"}),
        ("LAVROV", {"sergey-lavrov", "lavrov-2013", "sep-2013", "syria-framework"}),
        ("лавров", {"sergey-lavrov", "lavrov-2013"}),
        ("cold war", {"cold-war"}),
        ("no such words", set()),
    ],
)
def test_search_matches_all_words_any_order(text: str, expected: set[str]) -> None:
    assert {h.id for h in search.search(DATASET, text)} == expected


def test_short_words_match_whole_words_only() -> None:
    assert all(
        h.id != "year-2013" for h in search.search(DATASET, "in")
    )  # "in" would be inside "known"


def test_search_command(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("search", "chemical weapons")
    assert result.code == 0 and "Geneva framework" in result.out
    body = relcli("search", "Lavrov", "--type", "quote", "--type", "actors", "--json").json()
    assert {(h["type"], h["id"]) for h in body} == {
        ("actor", "sergey-lavrov"),
        ("quote", "lavrov-2013"),
    }
    assert all(set(h) == {"type", "id", "score", "date", "title", "record"} for h in body)
    assert relcli("search", "lavrov", "--limit", "1", "--json").json()[0]["id"] == "sergey-lavrov"
    result = relcli("search", "x", "--type", "evnt")
    assert result.code == 2 and 'did you mean "event"' in result.err
    assert relcli("search", "").code == 2
    none = relcli("search", "zzzz")
    assert (none.code, none.out, none.err.strip()) == (0, "", "relcli: nothing matched")


BUNDLED = ("--data", str(store.bundled_path()))


def test_search_shows_the_best_twenty_unless_told(relcli) -> None:  # type: ignore[no-untyped-def]
    best = relcli(*BUNDLED, "search", "treaty", "--json")
    every = relcli(*BUNDLED, "search", "treaty", "--all", "--json")
    assert len(every.json()) > 20 and best.json() == every.json()[:20]
    assert best.err == "relcli: the best 20 matches; --limit N or --all shows more\n"
    assert every.err == ""
    three = relcli(*BUNDLED, "search", "treaty", "--limit", "3", "--json")
    assert three.json() == every.json()[:3] and three.err == ""
    few = relcli(
        *BUNDLED, "search", "Lavrov", "--type", "quote", "--json"
    )  # fewer than 20: no note
    assert few.code == 0 and few.err == ""
    both = relcli(*BUNDLED, "search", "treaty", "--all", "--limit", "3")
    assert both.code == 2 and "--all and --limit" in both.err and both.out == ""


def test_a_terminal_counts_the_matches_left_out(relcli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = relcli(*BUNDLED, "search", "treaty")
    every = len(relcli(*BUNDLED, "search", "treaty", "--all", "--json").json())
    assert (
        "20 matches" in result.out and f"… {every - 20} more; use --limit N or --all" in result.out
    )
    assert result.err == ""


def test_a_terminal_does_not_weigh_a_big_file_to_count(
    relcli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from relcli.cli import listing

    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setattr(listing, "COUNTED", 100)  # the bundled file holds more events than this
    result = relcli(*BUNDLED, "search", "treaty")
    assert "20 matches" in result.out and "more; use" not in result.out
    assert result.err == "relcli: the best 20 matches; --limit N or --all shows more\n"


def test_search_highlights_on_a_terminal(relcli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = relcli("search", "chemical").out
    assert "\x1b[1;7mchemical\x1b[0m" in out


def test_highlight_spans_survive_accents() -> None:
    assert search.highlight_spans("Détente à Genève", ["detente", "geneve"]) == [(0, 7), (10, 16)]


@given(st.text(max_size=40))
def test_search_never_crashes(text: str) -> None:
    for hit in search.search(DATASET, text):
        assert hit.score > 0


# ---- on this day ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12-08", (12, 8)),
        ("12/8", (12, 8)),
        ("December 8", (12, 8)),
        ("8 Dec", (12, 8)),
        ("dec 8", (12, 8)),
        ("02-29", (2, 29)),
    ],
)
def test_parse_month_day(text: str, expected: tuple[int, int]) -> None:
    assert parse_month_day(text) == expected


@pytest.mark.parametrize("text", ["02-30", "13-01", "hello", "12", "Smarch 3", "0-0"])
def test_parse_month_day_rejects(text: str) -> None:
    with pytest.raises(UsageProblem):
        parse_month_day(text)


def test_on_this_day(relcli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    assert [(e["type"], e["id"]) for e in relcli("on", "12-08", "--json").json()] == [
        ("event", "inf-signed"),
        ("quote", "reagan-trust-but-verify"),
        ("milestone", "inf-treaty"),
    ]
    assert [e["id"] for e in relcli("on", "12-08", "--type", "event", "--json").json()] == [
        "inf-signed"
    ]
    assert [e["id"] for e in relcli("on", "March 21", "--json").json()] == [
        "crimea-annexed"
    ]  # end date
    monkeypatch.setenv("RELCLI_TODAY", "2030-09-14")
    assert [e["id"] for e in relcli("on", "--json").json()] == ["syria-framework"]
    monkeypatch.setenv("RELCLI_TODAY", "2030-01-01")
    assert relcli("on").err.strip() == "relcli: nothing matched"
    assert relcli("on", "02-30").code == 2


# ---- vocabularies and eras --------------------------------------------------------------------


def test_tags_kinds_eras(relcli) -> None:  # type: ignore[no-untyped-def]
    tags = relcli("tags", "--json").json()
    assert tags[0] == {
        "tag": "arms-control",
        "meaning": "limits on weapons and their verification",
        "events": 3,
    }
    assert {t["tag"] for t in tags if t["events"] == 0} >= {"vietnam", "arctic"}
    kinds = {k["kind"]: k["events"] for k in relcli("kinds", "--json").json()}
    assert kinds["agreement"] == 3 and kinds["conflict"] == 1
    eras = relcli("eras", "--json").json()
    assert [(e["id"], e["events"]) for e in eras] == [("cold-war", 1), ("reset", 1)]
    rows = list(csv.DictReader(io.StringIO(relcli("tags", "-f", "csv").out)))
    assert rows[0]["tag"] == "arms-control"


# ---- statistics -------------------------------------------------------------------------------


def test_stats_compute() -> None:
    report = stats.compute(list(DATASET.events), "decade")
    assert report.total == 7
    assert report.by_tone == {"cooperative": 4, "neutral": 1, "confrontational": 2}
    assert [b.label for b in report.series] == ["1980s", "1990s", "2000s", "2010s"]
    assert report.series[1].total == 0  # gaps stay visible
    yearly = stats.compute(list(DATASET.events))
    assert (
        yearly.unit == "year" and len(yearly.series) == 2014 - 1987 + 1
    )  # spans of 40 years or less
    assert stats.compute([]).series == ()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_stats_command_in_every_format(relcli, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = relcli("stats", "--format", fmt)
    assert result.code == 0 and result.out.strip()


def test_stats_filters_and_chart(relcli) -> None:  # type: ignore[no-untyped-def]
    body = relcli("stats", "--during", "Obama", "--json").json()
    assert body["total"] == 6 and body["unit"] == "year"
    assert body["series"][0] == {
        "period": "2010",
        "cooperative": 1,
        "neutral": 0,
        "confrontational": 0,
        "total": 1,
    }
    assert relcli("stats", "--tag", "syria", "--json").json()["by_tag"] == {
        "chemical-weapons": 2,
        "syria": 2,
    }
    chart = relcli("stats", "--by", "decade").out
    assert "█ cooperative 4" in chart and "░ confrontational 2" in chart and "2010s ██" in chart
    assert relcli("stats", "--by", "week").code == 2


def test_stats_svg(relcli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "chart.svg"
    result = relcli("stats", "--svg", str(target))
    assert (result.code, result.out) == (0, "")
    assert "wrote" in result.err
    root = ET.fromstring(target.read_text(encoding="utf-8"))
    assert root.tag.endswith("svg")
    rects = [r for r in root.iter() if r.tag.endswith("rect")]
    assert len(rects) > 4
    again = relcli("stats", "--svg", str(target))
    assert again.code == 2 and "already exists; use --force" in again.err
    assert relcli("stats", "--svg", str(target), "--force", "--by", "year").code == 0
    assert relcli("stats", "--svg", str(tmp_path / "no" / "dir.svg")).code == 74


def test_svg_escapes_title() -> None:
    text = stats_chart(stats.compute(list(DATASET.events)), "<script>&")
    assert "<script>" not in text and "&lt;script&gt;&amp;" in text
    ET.fromstring(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_folds_keeping_its_length_as_each_character_folds(text: str) -> None:
    """An ASCII text is folded for highlighting in one pass: the same as folding each
    character (a space for what ``str.isspace`` holds, ``fold`` for the rest)."""
    by_character = "".join(" " if ch.isspace() else search.fold(ch) or " " for ch in text)
    assert search._fold_keep_length(text) == by_character
