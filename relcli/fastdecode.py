"""The fast way through a large data file: typed decoding with msgspec, for the index.

The plain way (``index.stream_json``, ``index.stream_jsonl``) decodes every event into dicts
with the standard library and checks each in Python: a million events took 19 s to index that
way. msgspec decodes in C. A JSON document is first cut into its parts, the events array into
raw slices of the file without building objects (0.4 s for a million); a JSON Lines file is
read line by line. Each event is then decoded straight into a typed ``_Event``, which checks the
keys, types and closed vocabularies on the way, and what types cannot say (slugs, real dates,
non-blank one-line titles, URLs) is checked here on runs of 20,000 events at once, one C-level
``map`` per rule, with the same rules as ``index._event_is_plainly_valid``.

This path only ever says yes: the first thing it is not sure of (a record msgspec rejects, a
text that is not UTF-8, an unusual shape of document, a line without a type) makes it give up,
and the caller reads the file again the plain way, which finds every problem and words it with
its line and column. So a valid file is read fast, and an invalid one gets exactly the messages
it always got.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from operator import attrgetter
from typing import Any, Literal, NamedTuple

import msgspec

from .dates import iso_span
from .model import TONES
from .rules import SLUG, SLUGS, URL
from .vocabulary import KINDS, TAGS

Kind = Literal[KINDS]  # type: ignore[valid-type]
Tone = Literal[TONES]  # type: ignore[valid-type]
Tag = Literal[TAGS]  # type: ignore[valid-type]


class GiveUp(Exception):
    """The fast path met something it does not vouch for: read the file the plain way."""


class _Source(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    url: str
    publisher: str | None = None
    published: str | None = None


class _Event(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    date: str
    title: str
    summary: str
    kind: Kind
    tone: Tone
    sources: list[_Source]
    end_date: str | None = None
    actors: list[str] = []
    tags: list[Tag] = []
    treaties: list[str] = []


_ABSENT = msgspec.Raw()  # an empty slice: the key is not in the document


class _Document(msgspec.Struct, forbid_unknown_fields=True):
    """The top level: the events as raw slices, everything else left raw for the plain rules."""

    events: list[msgspec.Raw]
    schema_version: msgspec.Raw = _ABSENT
    meta: msgspec.Raw = _ABSENT
    actors: msgspec.Raw = _ABSENT
    treaties: msgspec.Raw = _ABSENT
    quotes: msgspec.Raw = _ABSENT
    eras: msgspec.Raw = _ABSENT


_ARRAYS = ("actors", "treaties", "quotes", "eras")
_decode_document = msgspec.json.Decoder(_Document).decode
_decode_event = msgspec.json.Decoder(_Event).decode

_known_urls: set[str] = set()  # most files cite few distinct URLs: check each once
_id, _date, _end_date, _title = (attrgetter(a) for a in ("id", "date", "end_date", "title"))
_summary, _kind, _tone, _sources = (attrgetter(a) for a in ("summary", "kind", "tone", "sources"))
_tags, _actors, _treaties, _url = (attrgetter(a) for a in ("tags", "actors", "treaties", "url"))
_publisher, _published = attrgetter("publisher"), attrgetter("published")
Span = tuple[str, str, int, int | None, int | None]


class Batch(NamedTuple):
    """A run of vetted events as columns: one pass of C-level ``map`` per rule, not per event."""

    start: int  # position of the first event in the file's events array
    ids: list[str]
    dates: list[str]
    titles: list[str]
    kinds: list[str]
    tones: list[str]
    tags: list[list[str]]
    actors: list[list[str]]
    treaties: list[list[str]]
    firsts: list[Span]  # dates.iso_span of each date
    lasts: (
        list[Span] | None
    )  # of each end_date, or of the date where there is none; None: no end_date at all
    has_end: list[bool] | None


_known_slugs: set[str] = set()  # actors and treaties recur: check each id once


def _all_slugs(lists: list[list[str]]) -> bool:
    if _known_slugs.issuperset(chain.from_iterable(lists)):
        return True
    for slug in set(chain.from_iterable(lists)) - _known_slugs:
        if SLUG.fullmatch(slug) is None:
            return False
        if len(_known_slugs) < 100_000:
            _known_slugs.add(slug)
    return True


def _lines(texts: list[str], *, no_cr: bool = True) -> bool:
    """Every text has something besides white space, and no line break."""
    joined = "\x00".join(texts)
    return all(map(str.strip, texts)) and "\n" not in joined and not (no_cr and "\r" in joined)


def vet(start: int, events: list[_Event]) -> Batch:
    """The per-event rules that types cannot state (as in ``index._event_is_plainly_valid``).

    Raises ``GiveUp`` if any event of the run breaks one.
    """
    ids = list(map(_id, events))
    joined = "|".join(ids)  # one match for the run; an id holding "|" shows in the count
    if not ids or SLUGS.fullmatch(joined) is None or joined.count("|") != len(ids) - 1:
        raise GiveUp
    dates = list(map(_date, events))
    firsts = list(map(iso_span, dates))
    if None in firsts:
        raise GiveUp
    end_dates = list(map(_end_date, events))
    lasts: list[Span] | None = None
    has_end: list[bool] | None = None
    if end_dates.count(None) != len(end_dates):
        lasts, has_end = [], []
        for first, end in zip(firsts, end_dates, strict=True):
            last = first if end is None else iso_span(end)
            if last is None or last[1] < first[0]:
                raise GiveUp
            lasts.append(last)
            has_end.append(end is not None)
    titles = list(map(_title, events))
    if not _lines(titles) or not all(map(str.strip, map(_summary, events))):
        raise GiveUp
    actors, treaties = list(map(_actors, events)), list(map(_treaties, events))
    if not _all_slugs(actors) or not _all_slugs(treaties):
        raise GiveUp
    source_lists = list(map(_sources, events))
    if not all(source_lists):
        raise GiveUp
    sources = list(chain.from_iterable(source_lists))
    if not _lines(list(map(_title, sources)), no_cr=False):
        raise GiveUp
    publishers = [p for p in map(_publisher, sources) if p is not None]
    if publishers and not _lines(publishers, no_cr=False):
        raise GiveUp
    for published in {p for p in map(_published, sources) if p is not None}:
        if iso_span(published) is None:
            raise GiveUp
    for url in set(map(_url, sources)) - _known_urls:
        if URL.fullmatch(url) is None:
            raise GiveUp
        if len(_known_urls) < 10_000:
            _known_urls.add(url)
    return Batch(
        start,
        ids,
        dates,
        titles,
        list(map(_kind, events)),
        list(map(_tone, events)),
        list(map(_tags, events)),
        actors,
        treaties,
        firsts,  # type: ignore[arg-type]
        lasts,
        has_end,
    )


class Document:
    """A JSON data document cut into its parts; raises ``GiveUp`` if its shape is unusual."""

    def __init__(self, data: bytes | memoryview) -> None:
        try:
            document = _decode_document(data)
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
            raise GiveUp from None
        self.size = len(data)
        self.top = {key: getattr(document, key) for key in ("schema_version", "meta", *_ARRAYS)}
        # The events' JSON texts by position: slices of ``data``, nothing decoded yet.
        self.events: list[msgspec.Raw] = document.events

    def top_items(self) -> Iterator[tuple[str, int | None, Any, str | None]]:
        """What ``index.stream_json`` yields for everything but the events, in its form."""
        for key, raw in self.top.items():
            if not len(raw):
                continue
            try:
                value = json.loads(bytes(raw))
            except (ValueError, RecursionError):
                raise GiveUp from None
            if key in _ARRAYS and type(value) is list:
                for index, element in enumerate(value):
                    yield key, index, element, None
                yield key, -1, None, f"$.{key}"
            else:
                yield key, None, value, f"$.{key}"
        yield "events", -1, None, "$.events"

    def vetted_batches(
        self, on_position: Callable[[int], None] | None = None, size: int = 20_000
    ) -> Iterator[Batch]:
        """The events in runs of ``size``, every per-record rule checked; else ``GiveUp``.

        Every string of a vetted event has been decoded, so its JSON text is valid UTF-8.
        """
        events = self.events
        for start in range(0, len(events), size):
            try:
                decoded = list(map(_decode_event, events[start : start + size]))
            except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError):
                raise GiveUp from None
            yield vet(start, decoded)
            if on_position is not None:
                on_position(start * self.size // len(events))


class _LineEvent(_Event, kw_only=True):
    """An event line of JSON Lines: the same record, with its ``"type": "event"``."""

    type: Literal["event"]


_decode_line_event = msgspec.json.Decoder(_LineEvent).decode


def vetted_lines(
    lines: Iterable[bytes],
    other: Callable[[Any, int, str], None],
    size: int = 20_000,
) -> Iterator[tuple[Batch, list[str], list[int]]]:
    """The event lines of a JSON Lines file in vetted runs: (batch, texts, line numbers).

    Every other line goes to ``other(record, line number, text)`` as ``json`` decodes it
    (``index.jsonl_items`` says what it is). ``GiveUp`` at the first line that is not JSON or
    an event that is not vouched for.
    """
    events: list[_Event] = []
    texts: list[str] = []
    numbers: list[int] = []
    position = 0
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
            other(record, number, line.decode("utf-8"))
            continue
        events.append(event)
        texts.append(line.decode("utf-8"))  # every string was decoded: valid UTF-8
        numbers.append(number)
        if len(events) == size:
            yield vet(position, events), texts, numbers
            position += size
            events, texts, numbers = [], [], []
    if events:
        yield vet(position, events), texts, numbers
