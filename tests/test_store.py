from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from relcli import store
from relcli.errors import DataFileError
from relcli.model import Dataset


def test_load_builds_the_dataset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELCLI_INDEX", "never")
    dataset = store.load()
    assert isinstance(dataset, Dataset)
    assert len(dataset.events) == 7 and len(dataset.treaties) == 4
    assert dataset.treaty_by_id["inf-treaty"].aliases == ("INF", "INF Treaty")


def test_data_path_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert store.resolve_path("x.json") == Path("x.json")
    monkeypatch.setenv("RELCLI_DATA", "from-env.json")
    assert store.resolve_path(None) == Path("from-env.json")
    monkeypatch.delenv("RELCLI_DATA")
    assert store.resolve_path(None) == store.bundled_path()
    assert store.bundled_path().is_file()


def problems_of(document: Any, write_data: Any) -> list[tuple[str, str]]:
    path = write_data(document)
    with pytest.raises(DataFileError) as caught:
        store.load(path)
    assert caught.value.path == str(path)
    return [(p.path, p.message) for p in caught.value.problems]


def test_missing_directory_and_empty_files(tmp_path: Path, write_data: Any) -> None:
    for path, text in [
        (tmp_path / "nope.json", "no such file"),
        (tmp_path, "is a directory"),
        (write_data("  \n"), "the file is empty"),
    ]:
        with pytest.raises(DataFileError) as caught:
            store.load(path)
        assert text in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(write_data: Any) -> None:
    path = write_data({})
    path.chmod(0)
    with pytest.raises(DataFileError, match="permission denied"):
        store.load(path)


def test_malformed_json_has_line_and_column(write_data: Any) -> None:
    path = write_data('{\n  "schema_version": 1,\n  "meta": {,\n}')
    with pytest.raises(DataFileError) as caught:
        store.load(path)
    problem = caught.value.problems[0]
    assert (problem.line, problem.column) == (3, 12)
    assert str(caught.value).startswith(f"{path}: line 3, column 12: malformed JSON")


def test_not_utf8_has_position(write_data: Any) -> None:
    path = write_data(b'{"a":\n "caf\xe9"}')
    with pytest.raises(DataFileError) as caught:
        store.load(path)
    assert "line 2, column 6: not UTF-8" in str(caught.value)


def test_wrong_shape_and_version(write_data: Any) -> None:
    assert problems_of([], write_data) == [("$", "expected an object, found an array")]
    problems = problems_of(
        {"schema_version": 3, "meta": {}, "actors": [], "treaties": [], "events": [], "quotes": []},
        write_data,
    )
    assert problems == [
        (
            "$.schema_version",
            "unsupported schema_version 3 (this relcli reads 1 and 2; a newer relcli may read it)",
        )
    ]


def test_every_problem_is_reported_with_its_json_path(
    mini_document: dict[str, Any], write_data: Any
) -> None:
    events = mini_document["events"]
    events[0]["date"] = "2013-02-30"
    events[1]["tone"] = "grumpy"
    del events[2]["title"]
    events[3]["tags"] = ["syria", "no-such-tag"]
    events[4]["sources"] = []
    mini_document["quotes"][0]["extra"] = 1
    problems = dict(problems_of(mini_document, write_data))
    assert problems["$.events[0].date"] == "day 30 does not exist in 2013-02"
    assert "'grumpy' is not one of" in problems["$.events[1].tone"]
    assert problems["$.events[2]"] == "missing required key 'title'"
    assert "'no-such-tag' is not one of" in problems["$.events[3].tags[1]"]
    assert problems["$.events[4].sources"] == "every record needs at least one source"
    assert problems["$.quotes[0].extra"].startswith("unknown key 'extra'")


def _index(document: dict[str, Any], array: str, record_id: str) -> int:
    return next(i for i, r in enumerate(document[array]) if r["id"] == record_id)


def test_end_dates_and_milestone_order_are_checked(
    mini_document: dict[str, Any], write_data: Any
) -> None:
    crimea = _index(mini_document, "events", "crimea-annexed")
    inf = _index(mini_document, "treaties", "inf-treaty")
    mini_document["events"][crimea]["end_date"] = "2014-01"
    mini_document["treaties"][inf]["milestones"].reverse()
    problems = dict(problems_of(mini_document, write_data))
    assert problems[f"$.events[{crimea}].end_date"] == "end_date 2014-01 is before date 2014-03-18"
    assert problems[f"$.treaties[{inf}].milestones[1].date"].startswith("milestones out of order")


def test_references_duplicates_are_checked(mini_document: dict[str, Any], write_data: Any) -> None:
    signed = _index(mini_document, "events", "inf-signed")
    year = _index(mini_document, "events", "year-2013")
    month = _index(mini_document, "events", "sep-2013")
    trust = _index(mini_document, "quotes", "reagan-trust-but-verify")
    kerry = _index(mini_document, "quotes", "kerry-act-of-aggression")
    mini_document["events"][signed]["actors"].append("nobody")
    mini_document["events"][year]["id"] = "sep-2013"
    mini_document["quotes"][trust]["event"] = "no-such-event"
    mini_document["quotes"][kerry]["speaker"] = "nobody-else"
    mini_document["events"].append(dict(mini_document["events"][signed], id="copy"))
    problems = dict(problems_of(mini_document, write_data))
    actors = len(mini_document["events"][signed]["actors"]) - 1
    assert problems[f"$.events[{signed}].actors[{actors}]"] == "no actor with id 'nobody'"
    later = max(year, month)
    assert (
        problems[f"$.events[{later}].id"]
        == f"duplicate id 'sep-2013' (first at [{min(year, month)}])"
    )
    assert problems[f"$.quotes[{trust}].event"] == "no event with id 'no-such-event'"
    assert problems[f"$.quotes[{kerry}].speaker"] == "no actor with id 'nobody-else'"
    last = len(mini_document["events"]) - 1
    assert problems[f"$.events[{last}]"] == f"duplicate of $.events[{signed}] (same date and title)"


def test_loading_never_writes(write_data: Any, mini_document: dict[str, Any]) -> None:
    path = write_data(mini_document)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    store.load(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_json_output_round_trips(write_data: Any) -> None:
    dataset = store.load()
    again = store.load(write_data(dataset.to_json()))
    assert again.to_json() == dataset.to_json()
    assert json.loads(json.dumps(again.to_json())) == dataset.to_json()
