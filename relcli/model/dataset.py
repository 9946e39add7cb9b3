"""A whole data file as a ``Dataset``, and ``Records``: the one interface every dataset offers,
so the questions in ``query`` and ``search`` never ask which kind of dataset they were given.

Two classes satisfy ``Records``: ``Dataset`` here, a file held in memory, which answers the
engine questions (``candidates``, ``count_overlapping``...) in Python; and
``index.IndexedDataset``, a large file read through its SQLite index, which answers them in SQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, Protocol, TypeVar

from ..dates import DateRange, PartialDate, iso_span
from .records import Actor, Era, Event, Quote, Treaty
from .schema import JSON, SCHEMA_VERSION
from .selection import Selection, Tally

# The suffix of a cached document's keys for its records' JSON texts (``events.json``).
TEXTS = ".json"

# The orders of records, for listings and for the canonical form of a file.

Dated = TypeVar("Dated", Event, Quote)


def chronological(records: Iterable[Dated]) -> list[Dated]:
    """Oldest first; same first day: coarser precision first, then by id (stable)."""
    return sorted(records, key=lambda r: (r.date.sort_key(), r.id))


def by_signing(treaties: Iterable[Treaty]) -> list[Treaty]:
    """By the date signed (a treaty never signed comes last), then by id."""
    return sorted(
        treaties, key=lambda t: (t.signed.sort_key() if t.signed else (date.max, 0), t.id)
    )


class EventText(Protocol):
    """What search reads of an event (``Records.event_texts``): an ``Event`` has it all; an
    index decodes only this much of the events it weighs."""

    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def tags(self) -> Sequence[str]: ...
    @property
    def actors(self) -> Sequence[str]: ...


class TextSearch(Protocol):
    """Texts every event must hold (``query.EventFilter``): ``needles`` are the folded texts,
    each to occur in the title or the summary; ``found_in`` is that rule, on one event."""

    @property
    def needles(self) -> Sequence[str]: ...
    def found_in(self, event: EventText) -> bool: ...


class Records(Protocol):
    """What every dataset offers: the records, lookups by id, and the few questions a storage
    engine can answer faster than a walk over every event (an index answers them in SQL)."""

    meta: JSON
    schema_version: int

    @property
    def actors(self) -> tuple[Actor, ...]: ...
    @property
    def treaties(self) -> tuple[Treaty, ...]: ...
    @property
    def events(self) -> tuple[Event, ...]: ...
    @property
    def quotes(self) -> tuple[Quote, ...]: ...
    @property
    def eras(self) -> tuple[Era, ...]: ...
    @property
    def actor_by_id(self) -> Mapping[str, Actor]: ...
    @property
    def treaty_by_id(self) -> Mapping[str, Treaty]: ...
    @property
    def event_by_id(self) -> Mapping[str, Event]: ...
    @property
    def quote_by_id(self) -> Mapping[str, Quote]: ...
    @property
    def era_by_id(self) -> Mapping[str, Era]: ...

    def candidates(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        kinds: Sequence[str] = (),
        tags: Sequence[str] = (),
        actors: Sequence[str] = (),
        treaties: Sequence[str] = (),
        texts: Sequence[str] = (),
        any_of: Sequence[Sequence[tuple[str, str]]] = (),
        month_day: tuple[int, int] | None = None,
        reverse: bool = False,
    ) -> Iterable[Event]:
        """Events that MAY match, in ``chronological`` order (newest first with ``reverse``);
        callers apply the exact rules. Narrowed to events overlapping ``start``..``end`` (ISO
        days), of one of ``kinds``, with all of ``tags``, ``actors`` and ``treaties``, beginning
        or ending on ``month_day``. ``texts`` (folded words that must occur) and ``any_of``
        (for each group, one of (column, needle) must hold) are hints an engine may ignore."""
        ...

    def event_count(self) -> int:
        """How many events the file holds (without building them)."""
        ...

    def count_overlapping(self, periods: Sequence[DateRange]) -> list[int]:
        """How many events overlap each of ``periods`` (an index counts them all in one pass)."""
        ...

    def tally(
        self,
        selection: Selection,
        counting: Collection[str] = Tally.STATS,
        *,
        ordered: bool = False,
        search: TextSearch | None = None,
    ) -> Tally:
        """The ``Tally`` of the events ``selection`` accepts (and ``search`` finds, if given),
        with the counters named in ``counting`` filled; met in ``chronological`` order if
        ``ordered`` (else in any)."""
        ...

    def event_json(self, selection: Selection, reverse: bool = False) -> Iterable[str] | None:
        """The JSON text of each event ``selection`` accepts, in ``chronological`` order
        (newest first with ``reverse``) — or None if this engine keeps no JSON texts (build
        the events instead). The texts are the events as the data file gave them: valid, keys
        in any order, any spacing."""
        ...

    def event_json_ranked(
        self,
        selection: Selection,
        any_of: Sequence[Sequence[tuple[str, str]]],
        weigh: Callable[[EventText], int],
    ) -> Iterable[tuple[int, tuple[date, int], str, str]] | None:
        """The events ``selection`` accepts that ``weigh`` scores above 0, as (score, their
        date's ``sort_key``, id, JSON text as in ``event_json``): best first, then by date and
        id; ``any_of`` narrows as in ``event_texts``. None if this engine keeps no JSON texts."""
        ...

    def record_texts(self, kind: str) -> Mapping[str, str]:
        """Each record of ``kind`` (``events`` or ``quotes``) as JSON, by id: its ``to_json()``
        as relcli prints it (``render.json.dumps``: indented by two spaces, UTF-8 as is, what a
        terminal would act on escaped), where this dataset keeps such texts (a small file read
        from the cache); empty where it keeps none."""
        ...

    def events_naming_treaty(self, treaty_id: str, also: Collection[str]) -> list[Event]:
        """Events that list the treaty, or whose id is in ``also``, in no particular order."""
        ...

    def event_texts(
        self,
        selection: Selection,
        any_of: Sequence[Sequence[tuple[str, str]]] = (),
        ordered: bool = True,
    ) -> Iterable[tuple[Any, EventText]]:
        """The events ``selection`` accepts, in ``chronological`` order (in any order when not
        ``ordered``: for a caller that weighs them all and sorts them itself), as their texts,
        each with a key for ``events_at``; ``any_of`` narrows as in ``candidates`` (a hint)."""
        ...

    def events_at(self, keys: Sequence[Any]) -> list[Event]:
        """The events of these keys from ``event_texts``, in their order."""
        ...

    def event_urls(self, since: int) -> tuple[Counter[str], Counter[str]]:
        """How many events cite each list of source URLs (``urls_of``), and how many of those
        dated in ``since`` or later do."""
        ...

    def events_citing(self, url_lists: Collection[str]) -> list[str]:
        """The ids of the events whose list of source URLs is one of ``url_lists``."""
        ...

    def to_json(self) -> JSON: ...


class Dataset:
    """A whole data file, with lookups by id. Compared by its records.

    Built from records, or (``from_json``, the cached path) from a validated document whose
    collections become records on first use: ``treaty INF`` never builds the 111 actors, a
    timeline never builds the treaties — about a millisecond of every start-up.
    """

    __slots__ = (
        "_actors",
        "_by_id",
        "_document",
        "_eras",
        "_events",
        "_quotes",
        "_treaties",
        "meta",
        "schema_version",
    )
    meta: JSON
    schema_version: int

    def __init__(
        self,
        meta: JSON,
        actors: tuple[Actor, ...],
        treaties: tuple[Treaty, ...],
        events: tuple[Event, ...],
        quotes: tuple[Quote, ...],
        eras: tuple[Era, ...] = (),
        schema_version: int = SCHEMA_VERSION,
    ) -> None:
        self.meta = meta
        self._document: JSON | None = None
        self._actors: tuple[Actor, ...] | None = actors
        self._treaties: tuple[Treaty, ...] | None = treaties
        self._events: tuple[Event, ...] | None = events
        self._quotes: tuple[Quote, ...] | None = quotes
        self._eras: tuple[Era, ...] | None = eras
        self._by_id: dict[str, dict[str, Any]] = {}
        self.schema_version = schema_version

    def _built(self, key: str, record: Any) -> tuple[Any, ...]:
        """The records of one collection, built from the document the first time."""
        built: tuple[Any, ...] | None = getattr(self, f"_{key}")
        if built is None:
            built = tuple(record.from_json(r) for r in self._raw(key))
            setattr(self, f"_{key}", built)
        return built

    @property
    def actors(self) -> tuple[Actor, ...]:
        return self._built("actors", Actor)

    @property
    def treaties(self) -> tuple[Treaty, ...]:
        return self._built("treaties", Treaty)

    @property
    def events(self) -> tuple[Event, ...]:
        return self._built("events", Event)

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self._built("quotes", Quote)

    @property
    def eras(self) -> tuple[Era, ...]:
        return self._built("eras", Era)

    # The engine questions of ``Records``, answered in Python.

    def candidates(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        kinds: Sequence[str] = (),
        tags: Sequence[str] = (),
        actors: Sequence[str] = (),
        treaties: Sequence[str] = (),
        texts: Sequence[str] = (),
        any_of: Sequence[Sequence[tuple[str, str]]] = (),
        month_day: tuple[int, int] | None = None,
        reverse: bool = False,
    ) -> list[Event]:
        """See ``Records.candidates``; ``texts`` and ``any_of`` are left to the caller's rules."""
        found = []
        events: Iterable[Event] = self.events if self._events is not None else ()
        if self._events is None:
            # Not built yet: build only the events whose dates and lists can match (a timeline
            # from 2013 builds a third of the events; start-up time is the product here).
            events = self._raw_candidates(start, end, kinds, tags, actors, treaties)
        for event in events:
            if start is not None or end is not None:
                days = event.range
                if (start is not None and days.end < start) or (
                    end is not None and days.start > end
                ):
                    continue
            if kinds and event.kind not in kinds:
                continue
            if any(t not in event.tags for t in tags) or any(a not in event.actors for a in actors):
                continue
            if any(t not in event.treaties for t in treaties):
                continue
            if month_day is not None and not (
                _on(event.date, month_day) or _on(event.end_date, month_day)
            ):
                continue
            found.append(event)
        found = chronological(found)
        if reverse:
            found.reverse()
        return found

    def _raw_candidates(
        self,
        start: date | None,
        end: date | None,
        kinds: Sequence[str],
        tags: Sequence[str],
        actors: Sequence[str],
        treaties: Sequence[str],
    ) -> Iterator[Event]:
        low = start.isoformat() if start is not None else None
        high = end.isoformat() if end is not None else None
        for raw in self._raw("events"):
            if low is not None or high is not None:
                first, last = iso_span(raw["date"]), iso_span(raw.get("end_date") or raw["date"])
                if first is None or last is None:  # not a plain date: the exact rules decide
                    yield Event.from_json(raw)
                    continue
                if (low is not None and last[1] < low) or (high is not None and first[0] > high):
                    continue
            if kinds and raw["kind"] not in kinds:
                continue
            listed = raw.get("tags", ()), raw.get("actors", ()), raw.get("treaties", ())
            if any(
                any(value not in have for value in wanted)
                for have, wanted in zip(listed, (tags, actors, treaties), strict=True)
            ):
                continue
            yield Event.from_json(raw)

    def event_count(self) -> int:
        if self._events is None and self._document is not None:
            return len(self._raw("events"))
        return len(self.events)

    def count_overlapping(self, periods: Sequence[DateRange]) -> list[int]:
        return [sum(1 for e in self.events if e.range.overlaps(p)) for p in periods]

    def tally(
        self,
        selection: Selection,
        counting: Collection[str] = Tally.STATS,
        *,
        ordered: bool = False,
        search: TextSearch | None = None,
    ) -> Tally:
        events = chronological(self.events) if ordered else self.events
        found = (
            e for e in events if selection.accepts(e) and (search is None or search.found_in(e))
        )
        return Tally.of(found, counting)

    def event_texts(
        self,
        selection: Selection,
        any_of: Sequence[Sequence[tuple[str, str]]] = (),
        ordered: bool = True,
    ) -> Iterator[tuple[Event, Event]]:
        """See ``Records``: each event is its own text and key, in order either way; ``any_of``
        is left to callers."""
        return ((e, e) for e in chronological(self.events) if selection.accepts(e))

    def events_at(self, keys: Sequence[Event]) -> list[Event]:
        return list(keys)

    def event_urls(self, since: int) -> tuple[Counter[str], Counter[str]]:
        every: Counter[str] = Counter()
        recent: Counter[str] = Counter()
        for event in self.events:
            urls = urls_of(event)
            every[urls] += 1
            if event.date.year >= since:
                recent[urls] += 1
        return every, recent

    def events_citing(self, url_lists: Collection[str]) -> list[str]:
        wanted = set(url_lists)
        return [e.id for e in self.events if urls_of(e) in wanted]

    def event_json(self, selection: Selection, reverse: bool = False) -> None:
        """See ``Records``: the events in memory are records, not texts."""
        return None

    def event_json_ranked(self, *_: Any) -> None:
        """See ``Records``: as ``event_json``."""
        return None

    def events_naming_treaty(self, treaty_id: str, also: Collection[str]) -> list[Event]:
        """See ``Records``; in file order. Before the events are built, only these are:
        ``treaty INF`` needs 7 of 412."""
        if self._events is None and self._document is not None:
            return [
                Event.from_json(e)
                for e in self._raw("events")
                if treaty_id in e.get("treaties", ()) or e["id"] in also
            ]
        return [e for e in self.events if treaty_id in e.treaties or e.id in also]

    def record_texts(self, kind: str) -> Mapping[str, str]:
        """See ``Records``: the texts the cache keeps beside the document (``TEXTS``)."""
        key = kind + TEXTS
        found = self._by_id.get(key)
        if found is None:
            texts = self._document.get(key) if self._document is not None else None
            ids = [r["id"] for r in self._raw(kind)] if texts is not None else []
            found = dict(zip(ids, texts, strict=True)) if texts and len(texts) == len(ids) else {}
            self._by_id[key] = found
        return found

    def _raw(self, key: str) -> list[JSON]:
        assert self._document is not None
        result: list[JSON] = self._document.get(key, [])
        return result

    def _lookup(self, key: str, records: tuple[Any, ...]) -> dict[str, Any]:
        found = self._by_id.get(key)
        if found is None:
            found = self._by_id[key] = {r.id: r for r in records}
        return found

    @property
    def actor_by_id(self) -> dict[str, Actor]:
        return self._lookup("actors", self.actors)

    @property
    def treaty_by_id(self) -> dict[str, Treaty]:
        return self._lookup("treaties", self.treaties)

    @property
    def event_by_id(self) -> dict[str, Event]:
        return self._lookup("events", self.events)

    @property
    def quote_by_id(self) -> dict[str, Quote]:
        return self._lookup("quotes", self.quotes)

    @property
    def era_by_id(self) -> dict[str, Era]:
        return self._lookup("eras", self.eras)

    def _compared(self) -> tuple[Any, ...]:
        return (
            self.meta,
            self.actors,
            self.treaties,
            self.events,
            self.quotes,
            self.eras,
            self.schema_version,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return self._compared() == other._compared()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Dataset({len(self.events)} events, {len(self.treaties)} treaties, "
            f"{len(self.quotes)} quotes, {len(self.actors)} actors, {len(self.eras)} eras)"
        )

    def to_json(self) -> JSON:
        return {
            "schema_version": self.schema_version,
            "meta": self.meta,
            "actors": [a.to_json() for a in self.actors],
            "treaties": [t.to_json() for t in self.treaties],
            "events": [e.to_json() for e in self.events],
            "quotes": [q.to_json() for q in self.quotes],
            "eras": [e.to_json() for e in self.eras],
        }

    @classmethod
    def from_json(cls, data: JSON) -> Dataset:
        """A dataset over a validated document; its records are built when first asked for."""
        dataset = cls(data["meta"], (), (), (), (), ())
        dataset._document = data
        dataset._actors = dataset._treaties = dataset._events = None
        dataset._quotes = dataset._eras = None
        return dataset


def urls_of(event: Event) -> str:
    """An event's source URLs in the order cited, joined by newlines (a URL holds no white
    space): how an index stores them, and how ``Records.event_urls`` counts them."""
    return "\n".join(source.url for source in event.sources)


def _on(when: PartialDate | None, month_day: tuple[int, int]) -> bool:
    """Whether a day-precise date falls on this day of the year."""
    return when is not None and (when.month, when.day) == month_day
