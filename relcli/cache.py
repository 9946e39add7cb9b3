"""The on-disk cache of validated data files, in the user cache directory.

A data file is parsed and validated once; the result is kept next to a *fingerprint* of the
file — its resolved path, size, modification and change times (nanoseconds) and inode — and of
this relcli version. The cache is used only while the fingerprint still matches, so an edited,
replaced or touched file is read afresh: the cache is never stale. Writes go to a temporary file
renamed into place, so two processes building at once each write a complete file and the last
rename wins; a reader never sees half a cache. Any problem with the cache (unwritable
directory, corrupt file) only means it is not used.

Where: ``$RELCLI_CACHE_DIR``, else ``$XDG_CACHE_HOME/relcli``, else ``~/.cache/relcli``.
``RELCLI_CACHE=0`` turns caching off.
"""

from __future__ import annotations

import contextlib
import os
import stat
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = 2  # bump when the cached representation changes (2: record arrays packed separately)
INDEX_THRESHOLD = 16 * 1024 * 1024  # files this large are indexed (index.py), not cached whole


def enabled() -> bool:
    return os.environ.get("RELCLI_CACHE", "1") not in ("0", "off", "no", "false")


def wants_index(path: Path) -> bool:
    """Whether ``path`` is read through its SQLite index (``index.py``) rather than loaded whole.

    Decided here, without importing the index module, so a small file's start-up never pays
    for it. ``RELCLI_INDEX=always|never`` and ``RELCLI_INDEX_THRESHOLD`` (bytes) override it.
    """
    if not cacheable(path):  # a FIFO or a device has no stable fingerprint to key an index by
        return False
    mode = os.environ.get("RELCLI_INDEX", "auto")
    if mode == "never":
        return False
    if mode == "always":
        return True
    try:
        threshold = int(os.environ.get("RELCLI_INDEX_THRESHOLD", INDEX_THRESHOLD))
        return path.stat().st_size >= threshold
    except (OSError, ValueError):
        return False


def directory() -> Path:
    explicit = os.environ.get("RELCLI_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "relcli"


def fingerprint(path: Path) -> tuple[Any, ...]:
    """What must not change for a cache of ``path`` to stay valid."""
    from . import _version

    st = path.stat()
    return (
        FORMAT,
        _version.__version__,
        str(path.resolve()),
        st.st_size,
        st.st_mtime_ns,
        st.st_ctime_ns,
        st.st_ino,
    )


def cacheable(path: Path) -> bool:
    """Only regular files: a FIFO or a device has no stable fingerprint."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def location(path: Path, suffix: str) -> Path:
    """The cache file of ``path``; a name collision only costs a rebuild (fingerprints differ)."""
    digest = zlib.crc32(str(path.resolve()).encode("utf-8", "surrogatepass"))
    return directory() / f"{path.name[:40]}-{digest:08x}{suffix}"


def write_atomically(target: Path, data: bytes) -> None:
    import tempfile  # only writers need it (~1 ms of start-up)

    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class _Packed(dict):  # type: ignore[type-arg]
    """A cached document whose record arrays stay marshalled until first asked for.

    ``quotes --speaker`` then never decodes the events, ``treaty`` never the actors: most of
    the 2.5 ms that reading the bundled file's cache costs. An array that does not decode (a
    damaged cache file) is taken from ``reread``, which reads the data file itself again.
    """

    def __init__(self, document: dict[str, Any], reread: Callable[[], dict[str, Any]]) -> None:
        super().__init__(document)
        self.reread = reread

    def __getitem__(self, key: Any) -> Any:
        value = dict.__getitem__(self, key)
        if type(value) is bytes:
            import marshal

            try:
                value = marshal.loads(value)
            except Exception:  # damaged: use the file
                value = None
            if type(value) is not list:
                value = self.reread()[key]
            self[key] = value
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default  # noqa: SIM401 - must go through __getitem__


def read_document(path: Path, reread: Callable[[], dict[str, Any]]) -> Any | None:
    """The validated document cached for ``path``, or None when there is no valid cache.

    ``reread`` reads and validates the file itself, should a part of the cache be damaged.
    """
    if not enabled() or not cacheable(path):
        return None
    import marshal

    try:
        stored_fingerprint, document = marshal.loads(location(path, ".marshal").read_bytes())
    except Exception:  # missing, unreadable or corrupt: rebuild
        return None
    try:
        if tuple(stored_fingerprint) != fingerprint(path):
            return None
    except OSError:
        return None
    return _Packed(document, reread) if isinstance(document, dict) else None


def write_document(path: Path, fingerprint_before: tuple[Any, ...], document: Any) -> None:
    """Cache ``document`` for ``path`` — unless the file changed while it was being read."""
    if not enabled():
        return
    import marshal

    with contextlib.suppress(OSError, ValueError):
        if fingerprint(path) != fingerprint_before:
            return
        packed = {
            key: marshal.dumps(value) if isinstance(value, list) else value
            for key, value in document.items()
        }
        write_atomically(location(path, ".marshal"), marshal.dumps((fingerprint_before, packed)))
