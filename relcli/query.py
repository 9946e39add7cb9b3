"""Pure questions asked of a ``Dataset``: filter, sort, look up by name, search.

Nothing here prints or exits: an unknown name raises ``NotFound`` with the closest names, a
name that fits several records raises ``Ambiguous`` with all of them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, ClassVar

from .dates import DateRange, PartialDate
from .errors import Ambiguous, NotFound, UsageProblem
from .model import Actor, Dataset, Era, Event, Quote, Treaty
from .records import Bundle
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


def treaty_by_name(dataset: Dataset, name: str) -> Treaty:
    """A treaty by id, alias or name (``INF``, ``new start``, ``Intermediate-Range``)."""
    records = [
        (t, [t.id, t.name, *t.aliases], t.aliases[0] if t.aliases else t.name)
        for t in dataset.treaties
    ]
    return _pick("treaty", name, records)  # type: ignore[return-value]


def actor_by_name(dataset: Dataset, name: str) -> Actor:
    """An actor by id, full name, alias or surname (``Lavrov``, ``sergey lavrov``)."""
    records = [(a, [a.id, a.name, *a.aliases, a.name.split()[-1]], a.name) for a in dataset.actors]
    return _pick("actor", name, records)  # type: ignore[return-value]


def era_by_name(dataset: Dataset, name: str) -> Era:
    records = [(e, [e.id, e.name, *e.aliases], e.name) for e in dataset.eras]
    return _pick("era", name, records)  # type: ignore[return-value]


class Period(Bundle):
    """What ``--during NAME`` means: an era, or the terms an actor held office."""

    _fields = ("label", "ranges")
    __slots__ = _fields
    label: str
    ranges: tuple[DateRange, ...]


def period_named(dataset: Dataset, name: str) -> Period:
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
    dataset: Dataset, country: str | None = None, role: str | None = None
) -> list[Actor]:
    wanted_country = fold(country) if country else None
    wanted_role = fold(role) if role else None
    found = [
        a
        for a in dataset.actors
        if (wanted_country is None or fold(a.country) == wanted_country)
        and (wanted_role is None or any(wanted_role in fold(r.title) for r in a.roles))
    ]
    return sorted(found, key=lambda a: (fold(a.name.split()[-1]), fold(a.name), a.id))


def office_holders(
    dataset: Dataset,
    days: DateRange,
    country: str | None = None,
    role: str | None = None,
    actor: Actor | None = None,
) -> list[dict[str, Any]]:
    """Who held which role during ``days`` (``--on``): one row per role held then, by title.

    ``held`` says how sure that is from the role's partial dates: ``throughout`` (held on every
    day of ``days``), ``part`` (began or ended inside them, on a known day) or ``uncertain`` (a
    start or end known only to the month or year falls on them); ``note`` says which.
    """
    people = [actor] if actor is not None else actors_matching(dataset, country, role)
    wanted_role = fold(role) if role else None
    rows: list[dict[str, Any]] = []
    for person in people:
        for held in person.roles:
            if wanted_role and wanted_role not in fold(held.title):
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


def events_of_actor(dataset: Dataset, actor: Actor) -> list[Event]:
    if _indexed(dataset):
        return list(dataset.candidates(actors=[actor.id]))  # type: ignore[attr-defined]
    return chronological(e for e in dataset.events if actor.id in e.actors)


def quotes_of_actor(dataset: Dataset, actor: Actor) -> list[Quote]:
    return chronological(q for q in dataset.quotes if q.speaker == actor.id)


def on_this_day(dataset: Dataset, month: int, day: int) -> list[Event]:
    """Events that began or ended on this day of the year (day-precise dates only)."""

    def matches(value: object) -> bool:
        return getattr(value, "month", None) == month and getattr(value, "day", None) == day

    if _indexed(dataset):
        return list(dataset.candidates(month_day=(month, day)))  # type: ignore[attr-defined]
    return chronological(e for e in dataset.events if matches(e.date) or matches(e.end_date))


def vocabulary_counts(dataset: Dataset, what: str) -> list[tuple[str, str, int]]:
    """(term, meaning, number of events) for every tag or kind, most used first."""
    from .vocabulary import KIND_MEANINGS, TAG_MEANINGS

    meanings = TAG_MEANINGS if what == "tag" else KIND_MEANINGS
    counts = dict.fromkeys(meanings, 0)
    pairs = (
        dataset.kinds_and_tags()  # type: ignore[attr-defined]
        if _indexed(dataset)
        else ((e.kind, e.tags) for e in dataset.events)
    )
    for kind, tags in pairs:
        for term in tags if what == "tag" else (kind,):
            counts[term] = counts.get(term, 0) + 1
    return sorted(
        ((term, meanings.get(term, ""), n) for term, n in counts.items()),
        key=lambda item: (-item[2], item[0]),
    )


def event_by_id(dataset: Dataset, event_id: str) -> Event:
    event = dataset.event_by_id.get(event_id.strip().lower())
    if event is None:
        raise NotFound("event", event_id, suggest(event_id, dataset.event_by_id))
    return event


def quote_by_id(dataset: Dataset, quote_id: str) -> Quote:
    quote = dataset.quote_by_id.get(quote_id.strip().lower())
    if quote is None:
        raise NotFound("quote", quote_id, suggest(quote_id, dataset.quote_by_id))
    return quote


def _term(kind: str, name: str, vocabulary: Sequence[str]) -> str:
    wanted = fold(name).replace(" ", "-") if kind != "status" else fold(name).replace("-", " ")
    for term in vocabulary:
        if fold(term) == wanted:
            return term
    raise NotFound(kind, name, suggest(name, vocabulary))


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
    """What ``timeline`` asks for; every field narrows, empty fields do not."""

    _fields = (
        "start",
        "end",
        "actors",
        "tags",
        "kinds",
        "treaties",
        "search",
        "limit",
        "reverse",
        "periods",
    )
    __slots__ = _fields
    _defaults: ClassVar[dict[str, Any]] = {
        "start": None,
        "end": None,
        "actors": (),
        "tags": (),
        "kinds": (),
        "treaties": (),
        "search": None,
        "limit": None,
        "reverse": False,
        "periods": (),
    }
    start: DateRange | None
    end: DateRange | None
    actors: tuple[str, ...]  # ids; an event must involve all of them
    tags: tuple[str, ...]  # an event must carry all of them
    kinds: tuple[str, ...]  # an event must be one of them
    treaties: tuple[str, ...]  # ids; an event must be linked to all of them
    search: str | None
    limit: int | None
    reverse: bool
    periods: tuple[DateRange, ...]  # --during: the event must overlap one of them

    def accepts(self, event: Event) -> bool:
        if not within(event.range, self.start, self.end):
            return False
        if self.periods and not any(event.range.overlaps(p) for p in self.periods):
            return False
        if self.kinds and event.kind not in self.kinds:
            return False
        if any(a not in event.actors for a in self.actors):
            return False
        if any(t not in event.tags for t in self.tags):
            return False
        if any(t not in event.treaties for t in self.treaties):
            return False
        return not (self.search and not _contains(fold(self.search), event.title, event.summary))


def _indexed(dataset: object) -> bool:
    """A large file read through its SQLite index (``index.IndexedDataset``)."""
    return hasattr(dataset, "candidates")


def _bounds(wanted: EventFilter) -> tuple[str | None, str | None]:
    """ISO day bounds every matching event must meet: a superset of --from/--to and --during."""
    low = wanted.start.start if wanted.start else None
    high = wanted.end.end if wanted.end else None
    if wanted.periods:
        first = min(p.start for p in wanted.periods)
        last = max(p.end for p in wanted.periods)
        low = max(low, first) if low else first
        high = min(high, last) if high else last
    return (low.isoformat() if low else None, high.isoformat() if high else None)


def _indexed_matching(dataset: object, wanted: EventFilter) -> list[Event]:
    start, end = _bounds(wanted)
    found = []
    candidates = dataset.candidates(  # type: ignore[attr-defined]
        start=start,
        end=end,
        kinds=wanted.kinds,
        tags=wanted.tags,
        actors=wanted.actors,
        treaties=wanted.treaties,
        texts=[fold(wanted.search)] if wanted.search else (),
        reverse=wanted.reverse,
    )
    for event in candidates:  # SQL narrows; the in-memory rules decide
        if wanted.accepts(event):
            found.append(event)
            if wanted.limit is not None and len(found) >= wanted.limit:
                break
    return found


def count_overlapping(dataset: Dataset, period: DateRange) -> int:
    if _indexed(dataset):
        return dataset.count_overlapping(period.start.isoformat(), period.end.isoformat())  # type: ignore[attr-defined]
    return sum(1 for e in dataset.events if e.range.overlaps(period))


def chronological(records: Iterable[Event | Quote]) -> list:
    """Oldest first; same first day: coarser precision first, then by id (stable)."""
    return sorted(records, key=lambda r: (r.date.sort_key(), r.id))


def _finish(records: list, limit: int | None, reverse: bool) -> list:
    if reverse:
        records.reverse()
    return records[:limit] if limit is not None else records


def events_matching(dataset: Dataset, wanted: EventFilter) -> list[Event]:
    if _indexed(dataset):
        return _indexed_matching(dataset, wanted)
    found = chronological(e for e in dataset.events if wanted.accepts(e))
    return _finish(found, wanted.limit, wanted.reverse)


def quotes_matching(
    dataset: Dataset,
    *,
    speaker: str | None = None,
    start: DateRange | None = None,
    end: DateRange | None = None,
    search: str | None = None,
    limit: int | None = None,
    reverse: bool = False,
    periods: tuple[DateRange, ...] = (),
) -> list[Quote]:
    needle = fold(search) if search else None
    found = chronological(
        q
        for q in dataset.quotes
        if (speaker is None or q.speaker == speaker)
        and within(q.range, start, end)
        and (not periods or any(q.range.overlaps(p) for p in periods))
        and (needle is None or _contains(needle, q.text, q.context))
    )
    return _finish(found, limit, reverse)


def treaties_matching(dataset: Dataset, status: str | None = None) -> list[Treaty]:
    found = [t for t in dataset.treaties if status is None or t.status == status]
    return sorted(found, key=lambda t: (t.signed.sort_key() if t.signed else (date.max, 0), t.id))


def events_of_treaty(dataset: Dataset, treaty: Treaty) -> list[Event]:
    linked = {m.event for m in treaty.milestones if m.event}
    if _indexed(dataset):
        found = {e.id: e for e in dataset.candidates(treaties=[treaty.id])}  # type: ignore[attr-defined]
        for event_id in linked:
            event = dataset.event_by_id.get(event_id)
            if event is not None:
                found[event.id] = event
        return chronological(found.values())
    return chronological(dataset.events_naming_treaty(treaty.id, linked))


def quotes_of_events(dataset: Dataset, events: Sequence[Event]) -> list[Quote]:
    ids = {e.id for e in events}
    return chronological(q for q in dataset.quotes if q.event in ids)
