"""Writing event rows into a new index database on the other core, while the reading goes on.

Inserting a million rows costs about 5 s, and most of that holds the interpreter lock (binding
each value), so a writer *thread* only takes turns with the reader: measured, a thread made the
first run on a million events slower, not faster. On Linux the writer is a forked child
process with its own interpreter: the builder sends it batches of rows (``marshal``, the fastest
serialiser for tuples of str, int and None) over a pipe, and a thread in the child receives them
while its main thread inserts, so neither side waits for the other. Elsewhere (Windows, and
macOS, where forking is unsafe with some system libraries) it is a thread, as before.

The child never prints: whatever goes wrong is sent back as one line and raised in the parent
as ``sqlite3.OperationalError``, where the builder's usual error handling takes over.

The layout of the database (``SCHEMA``) is here too: the writer is what fills the events table.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import queue
import sqlite3
import sys
import threading
from collections.abc import Iterator, Sequence
from itertools import repeat
from pathlib import Path
from typing import Any

# Pages of 8 KiB: a million-event first read writes, copies and sorts fewer of them (0.3-0.4 s
# less than 4 KiB); later reads measured the same (16 KiB made chronological walks 20% slower).
SCHEMA = """
PRAGMA page_size=8192;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE events (
    pos INTEGER PRIMARY KEY, id TEXT, start TEXT, "end" TEXT, precision INTEGER,
    end_precision INTEGER, kind TEXT, tone TEXT, tags TEXT, actors TEXT, treaties TEXT,
    urls TEXT, ascii INTEGER, body TEXT);
CREATE TABLE records (kind TEXT, pos INTEGER, id TEXT, body TEXT, PRIMARY KEY (kind, pos));
CREATE TABLE event_treaties (treaty TEXT, pos INTEGER);
"""
INDEXES = """
CREATE INDEX events_order ON events (start);
CREATE INDEX event_treaties_treaty ON event_treaties (treaty);
"""
PRAGMAS = "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;"
# Copying a part's rows in and sorting the chronological index both go faster with a small page
# cache (measured on a million events: 1.3 to 0.95 s and 1.05 to 0.75 s), as the pages written
# leave it for the operating system's at once.
FINISHING = "PRAGMA cache_size=-2048;"
# Python's sqlite3 binds exact ints, floats and strs at once, but looks every other value
# (None, True) up in its adapters first: ~0.4 µs a value, 1.2 µs of a row's 4.3. So a row gives
# 0 for an event without an end (SQL makes it NULL) and ascii as 0 or 1.
INSERT = "INSERT INTO events VALUES (?,?,?,?,?,NULLIF(?,0)," + ",".join("?" * 8) + ")"
COLUMNS = 12  # the columns a run gives (``put_columns``); the writer adds ascii and body
_END = b""  # an empty message: no more batches


def piped(lists: list[list[str]]) -> list[str]:
    """``["a", "b"]`` as ``"|a|b|"``: what the index's columns hold, for ``instr``. The lists
    hold slugs and tags (``batch.vet`` checked them), never a NUL, so the run is joined at once
    and cut at its NULs: 20-25% faster than a string built for each list."""
    if not lists:
        return []
    return "|\0|".join(map("|".join, lists)).join(("|", "|")).split("\0")


def ascii_only(body: str) -> bool:
    """Whether an event's JSON has no text that folding would change and no escape that hides a
    character a word may hold (``\\u…``, ``\\/``), so LIKE on the raw JSON may judge it."""
    return body.isascii() and "\\u" not in body and "\\/" not in body


def _rows(message: bytes, bodies: Sequence[Any] | None) -> Iterator[tuple[Any, ...]]:
    """The rows of one message: its columns zipped, with each event's JSON and ``ascii_only``."""
    return rows_of(marshal.loads(message), bodies)


def rows_of(content: tuple[Any, ...], bodies: Sequence[Any] | None) -> Iterator[tuple[Any, ...]]:
    """The rows of a run's columns and texts (see ``EventWriter.put_columns``)."""
    content, texts = content[:COLUMNS], content[COLUMNS]
    if texts is None:
        assert bodies is not None
        texts = [str(bodies[position], "utf-8") for position in content[0]]
    columns = [repeat(None) if c is None else c for c in content]
    if content[5] is None:  # no event of the run has an end_date: see INSERT
        columns[5] = repeat(0)
    columns[8:11] = map(piped, columns[8:11])  # tags, actors, treaties
    # Each text is a whole JSON object, so an escape cannot span two of them: if the run as
    # one text has none, each text is plain if it is ASCII (which a str knows at once). A run
    # without a backslash is told by one memchr: 0.4 s less on a million events than looking
    # for the two escapes (a two-character search) in every run.
    joined = "".join(texts)
    escaped = "\\" in joined and ("\\u" in joined or "\\/" in joined)
    plain = map(int, map(ascii_only, texts) if escaped else map(str.isascii, texts))

    return zip(*columns, plain, texts, strict=False)  # None: repeat()


def _insert_all(
    path: Path, batches: queue.Queue[bytes | None], bodies: Sequence[Any] | None
) -> None:
    """Insert every batch from ``batches`` until the end mark; commit. None means give up."""
    db = sqlite3.connect(path)
    try:
        db.executescript(PRAGMAS)
        while (batch := batches.get()) != _END:
            if batch is None:
                return
            db.executemany(INSERT, _rows(batch, bodies))
        db.commit()
    finally:
        db.close()


def _die_with_parent(parent_end: Any) -> None:
    """Make sure the writer never outlives relcli: it drops the parent's end of the pipe (so a
    dead parent means end of file here), asks Linux to kill it when the parent dies, and lets
    go of the terminal and relcli's stdout/stderr (so `relcli … | cat` ends with relcli)."""
    with contextlib.suppress(Exception):
        parent_end.close()
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.close(devnull)


def _child(
    path: Path, conn: Any, bodies: Sequence[Any] | None, parent_end: Any, parent: int
) -> None:
    """The writer process: receive in a thread, insert in the main one, report, exit."""
    _die_with_parent(parent_end)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(0)
    try:
        batches: queue.Queue[bytes | None] = queue.Queue(maxsize=8)

        def receive() -> None:
            try:
                while True:
                    message = conn.recv_bytes()
                    batches.put(message)
                    if message == _END:
                        return
            except BaseException:  # the parent went away: stop without committing
                batches.put(None)

        threading.Thread(target=receive, daemon=True).start()
        _insert_all(path, batches, bodies)
        conn.send_bytes(b"ok")
    except BaseException as exc:
        with contextlib.suppress(BaseException):
            conn.send_bytes(f"index writer failed: {exc}".encode(errors="replace"))
    finally:
        os._exit(0)


class DirectWriter:
    """Writes runs of event rows at once, in this process: for a part of a file read on both
    cores (``split``), where each process is its own writer and nothing crosses a pipe."""

    def __init__(self, path: Path, *, bodies: Sequence[Any] | None = None) -> None:
        self.db = sqlite3.connect(path)
        # Rows are only appended: a small page cache does, and two of these run at once.
        self.db.executescript(PRAGMAS + "PRAGMA cache_size=-8192;")
        self.bodies = bodies

    def put_columns(
        self, columns: tuple[list[Any] | None, ...], texts: list[str] | None = None
    ) -> None:
        self.db.executemany(INSERT, rows_of((*columns, texts), self.bodies))

    def close(self) -> None:
        self.db.commit()
        self.db.close()

    def abort(self) -> None:
        self.db.close()


class EventWriter:
    """Takes batches of event rows and writes them to ``path`` (whose tables exist) meanwhile.

    ``bodies``: the events' JSON texts by position (any bytes-like), for rows sent without
    theirs; a forked child shares it with the parent instead of receiving a copy through the pipe.
    """

    def __init__(
        self, path: Path, *, bodies: Sequence[Any] | None = None, process: bool | None = None
    ) -> None:
        import multiprocessing

        if process is None:  # fork only where it is the platform's own way (not macOS)
            process = sys.platform.startswith("linux")
        self.process = process
        self.failure: str | None = None
        if process:
            context = multiprocessing.get_context("fork")
            self.conn, child_conn = context.Pipe()
            self.worker: Any = context.Process(
                target=_child,
                args=(path, child_conn, bodies, self.conn, os.getpid()),
                daemon=True,
            )
            self.worker.start()
            child_conn.close()
        else:
            self.batches: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
            self.worker = threading.Thread(target=self._thread, args=(path, bodies), daemon=True)
            self.worker.start()

    def _thread(self, path: Path, bodies: Sequence[Any] | None) -> None:
        try:
            _insert_all(path, self.batches, bodies)
        except BaseException as exc:
            self.failure = f"index writer failed: {exc}"
            while self.batches.get() not in (_END, None):  # drain so put() never blocks
                pass

    def put_columns(
        self, columns: tuple[list[Any] | None, ...], texts: list[str] | None = None
    ) -> None:
        """The first ``COLUMNS`` columns of a run of events, each a list (None: all None; tags,
        actors and treaties as lists, joined here; urls last, joined by newlines), and the
        events' JSON texts — or None, and the writer takes each from ``bodies``. The writer
        adds whether each text is ASCII."""
        self._send(marshal.dumps((*columns, texts)))

    def _send(self, message: bytes) -> None:
        if self.process:
            with contextlib.suppress(OSError):  # the writer died; close() says why
                self.conn.send_bytes(message)
        else:
            self.batches.put(message)

    def close(self) -> None:
        """Wait until every row is written and committed; raise if anything went wrong."""
        if self.process:
            try:
                self.conn.send_bytes(_END)
                reply = self.conn.recv_bytes()
            except (OSError, EOFError):
                reply = b"index writer stopped unexpectedly"
            self.conn.close()
            self.worker.join()
            if reply != b"ok":
                self.failure = reply.decode(errors="replace")
        else:
            self.batches.put(_END)
            self.worker.join()
        if self.failure is not None:
            raise sqlite3.OperationalError(self.failure)

    def abort(self) -> None:
        """Stop at once, committing nothing (the caller deletes the file)."""
        if self.process:
            self.worker.kill()
            self.worker.join()
            self.conn.close()
        else:
            self.batches.put(None)
            self.worker.join()
