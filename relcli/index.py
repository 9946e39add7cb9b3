"""Large data files: validated once into an SQLite index in the user cache directory.

A file at or above ``RELCLI_INDEX_THRESHOLD`` bytes (default 16 MiB; ``RELCLI_INDEX=always`` or
``never`` overrides) is not loaded whole. The first run streams it — a JSON document element by
element, or JSON Lines line by line — validates every record (the same rules and messages as
small files) and writes an SQLite database keyed by the file's fingerprint (see ``cache.py``):
events one row each, with the columns filters need, and the small tables (actors, treaties,
quotes, eras) as JSON. Later runs open the database and ask it only for what a command needs,
so ``timeline --from 2013`` reads the matching rows and nothing else.

The database is written to a temporary file and renamed into place, so concurrent builders are
safe; it is used only while the fingerprint matches, so it is never stale. ``IndexedDataset``
offers the attributes of ``model.Dataset``; the hot queries (``query.events_matching``,
``events_of_treaty``, ``events_of_actor``, ``event_by_id``, ``on_this_day``, search) ask SQL
for candidates and then apply exactly the in-memory rules to them, so both paths agree.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cache
from .dates import ISO_PARTIAL, PartialDate
from .errors import DataFileError, Problem
from .model import (
    SCHEMA_VERSION,
    TONES,
    Actor,
    Dataset,
    Era,
    Event,
    Quote,
    Treaty,
)
from .vocabulary import KINDS, TAGS

if TYPE_CHECKING:
    import sqlite3

DEFAULT_THRESHOLD = 16 * 1024 * 1024
MAX_PROBLEMS = 100
ARRAYS = ("actors", "treaties", "events", "quotes", "eras")
TYPE_TO_ARRAY = {
    "actor": "actors",
    "treaty": "treaties",
    "event": "events",
    "quote": "quotes",
    "era": "eras",
}


def wanted(path: Path) -> bool:
    """Whether ``path`` is read through the index rather than loaded whole."""
    mode = os.environ.get("RELCLI_INDEX", "auto")
    if mode == "never":
        return False
    if mode == "always":
        return True
    try:
        threshold = int(os.environ.get("RELCLI_INDEX_THRESHOLD", DEFAULT_THRESHOLD))
        return path.stat().st_size >= threshold
    except (OSError, ValueError):
        return False


# ---- reading the source file as a stream of records -------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


class _Malformed(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.problem = Problem(f"malformed JSON: {message}", line=line, column=column)


def stream_json(
    text: str, on_position: Callable[[int], None] | None = None
) -> Iterator[tuple[str, int | None, Any, str]]:
    """(key, index in its array or None, value, location) for a JSON data document, in order.

    Only one array element is decoded at a time (by the C decoder); the text itself is the
    largest thing held in memory. ``on_position`` hears how far the reading has got.
    """
    decoder = json.JSONDecoder()
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]

    def expect(char: str) -> None:
        nonlocal pos
        if text.startswith(char, pos):
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            return
        found = f"found {text[pos]!r}" if pos < len(text) else "found the end of the file"
        raise _Malformed(f"expected {char!r}, {found}", *_line_col(text, pos))

    def value() -> Any:
        nonlocal pos
        try:
            result, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise _Malformed(exc.msg, *_line_col(text, exc.pos)) from None
        except RecursionError:
            raise _Malformed("nested too deeply", *_line_col(text, pos)) from None
        pos = _WS.match(text, end).end()  # type: ignore[union-attr]
        return result

    if not text.startswith("{", pos):
        yield "$", None, value(), "$"  # not an object: let validation describe it
        return
    expect("{")
    first = True
    while not text.startswith("}", pos):
        if not first:
            expect(",")
        first = False
        key = value()
        if not isinstance(key, str):
            raise _Malformed("expected a key", *_line_col(text, pos))
        expect(":")
        if key in ARRAYS and text.startswith("[", pos):
            expect("[")
            index = 0
            while not text.startswith("]", pos):
                if index:
                    expect(",")
                yield key, index, value(), f"$.{key}[{index}]"
                index += 1
                if on_position is not None and index % 5000 == 0:
                    on_position(pos)
            expect("]")
            yield key, -1, None, f"$.{key}"  # marks that the array was present
        else:
            yield key, None, value(), f"$.{key}"
    expect("}")
    if pos != len(text):
        raise _Malformed("Extra data", *_line_col(text, pos))


def stream_jsonl(lines: Iterator[str]) -> Iterator[tuple[str, int | None, Any, str]]:
    """The same stream from a JSON Lines file: one ``{"type": ...}`` record per line."""
    counts = dict.fromkeys(ARRAYS, 0)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _Malformed(exc.msg, number, exc.colno) from None
        where = f"line {number}"
        if not isinstance(record, dict) or "type" not in record:
            yield "$bad", None, record, where
            continue
        kind = record.pop("type")
        if kind == "meta":
            version = record.pop("schema_version", None)
            yield "schema_version", None, version, where
            yield "meta", None, record, where
            continue
        array = TYPE_TO_ARRAY.get(kind) if isinstance(kind, str) else None
        if array is None:
            yield "$badtype", None, kind, where
            continue
        yield array, counts[array], record, where
        counts[array] += 1
    for array in ARRAYS:
        yield array, -1, None, "$"


def read_jsonl_document(path: Path) -> tuple[dict[str, Any], dict[tuple[str, int], str]]:
    """A small JSON Lines file as a data document, and the line of each record (for messages)."""
    document: dict[str, Any] = {}
    lines: dict[tuple[str, int], str] = {}
    problems: list[Problem] = []
    try:
        with path.open(encoding="utf-8-sig") as handle:
            for key, index, value, where in stream_jsonl(iter(handle)):
                if key == "$bad":
                    problems.append(Problem('a record must be an object with a "type"', path=where))
                elif key == "$badtype":
                    problems.append(
                        Problem(
                            f"unknown type {value!r} (event, treaty, quote, actor, era or meta)",
                            path=where,
                        )
                    )
                elif index is None:
                    document[key] = value
                elif index >= 0:
                    document.setdefault(key, []).append(value)
                    lines[(key, index)] = where
                else:
                    document.setdefault(key, [])
    except _Malformed as exc:
        raise DataFileError(str(path), [exc.problem]) from None
    except UnicodeDecodeError as exc:
        raise DataFileError(str(path), [Problem(f"not UTF-8 text ({exc.reason})")]) from None
    if problems:
        raise DataFileError(str(path), problems)
    if "schema_version" not in document:
        raise DataFileError(str(path), [Problem('no "meta" line with the schema_version')])
    document.setdefault("eras", [])
    return document, lines


# ---- building the index -----------------------------------------------------------------------

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE events (
    pos INTEGER PRIMARY KEY, id TEXT, start TEXT, "end" TEXT, precision INTEGER,
    month INTEGER, day INTEGER, end_month INTEGER, end_day INTEGER,
    kind TEXT, tone TEXT, tags TEXT, actors TEXT, treaties TEXT, title TEXT, folded TEXT, body TEXT);
CREATE TABLE records (kind TEXT, pos INTEGER, id TEXT, body TEXT, PRIMARY KEY (kind, pos));
"""
INDEXES = """
CREATE INDEX events_order ON events (start, precision, id);
CREATE INDEX events_end ON events ("end");
CREATE INDEX events_id ON events (id);
CREATE INDEX events_day ON events (month, day);
"""

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_EVENT_KEYS = frozenset(
    (
        "id",
        "date",
        "end_date",
        "title",
        "summary",
        "kind",
        "tone",
        "actors",
        "tags",
        "treaties",
        "sources",
    )
)
_EVENT_REQUIRED = frozenset(("id", "date", "title", "summary", "kind", "tone", "sources"))
_KINDS, _TONES, _TAGS = frozenset(KINDS), frozenset(TONES), frozenset(TAGS)


def _date_ok(value: object) -> bool:
    if not isinstance(value, str) or not ISO_PARTIAL.fullmatch(value):
        return False
    if len(value) == 4:
        return value != "0000"
    month = int(value[5:7])
    if not 1 <= month <= 12 or value[:4] == "0000":
        return False
    return len(value) == 7 or (1 <= int(value[8:10]) <= 28) or _real_day(value)


def _real_day(value: str) -> bool:
    try:
        PartialDate.parse(value)
        return True
    except ValueError:
        return False


def _strings(value: object, slug: bool = False) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, str) and (_SLUG.fullmatch(v) if slug else v) for v in value
    )


def _event_is_plainly_valid(record: object) -> bool:
    """A fast check of one event; anything doubtful goes to the full validator for messages."""
    if not isinstance(record, dict):
        return False
    keys = record.keys()
    if not keys >= _EVENT_REQUIRED or not keys <= _EVENT_KEYS:
        return False
    title, summary, sources = record["title"], record["summary"], record["sources"]
    end = record.get("end_date")
    return (
        isinstance(record["id"], str)
        and _SLUG.fullmatch(record["id"]) is not None
        and _date_ok(record["date"])
        and (
            end is None
            or (
                _date_ok(end)
                and PartialDate.parse(end).end >= PartialDate.parse(record["date"]).start
            )
        )
        and isinstance(title, str)
        and title.strip() != ""
        and "\n" not in title
        and "\r" not in title
        and isinstance(summary, str)
        and summary.strip() != ""
        and record["kind"] in _KINDS
        and record["tone"] in _TONES
        and _strings(record.get("actors", []), slug=True)
        and _strings(record.get("treaties", []), slug=True)
        and isinstance(record.get("tags", []), list)
        and all(t in _TAGS for t in record.get("tags", []))
        and isinstance(sources, list)
        and len(sources) > 0
        and all(
            isinstance(s, dict)
            and s.keys() == {"title", "url"}
            and isinstance(s["title"], str)
            and s["title"].strip()
            and isinstance(s["url"], str)
            and s["url"].startswith(("http://", "https://"))
            and " " not in s["url"]
            for s in sources
        )
    )


def _folded(text: str) -> str:
    """``query.fold`` — cheaply for plain ASCII text, which needs no accent stripping."""
    if text.isascii():
        return " ".join(text.casefold().split())
    from .query import fold

    return fold(text)


def _bar(total_bytes: int) -> Callable[[int], None]:
    """A progress bar on a terminal (stderr); nothing at all on a pipe."""
    if not sys.stderr.isatty() or os.environ.get("TERM") == "dumb":
        return lambda done: None
    width = 30
    state = {"shown": -1}

    def update(done: int) -> None:
        percent = min(100, int(done * 100 / max(total_bytes, 1)))
        if percent != state["shown"]:
            state["shown"] = percent
            filled = percent * width // 100
            sys.stderr.write(
                f"\rrelcli: indexing [{'#' * filled}{'.' * (width - filled)}] {percent:3d}%"
            )
            sys.stderr.flush()
            if percent == 100:
                sys.stderr.write("\r" + " " * (width + 30) + "\r")

    return update


class _Builder:
    def __init__(self, path: Path, target: Path) -> None:
        import sqlite3
        import tempfile

        self.path = path
        self.problems: list[Problem] = []
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        os.close(handle)
        self.temporary = Path(temporary)
        self.db = sqlite3.connect(self.temporary)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        self.rows: list[tuple[Any, ...]] = []
        self.records: list[tuple[Any, ...]] = []
        self.seen_arrays: set[str] = set()
        self.top: dict[str, Any] = {}
        self.where: dict[tuple[str, int], str] = {}
        self.not_object = False

    def fail(self, message: str, path: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(message, path=path))

    def add(self, key: str, index: int | None, value: Any, where: str) -> None:
        if key == "$":
            from .store import _kind

            self.fail(f"expected an object, found {_kind(value)}", "$")
            self.not_object = True
        elif key == "$bad":
            self.fail('a record must be an object with a "type"', where)
        elif key == "$badtype":
            self.fail(f"unknown type {value!r} (event, treaty, quote, actor, era or meta)", where)
        elif index is None:
            self.top[key] = value
        elif index < 0:
            self.seen_arrays.add(key)
        elif key == "events":
            self._event(index, value, where)
        else:
            self.records.append(
                (
                    key,
                    index,
                    value.get("id") if isinstance(value, dict) else None,
                    json.dumps(value, ensure_ascii=False),
                )
            )
            self.where[(key, index)] = where

    def _event(self, index: int, record: Any, where: str) -> None:
        if not _event_is_plainly_valid(record):
            from .store import _Checker, _event

            check = _Checker()
            in_document = where.startswith("$")
            _event(check, record, where if in_document else "$")
            for problem in check.problems:
                located = problem.path
                if not in_document:  # JSON Lines: "line 12: $.date"
                    located = where if located == "$" else f"{where}: {located}"
                self.fail(problem.message, located)
            if check.problems:
                return
        start = PartialDate.parse(record["date"])
        end = PartialDate.parse(record["end_date"]) if record.get("end_date") else None
        last = end or start
        self.rows.append(
            (
                index,
                record["id"],
                start.start.isoformat(),
                last.end.isoformat(),
                int(start.precision),
                start.month if start.day else None,
                start.day,
                end.month if end and end.day else None,
                end.day if end else None,
                record["kind"],
                record["tone"],
                "|" + "|".join(record.get("tags", ())) + "|",
                "|" + "|".join(record.get("actors", ())) + "|",
                "|" + "|".join(record.get("treaties", ())) + "|",
                record["title"],
                _folded(record["title"]) + "\n" + _folded(record["summary"]),
                json.dumps(record, ensure_ascii=False),
            )
        )
        self.where[("events", index)] = where
        if len(self.rows) >= 20000:
            self._flush()

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO events VALUES (" + ",".join("?" * 17) + ")", self.rows)
        self.rows.clear()

    def finish(self, fingerprint: tuple[Any, ...]) -> list[Problem]:
        """Check what needs the whole file; return the problems (the index is kept only if none)."""
        self._flush()
        self.db.executemany("INSERT INTO records VALUES (?, ?, ?, ?)", self.records)
        self.db.executescript(INDEXES)
        self._check_document()
        if not self.problems:
            self.db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("fingerprint", json.dumps(list(fingerprint))),
                    ("meta", json.dumps(self.top.get("meta", {}))),
                ],
            )
        self.db.commit()
        self.db.close()
        return self.problems

    def _check_document(self) -> None:
        """The rules of ``store.build`` for the small tables, and cross-record checks in SQL."""
        from .store import build

        if self.not_object:
            return
        version = self.top.get("schema_version")
        if version != SCHEMA_VERSION or isinstance(version, bool):
            self.fail(
                f"unsupported schema_version {version!r} (this relcli reads {SCHEMA_VERSION})",
                "$.schema_version",
            )
            return
        missing = [
            a
            for a in ("actors", "treaties", "events", "quotes")
            if a not in self.seen_arrays and a not in self.top
        ]
        for array in missing:
            self.fail(f"missing required key {array!r}", "$")
        if missing:
            return
        small: dict[str, Any] = {
            "schema_version": version,
            "meta": self.top.get("meta"),
            **{a: [] for a in ARRAYS if a in self.seen_arrays},
        }
        for key in set(self.top) - {"schema_version", "meta"}:
            small[key] = self.top[
                key
            ]  # arrays of the wrong type and unknown keys: build() words them
        small.setdefault("events", [])
        positions: dict[str, list[int]] = {a: [] for a in ARRAYS}
        rows = self.db.execute("SELECT kind, pos, id, body FROM records ORDER BY kind, pos")
        for kind, pos, _id, body in rows:
            small[kind].append(json.loads(body))
            positions[kind].append(pos)
        # Events were validated one by one while streaming; build() checks the small tables and
        # every reference to an event against the ids the index holds.
        streamed_events = isinstance(small["events"], list)
        if streamed_events:
            small["events"] = []
        event_ids = {row[0] for row in self.db.execute("SELECT id FROM events")}
        _dataset, problems = build(small, known_event_ids=event_ids)
        for problem in problems:
            self.fail(problem.message, self._relocate(problem.path, positions))
        if (
            streamed_events
            and isinstance(small["actors"], list)
            and isinstance(small["treaties"], list)
        ):
            self._check_events(small)

    def _relocate(self, path: str, positions: dict[str, list[int]]) -> str:
        """``$.quotes[3].event`` of the small document to where that record really is."""
        match = re.match(r"\$\.(\w+)\[(\d+)\](.*)", path)
        if not match:
            return path
        array, index, rest = match.group(1), int(match.group(2)), match.group(3)
        if array not in positions or index >= len(positions[array]):
            return path
        where = self.where.get((array, positions[array][index]), path)
        return f"{where}{rest}" if where.startswith("$") else f"{where}: ${rest}" if rest else where

    def _check_events(self, small: dict[str, Any]) -> None:
        actor_ids = {a.get("id") for a in small["actors"] if isinstance(a, dict)}
        treaty_ids = {t.get("id") for t in small["treaties"] if isinstance(t, dict)}
        duplicates = self.db.execute(
            "SELECT id, MIN(pos), MAX(pos) FROM events GROUP BY id HAVING COUNT(*) > 1 LIMIT ?",
            (MAX_PROBLEMS,),
        )
        for record_id, first, last in duplicates:
            self.fail(
                f"duplicate id {record_id!r} (first at [{first}])",
                f"{self.where.get(('events', last), '$.events')}.id",
            )
        same = self.db.execute(
            'SELECT MIN(pos), MAX(pos) FROM events GROUP BY start, precision, "end", lower(title) '
            "HAVING COUNT(*) > 1 LIMIT ?",
            (MAX_PROBLEMS,),
        )
        for first, last in same:
            a, b = (self._event_json(p) for p in (first, last))
            if (
                a.get("date") == b.get("date")
                and a.get("title", "").casefold() == b.get("title", "").casefold()
            ):
                self.fail(
                    f"duplicate of $.events[{first}] (same date and title)",
                    self.where.get(("events", last), "$.events"),
                )
        for pos, actors, treaties in self.db.execute("SELECT pos, actors, treaties FROM events"):
            for n, actor in enumerate(actors.strip("|").split("|") if actors != "||" else ()):
                if actor not in actor_ids:
                    self.fail(
                        f"no actor with id {actor!r}", f"{self.where[('events', pos)]}.actors[{n}]"
                    )
            for n, treaty in enumerate(treaties.strip("|").split("|") if treaties != "||" else ()):
                if treaty not in treaty_ids:
                    self.fail(
                        f"no treaty with id {treaty!r}",
                        f"{self.where[('events', pos)]}.treaties[{n}]",
                    )
            if len(self.problems) >= MAX_PROBLEMS:
                return

    def _event_json(self, pos: int) -> dict[str, Any]:
        row = self.db.execute("SELECT body FROM events WHERE pos = ?", (pos,)).fetchone()
        return json.loads(row[0]) if row else {}


def build_index(path: Path, target: Path) -> None:
    """Stream ``path`` into a new index at ``target``; raise ``DataFileError`` if it is invalid."""
    from .store import read_text

    shown = str(path)
    fingerprint = cache.fingerprint(path)
    builder = _Builder(path, target)
    progress = _bar(path.stat().st_size)
    try:
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8-sig") as handle:
                for key, index, value, where in stream_jsonl(_counting(handle, progress)):
                    builder.add(key, index, value, where)
        else:
            text = read_text(path)
            if not text.strip():
                raise DataFileError(shown, [Problem("the file is empty")])
            scale = path.stat().st_size / max(len(text), 1)
            for key, index, value, where in stream_json(
                text, lambda pos: progress(int(pos * scale))
            ):
                builder.add(key, index, value, where)
            del text
        progress(path.stat().st_size)
        problems = builder.finish(fingerprint)
    except _Malformed as exc:
        builder.db.close()
        os.unlink(builder.temporary)
        raise DataFileError(shown, [exc.problem]) from None
    except UnicodeDecodeError as exc:
        builder.db.close()
        os.unlink(builder.temporary)
        raise DataFileError(shown, [Problem(f"not UTF-8 text ({exc.reason})")]) from None
    except BaseException:
        builder.db.close()
        os.unlink(builder.temporary)
        raise
    if problems:
        os.unlink(builder.temporary)
        raise DataFileError(shown, problems)
    if cache.fingerprint(path) != fingerprint:  # changed while we read it: do not keep
        os.unlink(builder.temporary)
        return
    os.replace(builder.temporary, target)


def _counting(handle: Any, progress: Callable[[int], None]) -> Iterator[str]:
    done = 0
    for n, line in enumerate(handle):
        done += len(line)
        if n % 20000 == 0:
            progress(done)
        yield line


# ---- reading the index ------------------------------------------------------------------------


def open_dataset(path: Path) -> IndexedDataset:
    """The index of ``path``, built first if it is missing or out of date."""
    target = cache.location(path, ".sqlite")
    dataset = _try_open(path, target)
    if dataset is None:
        import sqlite3

        with contextlib.suppress(OSError, sqlite3.Error):  # cache unusable: build privately below
            build_index(path, target)
        dataset = _try_open(path, target)
    if dataset is None:
        # Not kept (cache directory unwritable, or the file changed meanwhile): build privately.
        import sqlite3
        import tempfile

        with tempfile.TemporaryDirectory(prefix="relcli-index-") as scratch:
            private = Path(scratch) / "index.sqlite"
            build_index(path, private)
            return IndexedDataset(sqlite3.connect(":memory:"), path, private.read_bytes())
    return dataset


def _try_open(path: Path, target: Path) -> IndexedDataset | None:
    import sqlite3

    if not target.exists():
        return None
    try:
        db = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
        row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        if row is None or tuple(json.loads(row[0])) != cache.fingerprint(path):
            db.close()
            return None
        return IndexedDataset(db, path)
    except (sqlite3.Error, ValueError, OSError):
        return None


class IndexedDataset:
    """A data file read through its index: small tables in memory, events on demand."""

    def __init__(self, db: sqlite3.Connection, path: Path, image: bytes | None = None) -> None:
        if image is not None:
            db.deserialize(image)
        self.db = db
        self.path = path
        (meta,) = db.execute("SELECT value FROM meta WHERE key = 'meta'").fetchone()
        self.meta = json.loads(meta)
        records: dict[str, list[Any]] = {a: [] for a in ARRAYS}
        for kind, body in db.execute("SELECT kind, body FROM records ORDER BY kind, pos"):
            records[kind].append(json.loads(body))
        self.actors = tuple(Actor.from_json(a) for a in records["actors"])
        self.treaties = tuple(Treaty.from_json(t) for t in records["treaties"])
        self.quotes = tuple(Quote.from_json(q) for q in records["quotes"])
        self.eras = tuple(Era.from_json(e) for e in records["eras"])
        self.actor_by_id = {a.id: a for a in self.actors}
        self.treaty_by_id = {t.id: t for t in self.treaties}
        self.quote_by_id = {q.id: q for q in self.quotes}
        self.era_by_id = {e.id: e for e in self.eras}
        self.event_by_id = _EventsById(self)
        self._all: tuple[Event, ...] | None = None
        self.schema_version = SCHEMA_VERSION

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event, in file order — loaded only for the commands that need them all."""
        if self._all is None:
            self._all = tuple(
                Event.from_json(json.loads(body))
                for (body,) in self.db.execute("SELECT body FROM events ORDER BY pos")
            )
        return self._all

    def to_json(self) -> dict[str, Any]:
        return as_dataset(self).to_json()

    def event_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    def count_overlapping(self, start: str, end: str) -> int:
        row = self.db.execute(
            'SELECT COUNT(*) FROM events WHERE "end" >= ? AND start <= ?', (start, end)
        )
        return int(row.fetchone()[0])

    def kinds_and_tags(self) -> Iterator[tuple[str, list[str]]]:
        for kind, tags in self.db.execute("SELECT kind, tags FROM events"):
            yield kind, [t for t in tags.split("|") if t]

    def candidates(
        self,
        *,
        start: str | None = None,
        end: str | None = None,
        kinds: Sequence[str] = (),
        tags: Sequence[str] = (),
        actors: Sequence[str] = (),
        treaties: Sequence[str] = (),
        texts: Sequence[str] = (),
        any_of: Sequence[Sequence[tuple[str, str]]] = (),
        month_day: tuple[int, int] | None = None,
        reverse: bool = False,
    ) -> Iterator[Event]:
        """Events that may match, in chronological order; callers apply the exact rules."""
        where, params = [], []
        if start:
            where.append('"end" >= ?')
            params.append(start)
        if end:
            where.append("start <= ?")
            params.append(end)
        if kinds:
            where.append(f"kind IN ({','.join('?' * len(kinds))})")
            params += list(kinds)
        for column, values in (("tags", tags), ("actors", actors), ("treaties", treaties)):
            for value in values:
                where.append(f"instr({column}, ?) > 0")
                params.append(f"|{value}|")
        for text in texts:  # folded title and summary must contain the folded text
            where.append("instr(folded, ?) > 0")
            params.append(text)
        for alternatives in any_of:  # at least one of (column, needle) must hold
            where.append(
                "(" + " OR ".join(f"instr({column}, ?) > 0" for column, _ in alternatives) + ")"
            )
            params += [needle for _, needle in alternatives]
        if month_day:
            where.append("((month = ? AND day = ?) OR (end_month = ? AND end_day = ?))")
            params += [*month_day, *month_day]
        order = "DESC" if reverse else "ASC"
        sql = "SELECT body FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY start {order}, precision {order}, id {order}"
        for (body,) in self.db.execute(sql, params):
            yield Event.from_json(json.loads(body))


class _EventsById:
    """``dataset.event_by_id`` for an index: looks events up in SQL, one at a time."""

    def __init__(self, dataset: IndexedDataset) -> None:
        self.dataset = dataset

    def get(self, key: str, default: Event | None = None) -> Event | None:
        row = self.dataset.db.execute(
            "SELECT body FROM events WHERE id = ? LIMIT 1", (key,)
        ).fetchone()
        return Event.from_json(json.loads(row[0])) if row else default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> Event:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self.dataset.db.execute("SELECT id FROM events ORDER BY pos"))


def as_dataset(dataset: Any) -> Dataset:
    """A full in-memory ``Dataset`` (for the few operations that need every record at once)."""
    if isinstance(dataset, IndexedDataset):
        return Dataset(
            dataset.meta,
            dataset.actors,
            dataset.treaties,
            dataset.events,
            dataset.quotes,
            dataset.eras,
        )
    return dataset
