"""History as of a date: ``treaties --on``, ``treaty NAME --on``, ``actors --on``, ``actor --on``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relcli import store
from relcli.treatystate import Snapshot

BUNDLED = store.load(store.bundled_path())
DATA = str(store.bundled_path())


def _on(relcli, day: str, *extra: str) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    result = relcli("--data", DATA, "treaties", "--on", day, "--json", *extra)
    assert result.code == 0, result.err
    return {t["id"]: t for t in result.json()}


def _parties(record: dict) -> tuple[str, str, str]:  # type: ignore[type-arg]
    return (
        record["status_on"],
        record["parties_on"]["US"]["state"],
        record["parties_on"]["RU"]["state"],
    )


@pytest.mark.parametrize(
    ("day", "treaty", "expected"),
    [
        ("2019-03-01", "inf-treaty", ("in force", "suspended", "suspended")),
        ("2023-03-01", "new-start", ("in force", "in force", "suspended")),
        ("2026-03-01", "new-start", ("expired", "expired", "expired")),
        ("2008-01-01", "cfe-treaty", ("in force", "in force", "suspended")),
        ("2023-12-31", "cfe-treaty", ("in force", "suspended", "withdrawn")),
        ("2002-06-01", "abm-treaty", ("in force", "withdrawal announced", "in force")),
        ("2002-07-01", "abm-treaty", ("terminated", "withdrawn", "terminated")),
        ("1980-01-01", "salt-ii", ("signed", "signed", "signed")),
        ("2021-06-01", "open-skies", ("in force", "withdrawn", "withdrawal announced")),
        ("2009-12-05", "start-i", ("expired", "expired", "expired")),
    ],
)
def test_the_issues_examples(relcli, day: str, treaty: str, expected: tuple[str, str, str]) -> None:  # type: ignore[no-untyped-def]
    assert _parties(_on(relcli, day)[treaty]) == expected


def test_a_year_reports_both_ends_and_what_changed(relcli) -> None:  # type: ignore[no-untyped-def]
    inf = _on(relcli, "2019")["inf-treaty"]
    assert inf["on"] == {"from": "2019-01-01", "to": "2019-12-31"}
    assert (inf["status_at_start"], inf["status_on"]) == ("in force", "terminated")
    assert inf["parties_at_start"]["US"]["state"] == "in force"
    assert inf["changed"][0]["date"] == "2019-02-01"
    assert inf["changed"][-1]["action"] == "terminated"


def test_a_month_precise_milestone_on_a_day_is_reported_as_a_change(relcli) -> None:  # type: ignore[no-untyped-def]
    cfe = _on(relcli, "1992-11-05")["cfe-treaty"]
    assert (cfe["status_at_start"], cfe["status_on"]) == ("signed", "in force")
    assert [m["date"] for m in cfe["changed"]] == ["1992-11"]


def test_treaties_not_yet_signed_are_left_out_unless_all(relcli) -> None:  # type: ignore[no-untyped-def]
    assert "new-start" not in _on(relcli, "1990")
    everything = _on(relcli, "1990", "--all")
    assert everything["new-start"]["status_on"] == "not signed"
    assert len(everything) == len(BUNDLED.treaties)
    assert relcli("--data", DATA, "treaties", "--all").code == 2


@pytest.mark.parametrize("bad", ["garbage", "2019-13", ""])
def test_bad_dates_are_usage_errors(relcli, bad: str) -> None:  # type: ignore[no-untyped-def]
    for command in (("treaties",), ("treaty", "INF"), ("actors",), ("actor", "Lavrov")):
        result = relcli("--data", DATA, *command, "--on", bad)
        assert result.code == 2 and "--on" in result.err


def test_every_format(relcli) -> None:  # type: ignore[no-untyped-def]
    csv_lines = relcli(
        "--data", DATA, "treaties", "--on", "2019", "--format", "csv"
    ).out.splitlines()
    assert (
        csv_lines[0]
        == "id,name,status_at_start,status_on,us_at_start,us_on,ru_at_start,ru_on,changed"
    )
    assert any(line.startswith("inf-treaty,") and "terminated" in line for line in csv_lines)
    assert relcli("--data", DATA, "treaties", "--on", "2019", "--format", "md").out.startswith(
        "| id |"
    )
    jsonl = relcli("--data", DATA, "treaties", "--on", "2019", "--format", "jsonl").out
    assert jsonl.count("\n") == len(_on(relcli, "2019"))
    fields = relcli(
        "--data", DATA, "treaties", "--on", "2019", "--fields", "id,status_on", "--json"
    )
    assert set(fields.json()[0]) == {"id", "status_on"}
    table = relcli("--data", DATA, "treaties", "--on", "2019").out
    assert "Treaties on 2019" in table and "in force →" in table


def test_treaty_sheet_on_a_date(relcli) -> None:  # type: ignore[no-untyped-def]
    out = relcli("--data", DATA, "treaty", "INF", "--on", "2019-03-01").out
    assert "On 1 Mar 2019" in out and "suspended (since 2 Feb 2019)" in out
    assert "▶ --on" in out  # the date's place in the lifecycle
    body = relcli("--data", DATA, "treaty", "CFE", "--on", "2023", "--json").json()
    assert body["status_on"] == "in force" and body["parties_on"]["RU"]["state"] == "withdrawn"
    assert [m["date"] for m in body["changed"]] == ["2023-05-29", "2023-11-07", "2023-12-07"]
    assert "status_on" not in relcli("--data", DATA, "treaty", "CFE", "--json").json()


def test_who_held_office(relcli) -> None:  # type: ignore[no-untyped-def]
    rows = relcli(
        "--data", DATA, "actors", "--on", "1987-12-08", "--country", "US", "--json"
    ).json()
    assert {r["actor"] for r in rows} >= {"ronald-reagan", "george-shultz"}
    assert all(r["held"] == "throughout" for r in rows)
    soviet = relcli(
        "--data", DATA, "actors", "--on", "1987-12-08", "--role", "General Secretary", "--json"
    )
    assert [r["actor"] for r in soviet.json()] == ["mikhail-gorbachev"]


def test_partial_role_dates_are_said_to_be_uncertain(relcli) -> None:  # type: ignore[no-untyped-def]
    rows = relcli("--data", DATA, "actor", "Ushakov", "--on", "2012-05-15", "--json").json()
    aide = next(r for r in rows if "aide" in r["role"])
    assert aide["held"] == "uncertain" and aide["note"] == "took office in May 2012"
    table = relcli("--data", DATA, "actor", "Ushakov", "--on", "2012-05-15").out
    assert "uncertain: took" in table and "office in May" in table  # wrapped in its column


def test_actor_on_a_date_with_no_role(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("--data", DATA, "actor", "Lavrov", "--on", "1980")
    assert result.code == 0 and result.out == "" and "held no role" in result.err
    assert relcli("--data", DATA, "actor", "Lavrov", "--on", "1980", "--json").json() == []
    putin = relcli("--data", DATA, "actor", "Putin", "--on", "2000", "--json").json()
    assert {r["held"] for r in putin} == {"part"}


# ---- properties: an interval's two ends are the states on its first and last days -----------

days = st.dates(min_value=date(1800, 1, 1), max_value=date(2030, 12, 31))
treaties = st.sampled_from(BUNDLED.treaties)


@settings(max_examples=150, deadline=None)
@given(treaty=treaties, first=days, length=st.integers(0, 4000))
def test_interval_ends_are_the_end_days(treaty, first: date, length: int) -> None:  # type: ignore[no-untyped-def]
    last = min(first + timedelta(days=length), date(2030, 12, 31))
    whole = Snapshot(treaty, first, last)
    assert whole.status_on == Snapshot(treaty, last, last).status_on
    assert whole.status_at_start == Snapshot(treaty, first, first).status_at_start
    for party in ("US", "RU"):
        assert whole.parties_on[party].state == Snapshot(treaty, last, last).parties_on[party].state
    if not whole.changed:  # nothing happened inside: the state held throughout
        assert whole.status_at_start == whole.status_on
        for party in ("US", "RU"):
            assert whole.parties_at_start[party].state == whole.parties_on[party].state


@settings(max_examples=150, deadline=None)
@given(treaty=treaties, day=days)
def test_state_on_a_day_is_a_walk_over_the_milestones_before_it(treaty, day: date) -> None:  # type: ignore[no-untyped-def]
    """Brute force: the treaty-wide state is that of the last treaty-wide milestone that
    changes it among those begun by the day (day-precision data assumed where it applies)."""
    snapshot = Snapshot(treaty, day, day)
    whole = [
        m
        for m in treaty.milestones
        if m.party is None
        and m.date.start <= day
        and m.action in ("signed", "in-force", "expired", "terminated", "superseded", "fulfilled")
    ]
    if not whole:
        assert snapshot.status_on in ("not signed", "signed", "never in force", "fulfilled")
        return
    expected = {"signed": "signed", "in-force": "in force"}.get(whole[-1].action, whole[-1].action)
    if any(m.action == "fulfilled" for m in treaty.milestones if m.date.start <= day):
        expected = "fulfilled"
    if expected == "signed" and snapshot.status_on == "never in force":
        return
    if (
        expected == "in force"
        and treaty.status == "fulfilled"
        and snapshot.status_on == "fulfilled"
    ):
        return
    assert snapshot.status_on == expected


# ---- compare -----------------------------------------------------------------------------------


def test_compare_two_periods(relcli) -> None:  # type: ignore[no-untyped-def]
    rows = relcli("--data", DATA, "compare", "Cold War", "2014-2022", "--json").json()
    assert [r["period"] for r in rows] == ["Cold War", "2014-2022"]
    recent = rows[1]
    assert recent["ranges"] == [{"from": "2014-01-01", "to": "2022-12-31"}]
    assert sum(recent["tone"].values()) == recent["events"]
    assert abs(sum(recent["tone_share"].values()) - 1) < 0.01
    timeline = relcli("--data", DATA, "timeline", "--from", "2014", "--to", "2022", "--json").json()
    assert recent["events"] == len(timeline)
    assert any(s["treaty"] == "inf-treaty" for s in recent["treaties"]["ended"])
    quotes = relcli("--data", DATA, "quotes", "--from", "2014", "--to", "2022", "--json").json()
    assert recent["quotes"] == len(quotes)


@pytest.mark.parametrize(
    ("spec", "first", "last"),
    [
        ("1985..1991", "1985-01-01", "1991-12-31"),
        ("1985 – 1991", "1985-01-01", "1991-12-31"),
        ("March 2014", "2014-03-01", "2014-03-31"),
        ("2014", "2014-01-01", "2014-12-31"),
    ],
)
def test_compare_period_forms(relcli, spec: str, first: str, last: str) -> None:  # type: ignore[no-untyped-def]
    rows = relcli("--data", DATA, "compare", spec, "Obama", "--json").json()
    assert rows[0]["ranges"] == [{"from": first, "to": last}]
    assert rows[1]["period"] == "Barack Obama" and len(rows[1]["ranges"]) >= 1


def test_compare_table_marks_what_stands_out(relcli) -> None:  # type: ignore[no-untyped-def]
    out = relcli("--data", DATA, "compare", "Cold War", "2014-2022").out
    assert "Cold War" in out and "per year" in out and "▲" in out and "░" in out


def test_compare_errors(relcli) -> None:  # type: ignore[no-untyped-def]
    assert relcli("--data", DATA, "compare", "2014").code == 2
    unknown = relcli("--data", DATA, "compare", "Cold Warr", "2014")
    assert unknown.code == 1 and 'did you mean "Cold War"' in unknown.err
    assert relcli("--data", DATA, "compare", "2014", "2019-13").code == 2
    assert relcli("--data", DATA, "compare", "2020..2010", "2014").code == 2


def test_compare_formats_and_svg(relcli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import xml.etree.ElementTree as ET

    from tests.test_exports import assert_everything_fits

    csv_lines = relcli(
        "--data", DATA, "compare", "1990s", "2010s", "--format", "csv"
    ).out.splitlines()
    assert csv_lines[0].startswith("period,from,to,events,events_per_year,cooperative")
    assert len(csv_lines) == 3
    assert relcli("--data", DATA, "compare", "1990s", "2010s", "--format", "md").out.startswith(
        "| period |"
    )
    chart = tmp_path / "c.svg"
    long_name = "Full-scale invasion of Ukraine"
    result = relcli("--data", DATA, "compare", "Cold War", long_name, "Obama", "--svg", str(chart))
    assert result.code == 0 and result.out == ""
    root = ET.fromstring(chart.read_text(encoding="utf-8"))
    width = float(root.get("width"))  # type: ignore[arg-type]
    for rect in root.iter("{http://www.w3.org/2000/svg}rect"):
        assert float(rect.get("x", 0)) + float(rect.get("width", 0)) <= width
    title = " ".join(
        t.text or ""
        for t in root.iter("{http://www.w3.org/2000/svg}text")
        if t.get("font-weight") == "bold"
    )
    assert long_name in title  # wrapped onto lines that fit, see tests/test_exports.py
    assert_everything_fits(chart.read_text(encoding="utf-8"))
    assert relcli("--data", DATA, "compare", "1990s", "2010s", "--svg", str(chart)).code == 2
    assert relcli("--data", DATA, "compare", "1990s", "2010s", "--svg", "-").out.startswith("<svg")
    empty = relcli("--data", DATA, "compare", "1600", "1601", "--svg", "-").out
    assert "no events" in empty


# ---- relcli quote ID ---------------------------------------------------------------------------


def test_quote_in_full_with_office_and_citations(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("--data", DATA, "quote", "reagan-trust-but-verify")
    assert result.code == 0
    assert "trust, but verify" in result.out and "President of the United States" in result.out
    assert "inf-treaty-signed" in result.out and "Sources (to cite)" in result.out
    body = relcli("--data", DATA, "quote", "reagan-trust-but-verify", "--json").json()
    assert body["speaker_name"] == "Ronald Reagan"
    assert body["speaker_roles"][0]["role"] == "President of the United States"
    assert body["linked_event"]["id"] == "inf-treaty-signed"


def test_quote_urls_are_never_broken(relcli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "40")
    body = relcli("--data", DATA, "quote", "reagan-trust-but-verify", "--json").json()
    out = relcli("--data", DATA, "quote", "reagan-trust-but-verify").out
    for source in body["sources"]:
        assert source["url"] in out


def test_quote_ids_show_and_unknown_ids_get_suggestions(relcli) -> None:  # type: ignore[no-untyped-def]
    assert "reagan-trust-but-verify" in relcli("--data", DATA, "quotes", "--speaker", "Reagan").out
    result = relcli("--data", DATA, "quote", "reagan-trust-but-verif")
    assert result.code == 1 and 'did you mean "reagan-trust-but-verify"' in result.err
