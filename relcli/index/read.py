"""Reading a data file through its index: ``IndexedDataset``, a ``model.Records`` in SQL.

The small tables (actors, treaties, quotes, eras) are read whole on first use; events are
fetched on demand. ``candidates`` turns a question into SQL that finds every event which may
match (a superset), and the callers in ``query`` and ``search`` apply exactly the in-memory
rules to those, so both datasets answer alike.
"""

from __future__ import annotations

import functools
import json
import os
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dates import DateRange
from ..model import (
    SCHEMA_VERSION,
    Actor,
    Dataset,
    Era,
    Event,
    Quote,
    Selection,
    Tally,
    TextSearch,
    Treaty,
)
from . import halves, ranking, sql
from .byid import EventsById
from .decoding import decode as _decode
from .decoding import text_decoder as _text_decoder

if TYPE_CHECKING:
    import sqlite3


FIRST_ROWS = 20_000  # events walked along the index before one pass over the table (_in_order)
_RUN = 500  # rows read at once by their positions


class IndexedDataset:
    """A data file read through its index: small tables in memory, events on demand."""

    def __init__(self, db: sqlite3.Connection, path: Path, image: bytes | None = None) -> None:
        if image is not None:
            db.deserialize(image)
        self.db = db
        # A sort of many rows (every event in date order: export, search --all) runs on helper
        # threads too: `export json -` of a million events 4.9 -> 4.2 s, +4 MB.
        db.execute(f"PRAGMA threads={min(os.cpu_count() or 1, 4)}")
        self.path = path
        (meta,) = db.execute("SELECT value FROM meta WHERE key = 'meta'").fetchone()
        self.meta = json.loads(meta)
        self.event_by_id = EventsById(db)
        self.halves = halves.Halves(db, self.event_count, path)
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

    def count_overlapping(self, periods: Sequence[DateRange]) -> list[int]:
        """See ``model.Records.count_overlapping``: one pass over the rows that overlap any of
        them (counting each period apart read the table once per period, in the order of the
        index on "end": 1.5 s each for an early era on a million events)."""
        if not periods:
            return []
        where, params = sql.selection_where(Selection(periods=tuple(periods)))
        counts = ", ".join(['coalesce(sum("end" >= ? AND start <= ?), 0)'] * len(periods))
        bounds = [day.isoformat() for p in periods for day in (p.start, p.end)]
        statement = f"SELECT {counts} FROM {self._rows(Selection(periods=tuple(periods)), where)}"
        return list(self.db.execute(statement, bounds + params).fetchone())

    def record_texts(self, kind: str) -> Mapping[str, str]:
        """See ``model.Records``: none here (``event_json`` gives a selection's texts)."""
        return {}

    def events_naming_treaty(self, treaty_id: str, also: Collection[str]) -> list[Event]:
        found = {e.id: e for e in self.candidates(treaties=[treaty_id])}
        for event_id in also:
            event = self.event_by_id.get(event_id)
            if event is not None:
                found[event.id] = event
        return list(found.values())

    def tally(
        self,
        selection: Selection,
        counting: Collection[str] = Tally.STATS,
        *,
        ordered: bool = False,
        search: TextSearch | None = None,
    ) -> Tally:
        """See ``model.Records.tally``: one pass over the selected rows' columns, each column
        concatenated in SQL and counted by ``Counter`` (per row, either costs more than the
        pass itself: a GROUP BY sorts, a Python loop builds a tuple); no event is built.

        A search is decided in SQL on the rows of plain ASCII, where the title and summary
        fold to their lower case (``sql.found_where``); the other rows, or all of them when a
        needle has a space (folding collapses spaces), are counted here from a light decoding
        of their title and summary, as ``query`` would judge them."""
        wanted = [f for f in Tally._fields if f in counting]
        if not wanted:
            return Tally(Counter(), Counter(), Counter(), Counter())
        where, params = sql.selection_where(selection)
        counts = {f: Counter[Any]() for f in wanted}
        by_hand = search is not None and bool(search.needles)
        if by_hand:
            assert search is not None
            exact = None if ordered else sql.found_where(search.needles)
            if exact is not None:
                found, values = exact
                self._tally_in_sql(selection, where + found, params + values, wanted, counts)
                where = [*where, "ascii = 0"]
            else:
                where = where + sql.likely_where(search.needles)
                params = params + sql.likely_values(search.needles)
            self._tally_found(selection, where, params, wanted, counts, search, ordered)
        else:
            self._tally_in_sql(selection, where, params, wanted, counts, ordered)
        if "years" in counts:
            counts["years"] = Counter({(int(k[:4]), k[4:]): n for k, n in counts["years"].items()})
        if "tags" in counts:
            counts["tags"] = sql.unpiped(counts["tags"])
        counts.get("actors", Counter()).pop("", None)
        return Tally(*(counts.get(f, Counter()) for f in Tally._fields))

    def _tally_in_sql(
        self,
        selection: Selection,
        where: list[str],
        params: list[Any],
        wanted: list[str],
        counts: dict[str, Counter[Any]],
        ordered: bool = False,
    ) -> None:
        """Add the raw counts of the rows ``where`` selects (each counter's column values).
        A pass over a whole big table runs on both cores, a half of it each (``halves``)."""
        rows = self._rows(selection, where)
        listed = ", ".join(f"group_concat({sql.TALLIED[f]})" for f in wanted)
        walked = rows.startswith("events INDEXED BY")
        middle = self._middle_start(selection) if ordered and walked else None
        if middle is not None:
            # In chronological order on both cores: the rows before the middle day, and the
            # rest (a day's rows all fall in one half), each walked along the index and sorted,
            # concatenated in turn. (A whole pass each, to sort half, measured slower.)
            statements = [
                f"SELECT {listed} FROM (SELECT {sql.TALLY_COLUMNS} FROM "
                f"{self._rows(selection, [*where, half])} ORDER BY start, precision, id)"
                for half in ("start < :middle", "start >= :middle")
            ]
            found_rows = self.halves.run(statements, params, middle)
        elif ordered:
            sort = f"(SELECT {sql.TALLY_COLUMNS} FROM {rows} ORDER BY start, precision, id)"
            found_rows = [self.db.execute(f"SELECT {listed} FROM {sort}", params).fetchone()]
        elif rows.startswith("events NOT INDEXED"):
            statements = [
                f"SELECT {listed} FROM {self._rows(selection, [*where, half])}"
                for half in halves.HALVES
            ]
            found_rows = self.halves.run(statements, params)
        else:
            found_rows = [self.db.execute(f"SELECT {listed} FROM {rows}", params).fetchone()]
        for found in found_rows:
            for f, text in zip(wanted, found, strict=True):
                counts[f].update(text.split("|" if f == "actors" else ",") if text else ())

    def _tally_found(
        self,
        selection: Selection,
        where: list[str],
        params: list[Any],
        wanted: list[str],
        counts: dict[str, Counter[Any]],
        search: TextSearch,
        ordered: bool,
    ) -> None:
        """``_tally_in_sql`` for the rows ``search`` finds, judged here one by one."""
        rows = f"SELECT {sql.TALLY_COLUMNS}, body FROM {self._rows(selection, where)}"
        if ordered:
            rows += " ORDER BY start, precision, id"
        decode = _text_decoder()
        for start, tone, kind, tags, actors, body in self.db.execute(rows, params):
            if search.found_in(decode(body)):
                values = {"years": (start[:4] + tone,), "kinds": (kind,), "tags": (tags,)}
                for f in wanted:
                    counts[f].update(actors.split("|") if f == "actors" else values[f])

    def event_texts(
        self,
        selection: Selection,
        any_of: Sequence[Sequence[tuple[str, str]]] = (),
        ordered: bool = True,
    ) -> Iterator[tuple[int, Any]]:
        """See ``model.Records.event_texts``: the rows are found and sorted in SQL without their
        JSON (a lighter sort), which is then read a run at a time, and only the texts of it
        decoded; the key is the row's position. A search that has its best stops early.
        Unordered, the rows come in one pass over the table (a million: 1.9 s, not 5.6)."""
        where, params = sql.selection_where(selection)
        narrowed, values = sql.any_of_where(any_of)
        decode = _text_decoder()
        rows = self._rows(selection, where + narrowed)
        if not ordered:
            for pos, body in self.db.execute(f"SELECT pos, body FROM {rows}", params + values):
                yield pos, decode(body)
            return
        statement = "SELECT pos FROM " + rows
        positions = self.db.execute(statement + " ORDER BY start, precision, id", params + values)
        while run := [pos for (pos,) in positions.fetchmany(_RUN)]:
            bodies = self._bodies_at(run)
            for pos in run:
                yield pos, decode(bodies[pos])

    def events_at(self, keys: Sequence[int]) -> list[Event]:
        """See ``model.Records``: read in the table's order (neighbours share pages)."""
        found: dict[int, Event] = {}
        in_order = sorted(keys)
        for first in range(0, len(in_order), _RUN):
            bodies = self._bodies_at(in_order[first : first + _RUN])
            found.update((pos, Event.from_json(_decode(body))) for pos, body in bodies.items())
        return [found[key] for key in keys]

    def event_json_ranked(
        self,
        selection: Selection,
        any_of: Sequence[Sequence[tuple[str, str]]],
        weigh: Callable[[Any], int],
    ) -> Iterator[tuple[int, tuple[date, int], str, str]]:
        """See ``model.Records``: weighed and ordered in SQL (``index.ranking``); what
        ``any_of`` asks is tested in SQL, a group naming many actors by a set of them."""
        where, params = sql.selection_where(selection)
        actors: list[frozenset[str]] = []  # of groups too big for an instr each (sql.any_of_where)
        narrowed, values = sql.any_of_where(any_of, actors)
        rows = self._rows(selection, where + narrowed)
        weighed = ranking.Weighed(weigh, _text_decoder(), actors)
        return ranking.ranked(self.db, rows, params + values, weighed)

    def _bodies_at(self, run: Sequence[int]) -> dict[int, str]:
        """The JSON of the events at these positions (a run of at most ``_RUN``)."""
        marks = ",".join("?" * len(run))
        return dict(self.db.execute(f"SELECT pos, body FROM events WHERE pos IN ({marks})", run))

    def event_urls(self, since: int) -> tuple[Counter[str], Counter[str]]:
        """See ``model.Records.event_urls``: the urls column, concatenated in SQL and counted
        by ``Counter`` (few events cite a list of their own), each half on its own core."""
        statement = (
            "SELECT group_concat(urls, char(30)),"
            " group_concat(CASE WHEN start >= ? THEN urls END, char(30)) FROM events NOT INDEXED"
        )
        first_day = f"{since:04d}-01-01"  # the first day of an event's date: in its year
        halves_found = self.halves.run(
            [f"{statement} WHERE {h}" for h in halves.HALVES], [first_day]
        )
        every: Counter[str] = Counter()
        recent: Counter[str] = Counter()
        for all_urls, recent_urls in halves_found:
            every.update(all_urls.split("\x1e") if all_urls is not None else ())
            recent.update(recent_urls.split("\x1e") if recent_urls is not None else ())
        return every, recent

    def events_citing(self, url_lists: Collection[str]) -> list[str]:
        wanted = list(url_lists)
        found: list[str] = []
        for first in range(0, len(wanted), _RUN):
            run = wanted[first : first + _RUN]
            marks = ",".join("?" * len(run))
            (ids,) = self.db.execute(  # concatenated: a synthetic file lists every event here
                f"SELECT group_concat(id, char(30)) FROM events NOT INDEXED WHERE urls IN ({marks})",
                run,
            ).fetchone()
            found += ids.split("\x1e") if ids is not None else []
        return found

    def _rows(self, selection: Selection, where: list[str]) -> str:
        """``events`` read along the chronological index when the dates narrow it to a sixth of
        the events or fewer, else whole (a lookup per row costs six times a row of one pass).
        The range's bounds are days computed here, so they are written into the SQL."""
        starts, bounds = self._starts(*sql.bounds(selection))
        if self._walked(starts, bounds) is None:
            return "events NOT INDEXED" + sql.where(where)
        conditions = [c.replace("?", f"'{b}'") for c, b in zip(starts, bounds, strict=True)]
        return "events INDEXED BY events_order" + sql.where([*where, *conditions])

    def _middle_start(self, selection: Selection) -> str | None:
        """The start at the middle of the rows the dates of ``selection`` leave, counted in the
        chronological index alone; None when too few to share between two cores."""
        starts, bounds = self._starts(*sql.bounds(selection))
        walk = f"FROM events INDEXED BY events_order{sql.where(starts)}"
        count = self.db.execute(f"SELECT COUNT(*) {walk}", bounds).fetchone()[0]
        if count < halves.SHARED_FROM // 2:
            return None
        middle = f"SELECT start {walk} ORDER BY start LIMIT 1 OFFSET {count // 2}"
        return str(self.db.execute(middle, bounds).fetchone()[0])

    def _walked(self, starts: list[str], bounds: list[Any]) -> int | None:
        """How many events these conditions on ``start`` leave (counted in the index alone) if a
        sixth of the events or fewer, so walking the index is the cheaper way to them; else None."""
        if not starts:
            return None
        count = f"SELECT COUNT(*) FROM events{sql.where(starts)}"
        (found,) = self.db.execute(count, bounds).fetchone()
        return int(found) if found * 6 <= self.event_count() else None

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
        where, params = self._select(
            Selection(
                after=start,
                before=end,
                kinds=tuple(kinds),
                tags=tuple(tags),
                actors=tuple(actors),
                treaties=tuple(treaties),
            ),
            texts,
            any_of,
            month_day,
        )
        rows = self._in_order(where, params, start, end, reverse, bool(treaties or month_day))
        for (body,) in rows:
            yield Event.from_json(_decode(body))

    def event_json(self, selection: Selection, reverse: bool = False) -> Iterator[str]:
        """See ``model.Records.event_json``: each event's JSON as the index keeps it."""
        where, params = self._select(selection, (), (), None)
        low, high = sql.bounds(selection)
        rows = self._in_order(where, params, low, high, reverse, bool(selection.treaties))
        return map(itemgetter(0), rows)

    def _select(
        self,
        selection: Selection,
        texts: Sequence[str],
        any_of: Sequence[Sequence[tuple[str, str]]],
        month_day: tuple[int, int] | None,
    ) -> tuple[list[str], list[Any]]:
        """SQL conditions for the events ``selection`` accepts (exactly) and that may hold
        ``texts`` and match ``any_of`` and ``month_day`` (a superset: callers decide)."""
        where, params = sql.selection_where(selection)
        starts, bounds = self._starts(*sql.bounds(selection))  # a range of the index
        where += starts
        params += bounds
        # The folded text's words all occur in the record's JSON, unless the JSON has
        # characters folding would change (accents, dashes): those rows always pass.
        where += sql.likely_where(texts)
        params += sql.likely_values(texts)
        narrowed, values = sql.any_of_where(any_of)
        where += narrowed
        params += values
        if month_day:
            # Dates known to the day begin or end on it (a month or year has no day).
            where.append(
                "((precision = 3 AND substr(start, 6) = ?)"
                ' OR (end_precision = 3 AND substr("end", 6) = ?))'
            )
            params += [f"{month_day[0]:02d}-{month_day[1]:02d}"] * 2
        return where, params

    def _in_order(
        self,
        where: list[str],
        params: list[Any],
        start: date | None,
        end: date | None,
        reverse: bool,
        few: bool,
    ) -> Iterator[tuple[str]]:
        """The rows in chronological order, along the chronological index so the first come at
        once (``| head``). A walk costs a lookup per event (~3 µs, six times a row of one pass
        over the table). Dates that leave a sixth of the events or fewer: all are walked, the
        later part meanwhile on a second connection (``halves.in_turn``); else ``FIRST_ROWS``
        are, and the rest is read in one pass and sorted. ``few``: the conditions find few rows
        by themselves (a treaty's links, a day of the year): SQLite finds and sorts them."""
        order = "DESC" if reverse else "ASC"
        ordering = f" ORDER BY start {order}, precision {order}, id {order}"
        if few:  # NOT INDEXED: else SQLite walks the whole chronological index to avoid a sort
            rows = "SELECT body FROM events NOT INDEXED" + sql.where(where) + ordering
            yield from self.db.execute(rows, params)
            return
        starts_where, bounds = self._starts(start, end)
        walk = "SELECT body FROM events INDEXED BY events_order"
        before, after = ("start > ?", "start <= ?") if reverse else ("start < ?", "start >= ?")
        first = " ORDER BY start DESC" if reverse else " ORDER BY start"
        along = f"SELECT start FROM events INDEXED BY events_order{sql.where(starts_where)}{first}"
        count = self._walked(starts_where, bounds)
        row = None  # where the later part begins
        if count is None:
            row = self.db.execute(f"{along} LIMIT 1 OFFSET {FIRST_ROWS}", bounds).fetchone()
        elif count >= halves.WALK_SHARED_FROM:  # the later half, or its last rows (later_most)
            later = min(count // 2, self.halves.later_most())
            row = self.db.execute(f"{along} LIMIT 1 OFFSET {count - later}", bounds).fetchone()
        if row is None:  # few enough to walk them all on one connection
            yield from self.db.execute(walk + sql.where(where) + ordering, params)
            return
        cut = [*params, row[0]]
        parts = [(walk + sql.where([*where, p]) + ordering, cut) for p in (before, after)]
        if count is not None:
            yield from self.halves.in_turn(*parts)
            return
        yield from self.db.execute(*parts[0])
        rest = "SELECT body FROM events NOT INDEXED" + sql.where([*where, after])
        yield from self.db.execute(rest + ordering, cut)
