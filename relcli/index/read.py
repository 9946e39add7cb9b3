"""Reading a data file through its index: ``IndexedDataset``, a ``model.Records`` in SQL.

The small tables (actors, treaties, quotes, eras) are read whole on first use; events are
fetched on demand. ``candidates`` turns a question into SQL that finds every event which may
match (a superset), and the callers in ``query`` and ``search`` apply exactly the in-memory
rules to those, so both datasets answer alike.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dates import DateRange
from ..model import SCHEMA_VERSION, Actor, Dataset, Era, Event, Quote, Selection, Tally, Treaty

if TYPE_CHECKING:
    import sqlite3


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

    def _selective(self, start: str) -> bool:
        total = self.event_count()
        if total < 5000:
            return False
        (after,) = self.db.execute(
            'SELECT COUNT(*) FROM events WHERE "end" >= ?', (start,)
        ).fetchone()
        return bool(after * 4 < total)

    def count_overlapping(self, periods: Sequence[DateRange]) -> list[int]:
        """See ``model.Records.count_overlapping``: one pass over the rows that overlap any of
        them (counting each period apart read the table once per period, in the order of the
        index on "end": 1.5 s each for an early era on a million events)."""
        if not periods:
            return []
        where, params = _selection_where(Selection(periods=tuple(periods)))
        counts = ", ".join(['coalesce(sum("end" >= ? AND start <= ?), 0)'] * len(periods))
        bounds = [day.isoformat() for p in periods for day in (p.start, p.end)]
        sql = f"SELECT {counts} FROM {self._rows(Selection(periods=tuple(periods)), where)}"
        return list(self.db.execute(sql, bounds + params).fetchone())

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
    ) -> Tally:
        """See ``model.Records.tally``: one pass over the selected rows' columns, each column
        concatenated in SQL and counted by ``Counter`` (per row, either costs more than the
        pass itself: a GROUP BY sorts, a Python loop builds a tuple); no event is built."""
        wanted = [f for f in Tally._fields if f in counting]
        if not wanted:
            return Tally(Counter(), Counter(), Counter(), Counter())
        where, params = _selection_where(selection)
        rows = self._rows(selection, where)
        if ordered:
            rows = f"(SELECT {_TALLY_COLUMNS} FROM {rows} ORDER BY start, precision, id)"
        listed = ", ".join(f"group_concat({_TALLIED[f]})" for f in wanted)
        found = self.db.execute(f"SELECT {listed} FROM {rows}", params).fetchone()
        counts = {
            f: Counter(text.split("|" if f == "actors" else ",") if text else ())
            for f, text in zip(wanted, found, strict=True)
        }
        if "years" in counts:
            counts["years"] = Counter({(int(k[:4]), k[4:]): n for k, n in counts["years"].items()})
        if "tags" in counts:
            counts["tags"] = _unpiped(counts["tags"])
        counts.get("actors", Counter()).pop("", None)
        return Tally(*(counts.get(f, Counter()) for f in Tally._fields))

    def event_texts(
        self, selection: Selection, any_of: Sequence[Sequence[tuple[str, str]]] = ()
    ) -> Iterator[tuple[int, Any]]:
        """See ``model.Records.event_texts``: the rows are found and sorted in SQL without their
        JSON (a lighter sort), which is then read a run at a time, and only the texts of it
        decoded; the key is the row's position. A search that has its best stops early."""
        where, params = _selection_where(selection)
        narrowed, values = _any_of_where(any_of)
        sql = "SELECT pos FROM " + self._rows(selection, where + narrowed)
        positions = self.db.execute(sql + " ORDER BY start, precision, id", params + values)
        decode = _text_decoder()
        while run := [pos for (pos,) in positions.fetchmany(_RUN)]:
            marks = ",".join("?" * len(run))
            bodies = dict(
                self.db.execute(f"SELECT pos, body FROM events WHERE pos IN ({marks})", run)
            )
            for pos in run:
                yield pos, decode(bodies[pos])

    def events_at(self, keys: Sequence[int]) -> list[Event]:
        found: dict[int, Event] = {}
        for first in range(0, len(keys), _RUN):
            run = keys[first : first + _RUN]
            marks = ",".join("?" * len(run))
            rows = self.db.execute(f"SELECT pos, body FROM events WHERE pos IN ({marks})", run)
            found.update((pos, Event.from_json(_decode(body))) for pos, body in rows)
        return [found[key] for key in keys]

    def event_urls(self, since: int) -> tuple[Counter[str], Counter[str]]:
        """See ``model.Records.event_urls``: the urls column, concatenated in SQL and counted
        by ``Counter`` (few events cite a list of their own)."""
        every, recent = self.db.execute(
            "SELECT group_concat(urls, char(30)),"
            " group_concat(CASE WHEN start >= ? THEN urls END, char(30)) FROM events NOT INDEXED",
            (f"{since:04d}-01-01",),  # the first day of an event's date: in its year
        ).fetchone()
        return (
            Counter(every.split("\x1e") if every is not None else ()),
            Counter(recent.split("\x1e") if recent is not None else ()),
        )

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
        """``events`` read through the index on "end" when it narrows to a few, else whole
        (given a lower bound, SQLite would walk that index and read the table row by row in
        its order: 3 times slower than reading it whole when more than a quarter is wanted)."""
        starts = [p.start for p in selection.periods]
        low = max(filter(None, (selection.after, min(starts, default=None))), default=None)
        if low is not None and self._selective(low.isoformat()):
            rows = "events INDEXED BY events_end"
        else:
            rows = "events NOT INDEXED"
        return rows + (" WHERE " + " AND ".join(where) if where else "")

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
        where, params = _selection_where(
            Selection(
                after=start,
                before=end,
                kinds=tuple(kinds),
                tags=tuple(tags),
                actors=tuple(actors),
                treaties=tuple(treaties),
            )
        )
        for word in (w for text in texts for w in text.split()):
            # The folded text's words all occur in the record's JSON, unless the JSON has
            # characters folding would change (accents, dashes): those rows always pass.
            if _likeable(word):
                where.append("(ascii = 0 OR body LIKE ? ESCAPE '!')")
                params.append(f"%{_like_escape(word)}%")
        narrowed, values = _any_of_where(any_of)
        where += narrowed
        params += values
        if month_day:
            where.append("((month = ? AND day = ?) OR (end_month = ? AND end_day = ?))")
            params += [*month_day, *month_day]
        order = "DESC" if reverse else "ASC"
        sql = "SELECT body FROM events"
        if start and self._selective(start.isoformat()):
            # Few events end after --from: find them by that index and sort them, rather than
            # walk the whole chronological index (SQLite would choose the latter to avoid a sort).
            sql += " INDEXED BY events_end"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY start {order}, precision {order}, id {order}"
        for (body,) in self.db.execute(sql, params):
            yield Event.from_json(_decode(body))


_TALLIED = {  # what ``tally`` concatenates for each counter, and with what between
    "years": "substr(start, 1, 4) || tone, ','",  # start is an ISO day: 4 digits of year first
    "kinds": "kind, ','",
    "tags": "tags, ','",  # each list whole: few lists repeat, and each is split once
    "actors": "actors, ''",  # every value apart: lists of actors seldom repeat
}
_TALLY_COLUMNS = "start, tone, kind, tags, actors"


def _unpiped(lists: Counter[str]) -> Counter[str]:
    """How often each value occurs, from how often each "|a|b|" list of them does (far fewer
    lists than events, usually: splitting each once is cheaper than splitting every event's).
    Values are first met in the order of the lists, as ``Tally`` needs."""
    found: Counter[str] = Counter()
    for listed, n in lists.items():
        for value in listed[1:-1].split("|"):
            if value:
                found[value] += n
    return found


def _selection_where(selection: Selection) -> tuple[list[str], list[Any]]:
    """SQL conditions (and their parameters) that hold exactly for the events ``selection``
    accepts: each condition of ``Selection.accepts``, on the columns that hold those fields."""
    where: list[str] = []
    params: list[Any] = []
    if selection.after:
        where.append('"end" >= ?')
        params.append(selection.after.isoformat())
    if selection.before:
        where.append("start <= ?")
        params.append(selection.before.isoformat())
    if selection.periods:  # within the span of all (an index may find those), and one of them
        where += ['"end" >= ?', "start <= ?"]
        params += [
            min(p.start for p in selection.periods).isoformat(),
            max(p.end for p in selection.periods).isoformat(),
        ]
        where.append(
            "(" + " OR ".join(['("end" >= ? AND start <= ?)'] * len(selection.periods)) + ")"
        )
        for period in selection.periods:
            params += [period.start.isoformat(), period.end.isoformat()]
    if selection.kinds:
        where.append(f"kind IN ({','.join('?' * len(selection.kinds))})")
        params += list(selection.kinds)
    if selection.not_kinds:
        where.append(f"kind NOT IN ({','.join('?' * len(selection.not_kinds))})")
        params += list(selection.not_kinds)
    for treaty in selection.treaties:  # the link table finds them without reading every event
        where.append("pos IN (SELECT pos FROM event_treaties WHERE treaty = ?)")
        params.append(treaty)
    for column, every, none in (
        ("tags", selection.tags, selection.not_tags),
        ("actors", selection.actors, selection.not_actors),
    ):
        where += [f"instr({column}, ?) > 0"] * len(every) + [f"instr({column}, ?) = 0"] * len(none)
        params += [f"|{value}|" for value in (*every, *none)]
    if selection.any_tags:
        where.append("(" + " OR ".join(["instr(tags, ?) > 0"] * len(selection.any_tags)) + ")")
        params += [f"|{tag}|" for tag in selection.any_tags]
    return where, params


def _any_of_where(
    any_of: Sequence[Sequence[tuple[str, str]]],
) -> tuple[list[str], list[Any]]:
    """For each group of ``any_of``, a condition that holds where one of its (column, needle)
    may: a LIKE on the JSON for "body" (rows with text folding would change always pass)."""
    where: list[str] = []
    params: list[Any] = []
    for alternatives in any_of:
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
    return where, params


_RUN = 500  # rows read at once by their positions


@functools.cache
def _text_decoder() -> Any:
    """Decodes what ``EventText`` needs of an event's JSON, and nothing else: a third of the
    time of decoding it whole, and no ``Event`` built. ``json`` reads what msgspec refuses."""
    import msgspec

    class Texts(msgspec.Struct):
        title: str
        summary: str
        kind: str
        tags: list[str] = []
        actors: list[str] = []

    decoder = msgspec.json.Decoder(Texts)

    def decode(body: str) -> Texts:
        try:
            return decoder.decode(body)
        except msgspec.DecodeError:
            return msgspec.convert(json.loads(body), Texts)

    return decode


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
