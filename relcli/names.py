"""Finding a record or a term by what a person types: ``INF``, ``sergey lavrov``, ``Cold War``,
``arms control``, ``ussr``. Names compare folded (case, accents, dashes and spacing do not
matter); an unknown name raises ``NotFound`` or ``UnknownTerm`` with the closest names, a name
that fits several records ``Ambiguous`` with all of them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import timedelta

from .dates import DateRange
from .errors import Ambiguous, NotFound, UnknownTerm
from .model import Actor, Era, Event, Quote, Records, Treaty
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
