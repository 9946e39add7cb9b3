"""Full-text search across events, treaties, quotes and actors, ranked.

A record matches when every word of the query appears somewhere in it (any order, case- and
accent-insensitive). A word matches the start of a word in the record (``chemical`` finds
``chemical-weapons``, ``sanction`` finds ``sanctions``); words of one to three letters must match
a whole word, so ``INF`` finds the treaty but not ``influence``. The score counts where the words
were found: a title, name or alias weighs most, then tags and kinds, then summaries and quote
text; a whole word beats a prefix, and the whole query found as a phrase in a title adds a
bonus. Ties go to the older record, so results read like a timeline.
"""

from __future__ import annotations

import functools
import heapq
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .dates import DateRange, PartialDate
from .model import Actor, Era, Event, EventText, Quote, Records, Selection, Treaty
from .names import fold
from .query import within

TYPES = ("event", "treaty", "quote", "actor", "era")
SHORT = 3  # words this short must match a whole word
TITLE, LABEL, BODY = 10, 4, 1
PHRASE_BONUS = 20


@dataclass(frozen=True)
class Hit:
    type: str
    record: Event | Treaty | Quote | Actor | Era
    score: int
    title: str
    date: PartialDate | None

    @property
    def id(self) -> str:
        return self.record.id


class StoredHit:
    """An event hit as ``Hit`` gives it, read from the JSON text a dataset keeps of the event
    (``ranked_texts``): the record is built each time it is asked for, not kept. ``search
    --all`` of a big file holds half a million of these (~0.3 GB), not their records (1.5 GB)."""

    __slots__ = ("id", "score", "sort_key", "text")
    type = "event"

    def __init__(self, score: int, sort_key: tuple[date, int], event_id: str, text: str) -> None:
        self.score, self.sort_key, self.id, self.text = score, sort_key, event_id, text

    @property
    def record(self) -> Event:
        from .index.decoding import decode

        return Event.from_json(decode(self.text))

    @property
    def title(self) -> str:
        from .index.decoding import text_decoder

        return str(text_decoder()(self.text).title)  # a third of the time of the record

    @property
    def date(self) -> PartialDate:
        day, precision = self.sort_key
        parts = (day.year, day.month, day.day)[:precision]
        return PartialDate(*parts)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        """Equal to a ``Hit`` (or another of these) of the same record, score, title and date."""
        if not isinstance(other, Hit | StoredHit):
            return NotImplemented
        mine = (self.type, self.record, self.score, self.title, self.date)
        return mine == (other.type, other.record, other.score, other.title, other.date)

    __hash__ = None  # type: ignore[assignment]


def query_words(text: str) -> list[str]:
    return [w for w in fold(text).split() if w]


def word_pattern(word: str) -> re.Pattern[str]:
    """Where ``word`` (already folded) matches inside folded text: at a word start."""
    return _patterns(word)[0]


@functools.lru_cache(maxsize=64)
def _patterns(word: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """``word_pattern``, and where ``word`` is a whole word (compiled once per search, not
    once per record weighed)."""
    tail = r"(?!\w)" if len(word) <= SHORT else ""
    whole = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")
    return re.compile(r"(?<!\w)" + re.escape(word) + tail), whole


def _event_fields(names: Mapping[str, str], event: EventText) -> list[tuple[int, str]]:
    """An event's texts and their weights; ``names``: each actor's name by id."""
    return [
        (TITLE, event.title),
        (LABEL, " ".join([names[a] for a in event.actors if a in names])),  # a list: quicker
        (LABEL, " ".join(event.tags)),
        (LABEL, event.kind),
        (BODY, event.summary),
    ]


def _fields(
    dataset: Records, record: Event | Treaty | Quote | Actor | Era
) -> list[tuple[int, str]]:
    if isinstance(record, Event):
        known = dataset.actor_by_id
        return _event_fields({a: known[a].name for a in record.actors if a in known}, record)
    if isinstance(record, Treaty):
        return [
            (TITLE, record.name),
            (TITLE, " ".join(record.aliases)),
            (BODY, record.summary),
            (BODY, " ".join(m.what for m in record.milestones)),
        ]
    if isinstance(record, Quote):
        speaker = dataset.actor_by_id.get(record.speaker)
        return [
            (LABEL, speaker.name if speaker else record.speaker),
            (BODY, record.text),
            (BODY, record.context),
        ]
    if isinstance(record, Era):
        return [(TITLE, record.name), (TITLE, " ".join(record.aliases)), (BODY, record.summary)]
    return [
        (TITLE, record.name),
        (TITLE, " ".join(record.aliases)),
        (BODY, " ".join(r.title for r in record.roles)),
    ]


def _score(words: Sequence[str], phrase: str, fields: list[tuple[int, str]]) -> int:
    """Each word's best: twice a field's weight where it is a whole word, the weight where a
    word starts with it; 0 if a word is in no field; the phrase bonus for every word in order
    in a title. ``fields`` come weightiest first (as ``_fields`` gives them), so a word stops
    at the first field that cannot beat what it found, and a text is folded only when first
    searched: a whole word in the title settles it at once."""
    folded: list[str | None] = [None] * len(fields)
    total = 0
    for word in words:
        pattern, whole = _patterns(word)
        best = 0
        for n, (weight, text) in enumerate(fields):
            if best >= 2 * weight:
                break
            found = folded[n]
            if found is None:
                found = folded[n] = _fold_words(text)
            if word not in found:  # what neither pattern can match: one C-level search
                continue
            if whole.search(found):
                best = max(best, 2 * weight)
            elif pattern.search(found):
                best = max(best, weight)
        if best == 0:
            return 0
        total += best
    if len(words) > 1 and any(weight == TITLE and phrase in fold(text) for weight, text in fields):
        total += PHRASE_BONUS
    return total


def _fold_words(text: str) -> str:
    """``fold`` for finding single words: plain ASCII only lower-cased, its spacing left as it
    is (a word holds no space, and a pattern's bounds see any space alike): a third of the time
    of ``fold``, which the phrase, spacing and all, still uses."""
    return text.lower() if text.isascii() else fold(text)


def _narrowing(
    dataset: Records, words: Sequence[str], most: int | None = 50
) -> list[list[tuple[str, str]]]:
    """What an event holding every word must have: each word in its text, or naming one of its
    actors (an index narrows by these in SQL; a dataset in memory may ignore them). A word in
    more than ``most`` actors' names is left to the scorer (None: every word is given)."""
    any_of = []
    for word in words:
        alternatives = [("body", word)]
        actors = [
            a.id for a in dataset.actors if any(word in fold(n) for n in (a.name, *a.aliases))
        ]
        if most is not None and len(actors) > most:
            continue  # too common to narrow by: leave it to the scorer
        alternatives += [("actors", f"|{a}|") for a in actors]
        any_of.append(alternatives)
    return any_of


def _candidates(dataset: Records, types: Iterable[str]) -> Iterable[tuple[str, object]]:
    """The records of the small tables of these types (events are weighed apart)."""
    wanted = set(types)
    if "treaty" in wanted:
        yield from (("treaty", t) for t in dataset.treaties)
    if "quote" in wanted:
        yield from (("quote", q) for q in dataset.quotes)
    if "actor" in wanted:
        yield from (("actor", a) for a in dataset.actors)
    if "era" in wanted:
        yield from (("era", e) for e in dataset.eras)


def _ranges(record: object) -> list[DateRange]:
    if isinstance(record, Event | Quote | Era):
        return [record.range]
    if isinstance(record, Treaty):
        return [record.signed.range] if record.signed else []
    actor: Actor = record  # type: ignore[assignment]
    return [r.range for r in actor.roles]


def _in_period(
    record: object, start: DateRange | None, end: DateRange | None, periods: Sequence[DateRange]
) -> bool:
    return any(
        within(r, start, end) and (not periods or any(r.overlaps(p) for p in periods))
        for r in _ranges(record)
    )


def _title_and_date(record: object) -> tuple[str, PartialDate | None]:
    if isinstance(record, Event):
        return record.title, record.date
    if isinstance(record, Treaty):
        return record.name, record.signed
    if isinstance(record, Quote):
        return record.text, record.date
    if isinstance(record, Era):
        return record.name, record.start
    actor: Actor = record  # type: ignore[assignment]
    first = min((r.start for r in actor.roles), key=PartialDate.sort_key, default=None)
    return actor.name, first


def search(
    dataset: Records,
    text: str,
    types: Sequence[str] = TYPES,
    limit: int | None = None,
    *,
    start: DateRange | None = None,
    end: DateRange | None = None,
    periods: Sequence[DateRange] = (),
) -> list[Hit]:
    """Records holding every word, best first. ``start``/``end``/``periods`` keep the records
    whose dates overlap them: an event's or quote's date, a treaty's signing, an era's span, any
    of an actor's roles (a treaty never signed or an actor without roles has no date: left out)."""
    return ranked(dataset, text, types, limit, start=start, end=end, periods=periods)[0]


def ranked(
    dataset: Records,
    text: str,
    types: Sequence[str] = TYPES,
    limit: int | None = None,
    *,
    start: DateRange | None = None,
    end: DateRange | None = None,
    periods: Sequence[DateRange] = (),
    count: bool = False,
) -> tuple[list[Hit], int | None]:
    """``search``, and how many records match in all (None if not known: with a ``limit``,
    only ``count`` has every event weighed, not just those that may rank)."""
    words = query_words(text)
    if not words:
        return [], 0 if count or limit is None else None
    if limit is None:  # every hit: from the events' texts where the dataset keeps them
        texts = ranked_texts(dataset, text, types, start=start, end=end, periods=periods)
        if texts is not None:
            every = list(texts)
            return every, len(every)  # type: ignore[return-value]  # StoredHit acts as a Hit
    hits: list[Hit] = []
    total = 0
    if "event" in types:
        selection = _selection(start, end, periods)
        hits, total = _event_hits(dataset, words, selection, limit, count)
    others = _other_hits(dataset, words, types, start, end, periods)
    hits += others
    total += len(others)
    hits.sort(key=_rank)
    known = count or limit is None  # without a limit, every event was weighed
    return (hits[:limit] if limit is not None else hits), (total if known else None)


def ranked_texts(
    dataset: Records,
    text: str,
    types: Sequence[str] = TYPES,
    *,
    start: DateRange | None = None,
    end: DateRange | None = None,
    periods: Sequence[DateRange] = (),
) -> Iterator[Hit | StoredHit] | None:
    """Every match, in ``ranked``'s order, each event hit a ``StoredHit`` (the JSON text the
    dataset keeps of it) and any other a ``Hit``, as they are read; None where that cannot be
    (the dataset keeps no texts, no events are asked for, no words): ``ranked`` instead. For
    ``search --all`` of a big file: half a million hits are never held as records at once."""
    words = query_words(text)
    if "event" not in types or not words:
        return None
    rows = dataset.event_json_ranked(
        _selection(start, end, periods),
        _narrowing(dataset, words, None),  # every event is weighed: narrow by all there is
        _weigher(dataset, words),
    )
    if rows is None:
        return None
    events = (StoredHit(*row) for row in rows)
    others = sorted(_other_hits(dataset, words, types, start, end, periods), key=_rank)
    return heapq.merge(events, others, key=_rank)


UNDATED = (PartialDate(9999).start, 9)  # a hit without a date ranks after its equals


def _rank(hit: Hit | StoredHit) -> tuple[int, tuple[date, int], str]:
    """Best first; equal scores oldest first, then by id."""
    if type(hit) is StoredHit:
        return -hit.score, hit.sort_key, hit.id
    return -hit.score, hit.date.sort_key() if hit.date else UNDATED, hit.id


def _weigher(dataset: Records, words: Sequence[str]) -> Callable[[EventText], int]:
    """An event's score for ``words`` (0: it does not hold them all)."""
    phrase = " ".join(words)
    names = {a.id: a.name for a in dataset.actors}
    return lambda event: _score(words, phrase, _event_fields(names, event))


def _selection(
    start: DateRange | None, end: DateRange | None, periods: Sequence[DateRange]
) -> Selection:
    return Selection(
        after=start.start if start else None,
        before=end.end if end else None,
        periods=tuple(periods),
    )


def _other_hits(
    dataset: Records,
    words: Sequence[str],
    types: Sequence[str],
    start: DateRange | None,
    end: DateRange | None,
    periods: Sequence[DateRange],
) -> list[Hit]:
    """The hits of the small tables (treaties, quotes, actors, eras) of these types."""
    phrase = " ".join(words)
    dated = start is not None or end is not None or bool(periods)
    hits = []
    for kind, record in _candidates(dataset, types):
        if dated and not _in_period(record, start, end, periods):
            continue
        score = _score(words, phrase, _fields(dataset, record))  # type: ignore[arg-type]
        if score:
            title, when = _title_and_date(record)
            hits.append(Hit(kind, record, score, title, when))  # type: ignore[arg-type]
    return hits


def _every_event_hit(
    dataset: Records, words: Sequence[str], selection: Selection
) -> list[tuple[int, Any]]:
    """The score and key of every event holding every word, in no order."""
    weigh = _weigher(dataset, words)
    texts = dataset.event_texts(selection, _narrowing(dataset, words), False)
    weighed = ((weigh(event), key) for key, event in texts)
    return [hit for hit in weighed if hit[0]]


def _event_hits(
    dataset: Records,
    words: Sequence[str],
    selection: Selection,
    limit: int | None,
    count: bool,
) -> tuple[list[Hit], int]:
    """The best ``limit`` events (all, in no order, without one) holding every word, and how
    many do.

    The events come in chronological order, so of two that score alike the one met first
    ranks first: an event can only displace the worst kept by scoring more. Each is first
    weighed by ``_most``, an upper bound from plain substring tests; only those that could
    displace one are scored, and once every kept one has the highest score possible, no
    later event can rank (unless ``count`` asks for them all).
    """
    if limit is None:
        every = _as_hits(dataset, _every_event_hit(dataset, words, selection))
        return every, len(every)
    weigh = _weigher(dataset, words)
    folded_names = {a.id: fold(a.name) for a in dataset.actors}
    best = 2 * TITLE * len(words) + (PHRASE_BONUS if len(words) > 1 else 0)
    kept: list[tuple[int, int, Any]] = []  # (score, -order, key): a min-heap, the worst first
    total = 0
    texts = dataset.event_texts(selection, _narrowing(dataset, words))
    for order, (key, event) in enumerate(texts):
        full = len(kept) >= limit
        if full and not count:
            if kept[0][0] >= best:
                break
            if _most(words, event, folded_names) <= kept[0][0]:
                continue
        score = weigh(event)
        if not score:
            continue
        total += 1
        if not full:
            heapq.heappush(kept, (score, -order, key))
        elif score > kept[0][0]:
            heapq.heapreplace(kept, (score, -order, key))
    kept.sort(reverse=True)
    return _as_hits(dataset, [(score, key) for score, _, key in kept]), total


def _as_hits(dataset: Records, scored: list[tuple[int, Any]]) -> list[Hit]:
    """The hits of the events at these keys, with their scores, in this order."""
    found = dataset.events_at([key for _, key in scored])
    return [Hit("event", e, s, e.title, e.date) for (s, _), e in zip(scored, found, strict=True)]


def _most(words: Sequence[str], event: EventText, folded_names: Mapping[str, str]) -> int:
    """At least the score of ``event``: each word as if whole, in the weightiest field that
    holds it as a substring (a text with other than ASCII, where folding may change what it
    holds, as if in its title), and the phrase bonus if every word may be in the title."""
    title = event.title.casefold() if event.title.isascii() else None
    most = 0
    for word in words:
        if title is None or word in title:
            most += 2 * TITLE
        elif (  # kinds and tags are lower-case ASCII (vocabulary): folding leaves them be
            word in event.kind
            or any(word in tag for tag in event.tags)
            or any(word in folded_names.get(a, "") for a in event.actors)
        ):
            most += 2 * LABEL
        else:
            most += 2 * BODY
    if len(words) > 1 and (title is None or all(word in title for word in words)):
        most += PHRASE_BONUS
    return most


def highlight_spans(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Character spans of ``text`` where query words occur, for highlighting.

    Matching is done on a folded copy; folding keeps one character per character for the
    accents and case that occur in practice, so the spans map back onto the original text.
    When it does not (rare ligatures), nothing is highlighted rather than the wrong thing.
    """
    folded = _fold_keep_length(text)
    if folded is None:
        return []
    return [m.span() for word in words for m in word_pattern(word).finditer(folded)]


# What ``str.isspace`` holds in ASCII, made a space: with ``lower``, ``_fold_keep_length`` of an
# ASCII text in one C-level pass, where folding each character took ~15 us a title.
_ASCII_SPACES = str.maketrans(dict.fromkeys("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f", " "))


def _fold_keep_length(text: str) -> str | None:
    if text.isascii():
        return text.lower().translate(_ASCII_SPACES)
    out = []
    for ch in text:
        folded = fold(ch) if not ch.isspace() else " "
        if len(folded) != 1:
            if folded == "":
                folded = " "
            else:
                return None
        out.append(folded)
    return "".join(out)
