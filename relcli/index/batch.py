"""Runs of events as the index takes them: typed, vetted, and laid out as columns.

Every event enters the index the same way, whichever way the file was read. The fast way
(``fastread``) has msgspec decode events straight into ``TypedEvent``; the plain way
(``builder``) converts each event it decoded with the standard library. ``vet`` then checks a
run of 20,000 at once, one C-level ``map`` per rule, for what types cannot say (slugs, real
dates, non-blank one-line texts, URLs: the rules of ``rules``, on strings), and gives the
``Batch`` the writer stores. ``vet`` only vouches: where it gives up, the fast way falls back
to the plain way, and the plain way asks the full checker (``rules.check_event``) which events
are wrong and why. A test holds that whatever ``vet`` refuses, the checker refuses too.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import attrgetter
from typing import Literal, NamedTuple

import msgspec

from ..dates import iso_columns, iso_span
from ..model import TONES
from ..rules import SLUG, SLUGS, URL
from ..vocabulary import KINDS, TAGS

Kind = Literal[KINDS]  # type: ignore[valid-type]
Tone = Literal[TONES]  # type: ignore[valid-type]
Tag = Literal[TAGS]  # type: ignore[valid-type]


class GiveUp(Exception):
    """The fast way met something it does not vouch for: read the file the plain way."""


# gc=False: untracked by the cyclic collector (no cycles through them), so a million of them
# are made and freed ~5% faster.
class TypedSource(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    title: str
    url: str
    publisher: str | None = None
    published: str | None = None


class TypedEvent(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """An event whose keys, types and closed vocabularies msgspec has checked (``model``'s
    ``EVENT_KEYS``, ``EVENT_REQUIRED``, ``vocabulary``; a test holds them equal)."""

    id: str
    date: str
    title: str
    summary: str
    kind: Kind
    tone: Tone
    sources: list[TypedSource]
    end_date: str | None = None
    actors: list[str] = []
    tags: list[Tag] = []
    treaties: list[str] = []


class Batch(NamedTuple):
    """A run of vetted events as columns: one pass of C-level ``map`` per rule, not per event."""

    positions: Sequence[int]  # of each event in the file's events array
    ids: list[str]
    dates: list[str]
    titles: list[str]
    kinds: list[str]
    tones: list[str]
    tags: list[list[str]]
    actors: list[list[str]]
    treaties: list[list[str]]
    starts: list[str]  # the first day of each event's date (dates.iso_span)
    ends: list[str]  # the last day of its end_date, or of its date where there is none
    precisions: list[int]  # of each date
    end_precisions: list[int] | None  # of each end_date, 0 if none; None: no event has one
    texts: list[str] | None  # each event's JSON; None: the writer has them (``bodies``)
    lines: list[int] | None = None  # JSON Lines read the fast way: the line of each event
    urls: list[str] | None = None  # each event's source URLs, joined by "\n"
    actor_ids: frozenset[str] | set[str] = frozenset()  # every actor the run names
    treaty_ids: frozenset[str] | set[str] = frozenset()  # every treaty the run names


_id, _date, _end_date, _title = (attrgetter(a) for a in ("id", "date", "end_date", "title"))
_summary, _kind, _tone, _sources = (attrgetter(a) for a in ("summary", "kind", "tone", "sources"))
_tags, _actors, _treaties, _url = (attrgetter(a) for a in ("tags", "actors", "treaties", "url"))
_publisher, _published = attrgetter("publisher"), attrgetter("published")
_known_urls: set[str] = set()  # most files cite few distinct URLs: check each once
_known_slugs: set[str] = set()  # actors and treaties recur: check each id once


def _slugs(lists: list[list[str]]) -> set[str] | None:
    """Every id of ``lists``, once each; None if one is not a slug."""
    found = set(chain.from_iterable(lists))
    if _known_slugs.issuperset(found):
        return found
    for slug in found - _known_slugs:
        if SLUG.fullmatch(slug) is None:
            return None
        if len(_known_slugs) < 100_000:
            _known_slugs.add(slug)
    return found


def _one_line(texts: list[str]) -> bool:
    """Every text has something besides white space, and no line break (``\\n`` or ``\\r``)."""
    joined = "\x00".join(texts)
    return all(map(str.strip, texts)) and "\n" not in joined and "\r" not in joined


def vet(
    positions: Sequence[int],
    events: list[TypedEvent],
    texts: list[str] | None = None,
    lines: list[int] | None = None,
) -> Batch:
    """The run of ``events`` as a ``Batch``, once every rule types cannot state holds.

    Raises ``GiveUp`` if any event of the run breaks one.
    """
    ids = list(map(_id, events))
    joined = "|".join(ids)  # one match for the run; an id holding "|" shows in the count
    if not ids or SLUGS.fullmatch(joined) is None or joined.count("|") != len(ids) - 1:
        raise GiveUp
    dates = list(map(_date, events))
    columns = iso_columns(dates)
    if columns is None:
        raise GiveUp
    starts, ends, precisions = columns
    end_dates = list(map(_end_date, events))
    end_precisions: list[int] | None = None
    if end_dates.count(None) != len(end_dates):
        given = [end for end in end_dates if end is not None]
        end_columns = iso_columns(given)
        if end_columns is None:
            raise GiveUp
        last_days, end_days = iter(end_columns[1]), iter(end_columns[2])
        ends = [
            day if end is None else next(last_days)
            for day, end in zip(ends, end_dates, strict=True)
        ]
        end_precisions = [0 if end is None else next(end_days) for end in end_dates]
        if any(map(str.__lt__, ends, starts)):  # an end before its start
            raise GiveUp
    titles = list(map(_title, events))
    if not _one_line(titles) or not all(map(str.strip, map(_summary, events))):
        raise GiveUp
    actors, treaties = list(map(_actors, events)), list(map(_treaties, events))
    actor_ids, treaty_ids = _slugs(actors), _slugs(treaties)
    if actor_ids is None or treaty_ids is None:
        raise GiveUp
    source_lists = list(map(_sources, events))
    if not all(source_lists):
        raise GiveUp
    sources = list(chain.from_iterable(source_lists))
    if not _one_line(list(map(_title, sources))):
        raise GiveUp
    publishers = [p for p in map(_publisher, sources) if p is not None]
    if publishers and not _one_line(publishers):
        raise GiveUp
    for published in {p for p in map(_published, sources) if p is not None}:
        if iso_span(published) is None:
            raise GiveUp
    urls = list(map(_url, sources))
    for url in set(urls) - _known_urls:
        if URL.fullmatch(url) is None:
            raise GiveUp
        if len(_known_urls) < 10_000:
            _known_urls.add(url)
    return Batch(
        positions,
        ids,
        dates,
        titles,
        list(map(_kind, events)),
        list(map(_tone, events)),
        list(map(_tags, events)),
        actors,
        treaties,
        starts,
        ends,
        precisions,
        end_precisions,
        texts,
        lines,
        # Most events cite one source: their URLs are the column (0.1 s less a half million).
        urls if len(urls) == len(events) else ["\n".join(map(_url, x)) for x in source_lists],
        actor_ids,
        treaty_ids,
    )
