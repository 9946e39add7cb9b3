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
from typing import BinaryIO, Literal

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
_decode_raws = msgspec.json.Decoder(list[msgspec.Raw]).decode


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
                # Each record's own text, as ``datastream`` gives it: the index keeps it as is,
                # and one without a \u escape can hold no lone surrogate (0.1 s less for 15,000).
                texts = _decode_raws(raw)
                for index, element in enumerate(value):
                    yield Element(key, index, element, str(texts[index], "utf-8"))
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


_decode_line_events = msgspec.json.Decoder(_LineEvent).decode_lines
_REFUSED = (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError)


def blocks_of(handle: BinaryIO, stop: int | None = None, size: int = 1 << 20) -> Iterator[bytes]:
    """A file read in blocks of ``size`` bytes, up to byte ``stop`` (else its end)."""
    left = stop
    while left is None or left > 0:
        block = handle.read(size if left is None else min(size, left))
        if not block:
            return
        if left is not None:
            left -= len(block)
        yield block


def read_lines(
    blocks: Iterable[bytes],
    size: int = 20_000,
    *,
    counts: dict[str, int] | None = None,
    ends: bool = True,
    on_block: Callable[[int], None] | None = None,
    bom: bool = True,
    first_line: int = 0,
    first_position: int = 0,
) -> Iterator[Batch | Item]:
    """A JSON Lines file, given as blocks of its bytes: its event lines in vetted runs, every
    other line as the items ``datastream.stream_jsonl`` gives. ``GiveUp`` at the first line
    that is not JSON or an event that is not vouched for. ``counts`` (records per array) is
    filled as lines are read; ``ends``: the items that end the arrays last (a part of a file,
    ``split``, leaves them out); ``on_block``: called with the bytes read so far; ``bom``: the
    blocks begin the file, so a byte order mark there is skipped; ``first_line``: the lines
    before the blocks, ``first_position``: the events before them (a part of a file, ``split``).

    Runs of event lines are decoded by msgspec in one call (``decode_lines``); a run holding
    anything else (a blank line, an actor, a quote) is read line by line.
    """
    counts = dict.fromkeys(ARRAYS, 0) if counts is None else counts
    events: list[TypedEvent] = []
    texts: list[str] = []
    numbers: list[int] = []
    position, number = first_position, first_line

    def batch() -> Batch:
        nonlocal events, texts, numbers, position
        run = vet(range(position, position + len(events)), events, texts, numbers)
        position += len(events)
        events, texts, numbers = [], [], []
        return run

    for lines in _lines(blocks, on_block, bom):
        for first in range(0, len(lines), size):
            group = lines[first : first + size]
            try:
                decoded = _decode_line_events(b"\n".join(group))
            except _REFUSED:
                decoded = []
            # One event per line (no blank line, so no line held two): the usual case.
            if len(decoded) == len(group) and all(map(bytes.strip, group)):
                if events:
                    yield batch()
                events, texts = decoded, list(map(bytes.decode, group))  # valid: decoded
                numbers = list(range(number + 1, number + len(group) + 1))
                number += len(group)
                yield batch()
                continue
            for line in group:
                number += 1
                try:
                    event = _decode_line_event(line)
                except _REFUSED:
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except (ValueError, RecursionError):
                        raise GiveUp from None
                    if type(record) is dict and record.get("type") == "event":
                        raise GiveUp from None  # refused by msgspec: the plain way words why
                    yield from jsonl_items(record, number, line.decode("utf-8"), counts)
                    continue
                events.append(event)
                texts.append(line.decode("utf-8"))  # every string was decoded: valid UTF-8
                numbers.append(number)
                if len(events) == size:
                    yield batch()
    if events:
        yield batch()
    counts["events"] = position - first_position
    counts["lines"] = number - first_line
    if ends:
        yield from (ArrayEnd(array) for array in ARRAYS)


def _lines(
    blocks: Iterable[bytes], on_block: Callable[[int], None] | None, bom: bool
) -> Iterator[list[bytes]]:
    """The complete lines of each block (without their newline), the first without a BOM."""
    carry = b""
    done = 0
    first = bom
    for block in blocks:
        done += len(block)
        if first:
            block, first = block.removeprefix(b"\xef\xbb\xbf"), False
        lines = (carry + block).split(b"\n")
        carry = lines.pop()
        if on_block is not None:
            on_block(done)
        yield lines
    if carry:
        yield [carry]
