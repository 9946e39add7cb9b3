"""Behaviour through the real entry point: commands, formats, exit codes, stdout/stderr."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from relcli.render import FORMATS


def test_timeline_table_and_note(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("timeline", "--from", "2013")
    assert result.code == 0
    assert "2013 ─" in result.out and "2014 ─" in result.out and "1987" not in result.out
    assert "Geneva framework on Syria's chemical weapons" in result.out
    assert result.err == ""


def test_timeline_json_pipes_to_jq_shape(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("timeline", "--from", "2013", "--to", "2013", "--json")
    assert result.code == 0 and result.err == ""
    assert [e["id"] for e in result.json()] == ["year-2013", "sep-2013", "syria-framework"]


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize(
    "command",
    [["timeline"], ["treaties"], ["quotes"], ["treaty", "INF"], ["event", "inf-signed"]],
)
def test_every_command_in_every_format(relcli, command: list[str], fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = relcli(*command, "--format", fmt)
    assert result.code == 0, result.err
    assert result.out.strip()
    if fmt == "json":
        assert isinstance(result.json(), list if len(command) == 1 else dict)
    if fmt == "jsonl":
        assert all(json.loads(line) for line in result.out.splitlines())
    if fmt == "csv":
        assert next(iter(csv.reader(io.StringIO(result.out))))[0] == "id"
    if fmt != "table":
        assert "\x1b" not in result.out


def test_format_is_case_insensitive_and_json_shorthand(relcli) -> None:  # type: ignore[no-untyped-def]
    assert relcli("treaties", "-f", "JSON").json() == relcli("treaties", "--json").json()


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["--tag", "syria"], ["sep-2013", "syria-framework"]),
        (["--tag", "Chemical Weapons", "--kind", "agreement"], ["syria-framework"]),
        (["--actor", "Lavrov", "--actor", "kerry"], ["sep-2013", "syria-framework"]),
        (["--treaty", "inf"], ["inf-signed", "inf-violation"]),
        (["--search", "crimea"], ["crimea-annexed"]),
        (
            ["--from", "2013-06"],
            ["year-2013", "sep-2013", "syria-framework", "crimea-annexed", "inf-violation"],
        ),
        (["--from", "March 2014", "--to", "March 2014"], ["crimea-annexed"]),
        (["--to", "1990s"], ["inf-signed"]),
        (["--from", "last year"], []),
        (["--reverse", "--limit", "1"], ["inf-violation"]),
        (["-n", "2"], ["inf-signed", "new-start-signed"]),
    ],
)
def test_timeline_filters(relcli, args: list[str], ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = relcli("timeline", *args, "--json")
    assert result.code == 0, result.err
    assert [e["id"] for e in result.json()] == ids


def test_empty_results(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("timeline", "--search", "nothing like this")
    assert (result.code, result.out, result.err.strip()) == (0, "", "relcli: nothing matched")
    result = relcli("timeline", "--search", "nothing like this", "--json")
    assert (result.code, result.out, result.err) == (0, "[]\n", "")
    assert relcli("timeline", "--search", "nothing like this", "-f", "csv").out.startswith(
        "id,date"
    )


def test_treaty_sheet(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("treaty", "inf")
    assert result.code == 0
    for expected in [
        "Intermediate-Range Nuclear Forces Treaty",
        "terminated",
        "US, SU",
        "Milestones",
        "8 Dec 1987",
        "signed",
        "withdrawal announced",
        "Events (2)",
        "Quotes (1)",
        "trust, but verify",
        "https://example.org/inf",
    ]:
        assert expected in result.out


def test_treaty_json_is_one_object(relcli) -> None:  # type: ignore[no-untyped-def]
    body = relcli("treaty", "New START", "--json").json()
    assert body["id"] == "new-start" and body["status"] == "expired"
    assert body["milestones"][0] == {
        "date": "2010-04-08",
        "what": "signed",
        "action": None,
        "party": None,
        "place": "Prague",
        "event": None,
        "source": None,
    }
    assert [e["id"] for e in body["linked_events"]] == ["new-start-signed"]


def test_treaties_status_filter(relcli) -> None:  # type: ignore[no-untyped-def]
    assert [t["id"] for t in relcli("treaties", "--status", "Never-in-force", "--json").json()] == [
        "start-ii"
    ]
    result = relcli("treaties", "--status", "expird")
    assert result.code == 2 and 'did you mean "expired"' in result.err


def test_quotes(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("quotes", "--speaker", "Kerry", "--json")
    assert [q["text"] for q in result.json()] == [
        "This is an act of aggression that is completely trumped up in terms of its pretext."
    ]
    assert "John Kerry" in relcli("quotes", "--from", "2014").out
    assert [q["id"] for q in relcli("quotes", "--search", "лавров", "--json").json()] == [
        "lavrov-2013"
    ]


def test_event(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("event", "inf-signed")
    assert result.code == 0
    assert (
        "Reagan and Gorbachev sign the INF Treaty" in result.out
        and "Intermediate-Range" in result.out
    )
    assert (
        relcli("event", "inf-signed", "--json").json()["linked_quotes"][0]["speaker"]
        == "ronald-reagan"
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["treaty", "INFF"], 1, 'relcli: no treaty named "INFF" — did you mean "INF"?'),
        (["treaty", "strategic"], 1, "matches 3 treaty records"),
        (["event", "inf-signe"], 1, 'did you mean "inf-signed"?'),
        (
            ["timeline", "--actor", "Lavrow"],
            1,
            'no actor named "Lavrow" — did you mean "Sergey Lavrov"',
        ),
        (["timeline", "--tag", "syra"], 2, 'no tag named "syra" — did you mean "syria"?'),
        (["timeline", "--kind", "sumit"], 2, 'did you mean "summit"'),
        (["quotes", "--speaker", "nobody at all"], 1, "no actor named"),
        (["timeline", "--from", "notadate"], 2, 'relcli: --from: cannot read "notadate" as a date'),
        (["timeline", "--to", "2013-02-30"], 2, "day 30 does not exist"),
        (["timeline", "--from", "01/02/2013"], 2, "ambiguous"),
        (["timeline", "--from", "2014", "--to", "2013"], 2, "is after --to"),
        (["timeline", "--limit", "0"], 2, "0 is not in the range"),
        (["timeline", "--limit", "-3"], 2, "is not in the range"),
        (["timeline", "--format", "xml"], 2, "'xml' is not one of"),
        (["timeline", "--bogus"], 2, "No such option: --bogus"),
        (["timelin"], 2, "No such command 'timelin'"),
        (["treaty"], 2, "Missing argument 'NAME'"),
    ],
)
def test_errors_are_one_line_with_documented_codes(
    relcli, args: list[str], code: int, message: str
) -> None:  # type: ignore[no-untyped-def]
    result = relcli(*args)
    assert result.code == code
    assert message in result.err
    assert result.out == ""
    assert "Traceback" not in result.err
    assert result.err.splitlines()[0].startswith("relcli: ")


def test_bad_data_file_exit_3(relcli, write_data, mini_document: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    path = write_data('{"schema_version": 1,\n "meta": }')
    result = relcli("--data", str(path), "timeline")
    assert result.code == 3
    assert (
        result.err.strip() == f"relcli: {path}: line 2, column 10: malformed JSON: Expecting value"
    )
    result = relcli("--data", "/no/such/file.json", "treaties")
    assert (result.code, result.err.strip()) == (3, "relcli: /no/such/file.json: no such file")


def test_validate_lists_every_problem(relcli, write_data, mini_document: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    assert relcli("validate").code == 0
    mini_document["events"][0]["date"] = "2013-02-30"
    mini_document["events"][1]["kind"] = "party"
    path = write_data(mini_document)
    result = relcli("validate", str(path))
    assert result.code == 3
    assert f"{path}: $.events[0].date: day 30 does not exist in 2013-02" in result.err
    assert f"{path}: $.events[1].kind: 'party' is not one of" in result.err
    assert result.err.strip().endswith("2 problems")
    result = relcli("--data", str(path), "timeline")
    assert result.code == 3 and "(and 1 more problem; run 'relcli validate')" in result.err


def test_schema_prints_json_schema(relcli) -> None:  # type: ignore[no-untyped-def]
    schema = relcli("schema").json()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_version_and_help(relcli) -> None:  # type: ignore[no-untyped-def]
    result = relcli("--version")
    assert result.code == 0 and result.out.startswith("relcli ")
    result = relcli("--help")
    assert result.code == 0 and "timeline" in result.out and "treaty" in result.out
    assert relcli().code == 0


def test_colour_rules(relcli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    assert "\x1b[" not in relcli("timeline").out
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in relcli("timeline").out
    assert "\x1b[" not in relcli("timeline", "--json").out
    monkeypatch.setenv("NO_COLOR", "1")
    out = relcli("timeline").out
    assert "\x1b[1m" in out and "\x1b[31m" not in out and "\x1b[32m" not in out


def test_internal_errors_exit_70(relcli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from relcli import query

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(query, "each_matching", broken)
    result = relcli("timeline")
    assert result.code == 70
    assert "internal error: ZeroDivisionError: boom" in result.err and "Traceback" not in result.err
    with pytest.raises(ZeroDivisionError):
        relcli("--debug", "timeline")


def test_keyboard_interrupt_exits_130(relcli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from relcli import query

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(query, "each_matching", interrupted)
    result = relcli("timeline")
    assert result.code == 130 and result.err.strip() == "relcli: interrupted"


def test_hostile_data_is_printed_literally(
    relcli, write_data, mini_document: dict[str, Any]
) -> None:  # type: ignore[no-untyped-def]
    hostile = (
        "[bold red]x[/] \x1b[31mred\x1b]0;pwned\x07 \u202eevil [link=https://evil.example]y[/link]"
    )
    mini_document["events"][0]["title"] = hostile
    path = write_data(mini_document)
    out = relcli("--data", str(path), "timeline").out
    assert "[bold red]x[/]" in out and "[link=https://evil.example]y[/link]" in out
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert relcli("--data", str(path), "timeline", "--json").json()[0]["title"] == hostile


def test_validate_notes_non_canonical_files_without_failing(
    relcli, write_data, mini_document
) -> None:  # type: ignore[no-untyped-def]
    path = write_data(mini_document)  # valid, but not written in canonical form
    result = relcli("validate", str(path))
    assert result.code == 0
    assert (
        "is valid" in result.err
        and "not in canonical form; 'relcli fmt' would rewrite it" in result.err
    )
    assert relcli("fmt", "--check", str(path)).code == 3
    assert relcli("fmt", str(path)).code == 0
    assert relcli("fmt", "--check", str(path)).code == 0
