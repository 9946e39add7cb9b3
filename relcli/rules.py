"""What a valid record is: every rule a data file must follow and every message, once.

``build`` reads a parsed JSON document into a ``Dataset`` through a ``Checker``, which records a
``Problem`` at the JSON path of each bad value (``$.events[12].date``) instead of stopping at
the first, so ``relcli validate`` can list them all. The readers (``read_event``...) hold the
per-record rules; ``check_unique`` and ``check_references`` those across records. The index of
a large file (``index.build``) applies the same readers to records it streams, and words what
it checks in SQL (duplicates, references) with the message functions below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from typing import Any, TypeVar

from .dates import InvalidDate, PartialDate
from .errors import Problem
from .model import Dataset
from .model.records import Actor, Era, Event, Milestone, Quote, Role, Source, Treaty
from .model.schema import (
    ACTOR_KEYS,
    COUNTRIES,
    EVENT_KEYS,
    EVENT_REQUIRED,
    MILESTONE_KEYS,
    QUOTE_KEYS,
    SCHEMA_VERSIONS,
    SOURCE_KEYS,
    TONES,
    TREATY_KEYS,
)
from .vocabulary import ACTIONS, KINDS, STATUSES, TAGS

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUGS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\|[a-z0-9]+(?:-[a-z0-9]+)*)*")  # joined by "|"
URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+")
T = TypeVar("T")
_EVENT_KEYS, _SOURCE_KEYS = frozenset(EVENT_KEYS), frozenset(SOURCE_KEYS)
_SOURCE_REQUIRED = frozenset(("title", "url"))
_dates: dict[str, PartialDate] = {}


# ---- messages used both here and by the index builder -----------------------------------------


def supported_version(version: Any) -> bool:
    return version in SCHEMA_VERSIONS and not isinstance(version, bool)


def unsupported_version(version: Any) -> str:
    return (
        f"unsupported schema_version {version!r} (this relcli reads "
        f"{' and '.join(map(str, SCHEMA_VERSIONS))}; a newer relcli may read it)"
    )


def missing_key(key: str) -> str:
    return f"missing required key {key!r}"


def not_an_object(value: Any) -> str:
    return f"expected an object, found {kind_of(value)}"


def duplicate_id(record_id: str, first: int) -> str:
    return f"duplicate id {record_id!r} (first at [{first}])"


def duplicate_event(first: int) -> str:
    return f"duplicate of $.events[{first}] (same date and title)"


def no_such(what: str, record_id: str) -> str:
    return f"no {what} with id {record_id!r}"


def not_a_record(line: Any) -> str:
    """What is wrong with a line of JSON Lines that is not ``{"type": a known type, ...}``."""
    if not isinstance(line, dict) or "type" not in line:
        return 'a record must be an object with a "type"'
    return f"unknown type {line['type']!r} (event, treaty, quote, actor, era or meta)"


# ---- the checker and the record readers -------------------------------------------------------


class Checker:
    """Reads untrusted JSON values, recording a ``Problem`` for each bad one."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.version = 2

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(message, path=path))

    def obj(
        self, value: Any, path: str, allowed: AbstractSet[str], required: AbstractSet[str]
    ) -> bool:
        if not isinstance(value, dict):
            self.fail(path, not_an_object(value))
            return False
        if required <= value.keys() <= allowed:  # the usual case, without building sets
            return True
        for key in sorted(set(value) - allowed):
            self.fail(
                f"{path}.{key}", f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})"
            )
        ok = True
        for key in sorted(required - set(value)):
            self.fail(path, missing_key(key))
            ok = False
        return ok

    def text(self, value: Any, path: str, *, one_line: bool = False) -> str | None:
        if not isinstance(value, str):
            self.fail(path, f"expected a string, found {kind_of(value)}")
            return None
        if not value.strip():
            self.fail(path, "must not be empty")
            return None
        if one_line and ("\n" in value or "\r" in value):
            self.fail(path, "must be a single line")
        return value

    def optional_text(self, value: Any, path: str) -> str | None:
        return None if value is None else self.text(value, path)

    def slug(self, value: Any, path: str) -> str | None:
        text = self.text(value, path)
        if text is not None and not SLUG.fullmatch(text):
            self.fail(path, f"{text!r} is not a slug (lower-case letters, digits and hyphens)")
            return None
        return text

    def date(self, value: Any, path: str) -> PartialDate | None:
        if not isinstance(value, str):
            self.fail(
                path, f"expected a date string YYYY, YYYY-MM or YYYY-MM-DD, found {kind_of(value)}"
            )
            return None
        found = _dates.get(value)  # dates repeat across records, and a PartialDate is immutable
        if found is not None:
            return found
        try:
            found = PartialDate.parse(value)
        except InvalidDate as exc:
            self.fail(path, str(exc))
            return None
        if len(_dates) < 100_000:
            _dates[value] = found
        return found

    def optional_date(self, value: Any, path: str) -> PartialDate | None:
        return None if value is None else self.date(value, path)

    def slugs(self, value: Any, path: str) -> tuple[str, ...]:
        """A list of slugs (ids of actors, treaties)."""
        if type(value) is list and all(type(v) is str and SLUG.fullmatch(v) for v in value):
            return tuple(value)  # the usual case; else each item says what is wrong with it
        return self.array(value, path, self.slug)

    def choices(self, value: Any, path: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        """A list of terms of a closed vocabulary (tags, parties)."""
        if type(value) is list and all(type(v) is str and v in allowed for v in value):
            return tuple(value)  # the usual case; else each item says what is wrong with it
        return self.array(value, path, lambda v, p: self.choice(v, p, allowed))

    def choice(self, value: Any, path: str, allowed: tuple[str, ...]) -> str | None:
        text = self.text(value, path)
        if text is not None and text not in allowed:
            self.fail(path, f"{text!r} is not one of: {', '.join(allowed)}")
            return None
        return text

    def array(self, value: Any, path: str, read: Callable[[Any, str], T | None]) -> tuple[T, ...]:
        if not isinstance(value, list):
            self.fail(path, f"expected an array, found {kind_of(value)}")
            return ()
        items = []
        for index, item in enumerate(value):
            read_item = read(item, f"{path}[{index}]")
            if read_item is not None:
                items.append(read_item)
        return tuple(items)

    def source(self, value: Any, path: str) -> Source | None:
        if not self.obj(value, path, _SOURCE_KEYS, _SOURCE_REQUIRED):
            return None
        title = self.text(value["title"], f"{path}.title", one_line=True)
        url = self.text(value["url"], f"{path}.url")
        publisher = value.get("publisher")
        if publisher is not None:
            publisher = self.text(publisher, f"{path}.publisher", one_line=True)
        published = self.optional_date(value.get("published"), f"{path}.published")
        if url is not None and not URL.fullmatch(url):
            self.fail(f"{path}.url", f"{url!r} is not an http(s) URL")
            return None
        if title is None or url is None:
            return None
        return Source(title, url, publisher, published)

    def sources(self, value: Any, path: str) -> tuple[Source, ...]:
        found = self.array(value, path, self.source)
        if isinstance(value, list) and not value:
            self.fail(path, "every record needs at least one source")
        return found


def kind_of(value: Any) -> str:
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def build(
    document: Any, known_event_ids: set[str] | None = None
) -> tuple[Dataset | None, list[Problem]]:
    """Turn a parsed JSON document into a ``Dataset``, with every problem found on the way.

    ``known_event_ids``: events kept elsewhere (the index builder's), which references may name.
    """
    check = Checker()
    top_keys = {"schema_version", "meta", "actors", "treaties", "events", "quotes"}
    if not check.obj(document, "$", top_keys | {"eras"}, top_keys):
        return None, check.problems
    version = document["schema_version"]
    if not supported_version(version):
        check.fail("$.schema_version", unsupported_version(version))
        return None, check.problems
    check.version = version
    meta = document["meta"]
    if check.obj(meta, "$.meta", {"title", "description", "license", "updated"}, {"title"}):
        check.text(meta["title"], "$.meta.title")
        if "updated" in meta:
            check.date(meta["updated"], "$.meta.updated")

    actors = check.array(document["actors"], "$.actors", lambda v, p: read_actor(check, v, p))
    treaties = check.array(
        document["treaties"], "$.treaties", lambda v, p: read_treaty(check, v, p)
    )
    events = check.array(document["events"], "$.events", lambda v, p: read_event(check, v, p))
    quotes = check.array(document["quotes"], "$.quotes", lambda v, p: read_quote(check, v, p))
    eras = check.array(document.get("eras", []), "$.eras", lambda v, p: read_era(check, v, p))
    if check.problems:
        return None, check.problems

    check_unique(check, "$.actors", [a.id for a in actors])
    check_unique(check, "$.treaties", [t.id for t in treaties])
    check_unique(check, "$.events", [e.id for e in events])
    check_unique(check, "$.quotes", [q.id for q in quotes])
    check_unique(check, "$.eras", [e.id for e in eras])
    check_references(check, actors, treaties, events, quotes, known_event_ids or set())
    if check.problems:
        return None, check.problems
    meta_json = dict(meta) if isinstance(meta, dict) else {}
    return Dataset(meta_json, actors, treaties, events, quotes, eras), []


def check_unique(check: Checker, path: str, ids: list[str]) -> None:
    seen: dict[str, int] = {}
    for index, record_id in enumerate(ids):
        if record_id in seen:
            check.fail(f"{path}[{index}].id", duplicate_id(record_id, seen[record_id]))
        else:
            seen[record_id] = index


def check_references(
    check: Checker,
    actors: tuple[Actor, ...],
    treaties: tuple[Treaty, ...],
    events: tuple[Event, ...],
    quotes: tuple[Quote, ...],
    known_event_ids: set[str],
) -> None:
    actor_ids = {a.id for a in actors}
    treaty_ids = {t.id for t in treaties}
    event_ids = {e.id for e in events} | known_event_ids
    seen_events: dict[tuple[str, str], int] = {}
    for index, event in enumerate(events):
        path = f"$.events[{index}]"
        for n, actor in enumerate(event.actors):
            if actor not in actor_ids:
                check.fail(f"{path}.actors[{n}]", no_such("actor", actor))
        for n, treaty in enumerate(event.treaties):
            if treaty not in treaty_ids:
                check.fail(f"{path}.treaties[{n}]", no_such("treaty", treaty))
        key = (event.date.iso(), event.title.casefold())
        if key in seen_events:
            check.fail(path, duplicate_event(seen_events[key]))
        else:
            seen_events[key] = index
    for index, quote in enumerate(quotes):
        path = f"$.quotes[{index}]"
        if quote.speaker not in actor_ids:
            check.fail(f"{path}.speaker", no_such("actor", quote.speaker))
        if quote.event is not None and quote.event not in event_ids:
            check.fail(f"{path}.event", no_such("event", quote.event))
    for index, treaty in enumerate(treaties):
        for n, milestone in enumerate(treaty.milestones):
            if milestone.event is not None and milestone.event not in event_ids:
                check.fail(
                    f"$.treaties[{index}].milestones[{n}].event",
                    no_such("event", milestone.event),
                )


def read_actor(check: Checker, value: Any, path: str) -> Actor | None:
    allowed = set(ACTOR_KEYS)
    if not check.obj(value, path, allowed, {"id", "name", "country"}):
        return None
    record_id = check.slug(value["id"], f"{path}.id")
    name = check.text(value["name"], f"{path}.name", one_line=True)
    country = check.choice(value["country"], f"{path}.country", COUNTRIES)
    aliases = check.array(
        value.get("aliases", []), f"{path}.aliases", lambda v, p: check.text(v, p, one_line=True)
    )
    roles = check.array(
        value.get("roles", []), f"{path}.roles", lambda v, p: read_role(check, v, p)
    )
    # Optional for actors (a user's own file may not cite who people are); the bundled data
    # cites every actor, which its own test checks.
    sources = check.array(value.get("sources", []), f"{path}.sources", check.source)
    if record_id is None or name is None or country is None:
        return None
    return Actor(record_id, name, country, roles, aliases, sources)


def read_role(check: Checker, value: Any, path: str) -> Role | None:
    if not check.obj(value, path, {"title", "from", "to"}, {"title", "from"}):
        return None
    title = check.text(value["title"], f"{path}.title", one_line=True)
    start = check.date(value["from"], f"{path}.from")
    end = check.optional_date(value.get("to"), f"{path}.to")
    if start and end and end.end < start.start:
        check.fail(f"{path}.to", f"role ends ({end}) before it starts ({start})")
    if title is None or start is None:
        return None
    return Role(title, start, end)


def read_milestone(check: Checker, value: Any, path: str) -> Milestone | None:
    if not check.obj(value, path, set(MILESTONE_KEYS), {"date", "what"}):
        return None
    when = check.date(value["date"], f"{path}.date")
    what = check.text(value["what"], f"{path}.what", one_line=True)
    party = check.optional_text(value.get("party"), f"{path}.party")
    place = check.optional_text(value.get("place"), f"{path}.place")
    event = value.get("event")
    event_id = None if event is None else check.slug(event, f"{path}.event")
    action = value.get("action")
    if action is not None:
        action = check.choice(action, f"{path}.action", ACTIONS)
        if party not in (None, "US", "RU"):
            check.fail(
                f"{path}.party",
                f'a milestone with an action names "US", "RU" or null, not {party!r}',
            )
    source = value.get("source")
    if source is not None:
        source = check.text(source, f"{path}.source")
        if source is not None and not URL.fullmatch(source):
            check.fail(f"{path}.source", f"{source!r} is not an http(s) URL")
    if when is None or what is None:
        return None
    return Milestone(when, what, party, place, event_id, action, source)


def read_treaty(check: Checker, value: Any, path: str) -> Treaty | None:
    allowed = set(TREATY_KEYS)
    required = {"id", "name", "summary", "status", "milestones", "sources"}
    if not check.obj(value, path, allowed, required):
        return None
    record_id = check.slug(value["id"], f"{path}.id")
    name = check.text(value["name"], f"{path}.name", one_line=True)
    aliases = check.array(
        value.get("aliases", []), f"{path}.aliases", lambda v, p: check.text(v, p, one_line=True)
    )
    parties = check.choices(value.get("parties", []), f"{path}.parties", COUNTRIES)
    summary = check.text(value["summary"], f"{path}.summary")
    status = check.choice(value["status"], f"{path}.status", STATUSES)
    milestones = check.array(
        value["milestones"], f"{path}.milestones", lambda v, p: read_milestone(check, v, p)
    )
    if isinstance(value["milestones"], list) and not value["milestones"]:
        check.fail(f"{path}.milestones", "a treaty needs at least one milestone (when signed)")
    for n in range(1, len(milestones)):
        if milestones[n].date.end < milestones[n - 1].date.start:
            check.fail(
                f"{path}.milestones[{n}].date",
                f"milestones out of order: {milestones[n].date} comes after {milestones[n - 1].date}",
            )
    sources = check.sources(value["sources"], f"{path}.sources")
    if None in (record_id, name, summary, status):
        return None
    urls = {s.url for s in sources}
    for n, milestone in enumerate(milestones):
        if milestone.source is not None and milestone.source not in urls:
            check.fail(
                f"{path}.milestones[{n}].source",
                "must be the URL of one of the treaty's sources",
            )
    treaty = Treaty(record_id, name, summary, status, milestones, sources, aliases, parties)  # type: ignore[arg-type]
    from .treatystate import disagreement  # not at import: most runs validate nothing

    why = disagreement(treaty)
    if why is not None:
        check.fail(f"{path}.status", why)
    return treaty


def read_event(check: Checker, value: Any, path: str) -> Event | None:
    if not check.obj(value, path, _EVENT_KEYS, EVENT_REQUIRED):
        return None
    record_id = check.slug(value["id"], f"{path}.id")
    when = check.date(value["date"], f"{path}.date")
    end = check.optional_date(value.get("end_date"), f"{path}.end_date")
    if when and end and end.end < when.start:
        check.fail(f"{path}.end_date", f"end_date {end} is before date {when}")
    title = check.text(value["title"], f"{path}.title", one_line=True)
    summary = check.text(value["summary"], f"{path}.summary")
    kind = check.choice(value["kind"], f"{path}.kind", KINDS)
    tone = check.choice(value["tone"], f"{path}.tone", TONES)
    actors = check.slugs(value.get("actors", []), f"{path}.actors")
    tags = check.choices(value.get("tags", []), f"{path}.tags", TAGS)
    treaties = check.slugs(value.get("treaties", []), f"{path}.treaties")
    sources = check.sources(value["sources"], f"{path}.sources")
    if record_id is None or when is None or title is None or summary is None:
        return None
    if kind is None or tone is None:
        return None
    return Event(record_id, when, title, summary, kind, tone, sources, end, actors, tags, treaties)


def read_quote(check: Checker, value: Any, path: str) -> Quote | None:
    one = check.version == 1  # schema 1: one "source"; read as a list of one
    key = "source" if one else "sources"
    allowed = (set(QUOTE_KEYS) - {"sources"} | {"source"}) if one else set(QUOTE_KEYS)
    required = {"id", "text", "speaker", "date", "context", key}
    if not check.obj(value, path, allowed, required):
        return None
    record_id = check.slug(value["id"], f"{path}.id")
    text = check.text(value["text"], f"{path}.text")
    speaker = check.slug(value["speaker"], f"{path}.speaker")
    when = check.date(value["date"], f"{path}.date")
    context = check.text(value["context"], f"{path}.context")
    event = value.get("event")
    event_id = None if event is None else check.slug(event, f"{path}.event")
    if one:
        source = check.source(value["source"], f"{path}.source")
        sources: tuple[Source, ...] = (source,) if source is not None else ()
    else:
        sources = check.sources(value["sources"], f"{path}.sources")
    if None in (record_id, text, speaker, when, context) or not sources:
        return None
    return Quote(record_id, text, speaker, when, context, sources, event_id)  # type: ignore[arg-type]


def read_era(check: Checker, value: Any, path: str) -> Era | None:
    allowed = {"id", "name", "aliases", "from", "to", "summary", "sources"}
    if not check.obj(value, path, allowed, {"id", "name", "from", "summary", "sources"}):
        return None
    record_id = check.slug(value["id"], f"{path}.id")
    name = check.text(value["name"], f"{path}.name", one_line=True)
    aliases = check.array(
        value.get("aliases", []), f"{path}.aliases", lambda v, p: check.text(v, p, one_line=True)
    )
    start = check.date(value["from"], f"{path}.from")
    end = check.optional_date(value.get("to"), f"{path}.to")
    if start and end and end.end < start.start:
        check.fail(f"{path}.to", f"era ends ({end}) before it starts ({start})")
    summary = check.text(value["summary"], f"{path}.summary")
    sources = check.sources(value["sources"], f"{path}.sources")
    if record_id is None or name is None or start is None or summary is None:
        return None
    return Era(record_id, name, start, summary, sources, end, aliases)


def check_event(value: Any, path: str) -> list[Problem]:
    """Every problem of one event on its own (the index builder's slow path), at ``path``."""
    check = Checker()
    read_event(check, value, path)
    return check.problems
