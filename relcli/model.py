"""The records relcli knows, a whole data file as a ``Dataset``, and ``Records``: the one
interface every dataset offers, so the questions in ``query`` and ``search`` never ask which
kind of dataset they were given.

Records are immutable value classes mirroring the data schema (version 2). ``to_json`` gives
each back in the schema's own keys, so JSON output can be fed to ``relcli --data`` again.
Optional keys are always present (``null`` or ``[]`` when empty): scripts see one stable shape.

Two classes satisfy ``Records``: ``Dataset`` here, a file held in memory, which answers the
engine questions (``candidates``, ``count_overlapping``...) in Python; and
``index.IndexedDataset``, a large file read through its SQLite index, which answers them in SQL.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol, TypeVar

from .dates import DateRange, PartialDate, span
from .valueclass import FrozenRecord, set_field

SCHEMA_VERSION = 2
SCHEMA_VERSIONS = (1, 2)  # 1: a quote had one ``source``; read and upgraded on load

COUNTRIES = ("US", "RU", "SU", "other")
TONES = ("cooperative", "neutral", "confrontational")

JSON = dict[str, Any]

# The keys of each kind of record in the data file, in the schema's order (``to_json`` writes
# them in it). One list for the checker (``rules``), the index's typed events and ``--fields``.
ACTOR_KEYS = ("id", "name", "aliases", "country", "roles", "sources")
TREATY_KEYS = ("id", "name", "aliases", "parties", "summary", "status", "milestones", "sources")
EVENT_KEYS = (
    "id",
    "date",
    "end_date",
    "title",
    "summary",
    "kind",
    "tone",
    "actors",
    "tags",
    "treaties",
    "sources",
)
EVENT_REQUIRED = frozenset(("id", "date", "title", "summary", "kind", "tone", "sources"))
QUOTE_KEYS = ("id", "text", "speaker", "date", "context", "event", "sources")
SOURCE_KEYS = ("title", "url", "publisher", "published")
MILESTONE_KEYS = ("date", "what", "action", "party", "place", "event", "source")


def _date_or_none(value: PartialDate | None) -> str | None:
    return value.iso() if value is not None else None


def _open_span(start: PartialDate, end: PartialDate | None) -> DateRange:
    """A role or era with no end is still running: it lasts to the end of time for filtering."""
    if end is None:
        return DateRange(start.start, PartialDate(9999).end)
    return span(start, end)


_known_dates: dict[str, PartialDate] = {}


def _valid_date(text: str) -> PartialDate:
    """Dates repeat across records, and a ``PartialDate`` is immutable: build each one once."""
    found = _known_dates.get(text)
    if found is None:
        found = _known_dates[text] = PartialDate.from_valid_iso(text)
    return found


def _date(text: str | None) -> PartialDate | None:
    return _valid_date(text) if text is not None else None


Dated = TypeVar("Dated", "Event", "Quote")


def chronological(records: Iterable[Dated]) -> list[Dated]:
    """Oldest first; same first day: coarser precision first, then by id (stable)."""
    return sorted(records, key=lambda r: (r.date.sort_key(), r.id))


# The ``from_json`` constructors below rebuild records from JSON that was validated before (the
# load cache, the index of large files); they do not check anything. Use ``store.load`` for input.


class Source(FrozenRecord):
    """A citation: what the page is called, where it is, who published it and when (if known)."""

    __slots__ = ("published", "publisher", "title", "url")
    title: str
    url: str
    publisher: str | None
    published: PartialDate | None

    def __init__(
        self,
        title: str,
        url: str,
        publisher: str | None = None,
        published: PartialDate | None = None,
    ) -> None:
        set_field(self, "title", title)
        set_field(self, "url", url)
        set_field(self, "publisher", publisher)
        set_field(self, "published", published)

    def to_json(self) -> JSON:
        return {
            "title": self.title,
            "url": self.url,
            "publisher": self.publisher,
            "published": _date_or_none(self.published),
        }

    @classmethod
    def from_json(cls, data: JSON) -> Source:
        published = data.get("published")
        return cls(
            data["title"],
            data["url"],
            data.get("publisher"),
            _valid_date(published) if published is not None else None,
        )


class Role(FrozenRecord):
    __slots__ = ("end", "start", "title")
    title: str
    start: PartialDate
    end: PartialDate | None

    def __init__(self, title: str, start: PartialDate, end: PartialDate | None = None) -> None:
        set_field(self, "title", title)
        set_field(self, "start", start)
        set_field(self, "end", end)

    @property
    def range(self) -> DateRange:
        return _open_span(self.start, self.end)

    def to_json(self) -> JSON:
        return {"title": self.title, "from": self.start.iso(), "to": _date_or_none(self.end)}

    @classmethod
    def from_json(cls, data: JSON) -> Role:
        return cls(data["title"], _valid_date(data["from"]), _date(data.get("to")))


class Actor(FrozenRecord):
    __slots__ = ("aliases", "country", "id", "name", "roles", "sources")
    id: str
    name: str
    country: str
    roles: tuple[Role, ...]
    aliases: tuple[str, ...]
    sources: tuple[Source, ...]

    def __init__(
        self,
        id: str,
        name: str,
        country: str,
        roles: tuple[Role, ...] = (),
        aliases: tuple[str, ...] = (),
        sources: tuple[Source, ...] = (),
    ) -> None:
        set_field(self, "id", id)
        set_field(self, "name", name)
        set_field(self, "country", country)
        set_field(self, "roles", roles)
        set_field(self, "aliases", aliases)
        set_field(self, "sources", sources)

    def to_json(self) -> JSON:
        return {
            "id": self.id,
            "name": self.name,
            "aliases": list(self.aliases),
            "country": self.country,
            "roles": [r.to_json() for r in self.roles],
            "sources": [s.to_json() for s in self.sources],
        }

    @classmethod
    def from_json(cls, data: JSON) -> Actor:
        return cls(
            data["id"],
            data["name"],
            data["country"],
            tuple(Role.from_json(r) for r in data.get("roles", ())),
            tuple(data.get("aliases", ())),
            tuple(Source.from_json(s) for s in data.get("sources", ())),
        )


class Milestone(FrozenRecord):
    """One dated step of a treaty. ``action`` (see ``vocabulary.ACTIONS``) says what it changed,
    and for whom: ``party`` is US or RU (Russia, or the USSR before 1992), or None for the treaty
    as a whole; ``treatystate`` derives each party's state from these. ``source``: the URL (one
    of the treaty's sources) that gives this step's date."""

    __slots__ = ("action", "date", "event", "party", "place", "source", "what")
    date: PartialDate
    what: str
    action: str | None
    party: str | None
    place: str | None
    event: str | None
    source: str | None

    def __init__(
        self,
        date: PartialDate,
        what: str,
        party: str | None = None,
        place: str | None = None,
        event: str | None = None,
        action: str | None = None,
        source: str | None = None,
    ) -> None:
        set_field(self, "date", date)
        set_field(self, "what", what)
        set_field(self, "action", action)
        set_field(self, "party", party)
        set_field(self, "place", place)
        set_field(self, "event", event)
        set_field(self, "source", source)

    def to_json(self) -> JSON:
        return {
            "date": self.date.iso(),
            "what": self.what,
            "action": self.action,
            "party": self.party,
            "place": self.place,
            "event": self.event,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: JSON) -> Milestone:
        return cls(
            _valid_date(data["date"]),
            data["what"],
            data.get("party"),
            data.get("place"),
            data.get("event"),
            data.get("action"),
            data.get("source"),
        )


class Treaty(FrozenRecord):
    __slots__ = ("aliases", "id", "milestones", "name", "parties", "sources", "status", "summary")
    id: str
    name: str
    summary: str
    status: str
    milestones: tuple[Milestone, ...]
    sources: tuple[Source, ...]
    aliases: tuple[str, ...]
    parties: tuple[str, ...]

    def __init__(
        self,
        id: str,
        name: str,
        summary: str,
        status: str,
        milestones: tuple[Milestone, ...],
        sources: tuple[Source, ...],
        aliases: tuple[str, ...] = (),
        parties: tuple[str, ...] = (),
    ) -> None:
        set_field(self, "id", id)
        set_field(self, "name", name)
        set_field(self, "summary", summary)
        set_field(self, "status", status)
        set_field(self, "milestones", milestones)
        set_field(self, "sources", sources)
        set_field(self, "aliases", aliases)
        set_field(self, "parties", parties)

    @property
    def signed(self) -> PartialDate | None:
        """The first milestone whose text starts with "signed", else the first milestone."""
        for milestone in self.milestones:
            if milestone.what.lower().startswith("signed"):
                return milestone.date
        return self.milestones[0].date if self.milestones else None

    def to_json(self) -> JSON:
        return {
            "id": self.id,
            "name": self.name,
            "aliases": list(self.aliases),
            "parties": list(self.parties),
            "summary": self.summary,
            "status": self.status,
            "milestones": [m.to_json() for m in self.milestones],
            "sources": [s.to_json() for s in self.sources],
        }

    @classmethod
    def from_json(cls, data: JSON) -> Treaty:
        return cls(
            data["id"],
            data["name"],
            data["summary"],
            data["status"],
            tuple(Milestone.from_json(m) for m in data["milestones"]),
            tuple(Source.from_json(s) for s in data["sources"]),
            tuple(data.get("aliases", ())),
            tuple(data.get("parties", ())),
        )


class Event(FrozenRecord):
    __slots__ = (
        "actors",
        "date",
        "end_date",
        "id",
        "kind",
        "sources",
        "summary",
        "tags",
        "title",
        "tone",
        "treaties",
    )
    id: str
    date: PartialDate
    title: str
    summary: str
    kind: str
    tone: str
    sources: tuple[Source, ...]
    end_date: PartialDate | None
    actors: tuple[str, ...]
    tags: tuple[str, ...]
    treaties: tuple[str, ...]

    def __init__(
        self,
        id: str,
        date: PartialDate,
        title: str,
        summary: str,
        kind: str,
        tone: str,
        sources: tuple[Source, ...],
        end_date: PartialDate | None = None,
        actors: tuple[str, ...] = (),
        tags: tuple[str, ...] = (),
        treaties: tuple[str, ...] = (),
    ) -> None:
        set_field(self, "id", id)
        set_field(self, "date", date)
        set_field(self, "title", title)
        set_field(self, "summary", summary)
        set_field(self, "kind", kind)
        set_field(self, "tone", tone)
        set_field(self, "sources", sources)
        set_field(self, "end_date", end_date)
        set_field(self, "actors", actors)
        set_field(self, "tags", tags)
        set_field(self, "treaties", treaties)

    @property
    def range(self) -> DateRange:
        return span(self.date, self.end_date)

    def to_json(self) -> JSON:
        return {
            "id": self.id,
            "date": self.date.iso(),
            "end_date": _date_or_none(self.end_date),
            "title": self.title,
            "summary": self.summary,
            "kind": self.kind,
            "tone": self.tone,
            "actors": list(self.actors),
            "tags": list(self.tags),
            "treaties": list(self.treaties),
            "sources": [s.to_json() for s in self.sources],
        }

    @classmethod
    def from_json(cls, data: JSON) -> Event:
        return cls(
            data["id"],
            _valid_date(data["date"]),
            data["title"],
            data["summary"],
            data["kind"],
            data["tone"],
            tuple(Source.from_json(s) for s in data["sources"]),
            _date(data.get("end_date")),
            tuple(data.get("actors", ())),
            tuple(data.get("tags", ())),
            tuple(data.get("treaties", ())),
        )


def _quote_sources(data: JSON) -> list[JSON]:
    """A quote's sources; a large file of schema 1 keeps its quotes' single ``source`` as is."""
    return data["sources"] if "sources" in data else [data["source"]]


class Quote(FrozenRecord):
    __slots__ = ("context", "date", "event", "id", "sources", "speaker", "text")
    id: str
    text: str
    speaker: str
    date: PartialDate
    context: str
    sources: tuple[Source, ...]
    event: str | None

    def __init__(
        self,
        id: str,
        text: str,
        speaker: str,
        date: PartialDate,
        context: str,
        sources: tuple[Source, ...],
        event: str | None = None,
    ) -> None:
        set_field(self, "id", id)
        set_field(self, "text", text)
        set_field(self, "speaker", speaker)
        set_field(self, "date", date)
        set_field(self, "context", context)
        set_field(self, "sources", sources)
        set_field(self, "event", event)

    @property
    def range(self) -> DateRange:
        return self.date.range

    def to_json(self) -> JSON:
        return {
            "id": self.id,
            "text": self.text,
            "speaker": self.speaker,
            "date": self.date.iso(),
            "context": self.context,
            "event": self.event,
            "sources": [s.to_json() for s in self.sources],
        }

    @classmethod
    def from_json(cls, data: JSON) -> Quote:
        return cls(
            data["id"],
            data["text"],
            data["speaker"],
            _valid_date(data["date"]),
            data["context"],
            tuple(Source.from_json(s) for s in _quote_sources(data)),
            data.get("event"),
        )


class Era(FrozenRecord):
    """A named period (``Cold War``, ``détente``) usable as a date range with ``--during``."""

    __slots__ = ("aliases", "end", "id", "name", "sources", "start", "summary")
    id: str
    name: str
    start: PartialDate
    summary: str
    sources: tuple[Source, ...]
    end: PartialDate | None
    aliases: tuple[str, ...]

    def __init__(
        self,
        id: str,
        name: str,
        start: PartialDate,
        summary: str,
        sources: tuple[Source, ...],
        end: PartialDate | None = None,
        aliases: tuple[str, ...] = (),
    ) -> None:
        set_field(self, "id", id)
        set_field(self, "name", name)
        set_field(self, "start", start)
        set_field(self, "summary", summary)
        set_field(self, "sources", sources)
        set_field(self, "end", end)
        set_field(self, "aliases", aliases)

    @property
    def range(self) -> DateRange:
        return _open_span(self.start, self.end)

    def to_json(self) -> JSON:
        return {
            "id": self.id,
            "name": self.name,
            "aliases": list(self.aliases),
            "from": self.start.iso(),
            "to": _date_or_none(self.end),
            "summary": self.summary,
            "sources": [s.to_json() for s in self.sources],
        }

    @classmethod
    def from_json(cls, data: JSON) -> Era:
        return cls(
            data["id"],
            data["name"],
            _valid_date(data["from"]),
            data["summary"],
            tuple(Source.from_json(s) for s in data["sources"]),
            _date(data.get("to")),
            tuple(data.get("aliases", ())),
        )


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

    def count_overlapping(self, period: DateRange) -> int:
        """How many events overlap ``period``."""
        ...

    def kinds_and_tags(self) -> Iterable[tuple[str, Sequence[str]]]:
        """(kind, tags) of every event."""
        ...

    def events_naming_treaty(self, treaty_id: str, also: Collection[str]) -> list[Event]:
        """Events that list the treaty, or whose id is in ``also``, in no particular order."""
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
        for event in self.events:
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

    def count_overlapping(self, period: DateRange) -> int:
        return sum(1 for e in self.events if e.range.overlaps(period))

    def kinds_and_tags(self) -> Iterable[tuple[str, Sequence[str]]]:
        return ((e.kind, e.tags) for e in self.events)

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


def _on(when: PartialDate | None, month_day: tuple[int, int]) -> bool:
    """Whether a day-precise date falls on this day of the year."""
    return when is not None and (when.month, when.day) == month_day
