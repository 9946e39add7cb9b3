"""Which events a question is about (``Selection``), and how many of them fall in each year,
kind, tag and actor (``Tally``): what ``stats``, ``tags``, ``kinds`` and ``compare`` count.

A selection says only what an event's own fields decide (dates, kind, tags, actors, treaties),
so every engine can judge it exactly without reading an event's text: an index counts the
events of a selection in SQL, one pass over its columns, and never builds them. Text searches
are ``query.EventFilter``'s, which holds a selection for the rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any, ClassVar

from ..dates import DateRange
from ..valueclass import Bundle
from .records import Event


class Selection(Bundle):
    """The events that overlap ``after``..``before`` and one of ``periods`` (if any), of one of
    ``kinds`` and none of ``not_kinds``, carrying all of ``tags``, one of ``any_tags`` (if any)
    and none of ``not_tags``, involving all of ``actors`` and none of ``not_actors``, linked to
    all of ``treaties``."""

    _fields = (
        "after",
        "before",
        "periods",
        "kinds",
        "not_kinds",
        "tags",
        "any_tags",
        "not_tags",
        "actors",
        "not_actors",
        "treaties",
    )
    __slots__ = _fields
    _defaults: ClassVar[dict[str, Any]] = {
        "after": None,
        "before": None,
        **dict.fromkeys(_fields[2:], ()),
    }
    after: date | None  # the event's last day is on or after it
    before: date | None  # the event's first day is on or before it
    periods: tuple[DateRange, ...]
    kinds: tuple[str, ...]
    not_kinds: tuple[str, ...]
    tags: tuple[str, ...]
    any_tags: tuple[str, ...]
    not_tags: tuple[str, ...]
    actors: tuple[str, ...]
    not_actors: tuple[str, ...]
    treaties: tuple[str, ...]

    def accepts(self, event: Event) -> bool:
        if self.after is not None or self.before is not None or self.periods:
            days = event.range  # a DateRange built: only when dates are asked about
            if (self.after is not None and days.end < self.after) or (
                self.before is not None and days.start > self.before
            ):
                return False
            if self.periods and not any(days.overlaps(p) for p in self.periods):
                return False
        if (self.kinds and event.kind not in self.kinds) or event.kind in self.not_kinds:
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
        return all(t in event.treaties for t in self.treaties)


class Tally(Bundle):
    """How many events of a selection began in each year with each tone, are of each kind, and
    carry each tag and actor. Each counter lists its keys in the order they were first met; an engine asked
    for them ``ordered`` meets the events in ``chronological`` order (``compare`` breaks ties
    between its top kinds, tags and actors that way)."""

    _fields = ("years", "kinds", "tags", "actors")
    __slots__ = _fields
    years: Counter[tuple[int, str]]  # (year of the date, tone) -> events
    kinds: Counter[str]
    tags: Counter[str]
    actors: Counter[str]
    # Each counter left empty unless asked for (``counting``): what ``stats`` needs, by default.
    STATS: ClassVar[tuple[str, ...]] = ("years", "kinds", "tags")
    FIELDS: ClassVar[tuple[str, ...]] = _fields

    @classmethod
    def of(cls, events: Iterable[Event], counting: Collection[str] = STATS) -> Tally:
        years: Counter[tuple[int, str]] = Counter()
        kinds: Counter[str] = Counter()
        tags: Counter[str] = Counter()
        people: Counter[str] = Counter()
        for event in events:
            years[event.date.year, event.tone] += 1
            kinds[event.kind] += 1
            tags.update(event.tags)
            people.update(event.actors)
        counted = {"years": years, "kinds": kinds, "tags": tags, "actors": people}
        return cls(*(counted[f] if f in counting else Counter() for f in cls._fields))

    @property
    def total(self) -> int:
        return sum(self.years.values())

    def tones(self) -> Counter[str]:
        found: Counter[str] = Counter()
        for (_year, tone), n in self.years.items():
            found[tone] += n
        return found
