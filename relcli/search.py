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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .dates import DateRange, PartialDate
from .model import Actor, Era, Event, Quote, Records, Treaty
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


def query_words(text: str) -> list[str]:
    return [w for w in fold(text).split() if w]


def word_pattern(word: str) -> re.Pattern[str]:
    """Where ``word`` (already folded) matches inside folded text: at a word start."""
    tail = r"(?!\w)" if len(word) <= SHORT else ""
    return re.compile(r"(?<!\w)" + re.escape(word) + tail)


def _fields(
    dataset: Records, record: Event | Treaty | Quote | Actor | Era
) -> list[tuple[int, str]]:
    if isinstance(record, Event):
        names = (dataset.actor_by_id[a].name for a in record.actors if a in dataset.actor_by_id)
        return [
            (TITLE, record.title),
            (LABEL, " ".join(names)),
            (LABEL, " ".join(record.tags)),
            (LABEL, record.kind),
            (BODY, record.summary),
        ]
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
    folded = [(weight, fold(text)) for weight, text in fields]
    total = 0
    for word in words:
        pattern, whole = word_pattern(word), re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")
        best = 0
        for weight, text in folded:
            if whole.search(text):
                best = max(best, 2 * weight)
            elif pattern.search(text):
                best = max(best, weight)
        if best == 0:
            return 0
        total += best
    if len(words) > 1 and any(weight == TITLE and phrase in text for weight, text in folded):
        total += PHRASE_BONUS
    return total


def _event_candidates(dataset: Records, words: Sequence[str]) -> Iterable[Event]:
    """Events that may contain every word: each word is in the event's text or names one of
    its actors (an index narrows by these in SQL; a dataset in memory may return them all)."""
    any_of = []
    for word in words:
        alternatives = [("body", word)]
        actors = [
            a.id for a in dataset.actors if any(word in fold(n) for n in (a.name, *a.aliases))
        ]
        if len(actors) > 50:
            continue  # too common to narrow by: leave it to the scorer
        alternatives += [("actors", f"|{a}|") for a in actors]
        any_of.append(alternatives)
    return dataset.candidates(any_of=any_of)


def _candidates(
    dataset: Records, types: Iterable[str], words: Sequence[str] = ()
) -> Iterable[tuple[str, object]]:
    wanted = set(types)
    if "event" in wanted:
        yield from (("event", e) for e in _event_candidates(dataset, words))
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
    words = query_words(text)
    if not words:
        return []
    phrase = " ".join(words)
    dated = start is not None or end is not None or bool(periods)
    hits = []
    for kind, record in _candidates(dataset, types, words):
        if dated and not _in_period(record, start, end, periods):
            continue
        score = _score(words, phrase, _fields(dataset, record))  # type: ignore[arg-type]
        if score:
            title, when = _title_and_date(record)
            hits.append(Hit(kind, record, score, title, when))  # type: ignore[arg-type]
    hits.sort(
        key=lambda h: (
            -h.score,
            h.date.sort_key() if h.date else (PartialDate(9999).start, 9),
            h.id,
        )
    )
    return hits[:limit] if limit is not None else hits


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


def _fold_keep_length(text: str) -> str | None:
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
