"""The on-disk cache of validated data files, in the user cache directory.

A data file is parsed and validated once; the result is kept next to a *fingerprint* of the
file — its resolved path, size, modification and change times (nanoseconds) and inode — and of
this relcli version. The cache is used only while the fingerprint still matches, so an edited,
replaced or touched file is read afresh: the cache is never stale. Writes go to a temporary file
renamed into place, so two processes building at once each write a complete file and the last
rename wins; a reader never sees half a cache. Any problem with the cache (unwritable
directory, corrupt file) only means it is not used.

Where: ``$RELCLI_CACHE_DIR``, else ``$XDG_CACHE_HOME/relcli``, else ``~/.cache/relcli`` (no
cache when ``HOME`` is empty, relative or missing). ``RELCLI_CACHE=0`` turns caching off.

Self-healing and trust: an entry is used only if it and its directory belong to the current user
and no one else can write them (as ssh does); otherwise relcli reads the data file and says so
once. An entry that turns out to be damaged is discarded by the CLI, which runs the command
again (``entries_in_use``). Temporary files carry their owner's pid (``.NAME.relcli-PID.tmp``);
those of a process that is no longer alive are removed by the next writer.
"""

from __future__ import annotations

import contextlib
import os
import stat
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .datafile import replace_file

# Bump when the cached representation or the index's layout changes (3: '\\/' is not plain
# ASCII in the index; 4: the index has each event's source URLs, "urls"; 5: two columns for the
# day (precision, end_precision) instead of four, and a chronological index).
FORMAT = 5
INDEX_THRESHOLD = 16 * 1024 * 1024  # files this large are indexed (``index``), not cached whole


def enabled() -> bool:
    return os.environ.get("RELCLI_CACHE", "1") not in ("0", "off", "no", "false")


def wants_index(path: Path) -> bool:
    """Whether ``path`` is read through its SQLite index (``index``) rather than loaded whole.

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


_NOTES: list[str] = []
_IN_USE: list[Path] = []


def take_notes() -> list[str]:
    """What the cache has to tell the person (at most once per run each), for the CLI to print."""
    notes = list(dict.fromkeys(_NOTES))
    _NOTES.clear()
    return notes


def entries_in_use() -> list[Path]:
    return list(_IN_USE)


def using(entry: Path) -> None:
    """Record that this run answers from ``entry``, so a damaged one can be discarded."""
    _IN_USE.append(entry)


def discard_entries_in_use() -> None:
    """Delete the entries this run used (one was found damaged) and use no cache for the rerun."""
    for entry in _IN_USE:
        with contextlib.suppress(OSError):
            entry.unlink()
    _IN_USE.clear()


def directory() -> Path | None:
    """The cache directory, or None where there is no safe place for one."""
    explicit = os.environ.get("RELCLI_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg) / "relcli"
    home = os.environ.get("HOME")
    if home is None:
        home = os.path.expanduser("~")
    if not home or not os.path.isabs(home) or home == "/" or not os.path.isdir(home):
        return None  # never create /.cache or a missing home's whole path
    return Path(home) / ".cache" / "relcli"


def _owned_privately(info: os.stat_result) -> bool:
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def trusted(entry: Path) -> bool:
    """Whether ``entry`` (which exists) is relcli's own: owned by this user, writable by no one
    else, in a directory of the same kind. If not, it is ignored, with a note."""
    if not hasattr(os, "geteuid"):
        return True  # no POSIX owners (Windows)
    try:
        ok = _owned_privately(os.lstat(entry)) and _owned_privately(os.stat(entry.parent))
        ok = ok and stat.S_ISREG(os.lstat(entry).st_mode)
    except OSError:
        return False
    if not ok:
        _NOTES.append(
            f"relcli: note: ignoring the cache entry {entry}: it is not this user's own "
            "or others can write it; reading the data file instead"
        )
    return ok


def usable_directory() -> Path | None:
    """The cache directory, created (mode 0700) if need be, when it is safe to write in."""
    where = directory()
    if where is None or not enabled():
        return None
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(where)
    except OSError:
        return None
    if hasattr(os, "geteuid") and not _owned_privately(info):
        _NOTES.append(
            f"relcli: note: not using the cache directory {where}: it is not this user's own "
            "or others can write it"
        )
        return None
    return where


def temporary_for(target: Path, suffix: str = "tmp") -> Path:
    """A temporary name beside ``target`` that names its owner; stale ones are swept first."""
    sweep_leftovers(target.parent)
    return target.with_name(f".{target.name}.relcli-{os.getpid()}.{suffix}")


def sweep_leftovers(where: Path) -> None:
    """Remove the temporary files of relcli processes that are no longer running."""
    import re

    pattern = re.compile(r"\..*\.relcli-(\d+)\.(tmp|building)(-journal)?")
    with contextlib.suppress(OSError):
        for name in os.listdir(where):
            match = pattern.fullmatch(name)
            if match and not _alive(int(match.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(where / name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


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


def location(path: Path, suffix: str) -> Path | None:
    """The cache file of ``path`` (None: no cache directory); a name collision only costs a
    rebuild (fingerprints differ)."""
    where = directory()
    if where is None:
        return None
    digest = zlib.crc32(str(path.resolve()).encode("utf-8", "surrogatepass"))
    return where / f"{path.name[:40]}-{digest:08x}{suffix}"


def _write_entry(target: Path, data: bytes) -> None:
    """Write a cache entry (private to this user) with ``datafile``'s one atomic write."""
    if usable_directory() != target.parent:
        return
    replace_file(target, data, temporary=temporary_for(target), mode=0o600, durable=False)


class _Packed(dict):  # type: ignore[type-arg]
    """A cached document whose record arrays stay marshalled until first asked for.

    ``quotes --speaker`` then never decodes the events, ``treaty`` never the actors. Each array
    is a region of the entry's bytes with its own checksum, read in place when first asked for
    (copying a 1.6 MB entry into a dict of byte strings cost ~2 ms of every start-up). An array
    that does not decode (a damaged cache file) is taken from ``reread``, which reads the data
    file itself again.
    """

    def __init__(
        self,
        document: dict[str, Any],
        regions: dict[str, tuple[memoryview, int]],
        reread: Callable[[], dict[str, Any]],
    ) -> None:
        super().__init__(document)
        self.update(dict.fromkeys(regions, _UNREAD))
        self.regions = regions
        self.reread = reread

    def __getitem__(self, key: Any) -> Any:
        value = dict.__getitem__(self, key)
        if value is _UNREAD:
            import marshal

            region, checksum = self.regions.pop(key)
            try:
                value = marshal.loads(region) if zlib.crc32(region) == checksum else None
            except Exception:  # damaged: use the file
                value = None
            if type(value) is not list:
                value = self.reread()[key]
            self[key] = value
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default  # noqa: SIM401 - must go through __getitem__


_UNREAD = object()
_MAGIC = b"relcli-cache-2\x00"
_HEAD = len(_MAGIC) + 8  # then the header's checksum and length, 4 bytes each


def packed(fingerprint_of: tuple[Any, ...], document: dict[str, Any]) -> bytes:
    """A cache entry: a header (the fingerprint, the document's small values, and where each
    array is) behind a checksum, then each array marshalled, with its own checksum in the
    header. A damaged entry is known before marshal reads it (a few garbled bytes could
    otherwise make it allocate or loop over billions of slots)."""
    import marshal

    plain: dict[str, Any] = {}
    table: dict[str, tuple[int, int, int]] = {}
    arrays: list[bytes] = []
    offset = 0
    for key, value in document.items():
        if isinstance(value, list):
            array = marshal.dumps(value)
            table[key] = (offset, len(array), zlib.crc32(array))
            arrays.append(array)
            offset += len(array)
        else:
            plain[key] = value
    header = marshal.dumps((fingerprint_of, plain, table))
    sizes = zlib.crc32(header).to_bytes(4, "big") + len(header).to_bytes(4, "big")
    return b"".join([_MAGIC, sizes, header, *arrays])


def unpacked(entry: bytes, reread: Callable[[], dict[str, Any]]) -> tuple[tuple[Any, ...], _Packed]:
    """The fingerprint and document of a ``packed`` entry; ValueError if the header is damaged."""
    import marshal

    checksum, size = entry[len(_MAGIC) : _HEAD - 4], int.from_bytes(entry[_HEAD - 4 : _HEAD], "big")
    header = entry[_HEAD : _HEAD + size]
    if not entry.startswith(_MAGIC) or zlib.crc32(header).to_bytes(4, "big") != checksum:
        raise ValueError("damaged cache entry")
    fingerprint_of, plain, table = marshal.loads(header)
    arrays = memoryview(entry)[_HEAD + size :]
    regions = {key: (arrays[at : at + length], crc) for key, (at, length, crc) in table.items()}
    return tuple(fingerprint_of), _Packed(plain, regions, reread)


def read_document(path: Path, reread: Callable[[], dict[str, Any]]) -> Any | None:
    """The validated document cached for ``path``, or None when there is no valid cache.

    ``reread`` reads and validates the file itself, should a part of the cache be damaged.
    """
    if not enabled() or not cacheable(path):
        return None
    entry = location(path, ".marshal")
    if entry is None or not entry.exists() or not trusted(entry):
        return None
    try:
        stored_fingerprint, document = unpacked(entry.read_bytes(), reread)
        if stored_fingerprint != fingerprint(path):
            return None
    except Exception:  # missing, unreadable or corrupt: rebuild
        return None
    using(entry)
    return document


def write_document(path: Path, fingerprint_before: tuple[Any, ...], document: Any) -> None:
    """Cache ``document`` for ``path`` — unless the file changed while it was being read."""
    if not enabled():
        return
    entry = location(path, ".marshal")
    if entry is None:
        return
    with contextlib.suppress(OSError, ValueError):
        if fingerprint(path) != fingerprint_before:
            return
        _write_entry(entry, packed(fingerprint_before, document))
