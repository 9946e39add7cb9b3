"""Opening the index of a large file: the one kept in the cache if it is this user's own,
complete and of the file as it is now; else built (in the cache, or privately if there is no
safe cache directory)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from .. import cache
from .read import IndexedDataset


def open_dataset(path: Path) -> IndexedDataset:
    """The index of ``path``, built first if it is missing or out of date."""
    target = cache.location(path, ".sqlite")
    usable = target is not None and cache.usable_directory() == target.parent
    dataset = _try_open(path, target) if usable and target is not None else None
    if dataset is None and usable and target is not None:
        import sqlite3

        from . import build  # not at import: a fresh index needs no builder (nor msgspec)

        with contextlib.suppress(OSError, sqlite3.Error):  # cache unusable: build privately below
            build.build_index(path, target)
        dataset = _try_open(path, target)
    if dataset is None:
        # Not kept (no cache directory, an untrusted or unwritable one, or the file changed
        # meanwhile): build privately.
        import sqlite3
        import tempfile

        from . import build

        with tempfile.TemporaryDirectory(prefix="relcli-index-") as scratch:
            private = Path(scratch) / "index.sqlite"
            build.build_index(path, private)
            return IndexedDataset(sqlite3.connect(":memory:"), path, private.read_bytes())
    return dataset


def _try_open(path: Path, target: Path) -> IndexedDataset | None:
    """The index at ``target`` if it is this user's own, complete and of ``path`` as it is now."""
    import sqlite3

    if not target.exists() or not cache.trusted(target):
        return None
    try:
        db = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
        meta = dict(
            db.execute("SELECT key, value FROM meta WHERE key IN ('fingerprint', 'events')")
        )
        (size,) = db.execute("SELECT coalesce(max(pos) + 1, 0) FROM events").fetchone()
        if tuple(json.loads(meta.get("fingerprint", "[]"))) != cache.fingerprint(path) or meta.get(
            "events"
        ) != str(size):
            db.close()
            with contextlib.suppress(OSError):
                target.unlink()  # damaged or stale: rebuilt by the caller
            return None
        cache.using(target)
        return IndexedDataset(db, path)
    except (sqlite3.Error, ValueError, OSError):
        with contextlib.suppress(OSError):
            target.unlink()
        return None
