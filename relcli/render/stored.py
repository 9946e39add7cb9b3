"""Events as JSON and JSON Lines straight from the JSON texts an index keeps.

A big file's index keeps each event's JSON as the file gave it (keys in any order, any
spacing). Printing a selection as JSON used to build an ``Event`` from each text and encode it
again: most of the time of a query answering tens of thousands of events. Here msgspec decodes
each text into the record's keys in the schema's order and encodes it at once, byte for byte
what ``json`` and ``jsonl`` print for the same event (a test holds them equal), and the text is
given out event by event, so ``| head -1`` has its line at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import msgspec

from .safety import escape_json_controls


# gc=False: no cycles run through these, and a run of a thousand is made and freed ~9% faster
# untracked by the cyclic collector (as ``index.batch``'s).
class _Source(msgspec.Struct, gc=False):
    title: str
    url: str
    publisher: str | None = None
    published: str | None = None


class _Event(msgspec.Struct, kw_only=True, gc=False):
    """An event's keys in ``Event.to_json``'s order, every one present."""

    id: str
    date: str
    end_date: str | None = None
    title: str
    summary: str
    kind: str
    tone: str
    actors: list[str] = []
    tags: list[str] = []
    treaties: list[str] = []
    sources: list[_Source]


class _LineEvent(_Event, tag_field="type", tag="event"):
    """An event as a line of a canonical JSON Lines file: ``"type": "event"`` first (written
    by msgspec as a tag; a stored text with or without it decodes)."""


_decode = msgspec.json.Decoder(_Event).decode
_decode_many = msgspec.json.Decoder(list[_Event]).decode
_decode_lines = msgspec.json.Decoder(list[_LineEvent]).decode
_encoder = msgspec.json.Encoder()
_encode = _encoder.encode

AT_ONCE = 1000  # events decoded and encoded in one call: ~3 us an event less than one by one


def _compact(text: str) -> bytes:
    try:
        return _encode(_decode(text))
    except (msgspec.DecodeError, msgspec.EncodeError, UnicodeEncodeError):
        # What msgspec refuses (a lone surrogate), the records and ``json`` still print.
        from ..model import Event

        event = Event.from_json(json.loads(text)).to_json()
        return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "surrogatepass"
        )


def _text(text: str) -> str:
    return _compact(text).decode("utf-8", "surrogatepass")


def _runs(texts: Iterable[str]) -> Iterator[list[str]]:
    """The texts ``AT_ONCE`` at a time; the first alone, so ``| head -1`` has it at once."""
    texts = iter(texts)
    size = 1
    while run := list(islice(texts, size)):
        yield run
        size = AT_ONCE


def _many(run: list[str], decode: Any = _decode_many) -> list[Any] | None:
    """The events of a run decoded in one call (as one JSON array), or None if msgspec
    refuses one of them (that run goes one by one)."""
    try:
        events = decode("[" + ",".join(run) + "]")
    except (msgspec.DecodeError, UnicodeEncodeError):
        return None
    return events if len(events) == len(run) else None


def _lines(run: list[str], typed: bool = False) -> str:
    """The run's events as compact JSON lines, each ending with a newline; ``typed``: each
    beginning with ``"type":"event"``."""
    events = _many(run, _decode_lines if typed else _decode_many)
    if events is not None:
        try:
            return _encoder.encode_lines(events).decode("utf-8")
        except (msgspec.EncodeError, UnicodeEncodeError):
            pass
    head = '{"type":"event",' if typed else "{"
    return "".join(head + _text(text)[1:] + "\n" for text in run)


def _indented(run: list[str], depth: int = 0) -> str:
    """The run's events as the items of an array nested ``depth`` levels deep in a document
    indented by two spaces a level, without the brackets: ``  {\n    "id": …\n  },\n  {…}``
    at the top level. msgspec indents the run wrapped in ``depth`` more arrays, whose lines
    are then cut off: no pass over the text to indent it again (0.45 s of a million)."""
    events = _many(run)
    if events is not None:
        try:
            nested = b"[" * depth + _encode(events) + b"]" * depth
            whole = msgspec.json.format(nested, indent=2).decode("utf-8")
            cut = (depth + 1) * (depth + 2)  # "[\n", "  [\n", …; as many "\n  ]", "\n]" after
            return whole[cut:-cut]
        except (msgspec.EncodeError, UnicodeEncodeError):
            pass
    indent = "\n  " + "  " * depth
    return ",\n".join(
        indent[1:]
        + msgspec.json.format(_compact(t), indent=2)
        .decode("utf-8", "surrogatepass")
        .replace("\n", indent)
        for t in run
    )


def json_lines(texts: Iterable[str]) -> Iterator[str]:
    """``--format jsonl``: one compact line per event."""
    for run in _runs(texts):
        yield escape_json_controls(_lines(run))


def json_array(texts: Iterable[str]) -> Iterator[str]:
    """``--format json``: the events as one array, indented by two spaces: the canonical array
    at the top level, with what a terminal would act on escaped (as ``json.render`` does)."""
    yield from map(escape_json_controls, canonical_array(texts, 0))
    yield "\n"


def canonical_lines(texts: Iterable[str]) -> Iterator[str]:
    """Each event as a line of a canonical JSON Lines file: ``"type":"event"`` first, then its
    keys in the schema's order, as ``json.dumps`` writes them (raw UTF-8, nothing escaped after)."""
    for run in _runs(texts):
        yield _lines(run, typed=True)


def canonical_array(texts: Iterable[str], depth: int) -> Iterator[str]:
    """The events as an array in a canonical JSON document, nested ``depth`` levels deep and
    indented by two spaces a level, as ``json.dumps(..., indent=2)`` writes it."""
    opening = "[\n"
    for run in _runs(texts):
        yield opening + _indented(run, depth)
        opening = ",\n"
    yield "[]" if opening.startswith("[") else "\n" + "  " * depth + "]"


class _Hit(msgspec.Struct, gc=False):
    """A search hit of an event: ``render.hit_json``'s keys in its order."""

    type: str
    id: str
    score: int
    date: str
    title: str
    record: _Event


def search_hits(hits: Iterable[Any], lines: bool = False) -> Iterator[str]:
    """``search --json`` (``--format jsonl`` with ``lines``) of ``search.ranked_texts``'s hits,
    a run at a time: each event's record from its text (a ``StoredHit``'s, never built as a
    record), as ``json_array`` writes it; the text
    is the one ``render.json`` (``render.jsonl``) writes of the same hits (a test holds them
    equal), without the records built or all held at once."""
    opening = "[\n"
    for run in _runs(hits):
        text = escape_json_controls(_hits_text(run, lines))
        if lines:
            yield text
        else:
            yield opening + text
            opening = ",\n"
    if not lines:
        yield "[]\n" if opening.startswith("[") else "\n]\n"


def _hits_text(run: list[Any], lines: bool) -> str:
    """A run of hits: compact lines, or the items of an indented array without its brackets."""
    from . import hit_json

    texts = [getattr(hit, "text", None) for hit in run]  # a ``StoredHit``'s: an event's JSON
    events = _many([text for text in texts if text is not None])
    if events is not None:
        found = iter(events)
        values: list[Any] = []
        for hit, text in zip(run, texts, strict=True):
            if text is not None:
                event = next(found)
                values.append(_Hit("event", event.id, hit.score, event.date, event.title, event))
            else:
                values.append(hit_json(hit))
        try:
            if lines:
                return _encoder.encode_lines(values).decode("utf-8")
            return msgspec.json.format(_encode(values), indent=2).decode("utf-8")[2:-2]
        except (msgspec.EncodeError, UnicodeEncodeError):
            pass
    # What msgspec refuses (a lone surrogate), the records (a ``StoredHit`` builds its own from
    # its text) and ``json`` still write.
    values = [hit_json(hit) for hit in run]
    if lines:
        encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        return "".join(encode(value) + "\n" for value in values)
    return json.dumps(values, ensure_ascii=False, indent=2)[2:-2]
