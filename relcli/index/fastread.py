"""The fast way through a large data file: typed decoding with msgspec, for the index.

The plain way (``datastream``) decodes every event into dicts with the standard library and
checks each in Python: a million events took 19 s to index that way. msgspec decodes in C. A
JSON document is first cut into its parts, the events array into raw slices of the file
without building objects (0.4 s for a million); a JSON Lines file is read line by line. Each
event is decoded straight into a ``batch.TypedEvent``, which checks the keys, types and closed
vocabularies on the way, and ``batch.vet`` checks the rest on runs of 20,000 events at once.

This path only ever says yes: the first thing it is not sure of (a record msgspec rejects, a
text that is not UTF-8, an unusual shape of document) makes it give up (``GiveUp``), and the
builder reads the file again the plain way, where the full checker (``rules``) finds every
problem and words it with its line and column. So a valid file is read fast, and an invalid
one gets exactly the messages it always got.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Literal

import msgspec

from ..datastream import ARRAYS, ArrayEnd, Element, Item, Value, jsonl_items
from .batch import Batch, GiveUp, TypedEvent, vet

_ABSENT = msgspec.Raw()  # an empty slice: the key is not in the document
_SMALL = ("actors", "treaties", "quotes", "eras")


class _TopLevelStruct(msgspec.Struct, forbid_unknown_fields=True):
    """The top level: the events as raw slices, everything else left raw for the plain rules."""

    events: list[msgspec.Raw]
    schema_version: msgspec.Raw = _ABSENT
    meta: msgspec.Raw = _ABSENT
    actors: msgspec.Raw = _ABSENT
    treaties: msgspec.Raw = _ABSENT
    quotes: msgspec.Raw = _ABSENT
    eras: msgspec.Raw = _ABSENT


_decode_document = msgspec.json.Decoder(_TopLevelStruct).decode
_decode_event = msgspec.json.Decoder(TypedEvent).decode


class TopLevel:
    """A JSON data document cut into its parts; raises ``GiveUp`` if its shape is unusual."""

    def __init__(self, data: bytes | memoryview) -> None:
        try:
            document = _decode_document(data)
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
            raise GiveUp from None
        self.size = len(data)
        self.top = {key: getattr(document, key) for key in ("schema_version", "meta", *_SMALL)}
        # The events' JSON texts by position: slices of ``data``, nothing decoded yet.
        self.events: list[msgspec.Raw] = document.events

    def top_items(self) -> Iterator[Item]:
        """What ``datastream.stream_json`` yields for everything but the events."""
        for key, raw in self.top.items():
            if not len(raw):
                continue
            try:
                value = json.loads(bytes(raw))
            except (ValueError, RecursionError):
                raise GiveUp from None
            if key in _SMALL and type(value) is list:
                for index, element in enumerate(value):
                    yield Element(key, index, element)
                yield ArrayEnd(key)
            else:
                yield Value(key, value)
        yield ArrayEnd("events")

    def vetted_batches(
        self,
        on_position: Callable[[int], None] | None = None,
        size: int = 20_000,
        first: int = 0,
        stop: int | None = None,
    ) -> Iterator[Batch]:
        """The events ``first``..``stop`` in runs of ``size``, every per-record rule checked;
        else ``GiveUp``. Every string of a vetted event has been decoded, so its JSON text is
        valid UTF-8.
        """
        events = self.events
        stop = len(events) if stop is None else stop
        for start in range(first, stop, size):
            try:
                decoded = list(map(_decode_event, events[start : min(start + size, stop)]))
            except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError):
                raise GiveUp from None
            yield vet(range(start, start + len(decoded)), decoded)
            if on_position is not None:
                on_position((start - first) * self.size // max(stop - first, 1))


class _LineEvent(TypedEvent, kw_only=True):
    """An event line of JSON Lines: the same record, with its ``"type": "event"``."""

    type: Literal["event"]


_decode_line_event = msgspec.json.Decoder(_LineEvent).decode


def read_lines(
    lines: Iterable[bytes],
    size: int = 20_000,
    *,
    counts: dict[str, int] | None = None,
    ends: bool = True,
) -> Iterator[Batch | Item]:
    """A JSON Lines file: its event lines in vetted runs, every other line as the items
    ``datastream.stream_jsonl`` gives. ``GiveUp`` at the first line that is not JSON or an
    event that is not vouched for. ``counts`` (records per array) is filled as lines are read;
    ``ends``: the items that end the arrays last (a part of a file, ``split``, leaves them out).
    """
    counts = dict.fromkeys(ARRAYS, 0) if counts is None else counts
    events: list[TypedEvent] = []
    texts: list[str] = []
    numbers: list[int] = []
    position = number = 0
    for number, line in enumerate(lines, start=1):
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        try:
            event = _decode_line_event(line)
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (ValueError, RecursionError):
                raise GiveUp from None
            if type(record) is dict and record.get("type") == "event":
                raise GiveUp from None  # an event msgspec refused: the plain way words why
            yield from jsonl_items(record, number, line.decode("utf-8"), counts)
            continue
        events.append(event)
        texts.append(line.decode("utf-8"))  # every string was decoded: valid UTF-8
        numbers.append(number)
        if len(events) == size:
            yield vet(range(position, position + size), events, texts, numbers)
            position += size
            events, texts, numbers = [], [], []
    if events:
        yield vet(range(position, position + len(events)), events, texts, numbers)
    counts["events"] = position + len(events)
    counts["lines"] = number
    if ends:
        yield from (ArrayEnd(array) for array in ARRAYS)
