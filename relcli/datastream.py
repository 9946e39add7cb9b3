"""A data file as a stream of typed items: a JSON document element by element, JSON Lines line
by line, so that a file too large to hold decoded is read one record at a time.

Both streams yield the same items, in file order: ``Value`` (a top-level value such as
``meta``), ``Element`` (one record of an array, with its own JSON text and, for JSON Lines, its
line), ``ArrayEnd`` (the array was there, even empty), and for files that are not data at all
``NotAnObject`` and ``NotARecord``. Malformed JSON raises ``Malformed``, whose ``problem`` has
the line and column. What each item means is for the reader to decide: ``store`` assembles a
small JSON Lines file into a document, the index builder checks and stores each record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from .datafile import limit
from .errors import Problem

ARRAYS = ("actors", "treaties", "events", "quotes", "eras")
TYPE_TO_ARRAY = {
    "actor": "actors",
    "treaty": "treaties",
    "event": "events",
    "quote": "quotes",
    "era": "eras",
}
ARRAY_TO_TYPE = {array: kind for kind, array in TYPE_TO_ARRAY.items()}


class Value(NamedTuple):
    """A top-level value that is not a streamed array (``$.meta``, ``$.schema_version``)."""

    key: str
    value: Any


class Element(NamedTuple):
    """One record of an array (``$.events[12]``): decoded, its own JSON text as it is in the
    file (the index stores it as is), and for JSON Lines the line it is on."""

    array: str
    index: int
    value: Any
    text: str | None = None
    line: int | None = None


class ArrayEnd(NamedTuple):
    """The array was present, even if empty (a missing one is a problem)."""

    array: str


class NotAnObject(NamedTuple):
    """The document is not a JSON object: its whole value."""

    value: Any


class NotARecord(NamedTuple):
    """A line of JSON Lines that is not an object with a known ``"type"``: its decoded value."""

    line: int
    value: Any


Item = Value | Element | ArrayEnd | NotAnObject | NotARecord


class Malformed(Exception):
    """Not JSON: ``problem`` says what and where (line and column)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.problem = Problem(f"malformed JSON: {message}", line=line, column=column)


def not_utf8(exc: UnicodeDecodeError) -> Problem:
    return Problem(f"not UTF-8 text ({exc.reason})")


_WS = re.compile(r"[ \t\n\r]*")


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def stream_json(text: str, on_position: Callable[[int], None] | None = None) -> Iterator[Item]:
    """The items of a JSON data document, in document order.

    Only one array element is decoded at a time (by the C decoder); the text itself is the
    largest thing held in memory. ``on_position`` hears how far the reading has got.
    """
    decoder = json.JSONDecoder()
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]

    def expect(char: str) -> None:
        nonlocal pos
        if text.startswith(char, pos):
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            return
        found = f"found {text[pos]!r}" if pos < len(text) else "found the end of the file"
        raise Malformed(f"expected {char!r}, {found}", *_line_col(text, pos))

    def value() -> Any:
        nonlocal pos, raw_start, raw_end
        raw_start = pos
        try:
            result, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise Malformed(exc.msg, *_line_col(text, exc.pos)) from None
        except RecursionError:
            raise Malformed("nested too deeply", *_line_col(text, pos)) from None
        raw_end = end
        pos = _WS.match(text, end).end()  # type: ignore[union-attr]
        return result

    raw_start = raw_end = 0
    if not text.startswith("{", pos):
        yield NotAnObject(value())  # let validation describe it
        return
    expect("{")
    first = True
    while not text.startswith("}", pos):
        if not first:
            expect(",")
        first = False
        key = value()
        if not isinstance(key, str):
            raise Malformed("expected a key", *_line_col(text, pos))
        expect(":")
        if key in ARRAYS and text.startswith("[", pos):
            expect("[")
            index = 0
            while not text.startswith("]", pos):
                if index:
                    expect(",")
                element = value()
                yield Element(key, index, element, text[raw_start:raw_end])
                index += 1
                if on_position is not None and index % 5000 == 0:
                    on_position(pos)
            expect("]")
            yield ArrayEnd(key)
        else:
            yield Value(key, value())
    expect("}")
    if pos != len(text):
        raise Malformed("Extra data", *_line_col(text, pos))


def stream_jsonl(lines: Iterable[str]) -> Iterator[Item]:
    """The items of a JSON Lines file: one ``{"type": ...}`` record per line."""
    max_line = limit("RELCLI_MAX_LINE")
    counts = dict.fromkeys(ARRAYS, 0)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) > max_line:
            raise Malformed(
                f"line longer than {max_line:,} characters (RELCLI_MAX_LINE)", number, 1
            )
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise Malformed(exc.msg, number, exc.colno) from None
        except RecursionError:
            raise Malformed("nested too deeply", number, 1) from None
        yield from jsonl_items(record, number, line, counts)
    for array in ARRAYS:
        yield ArrayEnd(array)


def jsonl_items(record: Any, number: int, line: str, counts: dict[str, int]) -> Iterator[Item]:
    """What one decoded line of JSON Lines contributes (``counts``: records so far, per array)."""
    kind = record.get("type") if isinstance(record, dict) else None
    array = TYPE_TO_ARRAY.get(kind) if isinstance(kind, str) else None
    if kind == "meta":
        del record["type"]
        yield Value("schema_version", record.pop("schema_version", None))
        yield Value("meta", record)
    elif array is None:
        yield NotARecord(number, record)
    else:
        del record["type"]
        yield Element(array, counts[array], record, line, number)
        counts[array] += 1
