"""The records relcli knows: immutable value classes mirroring the data schema (version 2).

``to_json`` gives each back in the schema's own keys, so JSON output can be fed to
``relcli --data`` again. Optional keys are always present (``null`` or ``[]`` when empty):
scripts see one stable shape.
"""

from __future__ import annotations

from ..dates import DateRange, PartialDate, span
from ..valueclass import FrozenRecord, set_field
from .schema import JSON


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
