"""Pure questions asked of any dataset (``model.Records``): filter, sort, who held office, what
happened on a day. Nothing here prints or exits.

Finding a record or term by name is ``names``; its functions are also offered here (``query.
treaty_by_name``...), as the command line has always asked for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from typing import Any, ClassVar

from .dates import DateRange, PartialDate
from .errors import UsageProblem
from .model import (
    Actor,
    Event,
    EventText,
    Quote,
    Records,
    Selection,
    Treaty,
    by_signing,
    chronological,
)
from .names import (  # noqa: F401 - re-exported: callers ask query for them
    Period,
    actor_by_name,
    country_named,
    era_by_name,
    event_by_id,
    fold,
    kind_named,
    merge_ranges,
    period_named,
    quote_by_id,
    status_named,
    suggest,
    suggest_records,
    tag_named,
    treaty_by_name,
)
from .valueclass import Bundle


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


def vocabulary_counts(dataset: Records, what: str) -> list[tuple[str, str, int]]:
    """(term, meaning, number of events) for every tag or kind, most used first."""
    from .vocabulary import KIND_MEANINGS, TAG_MEANINGS

    meanings = TAG_MEANINGS if what == "tag" else KIND_MEANINGS
    counts = dict.fromkeys(meanings, 0)
    field = "tags" if what == "tag" else "kinds"
    for term, n in getattr(dataset.tally(Selection(), (field,)), field).items():
        counts[term] = counts.get(term, 0) + n
    return sorted(
        ((term, meanings.get(term, ""), n) for term, n in counts.items()),
        key=lambda item: (-item[2], item[0]),
    )


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

    def selection(self) -> Selection:
        """What of this filter an engine judges from an event's fields: all but the searches."""
        return Selection(
            after=self.start.start if self.start else None,
            before=self.end.end if self.end else None,
            periods=self.periods,
            kinds=self.kinds,
            not_kinds=self.not_kinds,
            tags=self.tags,
            any_tags=self.any_tags,
            not_tags=self.not_tags,
            actors=self.actors,
            not_actors=self.not_actors,
            treaties=self.treaties,
        )

    def accepts(self, event: Event) -> bool:
        return self.selection().accepts(event) and self.found_in(event)

    @property
    def needles(self) -> tuple[str, ...]:
        """The search texts folded, as ``found_in`` looks for them."""
        return tuple(fold(text) for text in self.searches)

    def found_in(self, event: EventText) -> bool:
        """Whether every search text occurs in the event's title or summary."""
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


def _finish(records: list, limit: int | None, reverse: bool) -> list:
    if reverse:
        records.reverse()
    return records[:limit] if limit is not None else records


def events_matching(dataset: Records, wanted: EventFilter) -> list[Event]:
    """The events ``wanted`` accepts, in order, up to its limit: the dataset narrows them
    (in SQL, for an index), the rules of ``EventFilter.accepts`` decide."""
    return list(each_matching(dataset, wanted))


def each_matching(dataset: Records, wanted: EventFilter) -> Iterator[Event]:
    """``events_matching`` one at a time, for a caller that only counts them."""
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
    selection = wanted.selection()
    found = 0
    for event in candidates:
        if wanted.limit is not None and found >= wanted.limit:
            return
        if selection.accepts(event) and wanted.found_in(event):
            found += 1
            yield event


def event_texts_matching(dataset: Records, wanted: EventFilter) -> Iterable[str] | None:
    """The JSON texts of the events ``wanted`` accepts, straight from the storage (an index
    keeps them), when no search needs the events' words; else None: build the events."""
    if wanted.searches:
        return None
    texts = dataset.event_json(wanted.selection(), wanted.reverse)
    if texts is None or wanted.limit is None:
        return texts
    return islice(texts, wanted.limit)


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
    return by_signing(t for t in dataset.treaties if wanted is None or wanted.accepts(t))


def events_of_treaty(dataset: Records, treaty: Treaty) -> list[Event]:
    """Events linked to the treaty, or named by one of its milestones."""
    linked = {m.event for m in treaty.milestones if m.event}
    return chronological(dataset.events_naming_treaty(treaty.id, linked))


def quotes_of_events(dataset: Records, events: Sequence[Event]) -> list[Quote]:
    ids = {e.id for e in events}
    return chronological(q for q in dataset.quotes if q.event in ids)
