"""The published JSON Schema agrees with the built-in validator and the vocabularies."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from relcli import rules, store
from relcli.model import COUNTRIES, TONES
from relcli.vocabulary import KINDS, STATUSES, TAGS

SCHEMA = json.loads(store.bundled_schema_path().read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_schema_vocabularies_match_the_code() -> None:
    defs = SCHEMA["$defs"]
    assert defs["event"]["properties"]["kind"]["enum"] == list(KINDS)
    assert defs["event"]["properties"]["tone"]["enum"] == list(TONES)
    assert defs["event"]["properties"]["tags"]["items"]["enum"] == list(TAGS)
    assert defs["treaty"]["properties"]["status"]["enum"] == list(STATUSES)
    assert defs["country"]["enum"] == list(COUNTRIES)


def test_bundled_data_satisfies_the_schema() -> None:
    document = json.loads(store.bundled_path().read_text(encoding="utf-8"))
    errors = sorted(VALIDATOR.iter_errors(document), key=lambda e: e.json_path)
    assert [e.json_path for e in errors] == []


def _breakages() -> list[tuple[str, Any]]:
    return [
        ("bad date shape", lambda d: d["events"][0].__setitem__("date", "13-2-2013")),
        ("unknown kind", lambda d: d["events"][0].__setitem__("kind", "party")),
        ("unknown tone", lambda d: d["events"][0].__setitem__("tone", "grumpy")),
        ("missing title", lambda d: d["events"][0].pop("title")),
        ("unknown key", lambda d: d["quotes"][0].__setitem__("mood", "x")),
        ("no sources", lambda d: d["events"][0].__setitem__("sources", [])),
        ("bad slug", lambda d: d["actors"][0].__setitem__("id", "Not A Slug")),
        ("bad status", lambda d: d["treaties"][0].__setitem__("status", "alive")),
        ("wrong version", lambda d: d.__setitem__("schema_version", 3)),
        ("title with newline", lambda d: d["events"][0].__setitem__("title", "a\nb")),
    ]


@pytest.mark.parametrize(("name", "breaks"), _breakages())
def test_schema_and_validator_reject_the_same_breakage(
    name: str, breaks: Any, mini_document: dict[str, Any]
) -> None:
    breaks(mini_document)
    schema_errors = list(VALIDATOR.iter_errors(mini_document))
    _, problems = rules.build(mini_document)
    assert schema_errors, f"schema accepted: {name}"
    assert problems, f"validator accepted: {name}"
