"""Building the index of a large data file: every record checked once, on the way in.

The file is read the fast way first (``fastread``: msgspec vouches for a valid file, or gives
up). If it gives up, the file is read again the plain way (``datastream``), where the full
checker words each problem. Either way the events that pass enter the index one way only: as
a ``batch.Batch``, given to the ``builder.Builder``. On Linux a file of some size is read the
fast way on both cores (``split``: each half written by the process that read it); else the
builder's writer stores the rows on the other core while the reading goes on.

The database is written to a temporary file and renamed into place, so concurrent builders are
safe, and kept only if the file is valid and did not change while it was read.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .. import cache
from ..datafile import nonblank, read_text
from ..datastream import Item, Malformed, not_utf8, stream_json, stream_jsonl
from ..errors import DataFileError
from . import fastread, split
from .batch import GiveUp
from .builder import Builder


def build_index(path: Path, target: Path) -> None:
    """Stream ``path`` into a new index at ``target``; raise ``DataFileError`` if it is invalid."""
    shown = str(path)
    fingerprint = cache.fingerprint(path)
    builder = Builder(path, target)
    progress = _bar(path.stat().st_size)
    try:
        if not _read_fast(path, builder, progress):
            _discard(builder)  # not vouched for: again the plain way, for the messages
            builder = Builder(path, target)
            with _no_collector():
                for item in _read_plain(path, progress):
                    builder.add(item)
        progress(path.stat().st_size)
        problems = builder.finish(fingerprint)
    except Malformed as exc:
        _discard(builder)
        raise DataFileError(shown, [exc.problem]) from None
    except UnicodeDecodeError as exc:
        _discard(builder)
        raise DataFileError(shown, [not_utf8(exc)]) from None
    except BaseException:
        _discard(builder)
        raise
    if problems:
        os.unlink(builder.temporary)
        raise DataFileError(shown, problems)
    if cache.fingerprint(path) != fingerprint:  # changed while we read it: do not keep
        os.unlink(builder.temporary)
        return
    os.replace(builder.temporary, target)


def _read_plain(path: Path, progress: Callable[[int], None]) -> Iterator[Item]:
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8-sig") as handle:
            yield from stream_jsonl(_counting(handle, progress))
        return
    text = nonblank(read_text(path), str(path))
    scale = path.stat().st_size / max(len(text), 1)
    yield from stream_json(text, lambda pos: progress(int(pos * scale)))


@contextlib.contextmanager
def _no_collector() -> Iterator[None]:
    """Reading creates millions of objects and no reference cycles; the cyclic collector would
    only walk the growing heap again and again (measured: 2 s of a million events)."""
    import gc

    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _read_fast(path: Path, builder: Builder, progress: Callable[[int], None]) -> bool:
    """Read a valid file the fast way (see ``fastread``); False if it may not be valid."""
    try:
        with _no_collector():
            _fast(path, builder, progress)
    except (GiveUp, OSError):  # OSError: the plain way words it
        return False
    return not builder.problems


def _fast(path: Path, builder: Builder, progress: Callable[[int], None]) -> None:
    if split.available(path):  # on both cores (see split)
        builder.direct = builder.quick = True
        if path.suffix == ".jsonl":
            split.read_jsonl(path, builder, progress)
        else:
            split.read_json(path, builder, progress)
        return
    if path.suffix == ".jsonl":
        with path.open("rb") as handle:
            blocks = fastread.blocks_of(handle)
            builder.add_all(fastread.read_lines(blocks, on_block=progress))
    else:
        data = path.read_bytes()
        if data.startswith(b"\xef\xbb\xbf"):
            data = memoryview(data)[3:]  # type: ignore[assignment]
        document = fastread.TopLevel(data)
        for item in document.top_items():
            builder.add(item)
        builder.bodies = document.events  # the writer takes each event's JSON from here
        for batch in document.vetted_batches(progress):
            builder.add_batch(batch)


def _discard(builder: Builder) -> None:
    split.discard(builder)
    writer, builder.writer = builder.writer, None
    if writer is not None:
        with contextlib.suppress(BaseException):
            writer.abort()
    if builder.db is not None:
        with contextlib.suppress(Exception):
            builder.db.close()
    with contextlib.suppress(OSError):
        os.unlink(builder.temporary)


def _counting(handle: Any, progress: Callable[[int], None]) -> Iterator[str]:
    done = 0
    for n, line in enumerate(handle):
        done += len(line)
        if n % 20000 == 0:
            progress(done)
        yield line


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
            bar = "#" * filled + "." * (width - filled)
            sys.stderr.write(f"\rrelcli: indexing [{bar}] {percent:3d}%")
            sys.stderr.flush()
            if percent == 100:
                sys.stderr.write("\r" + " " * (width + 30) + "\r")

    return update
