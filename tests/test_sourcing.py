"""Citable data: schema 2 (quote sources, publishers, milestone actions), per-party treaty state,
``relcli sources`` and the sourcing floor of the bundled data."""

from __future__ import annotations

import json
from typing import Any

import pytest

from relcli import store
from relcli.dates import PartialDate
from relcli.sources import SourcesReport, beyond_encyclopedia, kind_of
from relcli.treatystate import party_states, treaty_state

BUNDLED = store.load(store.bundled_path())


def _treaty(treaty_id: str):  # type: ignore[no-untyped-def]
    return BUNDLED.treaty_by_id[treaty_id]


def _states(treaty_id: str, day: str) -> tuple[str, str, str]:
    treaty = _treaty(treaty_id)
    on = PartialDate.parse(day)
    states = party_states(treaty, on)
    return treaty_state(treaty, on), states["US"].state, states["RU"].state


# ---- per-party state, checked against the sources cited on each treaty's milestones ---------


@pytest.mark.parametrize(
    ("treaty", "day", "expected"),
    [
        ("inf-treaty", "2019-03-01", ("in force", "suspended", "suspended")),
        ("inf-treaty", "2019-08-02", ("terminated", "withdrawn", "terminated")),
        ("new-start", "2023-03-01", ("in force", "in force", "suspended")),
        ("new-start", "2026-03-01", ("expired", "expired", "expired")),
        ("cfe-treaty", "2008-01-01", ("in force", "in force", "suspended")),
        ("cfe-treaty", "2023-12-31", ("in force", "suspended", "withdrawn")),
        ("abm-treaty", "2002-06-01", ("in force", "withdrawal announced", "in force")),
        ("abm-treaty", "2002-07-01", ("terminated", "withdrawn", "terminated")),
        ("salt-ii", "1980-01-01", ("signed", "signed", "signed")),
        ("open-skies", "2021-06-01", ("in force", "withdrawn", "withdrawal announced")),
        ("start-i", "2009-12-05", ("expired", "expired", "expired")),
        ("ctbt", "2024-01-01", ("never in force", "rejected", "ratification revoked")),
    ],
)
def test_state_on_a_day(treaty: str, day: str, expected: tuple[str, str, str]) -> None:
    assert _states(treaty, day) == expected


def test_not_yet_signed() -> None:
    assert _states("new-start", "2009-01-01") == ("not signed", "not signed", "not signed")


def test_every_bundled_status_agrees_with_its_milestones() -> None:
    from relcli.treatystate import disagreement

    assert [t.id for t in BUNDLED.treaties if disagreement(t)] == []
    assert all(m.action for t in BUNDLED.treaties for m in t.milestones)


def test_treaty_sheet_says_what_happened_to_whom(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("--data", str(store.bundled_path()), "treaty", "CFE")
    assert result.code == 0
    assert "in force among other parties" in result.out
    assert "United States suspended 7 Dec 2023" in " ".join(result.out.split())
    assert "Russia withdrawn 7 Nov 2023" in " ".join(result.out.split())
    body = relcli("--data", str(store.bundled_path()), "treaty", "INF", "--json").json()
    assert body["parties_status"] == {
        "US": {"state": "withdrawn", "since": "2019-08-02"},
        "RU": {"state": "terminated", "since": "2019-08-02"},
    }


def test_treaties_table_shows_both_parties(relcli) -> None:  # type: ignore[no-untyped-def]
    out = relcli("--data", str(store.bundled_path()), "treaties").out
    assert "United States" in out and "Russia" in out
    assert "ratification" in out and "revoked" in out  # may wrap at 100 columns
    rows = relcli("--data", str(store.bundled_path()), "treaties", "--status", "in force", "--json")
    assert all(t["status"] == "in force" and "parties_status" in t for t in rows.json())


# ---- validation of the new fields --------------------------------------------------------------


def _with_treaty_change(document: dict[str, Any], change) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    treaty = next(t for t in document["treaties"] if t["id"] == "inf-treaty")
    change(treaty)
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t["milestones"][0].__setitem__("action", "exploded"), "$.treaties"),
        (
            lambda t: t["milestones"][0].update(action="signed", party="Canada"),
            'names "US", "RU" or null',
        ),
        (
            lambda t: t["milestones"][0].update(source="https://elsewhere.example/x"),
            "one of the treaty's sources",
        ),
        (
            lambda t: (
                t["milestones"][0].update(action="signed"),
                t["milestones"].append(
                    {"date": "2019-08-02", "what": "ended", "action": "terminated"}
                ),
                t.update(status="in force"),
            ),
            'status is "in force" but its milestones say "terminated"',
        ),
    ],
)
@pytest.mark.parametrize("index", ["never", "always"])
def test_milestone_rules(  # type: ignore[no-untyped-def]
    relcli, write_data, mini_document, monkeypatch, change, message: str, index: str
) -> None:
    monkeypatch.setenv("RELCLI_INDEX", index)
    path = write_data(_with_treaty_change(mini_document, change))
    result = relcli("validate", str(path))
    assert result.code == 3 and message in result.err


@pytest.mark.parametrize("index", ["never", "always"])
@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"publisher": "AP", "published": "2014-02-30"}, "published"),
        ({"publisher": "two\nlines"}, "publisher"),
        ({"editor": "x"}, "unknown key 'editor'"),
    ],
)
def test_source_fields_are_checked_on_both_engines(  # type: ignore[no-untyped-def]
    relcli, write_data, mini_document, monkeypatch, index: str, source: dict[str, str], message: str
) -> None:
    monkeypatch.setenv("RELCLI_INDEX", index)
    mini_document["events"][0]["sources"][0].update(source)
    result = relcli("validate", str(write_data(mini_document)))
    assert result.code == 3 and message in result.err


@pytest.mark.parametrize("index", ["never", "always"])
def test_publisher_and_date_are_kept(
    relcli, write_data, mini_document, monkeypatch, index: str
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RELCLI_INDEX", index)
    mini_document["events"][0]["sources"][0].update(publisher="TASS", published="2014-03")
    event_id = mini_document["events"][0]["id"]
    body = relcli("--data", str(write_data(mini_document)), "event", event_id, "--json").json()
    assert (
        body["sources"][0]["publisher"] == "TASS" and body["sources"][0]["published"] == "2014-03"
    )


def test_schema_1_still_loads_and_fmt_upgrades_it(relcli, write_data, mini_document) -> None:  # type: ignore[no-untyped-def]
    mini_document["schema_version"] = 1
    for quote in mini_document["quotes"]:
        quote["source"] = quote.pop("sources")[0]
    path = write_data(mini_document)
    result = relcli("--data", str(path), "quotes", "--json")
    assert result.code == 0 and all(len(q["sources"]) == 1 for q in result.json())
    assert relcli("fmt", str(path)).code == 0
    upgraded = json.loads(path.read_text(encoding="utf-8"))
    assert upgraded["schema_version"] == 2 and all("sources" in q for q in upgraded["quotes"])


def test_schema_1_rejects_the_new_quote_key(relcli, write_data, mini_document) -> None:  # type: ignore[no-untyped-def]
    mini_document["schema_version"] = 1
    result = relcli("validate", str(write_data(mini_document)))
    assert result.code == 3 and "unknown key 'sources'" in result.err


def test_schema_1_large_file_quotes(relcli, write_data, mini_document, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RELCLI_INDEX", "always")
    mini_document["schema_version"] = 1
    for quote in mini_document["quotes"]:
        quote["source"] = quote.pop("sources")[0]
    result = relcli("--data", str(write_data(mini_document)), "quotes", "--json")
    assert result.code == 0 and all(len(q["sources"]) == 1 for q in result.json())


# ---- relcli sources ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://en.wikipedia.org/wiki/INF_Treaty", "encyclopedia"),
        ("https://history.state.gov/milestones/1945-1952/kennan", "official"),
        ("http://en.kremlin.ru/events/president/news/41520", "official"),
        ("https://www.gov.uk/government/publications/x", "official"),
        ("https://www.reuters.com/world/x", "news"),
        ("https://tass.com/politics/957378", "news"),
        ("https://www.armscontrol.org/factsheets/inf", "scholarly"),
        ("https://avalon.law.yale.edu/20th_century/decade17.asp", "scholarly"),
        ("https://unknown.example.org/page", "other"),
        ("https://sun-sentinel.com/x", "news"),
    ],
)
def test_kind_of_source(url: str, kind: str) -> None:
    assert kind_of(url) == kind


def test_a_sources_table_lists_the_first_ids_and_counts_the_rest(  # type: ignore[no-untyped-def]
    relcli, write_data, mini_document, monkeypatch
) -> None:
    """A big file's report names a million ids: the table lists ``LISTED`` of each list and
    says how many more (Rich took 44 s to wrap them all); JSON still gives every one."""
    from relcli.render import tables

    for n, event in enumerate(mini_document["events"]):
        event["sources"] = [{"title": "Somewhere", "url": f"https://host-{n:02d}.example.net/x"}]
    path = str(write_data(mini_document))
    hosts = list(relcli("--data", path, "sources", "--json").json()["unknown_hosts"])
    assert len(hosts) > len(mini_document["events"]) > 3  # and the quotes' example.org
    whole = relcli("--data", path, "sources").out
    monkeypatch.setattr(tables, "LISTED", 3)
    table = relcli("--data", path, "sources")
    assert table.code == 0
    shown = ", ".join(hosts[:3])
    assert f"{shown} … and {len(hosts) - 3:,} more (--json lists every one)" in table.out
    assert f"Hosts of no known kind ({len(hosts)})" in table.out
    assert hosts[3] not in table.out and hosts[3] in whole and "more" not in whole


def test_sources_command_in_every_format(relcli, write_data, mini_document) -> None:  # type: ignore[no-untyped-def]
    path = str(write_data(mini_document))
    table = relcli("--data", path, "sources")
    assert table.code == 0 and "beyond an encyclopedia" in table.out
    body = relcli("--data", path, "sources", "--json").json()
    assert set(body) == {
        "records",
        "events_since_1991",
        "sources_by_kind",
        "only_encyclopedia",
        "unknown_hosts",
    }
    assert body["records"]["events"]["total"] == len(mini_document["events"])
    csv_out = relcli("--data", path, "sources", "--format", "csv").out.splitlines()
    assert csv_out[0] == "records,total,beyond_encyclopedia,share,only_encyclopedia"
    assert len(csv_out) == 5
    assert relcli("--data", path, "sources", "--format", "jsonl").out.count("\n") == 4
    assert relcli("--data", path, "sources", "--format", "md").out.startswith("| records |")
    fields = relcli("--data", path, "sources", "--fields", "records,share", "--json").json()
    assert set(fields[0]) == {"records", "share"}


def test_validate_warns_on_a_quote_without_a_primary_source(
    relcli, write_data, mini_document
) -> None:  # type: ignore[no-untyped-def]
    quote = mini_document["quotes"][0]
    quote["sources"] = [{"title": "Wikipedia: X", "url": "https://en.wikipedia.org/wiki/X"}]
    result = relcli("validate", str(write_data(mini_document)))
    assert result.code == 0
    assert f"warning: quote {quote['id']} cites no primary or contemporaneous source" in result.err


# ---- the bundled data's sourcing floor (shares may only rise) ---------------------------------

# The records below still cite no official, news or scholarly source: each is named so the list
# can only shrink (a new record must come with a source beyond an encyclopedia).
KNOWN_GAPS = {
    "events": {"clinton-lavrov-waldorf", "gvozdev-sights-alaska"},
    "quotes": {"nyt-well-honed-art-form", "truman-let-them-kill"},
    "treaties": set(),
}


def test_sourcing_floor_of_the_bundled_data() -> None:
    report = SourcesReport(BUNDLED).to_json()
    assert report["records"]["events"]["share"] >= 0.75
    assert report["records"]["treaties"]["share"] == 1.0
    recent = report["events_since_1991"]
    assert recent["total"] - recent["beyond_encyclopedia"] <= 4
    for array, gaps in KNOWN_GAPS.items():
        assert set(report["only_encyclopedia"][array]) <= gaps, array


def test_no_malformed_source_url_in_the_bundled_data() -> None:
    from urllib.parse import urlsplit

    records = [*BUNDLED.events, *BUNDLED.quotes, *BUNDLED.treaties, *BUNDLED.actors]
    for record in records:
        for source in record.sources:
            parts = urlsplit(source.url)
            host = parts.hostname or ""
            assert "%23" not in source.url and "%2F" not in parts.path, source.url
            assert host and not host.endswith(".") and "staging" not in host, source.url
            assert not host.replace(".", "").isdigit(), source.url
    for treaty in BUNDLED.treaties:
        urls = {s.url for s in treaty.sources}
        assert all(m.source is None or m.source in urls for m in treaty.milestones)


def test_coverage_targets() -> None:
    from collections import Counter

    assert len(BUNDLED.events) >= 480 and len(BUNDLED.quotes) >= 100
    per_decade = Counter(e.date.year // 10 * 10 for e in BUNDLED.events)
    assert min(per_decade[d] for d in range(1900, 2030, 10)) >= 5
    assert all(
        beyond_encyclopedia(q.sources) or q.id in KNOWN_GAPS["quotes"] for q in BUNDLED.quotes
    )


def test_validate_caps_the_unsourced_quote_warnings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys
    from pathlib import Path

    from tests.test_installed import command, env

    path = tmp_path / "synthetic.json"
    generate = Path(__file__).parent.parent / "bench" / "generate.py"
    subprocess.run(
        [sys.executable, str(generate), "3000", str(path)], check=True, capture_output=True
    )
    done = subprocess.run(
        [*command(), "--data", str(path), "validate"], capture_output=True, text=True, env=env()
    )
    assert done.returncode == 0
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 11 and warnings[-1].endswith(
        "… and 20 more quotes without such a source"
    )


def _sourced_events(tmp_path: Any) -> Any:
    """Events citing lists of URLs that repeat and do not, across 1991, of every kind of host
    (an unknown one with an accent in its path), one event citing a URL twice."""
    lists = [
        ["https://en.wikipedia.org/wiki/A"],
        ["https://en.wikipedia.org/wiki/A", "https://www.state.gov/x"],
        ["https://unknown.example/é", "https://en.wikipedia.org/wiki/B"],
        ["https://www.nytimes.com/1"],
        ["https://www.state.gov/x", "https://www.state.gov/x"],
    ]
    events = [
        {
            "id": f"ev-{n:02d}",
            "date": f"{1985 + n}",
            "title": f"Event {n}",
            "summary": "S",
            "kind": "summit",
            "tone": "neutral",
            "sources": [{"title": "S", "url": url} for url in lists[n * 7 % len(lists)]],
        }
        for n in range(12)
    ]
    document = {
        "schema_version": 2,
        "meta": {"title": "sourced"},
        "actors": [],
        "treaties": [],
        "events": events,
        "quotes": [],
    }
    path = tmp_path / "sourced.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("since", [1985, 1991, 2100])
def test_sources_report_agrees_between_engines(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, since: int
) -> None:
    path = _sourced_events(tmp_path)
    reports = []
    for mode in ("never", "always"):
        monkeypatch.setenv("RELCLI_INDEX", mode)
        dataset = store.load(path)
        reports.append(SourcesReport(dataset, since))
        assert dataset.events_citing([]) == []
    memory, indexed = reports
    assert indexed.to_json() == memory.to_json() and indexed.rows() == memory.rows()
    assert list(indexed.to_json()["records"]) == ["events", "quotes", "treaties", "actors"]
    only = ["ev-00", "ev-01", "ev-05", "ev-06", "ev-10", "ev-11"]  # lists 0 and 2
    assert memory.only_encyclopedia["events"] == only
    assert memory.unknown_hosts == {"unknown.example": 3}


@pytest.mark.parametrize("args", [["sources"], ["sources", "--json"], ["sources", "-f", "csv"]])
def test_sources_command_agrees_between_engines(  # type: ignore[no-untyped-def]
    relcli, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    path = _sourced_events(tmp_path)
    results = []
    for mode in ("never", "always"):
        monkeypatch.setenv("RELCLI_INDEX", mode)
        results.append(relcli("--data", str(path), *args))
    assert results[0] == results[1] and results[0].code == 0
