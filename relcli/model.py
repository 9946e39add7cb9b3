"""The records relcli knows: frozen dataclasses mirroring the data schema (version 1).

``to_json`` gives each record back in the schema's own keys, so JSON output can be fed to
``relcli --data`` again. Optional keys are always present (``null`` or ``[]`` when empty), so
scripts see one stable shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .dates import DateRange, PartialDate, span

SCHEMA_VERSION = 1

COUNTRIES = ("US", "RU", "SU", "other")
TONES = ("cooperative", "neutral", "confrontational")

JSON = dict[str, Any]


def _date_or_none(value: PartialDate | None) -> str | None:
    return value.iso() if value is not None else None


def _date(text: str | None) -> PartialDate | None:
    return PartialDate.parse(text) if text is not None else None


# The ``from_json`` constructors below rebuild records from JSON that was validated before (the
# load cache, the index of large files); they do not check anything. Use ``store.load`` for input.


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str

    def to_json(self) -> JSON:
        return {"title": self.title, "url": self.url}

    @classmethod
    def from_json(cls, data: JSON) -> Source:
        return cls(data["title"], data["url"])


@dataclass(frozen=True, slots=True)
class Role:
    title: str
    start: PartialDate
    end: PartialDate | None = None

    @property
    def range(self) -> DateRange:
        """A role with no end is still held: it runs to the end of time for filtering."""
        if self.end is None:
            return DateRange(self.start.start, PartialDate(9999).end)
        return span(self.start, self.end)

    def to_json(self) -> JSON:
        return {"title": self.title, "from": self.start.iso(), "to": _date_or_none(self.end)}

    @classmethod
    def from_json(cls, data: JSON) -> Role:
        return cls(data["title"], PartialDate.parse(data["from"]), _date(data.get("to")))


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    country: str
    roles: tuple[Role, ...] = ()
    aliases: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()

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


@dataclass(frozen=True, slots=True)
class Milestone:
    date: PartialDate
    what: str
    party: str | None = None
    place: str | None = None
    event: str | None = None

    def to_json(self) -> JSON:
        return {
            "date": self.date.iso(),
            "what": self.what,
            "party": self.party,
            "place": self.place,
            "event": self.event,
        }

    @classmethod
    def from_json(cls, data: JSON) -> Milestone:
        return cls(
            PartialDate.parse(data["date"]),
            data["what"],
            data.get("party"),
            data.get("place"),
            data.get("event"),
        )


@dataclass(frozen=True, slots=True)
class Treaty:
    id: str
    name: str
    summary: str
    status: str
    milestones: tuple[Milestone, ...]
    sources: tuple[Source, ...]
    aliases: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()

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


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    date: PartialDate
    title: str
    summary: str
    kind: str
    tone: str
    sources: tuple[Source, ...]
    end_date: PartialDate | None = None
    actors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    treaties: tuple[str, ...] = ()

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
            PartialDate.parse(data["date"]),
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


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    text: str
    speaker: str
    date: PartialDate
    context: str
    source: Source
    event: str | None = None

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
            "source": self.source.to_json(),
        }

    @classmethod
    def from_json(cls, data: JSON) -> Quote:
        return cls(
            data["id"],
            data["text"],
            data["speaker"],
            PartialDate.parse(data["date"]),
            data["context"],
            Source.from_json(data["source"]),
            data.get("event"),
        )


@dataclass(frozen=True, slots=True)
class Era:
    """A named period (``Cold War``, ``détente``) usable as a date range with ``--during``."""

    id: str
    name: str
    start: PartialDate
    summary: str
    sources: tuple[Source, ...]
    end: PartialDate | None = None
    aliases: tuple[str, ...] = ()

    @property
    def range(self) -> DateRange:
        if self.end is None:
            return DateRange(self.start.start, PartialDate(9999).end)
        return span(self.start, self.end)

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
            PartialDate.parse(data["from"]),
            data["summary"],
            tuple(Source.from_json(s) for s in data["sources"]),
            _date(data.get("to")),
            tuple(data.get("aliases", ())),
        )


@dataclass(frozen=True)
class Dataset:
    """A whole data file, with lookups by id built once."""

    meta: JSON
    actors: tuple[Actor, ...]
    treaties: tuple[Treaty, ...]
    events: tuple[Event, ...]
    quotes: tuple[Quote, ...]
    eras: tuple[Era, ...] = ()
    schema_version: int = SCHEMA_VERSION
    actor_by_id: dict[str, Actor] = field(init=False, repr=False, compare=False)
    treaty_by_id: dict[str, Treaty] = field(init=False, repr=False, compare=False)
    event_by_id: dict[str, Event] = field(init=False, repr=False, compare=False)
    quote_by_id: dict[str, Quote] = field(init=False, repr=False, compare=False)
    era_by_id: dict[str, Era] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "actor_by_id", {a.id: a for a in self.actors})
        object.__setattr__(self, "treaty_by_id", {t.id: t for t in self.treaties})
        object.__setattr__(self, "event_by_id", {e.id: e for e in self.events})
        object.__setattr__(self, "quote_by_id", {q.id: q for q in self.quotes})
        object.__setattr__(self, "era_by_id", {e.id: e for e in self.eras})

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
        return cls(
            data["meta"],
            tuple(Actor.from_json(a) for a in data["actors"]),
            tuple(Treaty.from_json(t) for t in data["treaties"]),
            tuple(Event.from_json(e) for e in data["events"]),
            tuple(Quote.from_json(q) for q in data["quotes"]),
            tuple(Era.from_json(e) for e in data.get("eras", ())),
        )
