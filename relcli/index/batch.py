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

from ..dates import iso_span
from ..model import TONES
from ..rules import SLUG, SLUGS, URL
from ..vocabulary import KINDS, TAGS

Kind = Literal[KINDS]  # type: ignore[valid-type]
Tone = Literal[TONES]  # type: ignore[valid-type]
Tag = Literal[TAGS]  # type: ignore[valid-type]


class GiveUp(Exception):
    """The fast way met something it does not vouch for: read the file the plain way."""


class TypedSource(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    url: str
    publisher: str | None = None
    published: str | None = None


class TypedEvent(msgspec.Struct, forbid_unknown_fields=True):
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


Span = tuple[str, str, int, int | None, int | None]  # see dates.iso_span


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
    firsts: list[Span]  # dates.iso_span of each date
    lasts: list[Span] | None  # of each end_date, or of the date where there is none
    has_end: list[bool] | None  # None (and lasts None): no event of the run has an end_date
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
_known_spans: dict[str, Span] = {}  # see _spans


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


def _spans(dates: list[str]) -> list[Span] | None:
    """``iso_span`` of each date (None if one is not a date), through a memo: dates repeat (a
    million events hold ~110,000), and a dict is cheaper than the general cache."""
    spans = list(map(_known_spans.get, dates))
    if None not in spans:
        return spans  # type: ignore[return-value]
    fresh = {date: iso_span(date) for date, span in zip(dates, spans, strict=True) if span is None}
    if None in fresh.values():
        return None
    if len(_known_spans) < 1 << 18:
        _known_spans.update(fresh)  # type: ignore[arg-type]
    return [span or fresh[date] for date, span in zip(dates, spans, strict=True)]  # type: ignore[misc]


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
    firsts = _spans(dates)
    if firsts is None:
        raise GiveUp
    end_dates = list(map(_end_date, events))
    lasts: list[Span] | None = None
    has_end: list[bool] | None = None
    if end_dates.count(None) != len(end_dates):
        lasts, has_end = [], []
        for first, end in zip(firsts, end_dates, strict=True):
            last = first if end is None else iso_span(end)
            if last is None or last[1] < first[0]:  # type: ignore[index]
                raise GiveUp
            lasts.append(last)
            has_end.append(end is not None)
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
    for url in set(map(_url, sources)) - _known_urls:
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
        firsts,
        lasts,
        has_end,
        texts,
        lines,
        ["\n".join(map(_url, listed)) for listed in source_lists],
        actor_ids,
        treaty_ids,
    )
