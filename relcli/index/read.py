"""Reading a data file through its index: ``IndexedDataset``, a ``model.Records`` in SQL.

The small tables (actors, treaties, quotes, eras) are read whole on first use; events are
fetched on demand. ``candidates`` turns a question into SQL that finds every event which may
match (a superset), and the callers in ``query`` and ``search`` apply exactly the in-memory
rules to those, so both datasets answer alike.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dates import DateRange
from ..model import SCHEMA_VERSION, Actor, Dataset, Era, Event, Quote, Treaty

if TYPE_CHECKING:
    import sqlite3


FIRST_ROWS = 20_000  # events walked along the index before one pass over the table (_in_order)


class IndexedDataset:
    """A data file read through its index: small tables in memory, events on demand."""

    def __init__(self, db: sqlite3.Connection, path: Path, image: bytes | None = None) -> None:
        if image is not None:
            db.deserialize(image)
        self.db = db
        self.path = path
        (meta,) = db.execute("SELECT value FROM meta WHERE key = 'meta'").fetchone()
        self.meta = json.loads(meta)
        self.event_by_id = _EventsById(self)
        self._all: tuple[Event, ...] | None = None
        self.schema_version = SCHEMA_VERSION

    # The small tables are read on first use: a timeline of a million events needs none of the
    # thousands of actors and quotes (0.2 s at a million events).

    def _table(self, kind: str, record: Any) -> tuple[Any, ...]:
        rows = self.db.execute("SELECT body FROM records WHERE kind = ? ORDER BY pos", (kind,))
        return tuple(record.from_json(json.loads(body)) for (body,) in rows)

    @functools.cached_property
    def actors(self) -> tuple[Actor, ...]:
        return self._table("actors", Actor)

    @functools.cached_property
    def treaties(self) -> tuple[Treaty, ...]:
        return self._table("treaties", Treaty)

    @functools.cached_property
    def quotes(self) -> tuple[Quote, ...]:
        return self._table("quotes", Quote)

    @functools.cached_property
    def eras(self) -> tuple[Era, ...]:
        return self._table("eras", Era)

    @functools.cached_property
    def actor_by_id(self) -> dict[str, Actor]:
        return {a.id: a for a in self.actors}

    @functools.cached_property
    def treaty_by_id(self) -> dict[str, Treaty]:
        return {t.id: t for t in self.treaties}

    @functools.cached_property
    def quote_by_id(self) -> dict[str, Quote]:
        return {q.id: q for q in self.quotes}

    @functools.cached_property
    def era_by_id(self) -> dict[str, Era]:
        return {e.id: e for e in self.eras}

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event, in file order — loaded only for the commands that need them all."""
        if self._all is None:
            self._all = tuple(
                Event.from_json(_decode(body))
                for (body,) in self.db.execute("SELECT body FROM events ORDER BY pos")
            )
        return self._all

    def to_json(self) -> dict[str, Any]:
        return Dataset(
            self.meta, self.actors, self.treaties, self.events, self.quotes, self.eras
        ).to_json()

    def event_count(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'events'").fetchone()
        return (
            int(row[0])
            if row
            else int(self.db.execute("SELECT COUNT(*) FROM events").fetchone()[0])
        )

    @functools.cached_property
    def span(self) -> int | None:
        """The most years an event lasts (None: not recorded)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'span'").fetchone()
        return int(row[0]) if row else None

    def _dates(self, start: date | None, end: date | None) -> tuple[list[str], list[Any]]:
        """SQL for events overlapping ``start``..``end``: those ending on or after ``start``,
        within the range of the chronological index ``_starts`` gives."""
        where, params = self._starts(start, end)
        if start:
            where.insert(0, '"end" >= ?')
            params.insert(0, start.isoformat())
        return where, params

    def _starts(self, start: date | None, end: date | None) -> tuple[list[str], list[Any]]:
        """The range of start days an event overlapping ``start``..``end`` has: it began at
        most ``span`` years (the longest any event lasts) before ``start``, and by ``end``."""
        where: list[str] = []
        params: list[Any] = []
        if start and self.span is not None and start.year - self.span > 1:
            where.append("start >= ?")
            params.append(f"{start.year - self.span:04d}-01-01")
        if end:
            where.append("start <= ?")
            params.append(end.isoformat())
        return where, params

    def count_overlapping(self, period: DateRange) -> int:
        where, params = self._dates(period.start, period.end)
        row = self.db.execute(f"SELECT COUNT(*) FROM events WHERE {' AND '.join(where)}", params)
        return int(row.fetchone()[0])

    def events_naming_treaty(self, treaty_id: str, also: Collection[str]) -> list[Event]:
        found = {e.id: e for e in self.candidates(treaties=[treaty_id])}
        for event_id in also:
            event = self.event_by_id.get(event_id)
            if event is not None:
                found[event.id] = event
        return list(found.values())

    def kinds_and_tags(self) -> Iterator[tuple[str, list[str]]]:
        for kind, tags in self.db.execute("SELECT kind, tags FROM events"):
            yield kind, [t for t in tags.split("|") if t]

    def candidates(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        kinds: Sequence[str] = (),
        tags: Sequence[str] = (),
        actors: Sequence[str] = (),
        treaties: Sequence[str] = (),
        texts: Sequence[str] = (),
        any_of: Sequence[Sequence[tuple[str, str]]] = (),
        month_day: tuple[int, int] | None = None,
        reverse: bool = False,
    ) -> Iterator[Event]:
        """See ``model.Records.candidates``: SQL narrows, callers apply the exact rules."""
        rows = self._select(
            start, end, kinds, tags, actors, treaties, texts, any_of, month_day, reverse
        )
        for (body,) in rows:
            yield Event.from_json(_decode(body))

    def event_texts(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        kinds: Sequence[str] = (),
        tags: Sequence[str] = (),
        actors: Sequence[str] = (),
        treaties: Sequence[str] = (),
        reverse: bool = False,
    ) -> Iterator[str]:
        """See ``model.Records.event_texts``: each event's JSON as the index keeps it."""
        rows = self._select(start, end, kinds, tags, actors, treaties, (), (), None, reverse)
        return (body for (body,) in rows)

    def _select(
        self,
        start: date | None,
        end: date | None,
        kinds: Sequence[str],
        tags: Sequence[str],
        actors: Sequence[str],
        treaties: Sequence[str],
        texts: Sequence[str],
        any_of: Sequence[Sequence[tuple[str, str]]],
        month_day: tuple[int, int] | None,
        reverse: bool,
    ) -> Iterator[tuple[str]]:
        where, params = self._dates(start, end)
        if kinds:
            where.append(f"kind IN ({','.join('?' * len(kinds))})")
            params += list(kinds)
        for treaty in treaties:  # the link table finds them without reading every event
            where.append("pos IN (SELECT pos FROM event_treaties WHERE treaty = ?)")
            params.append(treaty)
        for column, values in (("tags", tags), ("actors", actors)):
            for value in values:
                where.append(f"instr({column}, ?) > 0")
                params.append(f"|{value}|")
        for word in (w for text in texts for w in text.split()):
            # The folded text's words all occur in the record's JSON, unless the JSON has
            # characters folding would change (accents, dashes): those rows always pass.
            if _likeable(word):
                where.append("(ascii = 0 OR body LIKE ? ESCAPE '!')")
                params.append(f"%{_like_escape(word)}%")
        for alternatives in any_of:  # at least one of (column, needle) must hold
            tests, values = ["ascii = 0"], []
            for column, needle in alternatives:
                if column == "body":
                    if not _likeable(needle):
                        tests, values = [], []
                        break
                    tests.append("body LIKE ? ESCAPE '!'")
                    values.append(f"%{_like_escape(needle)}%")
                else:
                    tests.append(f"instr({column}, ?) > 0")
                    values.append(needle)
            if tests:
                where.append("(" + " OR ".join(tests) + ")")
                params += values
        if month_day:
            # Dates known to the day begin or end on it (a month or year has no day).
            where.append(
                "((precision = 3 AND substr(start, 6) = ?)"
                ' OR (end_precision = 3 AND substr("end", 6) = ?))'
            )
            params += [f"{month_day[0]:02d}-{month_day[1]:02d}"] * 2
        order = "DESC" if reverse else "ASC"
        ordering = f" ORDER BY start {order}, precision {order}, id {order}"
        if treaties or month_day:  # few rows: let SQLite find them and sort them
            sql = "SELECT body FROM events" + (" WHERE " + " AND ".join(where) if where else "")
            return self.db.execute(sql + ordering, params)
        return self._in_order(where, params, ordering, reverse, self._starts(start, end))

    def _in_order(
        self,
        where: list[str],
        params: list[Any],
        ordering: str,
        reverse: bool,
        starts: tuple[list[str], list[Any]],
    ) -> Iterator[tuple[str]]:
        """The rows, found along the chronological index so the first come at once (``|
        head``). Walking the index costs a lookup per event, about 3 µs, six times a pass over
        the table; when the dates leave more than a sixth of the events, only ``FIRST_ROWS``
        are walked, and the rest of the range is read in one pass over the table and sorted."""
        starts_where, bounds = starts
        walk = "SELECT body FROM events INDEXED BY events_order"
        count = f"SELECT COUNT(*) FROM events{_where(starts_where)}"  # in the index alone
        row = None
        if self.db.execute(count, bounds).fetchone()[0] * 6 > self.event_count():
            first = " ORDER BY start DESC" if reverse else " ORDER BY start"
            sql = f"SELECT start FROM events INDEXED BY events_order{_where(starts_where)}{first}"
            row = self.db.execute(f"{sql} LIMIT 1 OFFSET {FIRST_ROWS}", bounds).fetchone()
        if row is None:  # few enough to walk them all (cheaper than a pass over every event)
            yield from self.db.execute(walk + _where(where) + ordering, params)
            return
        before, after = ("start > ?", "start <= ?") if reverse else ("start < ?", "start >= ?")
        yield from self.db.execute(walk + _where([*where, before]) + ordering, [*params, row[0]])
        rest = "SELECT body FROM events NOT INDEXED" + _where([*where, after])
        yield from self.db.execute(rest + ordering, [*params, row[0]])


def _where(conditions: list[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def _decode(body: str) -> Any:
    """An event's stored JSON: msgspec decodes it in half the time of ``json``, which still
    reads what msgspec refuses (lone surrogates, kept by the plain reading)."""
    import msgspec

    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError:
        return json.loads(body)


class _EventsById:
    """``dataset.event_by_id`` for an index: looks events up in SQL, one at a time."""

    def __init__(self, dataset: IndexedDataset) -> None:
        self.dataset = dataset

    def get(self, key: str, default: Event | None = None) -> Event | None:
        row = self.dataset.db.execute(
            "SELECT body FROM events WHERE id = ? LIMIT 1", (key,)
        ).fetchone()
        return Event.from_json(_decode(row[0])) if row else default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> Event:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self.dataset.db.execute("SELECT id FROM events ORDER BY pos"))


def _likeable(word: str) -> bool:
    """Whether an ASCII ``LIKE`` on the raw JSON finds this folded word wherever fold() would."""
    return (
        bool(word)
        and word.isascii()
        and not any(c in word for c in '"\\\x7f')
        and word.isprintable()
    )


def _like_escape(word: str) -> str:
    return word.replace("!", "!!").replace("%", "!%").replace("_", "!_")
