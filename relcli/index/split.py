"""Reading a big file on both cores: the second half of its events in a forked process.

A first run on a million events is bound by one core: decoding, checking and inserting rows
cost ~13 s there, while a writer process on the other core waited for rows that crossed a pipe.
Here the file is cut in two instead (a JSON document between two events, JSON Lines between
two lines): this process reads the first half with its ``Builder``, a forked child the second
with its own, each checking its events and writing them into its own database (``direct``:
nothing crosses a pipe but a summary at the end). The child's database is then copied in after
this one's events (``Builder.merge``), and the checks of the whole file run as ever. A JSON
Lines child does not know where its events start until this half is read: it counts the lines
before its half, numbers its events from a guess, right for the usual layout, and its rows are
shifted only if the guess was wrong.

Neither side keeps a set of ids or titles: both note hashes (``quick``), and if any two are
equal the file is read again the plain way, whose messages say which records repeat. The child
compares the hashes of both halves while this process copies its rows in (``_verdict``). The
file is memory-mapped and its pages dropped from both processes as they are read, so memory
stays near what the events being checked need, whatever the size of the file.

Only on Linux (fork is the platform's own way there); elsewhere ``build`` reads as before.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import signal
import sys
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..datastream import ARRAYS, ArrayEnd, Element, Item
from . import fastread
from .batch import Batch, GiveUp
from .builder import Builder
from .writer import PRAGMAS, _die_with_parent

MINIMUM = 8 << 20  # bytes: below this, a second process costs more than it saves
RUN = 5000  # events checked and written at once: fewer in memory, at no cost in time
_STOPPING = {signal.SIGTERM, signal.SIGINT}


def available(path: Path) -> bool:
    """Whether ``path`` is read on both cores."""
    if not (sys.platform.startswith("linux") and hasattr(os, "fork")):
        return False
    try:
        return path.stat().st_size >= MINIMUM
    except OSError:
        return False


def read_json(path: Path, builder: Builder, progress: Callable[[int], None]) -> None:
    """A JSON document: this process checks the first half of the events, a child the rest."""
    with path.open("rb") as handle, _mapped(handle) as mapped:
        data = memoryview(mapped)
        if data[:3] == b"\xef\xbb\xbf":
            data = data[3:]
        document = fastread.TopLevel(data)  # the events as slices of the mapping
        for item in document.top_items():
            builder.add(item)
        _drop(mapped)
        builder.bodies = document.events
        middle = len(document.events) // 2

        def second_half(part: Builder) -> dict[str, Any]:
            part.bodies = document.events
            for batch in document.vetted_batches(first=middle):
                part.add_batch(batch)
                _drop(mapped)
            return {"first": middle}

        child = _Part.start(path, builder, second_half)
        for batch in document.vetted_batches(progress, stop=middle):
            builder.add_batch(batch)
            _drop(mapped)
        child.join(builder, before=middle)
        builder.merge(alongside=lambda: child.finish(builder, builder.add))


def read_jsonl(path: Path, builder: Builder, progress: Callable[[int], None]) -> None:
    """JSON Lines: this process checks the lines of the first half, a child the rest."""
    size = path.stat().st_size
    with path.open("rb") as handle, _mapped(handle) as mapped:
        # The child first counts the lines before its half, ~1.5% of a half's work: the parent
        # takes 2/3% of the file more, and the two end together (measured: the parent waited
        # 0.18 s for the child, now 0.05).
        cut = mapped.find(b"\n", size // 2 + size // 150) + 1
        if cut <= 0:  # one long line: nothing to share
            cut = size

    def second_half(part: Builder) -> dict[str, Any]:
        with path.open("rb", buffering=0) as handle:
            lines_before = _count_lines(handle, cut)
        with path.open("rb") as handle, _mapped(handle) as mapped:
            guess = lines_before - _lines_before_events(mapped, cut)
            _drop(mapped)
        counts = dict.fromkeys(ARRAYS, 0)
        items: list[Item] = []
        with path.open("rb") as lines:
            lines.seek(cut)
            blocks = fastread.blocks_of(lines)
            found = fastread.read_lines(
                blocks, RUN, counts=counts, ends=False, bom=False,
                first_line=lines_before, first_position=guess,
            )  # fmt: skip
            for each in found:
                if isinstance(each, Batch):
                    part.add_batch(each)
                else:
                    items.append(each)
        numbers = part.lines.get("events", array("q")).tobytes()  # each event's line
        return {"items": items, "lines": numbers, "first": guess}

    child = _Part.start(path, builder, second_half)
    counts = dict.fromkeys(ARRAYS, 0)
    with path.open("rb") as handle:
        blocks = fastread.blocks_of(handle, cut)
        shown = lambda done: progress(done * 2)  # noqa: E731 (the other half runs meanwhile)
        builder.add_all(fastread.read_lines(blocks, RUN, counts=counts, ends=False, on_block=shown))
    # The child numbered its events from the guess: if it was right, its rows are copied in as
    # they are (0.3 s less on a million events), else shifted to their place.
    summary = child.join(builder, before=counts["events"])

    def take(item: Item) -> None:  # a record other than an event, numbered after this half's
        if isinstance(item, Element):
            item = item._replace(index=item.index + counts[item.array])
        builder.add(item)

    builder.lines.setdefault("events", array("q")).frombytes(summary["lines"])
    builder.merge(alongside=lambda: child.finish(builder, take))
    for name in ARRAYS:
        builder.add(ArrayEnd(name))


_BLOCK = 1 << 22
_EVENT_LINE = (b'"type": "event"', b'"type":"event"')  # as relcli and most writers put it


def _count_lines(handle: BinaryIO, stop: int) -> int:
    """The lines of the file up to byte ``stop`` (the end of one): ~0.1 s for 200 MB. Read a
    block at a time into one buffer: counted through a mapping, the pages would be this
    process's memory until dropped, while the other half grows (the peak summed 251 -> 277 MB)."""
    buffer = bytearray(_BLOCK)
    count = 0
    while stop > 0 and (size := handle.readinto(memoryview(buffer)[: min(_BLOCK, stop)])):
        count += buffer.count(b"\n", 0, size)
        stop -= size
    return count


def _lines_before_events(mapped: mmap.mmap, stop: int, most: int = 1 << 16) -> int:
    """The lines before the first event line (at most ``most`` looked at). A data file's usual
    layout has its meta, actors and treaties first, then its events: the lines of the first
    half but these are then its events, the position the second half's events start at."""
    start = 0
    for seen in range(most):
        end = mapped.find(b"\n", start, stop)
        line = mapped[start : stop if end < 0 else end]
        if end < 0 or any(mark in line for mark in _EVENT_LINE):
            return seen
        start = end + 1
    return most


@contextlib.contextmanager
def _mapped(handle: BinaryIO) -> Iterator[mmap.mmap]:
    mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        yield mapped
    finally:
        with contextlib.suppress(BufferError):  # slices still held: the GC closes it later
            mapped.close()


def _drop(mapped: mmap.mmap) -> None:
    """Let go of the pages read so far: they stay in the page cache, not in this process."""
    with contextlib.suppress(OSError, AttributeError, ValueError):
        mapped.madvise(mmap.MADV_DONTNEED)


class _Part:
    """A forked child reading part of the file into its own database beside the index."""

    def __init__(self, path: Path, process: Any, conn: Any) -> None:
        self.path = path
        self.process = process
        self.conn = conn

    @classmethod
    def start(
        cls, source: Path, builder: Builder, work: Callable[[Builder], dict[str, Any]]
    ) -> _Part:
        import multiprocessing

        # Named as the builder's temporary file (its owner's pid), so a killed build's part is
        # swept away with it.
        part_path = builder.temporary.with_name(
            builder.temporary.name.replace(".relcli-", ".part.relcli-")
        )
        context = multiprocessing.get_context("fork")
        conn, child_conn = context.Pipe()
        process = context.Process(
            target=_child,
            args=(source, part_path, work, child_conn, conn, os.getpid()),
            daemon=True,
        )
        part = cls(part_path, process, conn)
        builder.part = part
        builder.parts.append((part_path, 0))
        # A SIGTERM or ^C between the fork and ``start`` knowing the child's pid would leave a
        # child that ``abort`` cannot stop, writing its part after the parent deleted it: both
        # wait until the child is known (the child takes them again at once).
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
        try:
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        child_conn.close()
        return part

    def join(self, builder: Builder, before: int) -> dict[str, Any]:
        """Wait for the child's part; take in what it found, and send it this half's hashes
        to check for repeats while the part is copied in (``finish`` has its word).
        ``before``: the events of this half. The child numbered its own from ``first`` (its
        summary's): JSON Lines' child from a guess, so its rows are shifted by the difference
        when they are copied in."""
        message = self._receive()
        reply = ("failed", "index reader stopped unexpectedly")
        if message is not None:
            reply = pickle.loads(message)
        if reply[0] != "ok":
            self._end(builder)
            if reply[0] == "give up":
                raise GiveUp
            import sqlite3

            raise sqlite3.OperationalError(reply[1])
        own = (builder.id_hashes.tobytes(), builder.title_hashes.tobytes())
        with contextlib.suppress(OSError):  # the child died: ``finish`` says so
            self.conn.send_bytes(pickle.dumps(own, protocol=pickle.HIGHEST_PROTOCOL))
        summary: dict[str, Any] = reply[1]
        builder.parts[-1] = (self.path, before - summary["first"])
        builder.take_part(array("q", summary["ids"]), array("q", summary["titles"]))
        builder.actor_refs |= summary["actor_refs"]
        builder.treaty_refs |= summary["treaty_refs"]
        builder.count += summary["count"]
        builder.span = max(builder.span, summary["span"])
        return summary

    def finish(self, builder: Builder, take: Callable[[Item], None]) -> None:
        """What the child sends while its part is copied in: each record other than events it
        read, given to ``take``, then its word on repeats (``_verdict``): ``GiveUp`` if two
        events may share an id, or a date and title."""
        word = b"index reader stopped unexpectedly"
        records = self._receive()
        if records is not None:
            for record in pickle.loads(records):
                take(record)  # while the child checks
            word = self._receive() or word
        self._end(builder)
        if word == b"give up":
            raise GiveUp
        if word != b"ok":
            import sqlite3

            raise sqlite3.OperationalError(word.decode(errors="replace"))

    def _receive(self) -> bytes | None:
        """The child's next message; None if it is gone."""
        try:
            return self.conn.recv_bytes()  # type: ignore[no-any-return]
        except (OSError, EOFError):
            return None

    def _end(self, builder: Builder) -> None:
        self.conn.close()
        self.process.join()
        builder.part = None

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join()
        with contextlib.suppress(Exception):
            self.conn.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def _child(
    source: Path,
    part_path: Path,
    work: Callable[[Builder], dict[str, Any]],
    conn: Any,
    parent_end: Any,
    parent: int,
) -> None:
    """The reader of the second half: check, write, send back a summary, exit."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    _die_with_parent(parent_end)
    if os.getppid() != parent:
        os._exit(0)
    try:
        import gc

        gc.disable()  # as in build: millions of objects, no cycles
        part = Builder(source, part_path, temporary=part_path)
        part.direct = part.quick = True
        try:
            summary = work(part)
            if part.writer is not None:
                part.writer.close()
            _write_links(part)
        except BaseException:
            if part.writer is not None:
                with contextlib.suppress(Exception):
                    part.writer.abort()
            raise
        summary.update(
            ids=part.id_hashes.tobytes(),
            titles=part.title_hashes.tobytes(),
            actor_refs=part.actor_refs,
            treaty_refs=part.treaty_refs,
            count=part.count,
            span=part.span,
        )
        reply: tuple[str, Any] = ("ok", summary)
    except GiveUp:
        reply = ("give up", None)
    except BaseException as exc:
        reply = ("failed", f"index reader failed: {exc}")
    try:
        items = summary.pop("items", []) if reply[0] == "ok" else []
        conn.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))
        if reply[0] == "ok":  # the rest while the parent copies this part in
            del reply, summary  # sent: less memory at the peak
            theirs = conn.recv_bytes()  # the parent's hashes: it sends them at once
            conn.send_bytes(pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL))
            del items
            part.lines, part.treaty_links = {}, []
            conn.send_bytes(_verdict(part, pickle.loads(theirs)))
    finally:
        os._exit(0)


def _verdict(part: Builder, theirs: tuple[bytes, bytes]) -> bytes:
    """Whether two events may share an id, or a date and title (their hashes do), in this half
    or across the halves (``theirs``: the parent's id and title hashes): ``give up`` if so, and
    the parent reads the file the plain way, which says which. One set at a time: a million
    events' two sets held at once cost ~100 MB more at the peak."""
    for own, other in zip((part.id_hashes, part.title_hashes), theirs, strict=True):
        seen = set(own)
        if len(seen) != len(own) or not seen.isdisjoint(array("q", other)):
            return b"give up"
        del seen
    return b"ok"


def _write_links(part: Builder) -> None:
    import sqlite3

    with contextlib.closing(sqlite3.connect(part.temporary)) as db:
        db.executescript(PRAGMAS)  # no journal, no fsync: 0.35 s less (the file is temporary)
        db.executemany("INSERT INTO event_treaties VALUES (?, ?)", part.treaty_links)
        db.commit()


def discard(builder: Builder) -> None:
    """Stop a part still being read and delete every part's database."""
    if builder.part is not None:
        builder.part.abort()
        builder.part = None
    for part_path, _ in builder.parts:
        with contextlib.suppress(OSError):
            os.unlink(part_path)
    builder.parts = []
