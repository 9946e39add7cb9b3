"""One filter vocabulary across commands: repeats never dropped, exclusion and any-of, dates on
every command that lists dated records, conflicts and unknown values as usage errors (exit 2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Result

Run = Callable[..., Result]


def ids(result: Result) -> list[str]:
    assert result.code == 0, result.err
    return [r["id"] for r in result.json()]


# ---- repeating an option never drops a value ----------------------------------------------------


def test_repeated_speaker_means_any_of_them(relcli: Run) -> None:
    both = ids(relcli("quotes", "--speaker", "Kerry", "--speaker", "Lavrov", "--json"))
    assert both == ["lavrov-2013", "kerry-act-of-aggression"]
    assert ids(relcli("quotes", "--speaker", "Kerry", "--speaker", "kerry", "--json")) == [
        "kerry-act-of-aggression"
    ]


def test_repeated_treaty_means_all_of_them(relcli: Run) -> None:
    assert ids(relcli("timeline", "--treaty", "INF", "--json")) == ["inf-signed", "inf-violation"]
    assert ids(relcli("timeline", "--treaty", "INF", "--treaty", "New START", "--json")) == []


def test_repeated_search_means_all_the_texts(relcli: Run) -> None:
    one = ids(relcli("timeline", "--search", "chemical", "--json"))
    assert one == ["sep-2013", "syria-framework"]
    assert ids(relcli("timeline", "-s", "chemical", "-s", "framework", "--json")) == [
        "syria-framework"
    ]
    assert ids(relcli("quotes", "-s", "trust", "-s", "verify", "--json")) == [
        "reagan-trust-but-verify"
    ]
    assert ids(relcli("quotes", "-s", "trust", "-s", "aggression", "--json")) == []


def test_repeated_status_means_any_and_party_all(relcli: Run) -> None:
    expired = ids(relcli("treaties", "--status", "expired", "--json"))
    assert expired == ["start-i", "new-start"]
    either = ids(relcli("treaties", "--status", "expired", "--status", "terminated", "--json"))
    assert either == ["inf-treaty", "start-i", "new-start"]
    assert ids(relcli("treaties", "--party", "Soviet Union", "--json")) == ["inf-treaty", "start-i"]
    assert ids(relcli("treaties", "--party", "US", "--party", "RU", "--json")) == [
        "start-ii",
        "new-start",
    ]
    assert ids(relcli("treaties", "--party", "SU", "--party", "RU", "--json")) == []


# ---- exclusion and any-of -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--not-tag", "syria"],
            ["inf-signed", "new-start-signed", "year-2013", "crimea-annexed", "inf-violation"],
        ),
        (["--not-tag", "syria", "--not-tag", "arms-control"], ["year-2013", "crimea-annexed"]),
        (
            ["--any-tag", "syria", "--any-tag", "crimea"],
            ["sep-2013", "syria-framework", "crimea-annexed"],
        ),
        (
            ["--any-tag", "syria", "--any-tag", "crimea", "--not-kind", "agreement"],
            ["sep-2013", "crimea-annexed"],
        ),
        (["--not-kind", "agreement", "--not-kind", "statement"], ["sep-2013", "crimea-annexed"]),
        (["--actor", "Obama", "--not-actor", "Putin"], ["new-start-signed", "inf-violation"]),
        (
            ["--tag", "arms-control", "--any-tag", "nuclear", "--not-actor", "Reagan"],
            ["new-start-signed"],
        ),
    ],
)
def test_exclusion_and_any_of_on_the_timeline(
    relcli: Run, args: list[str], expected: list[str]
) -> None:
    assert ids(relcli("timeline", *args, "--json")) == expected


def test_the_same_event_filters_on_stats_and_export(relcli: Run, tmp_path: Any) -> None:
    stats = relcli("stats", "--not-tag", "syria", "--any-tag", "arms-control", "--json").json()
    assert stats["total"] == 3
    assert relcli("stats", "--actor", "Kerry", "--kind", "agreement", "--json").json()["total"] == 1
    out = relcli("export", "json", "-", "--not-kind", "agreement", "--search", "chemical")
    assert out.code == 0 and [e["id"] for e in out.json()] == ["sep-2013"]


def test_quote_filters_by_linked_event_and_speaker_country(relcli: Run) -> None:
    assert ids(relcli("quotes", "--tag", "syria", "--json")) == ["lavrov-2013"]
    assert ids(relcli("quotes", "--not-tag", "syria", "--json")) == [
        "reagan-trust-but-verify",
        "kerry-act-of-aggression",
    ]
    assert ids(relcli("quotes", "--any-tag", "syria", "--any-tag", "nuclear", "--json")) == [
        "reagan-trust-but-verify",
        "lavrov-2013",
    ]
    assert ids(relcli("quotes", "--treaty", "INF", "--json")) == ["reagan-trust-but-verify"]
    assert ids(relcli("quotes", "--country", "Russia", "--json")) == ["lavrov-2013"]
    assert ids(relcli("quotes", "--country", "RU", "--country", "us", "--json")) == [
        "reagan-trust-but-verify",
        "lavrov-2013",
        "kerry-act-of-aggression",
    ]
    assert ids(relcli("quotes", "--country", "RU", "--speaker", "Kerry", "--json")) == []
    assert ids(relcli("quotes", "--during", "Obama", "--json")) == [
        "lavrov-2013",
        "kerry-act-of-aggression",
    ]


# ---- dates on every command that lists dated records ----------------------------------------


def test_treaties_by_signing_date(relcli: Run) -> None:
    assert ids(relcli("treaties", "--from", "1991", "--json")) == [
        "start-i",
        "start-ii",
        "new-start",
    ]
    assert ids(relcli("treaties", "--to", "1991-07", "--json")) == ["inf-treaty", "start-i"]
    assert ids(relcli("treaties", "--during", "Obama", "--json")) == ["new-start"]
    assert relcli("treaties", "--from", "1992", "--to", "1991").code == 2


def test_search_narrowed_by_dates(relcli: Run) -> None:
    every = relcli("search", "treaty", "--all", "--json").json()
    later = relcli("search", "treaty", "--from", "2000", "--all", "--json").json()
    assert {h["type"] for h in every} >= {"treaty", "event"}
    assert later and all(h["date"] >= "2000" for h in later if h["type"] != "actor")
    assert len(later) < len(every)
    eras = relcli("search", "cold war", "--type", "era", "--to", "1950", "--json").json()
    assert [h["id"] for h in eras] == ["cold-war"]  # an era overlapping the period
    assert relcli("search", "cold war", "--type", "era", "--from", "1995", "--json").json() == []


def test_on_this_day_with_types_and_years(relcli: Run) -> None:
    every = relcli("on", "12-08", "--json").json()
    assert [(e["type"], e["id"]) for e in every] == [
        ("event", "inf-signed"),
        ("quote", "reagan-trust-but-verify"),
        ("milestone", "inf-treaty"),
    ]
    milestone = every[2]
    assert milestone["record"]["treaty"] == "inf-treaty" and milestone["date"] == "1987-12-08"
    assert [e["type"] for e in relcli("on", "12-08", "--type", "quotes", "--json").json()] == [
        "quote"
    ]
    both = relcli("on", "12-08", "--type", "event", "--type", "treaty", "--json").json()
    assert [e["type"] for e in both] == ["event", "milestone"]
    assert relcli("on", "12-08", "--from", "1990", "--json").json() == []
    table = relcli("on", "12-08").out
    assert "milestone" in table and "reagan-trust-but-verify" in table
    csv = relcli("on", "12-08", "--format", "csv").out.splitlines()
    assert csv[0] == "type,id,date,title"


# ---- conflicts and unknown values ---------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["timeline", "--json", "--format", "csv"],
        ["quotes", "--format", "md", "--json"],
        ["treaty", "INF", "--json", "--format", "table"],
        ["stats", "--json", "-f", "jsonl"],
    ],
)
def test_conflicting_formats_are_a_usage_error(relcli: Run, args: list[str]) -> None:
    result = relcli(*args)
    assert result.code == 2 and result.out == ""
    assert "--json and --format" in result.err and len(result.err.splitlines()) == 1


def test_agreeing_formats_are_fine(relcli: Run) -> None:
    assert relcli("timeline", "--json", "--format", "json", "-n", "1").code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["timeline", "--tag", "syra"], 'no tag named "syra" — did you mean "syria"?'),
        (["timeline", "--not-tag", "nukes"], 'no tag named "nukes"'),
        (["timeline", "--any-tag", "crimia"], 'did you mean "crimea"'),
        (["timeline", "--not-kind", "sumit"], 'did you mean "summit"'),
        (["treaties", "--status", "expird"], 'did you mean "expired"'),
        (["treaties", "--party", "Rusia"], 'did you mean "Russia"'),
        (["quotes", "--country", "USSA"], 'no country named "USSA"'),
        (["quotes", "--tag", "sirya"], '"syria"'),
        (["search", "x", "--type", "evnt"], 'did you mean "event"'),
        (["on", "12-08", "--type", "milstone"], 'did you mean "milestone"'),
        (["timeline", "--format", "xml"], "xml"),
    ],
)
def test_unknown_vocabulary_values_are_usage_errors(
    relcli: Run, args: list[str], message: str
) -> None:
    result = relcli(*args)
    assert result.code == 2, result.err
    assert message in result.err


@pytest.mark.parametrize(
    "args",
    [
        ["timeline", "--not-actor", "Nobody"],
        ["quotes", "--speaker", "Nobody"],
        ["quotes", "--treaty", "Nothing"],
        ["timeline", "--treaty", "INF", "--treaty", "Nothing"],
    ],
)
def test_unknown_record_names_stay_not_found(relcli: Run, args: list[str]) -> None:
    assert relcli(*args).code == 1


# ---- every column a table shows can be selected -----------------------------------------------


def test_fields_offer_names_beside_ids(relcli: Run) -> None:
    rows = relcli("treaties", "--fields", "id,signed,us_state,ru_state", "--json").json()
    assert rows[0] == {
        "id": "inf-treaty",
        "signed": "1987-12-08",
        "us_state": rows[0]["us_state"],
        "ru_state": rows[0]["ru_state"],
    }
    assert all(r["signed"] for r in rows)
    events = relcli(
        "timeline", "--fields", "id,actors,actor_names,treaty_names", "--json", "-n", "1"
    )
    assert events.json() == [
        {
            "id": "inf-signed",
            "actors": ["ronald-reagan", "mikhail-gorbachev"],
            "actor_names": ["Ronald Reagan", "Mikhail Gorbachev"],
            "treaty_names": ["Intermediate-Range Nuclear Forces Treaty"],
        }
    ]
    quotes = relcli("quotes", "--fields", "speaker_name", "--format", "csv", "-n", "1").out
    assert quotes.splitlines() == ["speaker_name", "Ronald Reagan"]


def test_help_says_how_each_repeatable_option_combines(relcli: Run) -> None:
    for command, options in {
        "timeline": (
            "--tag",
            "--any-tag",
            "--not-tag",
            "--kind",
            "--actor",
            "--treaty",
            "--search",
        ),
        "quotes": ("--speaker", "--country", "--tag", "--treaty"),
        "treaties": ("--status", "--party"),
    }.items():
        text = " ".join(relcli(command, "--help").out.split())
        for option in options:
            assert option in text
        assert text.count("repeatable") >= len(options)


def test_export_takes_limit_and_reverse_like_the_timeline(relcli: Run) -> None:
    newest = relcli("export", "json", "-", "--reverse", "--limit", "2")
    assert newest.code == 0 and [e["id"] for e in newest.json()] == [
        e["id"] for e in relcli("timeline", "--reverse", "-n", "2", "--json").json()
    ]
