"""The index builder: a data file's items and runs of events in, problems out.

``add`` takes what ``datastream`` (or ``fastread``) yields; ``add_batch`` a run of vetted
events (``batch``), which it sends to the writer (``writer``). On the plain way, events wait to
be vouched for as a run; the ones the fast rules refuse go to the full checker
(``rules.check_event``), the only one that words problems. ``finish`` checks what needs the
whole file (duplicates, references, the small tables, by the rules of ``rules.build``)
against the database.
"""

from __future__ import annotations

import contextlib
import json
import os
from array import array as hashes  # of 64-bit integers: hashes, line numbers
from collections.abc import Callable, Iterable
from itertools import compress
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from .. import cache, rules
from ..datafile import lone_surrogates, relocated
from ..datastream import ArrayEnd, Element, Item, NotAnObject, Value
from ..errors import Problem
from . import wholefile
from .batch import Batch, GiveUp, TypedEvent, vet
from .writer import FINISHING, INDEXES, PRAGMAS, SCHEMA, DirectWriter, EventWriter

if TYPE_CHECKING:
    import sqlite3

MAX_PROBLEMS = 100
BATCH = 20_000
T = TypeVar("T")


class Builder:
    """Takes a file's items (``add``) and vetted runs of events (``add_batch``) into a new
    index database; ``finish`` checks what needs the whole file and gives every problem."""

    def __init__(self, path: Path, target: Path, *, temporary: Path | None = None) -> None:
        import sqlite3

        self.path = path
        self.problems: list[Problem] = []
        target.parent.mkdir(parents=True, exist_ok=True)
        # Named with its owner's pid, so a build that was killed is swept away later.
        self.temporary = temporary or cache.temporary_for(target, "building")
        os.close(os.open(self.temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:  # a SIGTERM (Terminated) here, before the caller holds the builder, leaves nothing
            with contextlib.closing(sqlite3.connect(self.temporary)) as db:
                db.executescript(PRAGMAS + SCHEMA)  # no fsync: the file is renamed when done
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(self.temporary)
            raise
        self.db: sqlite3.Connection | None = None  # opened once the writer is done
        self.records: list[tuple[Any, ...]] = []  # rows of the small tables
        self.values: list[tuple[str, int, Any]] = []  # their records, decoded, for the checks
        # The plain way: events waiting to be vouched for as a batch (with the order of their
        # item in the file, and their typed form unless msgspec refused it), and the problems
        # found meanwhile, held to be given in the file's order (see ``fail``).
        self.waiting: list[tuple[int, Element, TypedEvent | None]] = []
        self.held: list[tuple[tuple[int, int], Problem]] = []
        self.order = 0  # items read so far
        # The event rows go to a writer on the other core while this one reads (writer.py),
        # started with the first batch. ``bodies``: the events' JSON, if the writer is to take
        # it from there (batches then leave it out).
        self.writer: EventWriter | DirectWriter | None = None
        self.bodies: Any = None
        # ``split``: both cores read, each process writing its own part of the file (``direct``:
        # rows written here, no writer process), and repeats are looked for by hashes alone
        # (``quick``): a file with any gives up, and the plain way words the problems.
        self.direct = False
        self.quick = False
        self.id_hashes = hashes("q")
        self.title_hashes = hashes("q")
        # A part's database, and how far its positions are from the whole file's (0: none)
        self.parts: list[tuple[Path, int]] = []
        self.part: Any = None  # the process reading a part, while it runs
        self.seen_arrays: set[str] = set()
        self.top: dict[str, Any] = {}
        # JSON Lines: the line of each record, per array (compact: a million events' take 8 MB)
        self.lines: dict[str, Any] = {}
        self.not_object = False
        self.event_ids: set[str] = set()
        self.repeated_ids: list[int] = []
        self.titles: dict[int, int] = {}  # hash of (date, folded title) -> first position
        self.same_title: list[tuple[int, int]] = []
        self.actor_refs: set[str] = set()
        self.treaty_refs: set[str] = set()
        self.treaty_links: list[tuple[str, int]] = []
        self.count = 0
        self.span = 0  # the most years any event lasts (its end's year minus its start's)

    def fail(self, message: str, path: str, order: tuple[int, int] | None = None) -> None:
        """Note a problem, at most ``MAX_PROBLEMS`` of them, in the order of the file: while
        events wait for a batch, problems are held and sorted by ``order`` (the item, and 0 for
        what the reading found, 1 for what the checker found) when the batch is settled."""
        if len(self.problems) >= MAX_PROBLEMS:
            return
        problem = Problem(message, path=path)
        if self.waiting or order is not None:
            self.held.append((order or (self.order, 0), problem))
        else:
            self.problems.append(problem)

    def where(self, array: str, index: int) -> str:
        """Where a record is, as a person finds it: ``line 12`` or ``$.events[3]``."""
        lines = self.lines.get(array)
        if lines is not None and index < len(lines):
            return f"line {lines[index]}"
        return f"$.{array}[{index}]"

    def locate(self, path: str) -> str:
        """A path of the document as it is found in the file (``line 12: $.date``)."""
        return relocated(path, self.where)

    def add_all(self, found: Iterable[Batch | Item]) -> None:
        """What ``fastread.read_lines`` yields: runs of vetted events and the other items."""
        for part in found:
            if isinstance(part, Batch):
                self.add_batch(part)
            else:
                self.add(part)

    def add(self, item: Item) -> None:
        self.order += 1
        if isinstance(item, Element):
            if item.line is not None:
                self.lines.setdefault(item.array, hashes("q")).append(item.line)
            path = f"$.{item.array}[{item.index}]"
            if item.text is None or "\\u" in item.text:
                for problem in lone_surrogates(item.value, item.text):
                    self.fail(problem.message, self.locate(path + problem.path[1:]))
            if item.array == "events":
                self._check_event(item)
            else:
                value = item.value
                record_id = value.get("id") if isinstance(value, dict) else None
                # A record of a JSON document is kept as the file has it, as events are; a line
                # of JSON Lines also holds its "type", so it is encoded again without it.
                body = item.text
                if body is None or item.line is not None:
                    body = json.dumps(value, ensure_ascii=False)
                self.records.append((item.array, item.index, record_id, body))
                self.values.append((item.array, item.index, value))
        elif isinstance(item, Value):
            for problem in lone_surrogates(item.value):
                self.fail(problem.message, f"$.{item.key}{problem.path[1:]}")
            self.top[item.key] = item.value
        elif isinstance(item, ArrayEnd):
            self.seen_arrays.add(item.array)
            self._settle()
        elif isinstance(item, NotAnObject):
            self.fail(rules.not_an_object(item.value), "$")
            self.not_object = True
        else:
            self.fail(rules.not_a_record(item.value), f"line {item.line}")

    def _check_event(self, item: Element) -> None:
        """The plain way: an event waits to be vouched for with the others of its run."""
        try:
            typed: TypedEvent | None = msgspec.convert(item.value, TypedEvent)
        except msgspec.ValidationError:
            typed = None  # the checker will say why
        self.waiting.append((self.order, item, typed))
        if len(self.waiting) >= BATCH:
            self._settle()

    def _settle(self) -> None:
        """The waiting events into the index the one way, as a vetted batch. Those the fast
        rules do not vouch for go to the full checker, which words what is wrong with each;
        the ones it passes join the batch. Then the problems held meanwhile, in file order."""
        waiting, self.waiting = self.waiting, []
        if waiting:
            typed = [entry for entry in waiting if entry[2] is not None]
            doubtful = [entry for entry in waiting if entry[2] is None]
            doubtful += self._doubtful(typed) if typed else []
            refused: set[int] = set()
            for order, item, _ in sorted(doubtful, key=itemgetter(0)):
                problems = rules.check_event(item.value, f"$.events[{item.index}]")
                for problem in problems:
                    self.fail(problem.message, self.locate(problem.path), (order, 1))
                if problems:
                    refused.add(order)
            kept = [
                (order, item, entry or msgspec.convert(item.value, TypedEvent))
                for order, item, entry in waiting
                if order not in refused
            ]
            if kept:
                try:
                    self.add_batch(self._vet(kept, with_texts=True))
                except GiveUp:
                    raise AssertionError(
                        "the fast rules refuse an event the checker passes"
                    ) from None
        held, self.held = sorted(self.held, key=itemgetter(0)), []
        for _, problem in held:
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(problem)

    def _doubtful(self, run: list[tuple[int, Element, Any]]) -> list[tuple[int, Element, Any]]:
        """The events of ``run`` the fast rules do not vouch for, found by halving the run:
        a file with a few bad events has the checker read a few short runs, not every event."""
        try:
            self._vet(run)
        except GiveUp:
            if len(run) <= 16:
                return run
            half = len(run) // 2
            return self._doubtful(run[:half]) + self._doubtful(run[half:])
        return []

    @staticmethod
    def _vet(run: list[tuple[int, Element, Any]], *, with_texts: bool = False) -> Batch:
        texts = None
        if with_texts:
            texts = [
                item.text if item.text is not None else json.dumps(item.value, ensure_ascii=False)
                for _, item, _ in run
            ]
        return vet([item.index for _, item, _ in run], [t for _, _, t in run], texts)

    def _note(self, index: int, record_id: str, title_key: int) -> None:
        """Remember an event's id and (date, title), noting any that came before."""
        if record_id in self.event_ids:
            self.repeated_ids.append(index)
        else:
            self.event_ids.add(record_id)
        if title_key in self.titles:
            self.same_title.append((self.titles[title_key], index))
        else:
            self.titles[title_key] = index

    def add_batch(self, batch: Batch) -> None:
        """Index a run of vetted events, column by column."""
        n = len(batch.ids)
        positions, ids = batch.positions, batch.ids
        if batch.lines is not None:
            self.lines.setdefault("events", hashes("q")).extend(batch.lines)
        keys = list(map(hash, zip(batch.dates, map(str.casefold, batch.titles), strict=True)))
        if self.quick:
            self.id_hashes.extend(map(hash, ids))
            self.title_hashes.extend(keys)
        elif (
            self.event_ids.isdisjoint(ids)
            and len(set(ids)) == n
            and len(first_of := dict(zip(reversed(keys), reversed(positions), strict=True))) == n
            and self.titles.keys().isdisjoint(first_of)
        ):  # the usual case: nothing repeats, so note the whole run at once
            self.event_ids.update(ids)
            self.titles.update(first_of)
        else:
            for index, record_id, key in zip(positions, ids, keys, strict=True):
                self._note(index, record_id, key)
        self.actor_refs |= batch.actor_ids
        self.treaty_refs |= batch.treaty_ids
        self.treaty_links.extend(
            (treaty, index)
            for index, treaties in zip(positions, batch.treaties, strict=True)
            for treaty in treaties
        )
        if batch.end_precisions is not None:  # the most years an event lasts
            lasting = compress(zip(batch.starts, batch.ends, strict=True), batch.end_precisions)
            self.span = max(self.span, *(int(end[:4]) - int(start[:4]) for start, end in lasting))
        self._start_writer().put_columns(
            (
                list(positions),
                ids,
                batch.starts,
                batch.ends,
                batch.precisions,
                batch.end_precisions,  # None: no event of the run has an end (see writer.INSERT)
                batch.kinds,
                batch.tones,
                batch.tags,  # lists: the writer joins them as "|a|b|"
                batch.actors,
                batch.treaties,
                batch.urls,
            ),
            batch.texts,
        )
        self.count += n

    def _start_writer(self) -> EventWriter | DirectWriter:
        if self.writer is None:
            kind = DirectWriter if self.direct else EventWriter
            self.writer = kind(self.temporary, bodies=self.bodies)
        return self.writer

    def take_part(self, ids: Any, titles: Any) -> None:
        """A part's id and title hashes, after this builder's own (its events follow them)."""
        self.id_hashes.extend(ids)
        self.title_hashes.extend(titles)

    def _merge_parts(self, db: sqlite3.Connection) -> None:
        """Copy the events of each part (``split``) in, after this builder's own."""
        for part, shift in self.parts:
            db.execute("ATTACH DATABASE ? AS part", (str(part),))
            if shift == 0:  # numbered in the whole file: SQLite copies the records as they are
                db.execute("INSERT INTO events SELECT * FROM part.events")  # (0.3 s less)
            else:  # every column but the first (pos), as the layout (writer.SCHEMA) has them
                names = [row[1] for row in db.execute("PRAGMA part.table_info(events)")][1:]
                columns = ", ".join(f'"{name}"' for name in names)
                db.execute(
                    f"INSERT INTO events SELECT pos + ?, {columns} FROM part.events", (shift,)
                )
            db.execute(
                "INSERT INTO event_treaties SELECT treaty, pos + ? FROM part.event_treaties",
                (shift,),
            )
            db.commit()
            db.execute("DETACH DATABASE part")
            os.unlink(part)
        self.parts = []

    def merge(self, alongside: Callable[[], None] = lambda: None) -> None:
        """Close the writer, open the database and copy each part's events in (``split``),
        while ``alongside`` runs in this thread (a thread only if there is a part)."""
        if self.db is None:
            import sqlite3

            writer, self.writer = self.writer, None
            if writer is not None:
                writer.close()
            self.db = sqlite3.connect(self.temporary, check_same_thread=False)
            self.db.executescript(PRAGMAS + FINISHING)
        if self.parts:
            meanwhile(self.db, self._merge_parts, alongside)
        else:
            alongside()

    def finish(self, fingerprint: tuple[Any, ...]) -> list[Problem]:
        """Check what needs the whole file; return the problems (the index is kept only if none)."""
        self._settle()
        self.merge()
        assert self.db is not None
        self.db.executemany("INSERT INTO records VALUES (?, ?, ?, ?)", self.records)
        self.db.executemany("INSERT INTO event_treaties VALUES (?, ?)", self.treaty_links)
        known = wholefile.known_event_ids(self, self.db) if self.quick else self.event_ids
        # The small tables are checked while SQLite sorts the indexes (0.2 s of 0.6 on 1M).
        small = meanwhile(
            self.db, lambda db: db.executescript(INDEXES), lambda: wholefile.check(self, known)
        )
        if small is not None:
            wholefile.check_events(self, small, self.db)
        if not self.problems:
            self.db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("fingerprint", json.dumps(list(fingerprint))),
                    ("meta", json.dumps(self.top.get("meta", {}))),
                    ("events", str(self.count)),
                    ("span", str(self.span)),
                ],
            )
        self.db.commit()
        self.db.close()
        return self.problems


def meanwhile(
    db: sqlite3.Connection, sql: Callable[[sqlite3.Connection], None], here: Callable[[], T]
) -> T:
    """``sql(db)`` in a thread while ``here()`` runs in this one: SQLite lets go of the
    interpreter while it steps, so the two share the cores. Both are done on return (the
    statement interrupted if ``here`` failed), and what either raised is raised."""
    import threading

    failed: list[BaseException] = []

    def run() -> None:
        try:
            sql(db)
        except BaseException as exc:  # raised again in this thread
            failed.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        result = here()
        thread.join()
    finally:
        while thread.is_alive():  # again and again: a statement not yet begun ignores it
            db.interrupt()
            thread.join(0.05)
    if failed:
        raise failed[0]
    return result
