"""Pure questions asked of any dataset (``model.Records``): filter, sort, look up by name.

Nothing here prints or exits: an unknown name raises ``NotFound`` with the closest names, a
name that fits several records raises ``Ambiguous`` with all of them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, ClassVar

from .dates import DateRange, PartialDate
from .errors import Ambiguous, NotFound, UnknownTerm, UsageProblem
from .model import Actor, Era, Event, Milestone, Quote, Records, Treaty, chronological
from .valueclass import Bundle
from .vocabulary import KINDS, STATUSES, TAGS

_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "’": "'"})


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form used for every name comparison."""
    if text.isascii():  # no accents or dashes to undo: the same result, five times faster
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.translate(_DASHES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def suggest(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """The candidates closest to ``name``: close spellings first, then those containing it."""
    import difflib

    by_fold: dict[str, str] = {}
    for candidate in candidates:
        by_fold.setdefault(fold(candidate), candidate)
    wanted = fold(name)
    close = difflib.get_close_matches(wanted, list(by_fold), n=limit, cutoff=0.6)
    if len(close) < limit and wanted:
        for folded in by_fold:
            if folded not in close and (wanted in folded or folded in wanted):
                close.append(folded)
                if len(close) == limit:
                    break
    return [by_fold[c] for c in close]


def _pick(kind: str, name: str, records: Sequence[tuple[object, list[str], str]]) -> object:
    """Find one record by its names: exact (folded) first, then every word contained.

    ``records`` holds (record, names to match, the name to show in messages).
    """
    wanted = fold(name)
    if not wanted:
        raise NotFound(kind, name)
    exact = [r for r, names, _ in records if wanted in {fold(n) for n in names}]
    if len(exact) == 1:
        return exact[0]
    labels = {id(r): label for r, _, label in records}
    if len(exact) > 1:
        raise Ambiguous(kind, name, [labels[id(r)] for r in exact])
    words = wanted.split()
    partial = [r for r, names, _ in records if any(all(w in fold(n) for w in words) for n in names)]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        raise Ambiguous(kind, name, [labels[id(r)] for r in partial])
    raise NotFound(kind, name, suggest_records(name, records))


def suggest_records(
    name: str, records: Sequence[tuple[object, list[str], str]], limit: int = 3
) -> list[str]:
    """The closest records to ``name``, each shown once by its label, best first."""
    label_of: dict[str, str] = {}
    for _, names, label in records:
        for candidate in names:
            label_of.setdefault(candidate, label)
    seen: list[str] = []
    for candidate in suggest(name, label_of, limit=limit * 3):
        label = label_of[candidate]
        if label not in seen:
            seen.append(label)
    return seen[:limit]


def treaty_by_name(dataset: Records, name: str) -> Treaty:
    """A treaty by id, alias or name (``INF``, ``new start``, ``Intermediate-Range``)."""
    records = [
        (t, [t.id, t.name, *t.aliases], t.aliases[0] if t.aliases else t.name)
        for t in dataset.treaties
    ]
    return _pick("treaty", name, records)  # type: ignore[return-value]


def actor_by_name(dataset: Records, name: str) -> Actor:
    """An actor by id, full name, alias or surname (``Lavrov``, ``sergey lavrov``)."""
    records = [(a, [a.id, a.name, *a.aliases, a.name.split()[-1]], a.name) for a in dataset.actors]
    return _pick("actor", name, records)  # type: ignore[return-value]


def era_by_name(dataset: Records, name: str) -> Era:
    records = [(e, [e.id, e.name, *e.aliases], e.name) for e in dataset.eras]
    return _pick("era", name, records)  # type: ignore[return-value]


class Period(Bundle):
    """What ``--during NAME`` means: an era, or the terms an actor held office."""

    _fields = ("label", "ranges")
    __slots__ = _fields
    label: str
    ranges: tuple[DateRange, ...]


def period_named(dataset: Records, name: str) -> Period:
    """An era (``Cold War``) or an actor's dated roles (``Obama``, ``Gorbachev``) as date ranges."""
    records: list[tuple[object, list[str], str]] = [
        (e, [e.id, e.name, *e.aliases], e.name) for e in dataset.eras
    ]
    records += [
        (a, [a.id, a.name, *a.aliases, a.name.split()[-1]], a.name)
        for a in dataset.actors
        if a.roles
    ]
    found = _pick("era or actor", name, records)
    if isinstance(found, Era):
        return Period(found.name, (found.range,))
    actor: Actor = found  # type: ignore[assignment]
    return Period(actor.name, merge_ranges([r.range for r in actor.roles]))


def merge_ranges(ranges: Iterable[DateRange]) -> tuple[DateRange, ...]:
    """Overlapping or touching ranges joined, in order: Putin's terms as PM and president make one."""
    merged: list[DateRange] = []
    for current in sorted(ranges, key=lambda r: r.start):
        if merged and current.start <= merged[-1].end + timedelta(days=1):
            last = merged[-1]
            merged[-1] = DateRange(last.start, max(last.end, current.end))
        else:
            merged.append(current)
    return tuple(merged)


def actors_matching(
    dataset: Records, countries: Sequence[str] = (), roles: Sequence[str] = ()
) -> list[Actor]:
    """Actors of any of ``countries`` (codes) holding, for each text in ``roles``, a role whose
    title contains it."""
    wanted_roles = [fold(r) for r in roles]
    found = [
        a
        for a in dataset.actors
        if (not countries or a.country in countries)
        and all(any(w in fold(r.title) for r in a.roles) for w in wanted_roles)
    ]
    return sorted(found, key=lambda a: (fold(a.name.split()[-1]), fold(a.name), a.id))


def office_holders(
    dataset: Records,
    days: DateRange,
    countries: Sequence[str] = (),
    roles: Sequence[str] = (),
    actor: Actor | None = None,
) -> list[dict[str, Any]]:
    """Who held which role during ``days`` (``--on``): one row per role held then, by title.

    ``held`` says how sure that is from the role's partial dates: ``throughout`` (held on every
    day of ``days``), ``part`` (began or ended inside them, on a known day) or ``uncertain`` (a
    start or end known only to the month or year falls on them); ``note`` says which.
    """
    # A row is one role held, so repeated --role texts mean any of them here.
    people = [actor] if actor is not None else actors_matching(dataset, countries)
    wanted_roles = [fold(r) for r in roles]
    rows: list[dict[str, Any]] = []
    for person in people:
        for held in person.roles:
            if wanted_roles and not any(w in fold(held.title) for w in wanted_roles):
                continue
            if not held.range.overlaps(days):
                continue
            notes, certainty = [], "throughout"
            if held.start.end > days.start:  # began on or after the first day asked about
                certainty = "uncertain" if held.start.start != held.start.end else "part"
                notes.append(f"took office {_on_or_in(held.start)}")
            if held.end is not None and held.end.start < days.end:
                if certainty != "uncertain":
                    certainty = "uncertain" if held.end.start != held.end.end else "part"
                notes.append(f"left office {_on_or_in(held.end)}")
            rows.append(
                {
                    "role": held.title,
                    "actor": person.id,
                    "name": person.name,
                    "country": person.country,
                    "from": held.start.iso(),
                    "to": held.end.iso() if held.end else None,
                    "held": certainty,
                    "note": "; ".join(notes) or None,
                }
            )
    return sorted(rows, key=lambda r: (fold(r["role"]), r["from"], r["actor"]))


def _on_or_in(when: PartialDate) -> str:
    return f"on {when.human()}" if when.day is not None else f"in {when.human()}"


def events_of_actor(dataset: Records, actor: Actor) -> list[Event]:
    return list(dataset.candidates(actors=[actor.id]))


def quotes_of_actor(dataset: Records, actor: Actor) -> list[Quote]:
    return chronological(q for q in dataset.quotes if q.speaker == actor.id)


def on_this_day(dataset: Records, month: int, day: int) -> list[Event]:
    """Events that began or ended on this day of the year (day-precise dates only)."""
    return list(dataset.candidates(month_day=(month, day)))


DAY_TYPES = ("event", "quote", "milestone")


class DayEntry(Bundle):
    """One thing that happened on a day of the year: an event, a quote or a treaty milestone
    (``record`` is then the treaty and ``milestone`` the step)."""

    _fields = ("type", "record", "date", "title", "milestone")
    __slots__ = _fields
    _defaults: ClassVar[dict[str, Any]] = {"milestone": None}
    type: str
    record: Event | Quote | Treaty
    date: PartialDate
    title: str
    milestone: Milestone | None

    @property
    def id(self) -> str:
        return self.record.id

    def to_json(self) -> dict[str, Any]:
        if self.milestone is not None:
            record = {"treaty": self.record.id, "treaty_name": self.record.name}  # type: ignore[union-attr]
            record.update(self.milestone.to_json())
        else:
            record = self.record.to_json()
        return {
            "type": self.type,
            "id": self.id,
            "date": self.date.iso(),
            "title": self.title,
            "record": record,
        }


def day_entries(
    dataset: Records,
    month: int,
    day: int,
    types: Sequence[str] = DAY_TYPES,
    *,
    start: DateRange | None = None,
    end: DateRange | None = None,
    periods: Sequence[DateRange] = (),
) -> list[DayEntry]:
    """Events that began or ended, quotes said and treaty milestones dated on this day of the
    year (day-precise dates only), oldest first; ``start``/``end``/``periods`` narrow the years."""

    def on_day(value: PartialDate | None) -> bool:
        return value is not None and value.month == month and value.day == day

    entries: list[DayEntry] = []
    if "event" in types:
        for event in on_this_day(dataset, month, day):
            when = event.date if on_day(event.date) else event.end_date
            entries.append(DayEntry("event", event, when, event.title))  # type: ignore[arg-type]
    if "quote" in types:
        entries += [DayEntry("quote", q, q.date, q.text) for q in dataset.quotes if on_day(q.date)]
    if "milestone" in types:
        for treaty in dataset.treaties:
            for step in treaty.milestones:
                if on_day(step.date):
                    title = f"{treaty.name}: {step.what}"
                    entries.append(DayEntry("milestone", treaty, step.date, title, step))
    order = {t: n for n, t in enumerate(DAY_TYPES)}
    kept = [
        e
        for e in entries
        if within(e.date.range, start, end)
        and (not periods or any(e.date.range.overlaps(p) for p in periods))
    ]
    return sorted(kept, key=lambda e: (e.date.sort_key(), order[e.type], e.id, e.title))


def day_type_named(name: str) -> str:
    """``event``, ``quote`` or ``milestone`` (plurals and ``treaty`` accepted)."""
    folded = fold(name)
    wanted = {"treaty": "milestone", "treaties": "milestone"}.get(folded, folded.rstrip("s"))
    if wanted in DAY_TYPES:
        return wanted
    raise UnknownTerm("type", name, suggest(name, DAY_TYPES))


def vocabulary_counts(dataset: Records, what: str) -> list[tuple[str, str, int]]:
    """(term, meaning, number of events) for every tag or kind, most used first."""
    from .vocabulary import KIND_MEANINGS, TAG_MEANINGS

    meanings = TAG_MEANINGS if what == "tag" else KIND_MEANINGS
    counts = dict.fromkeys(meanings, 0)
    for kind, tags in dataset.kinds_and_tags():
        for term in tags if what == "tag" else (kind,):
            counts[term] = counts.get(term, 0) + 1
    return sorted(
        ((term, meanings.get(term, ""), n) for term, n in counts.items()),
        key=lambda item: (-item[2], item[0]),
    )


def event_by_id(dataset: Records, event_id: str) -> Event:
    event = dataset.event_by_id.get(event_id.strip().lower())
    if event is None:
        raise NotFound("event", event_id, suggest(event_id, dataset.event_by_id))
    return event


def quote_by_id(dataset: Records, quote_id: str) -> Quote:
    quote = dataset.quote_by_id.get(quote_id.strip().lower())
    if quote is None:
        raise NotFound("quote", quote_id, suggest(quote_id, dataset.quote_by_id))
    return quote


def _term(kind: str, name: str, vocabulary: Sequence[str]) -> str:
    wanted = fold(name).replace(" ", "-") if kind != "status" else fold(name).replace("-", " ")
    for term in vocabulary:
        if fold(term) == wanted:
            return term
    raise UnknownTerm(kind, name, suggest(name, vocabulary))


_COUNTRY_NAMES = {
    "us": "US",
    "usa": "US",
    "united states": "US",
    "america": "US",
    "ru": "RU",
    "russia": "RU",
    "russian federation": "RU",
    "su": "SU",
    "ussr": "SU",
    "soviet union": "SU",
    "other": "other",
}


def country_named(name: str) -> str:
    """A country code (US, RU, SU, other) from a code or a name: ``ussr``, ``Russia``."""
    code = _COUNTRY_NAMES.get(fold(name).replace(".", ""))
    if code is None:
        names = ["US", "RU", "SU", "other", "USA", "Russia", "USSR", "Soviet Union"]
        raise UnknownTerm("country", name, suggest(name, names))
    return code


def tag_named(name: str) -> str:
    return _term("tag", name, TAGS)


def kind_named(name: str) -> str:
    return _term("kind", name, KINDS)


def status_named(name: str) -> str:
    return _term("status", name, STATUSES)


def check_period(start: DateRange | None, end: DateRange | None) -> None:
    if start is not None and end is not None and start.start > end.end:
        raise UsageProblem(
            f"--from ({start.start.isoformat()}) is after --to ({end.end.isoformat()}); "
            "swap them or drop one"
        )


def within(record_range: DateRange, start: DateRange | None, end: DateRange | None) -> bool:
    """Whether a record overlaps the period from the start of ``start`` to the end of ``end``."""
    if start is not None and record_range.end < start.start:
        return False
    return not (end is not None and record_range.start > end.end)


def _contains(needle: str, *haystacks: str) -> bool:
    return any(needle in fold(h) for h in haystacks)


class EventFilter(Bundle):
    """What ``timeline`` asks for; every field narrows, empty fields do not.

    The one rule for repeated values: a field an event holds one of (kind) matches any of the
    values; a field it can hold several of (tags, actors, treaties) must hold all of them;
    every search text must occur; ``any_tags`` needs at least one; ``not_*`` excludes.
    """

    _fields = (
        "start",
        "end",
        "actors",
        "tags",
        "kinds",
        "treaties",
        "searches",
        "limit",
        "reverse",
        "periods",
        "any_tags",
        "not_tags",
        "not_kinds",
        "not_actors",
    )
    __slots__ = _fields
    _defaults: ClassVar[dict[str, Any]] = {
        "start": None,
        "end": None,
        "actors": (),
        "tags": (),
        "kinds": (),
        "treaties": (),
        "searches": (),
        "limit": None,
        "reverse": False,
        "periods": (),
        "any_tags": (),
        "not_tags": (),
        "not_kinds": (),
        "not_actors": (),
    }
    start: DateRange | None
    end: DateRange | None
    actors: tuple[str, ...]  # ids; an event must involve all of them
    tags: tuple[str, ...]  # an event must carry all of them
    kinds: tuple[str, ...]  # an event must be one of them
    treaties: tuple[str, ...]  # ids; an event must be linked to all of them
    searches: tuple[str, ...]  # every text must occur in the title or summary
    limit: int | None
    reverse: bool
    periods: tuple[DateRange, ...]  # --during: the event must overlap one of them
    any_tags: tuple[str, ...]  # an event must carry at least one of them
    not_tags: tuple[str, ...]  # an event must carry none of them
    not_kinds: tuple[str, ...]  # an event must be none of them
    not_actors: tuple[str, ...]  # ids; an event must involve none of them

    def accepts(self, event: Event) -> bool:
        if not within(event.range, self.start, self.end):
            return False
        if self.periods and not any(event.range.overlaps(p) for p in self.periods):
            return False
        if self.kinds and event.kind not in self.kinds:
            return False
        if event.kind in self.not_kinds:
            return False
        if any(a not in event.actors for a in self.actors):
            return False
        if any(a in event.actors for a in self.not_actors):
            return False
        if any(t not in event.tags for t in self.tags):
            return False
        if self.any_tags and not any(t in event.tags for t in self.any_tags):
            return False
        if any(t in event.tags for t in self.not_tags):
            return False
        if any(t not in event.treaties for t in self.treaties):
            return False
        return all(_contains(fold(text), event.title, event.summary) for text in self.searches)


class QuoteFilter(Bundle):
    """What ``quotes`` asks for. A quote's tags and treaties are those of its linked event
    (an event a treaty's milestone names counts as linked to the treaty)."""

    _fields = (
        "start",
        "end",
        "periods",
        "speakers",
        "countries",
        "tags",
        "any_tags",
        "not_tags",
        "treaties",
        "searches",
        "limit",
        "reverse",
    )
    __slots__ = _fields
    _defaults: ClassVar[dict[str, Any]] = {
        "start": None,
        "end": None,
        "periods": (),
        "speakers": (),
        "countries": (),
        "tags": (),
        "any_tags": (),
        "not_tags": (),
        "treaties": (),
        "searches": (),
        "limit": None,
        "reverse": False,
    }
    start: DateRange | None
    end: DateRange | None
    periods: tuple[DateRange, ...]
    speakers: tuple[str, ...]  # actor ids; said by any of them
    countries: tuple[str, ...]  # the speaker's country is any of them
    tags: tuple[str, ...]  # the linked event carries all of them
    any_tags: tuple[str, ...]  # ... at least one of them
    not_tags: tuple[str, ...]  # ... none of them (a quote without an event passes)
    treaties: tuple[str, ...]  # treaty ids; the linked event is linked to all of them
    searches: tuple[str, ...]  # every text occurs in the quote or its context
    limit: int | None
    reverse: bool


class TreatyFilter(Bundle):
    """What ``treaties`` asks for: dates compare with the signing date."""

    _fields = ("start", "end", "periods", "statuses", "parties")
    __slots__ = _fields
    _defaults: ClassVar[dict[str, Any]] = {
        "start": None,
        "end": None,
        "periods": (),
        "statuses": (),
        "parties": (),
    }
    start: DateRange | None
    end: DateRange | None
    periods: tuple[DateRange, ...]
    statuses: tuple[str, ...]  # any of them
    parties: tuple[str, ...]  # party codes (US, RU, SU); the treaty has all of them

    def accepts(self, treaty: Treaty) -> bool:
        if self.statuses and treaty.status not in self.statuses:
            return False
        if any(p not in treaty.parties for p in self.parties):
            return False
        if self.start is None and self.end is None and not self.periods:
            return True
        signed = treaty.signed
        if signed is None:
            return False
        if not within(signed.range, self.start, self.end):
            return False
        return not self.periods or any(signed.range.overlaps(p) for p in self.periods)


def _bounds(wanted: EventFilter) -> tuple[date | None, date | None]:
    """ISO day bounds every matching event must meet: a superset of --from/--to and --during."""
    low = wanted.start.start if wanted.start else None
    high = wanted.end.end if wanted.end else None
    if wanted.periods:
        first = min(p.start for p in wanted.periods)
        last = max(p.end for p in wanted.periods)
        low = max(low, first) if low else first
        high = min(high, last) if high else last
    return low, high


def count_overlapping(dataset: Records, period: DateRange) -> int:
    return dataset.count_overlapping(period)


def _finish(records: list, limit: int | None, reverse: bool) -> list:
    if reverse:
        records.reverse()
    return records[:limit] if limit is not None else records


def events_matching(dataset: Records, wanted: EventFilter) -> list[Event]:
    """The events ``wanted`` accepts, in order, up to its limit: the dataset narrows them
    (in SQL, for an index), the rules of ``EventFilter.accepts`` decide."""
    start, end = _bounds(wanted)
    candidates = dataset.candidates(
        start=start,
        end=end,
        kinds=wanted.kinds,
        tags=wanted.tags,
        actors=wanted.actors,
        treaties=wanted.treaties,
        texts=[fold(text) for text in wanted.searches],
        reverse=wanted.reverse,
    )
    found: list[Event] = []
    for event in candidates:
        if wanted.limit is not None and len(found) >= wanted.limit:
            break
        if wanted.accepts(event):
            found.append(event)
    return found


def quotes_matching(dataset: Records, wanted: QuoteFilter | None = None) -> list[Quote]:
    wanted = wanted or QuoteFilter()
    needles = [fold(text) for text in wanted.searches]
    speakers: set[str] | None = set(wanted.speakers) if wanted.speakers else None
    if wanted.countries:
        from_there = {a.id for a in dataset.actors if a.country in wanted.countries}
        speakers = from_there if speakers is None else speakers & from_there
    by_event = dataset.event_by_id if (wanted.tags or wanted.any_tags or wanted.not_tags) else {}
    linked = [
        {e.id for e in events_of_treaty(dataset, dataset.treaty_by_id[t])} for t in wanted.treaties
    ]

    def accepts(q: Quote) -> bool:
        if speakers is not None and q.speaker not in speakers:
            return False
        if not within(q.range, wanted.start, wanted.end):
            return False
        if wanted.periods and not any(q.range.overlaps(p) for p in wanted.periods):
            return False
        if any(q.event not in events for events in linked):
            return False
        if by_event:
            event = by_event.get(q.event) if q.event else None
            tags = event.tags if event is not None else ()
            if any(t not in tags for t in wanted.tags):
                return False
            if wanted.any_tags and not any(t in tags for t in wanted.any_tags):
                return False
            if any(t in tags for t in wanted.not_tags):
                return False
        return all(_contains(n, q.text, q.context) for n in needles)

    return _finish(
        chronological(q for q in dataset.quotes if accepts(q)), wanted.limit, wanted.reverse
    )


def treaties_matching(dataset: Records, wanted: TreatyFilter | None = None) -> list[Treaty]:
    found = [t for t in dataset.treaties if wanted is None or wanted.accepts(t)]
    return sorted(found, key=lambda t: (t.signed.sort_key() if t.signed else (date.max, 0), t.id))


def events_of_treaty(dataset: Records, treaty: Treaty) -> list[Event]:
    """Events linked to the treaty, or named by one of its milestones."""
    linked = {m.event for m in treaty.milestones if m.event}
    return chronological(dataset.events_naming_treaty(treaty.id, linked))


def quotes_of_events(dataset: Records, events: Sequence[Event]) -> list[Quote]:
    ids = {e.id for e in events}
    return chronological(q for q in dataset.quotes if q.event in ids)
