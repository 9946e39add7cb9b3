"""Reading a data file, and writing any file without ever replacing what its path points to.

Reading: the text of a data file (bounded in size, a stream read once) or a ``DataFileError``
that says plainly why not, with the line and column of malformed JSON or text that is not UTF-8.

Writing: every writer (``export``, ``fmt``, ``stats --svg``) goes through ``write_text``; the
caches go through ``replace_file``. The rules, also in the README ("Files relcli writes"):

- a regular file is replaced atomically: the text goes to a temporary file in the same directory
  (named ``.NAME.relcli-PID.tmp``), which is renamed over it, so a reader sees the old or the new
  file, never half of one. The file keeps its mode and, where the system lets us, its owner; a
  file with several hard links is rewritten in place instead, so every link sees the new text;
- a symbolic link is written *through*: its target is replaced as above, the link stays. A
  dangling link counts as an existing path (``--force`` creates its target);
- a FIFO or a character device (``/dev/stdout``, a terminal) is written to as a stream, never
  renamed over; a block device, a socket or a directory is refused;
- a new file gets mode 0666 less the umask, like a shell redirection.

Failures raise ``WriteFailed`` (path and reason, exit 74) and leave no temporary file behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .errors import DataFileError, Problem, UsageProblem, WriteFailed

# ---- reading -------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """The file's text, or a ``DataFileError`` saying plainly why it cannot be read."""
    shown = str(path)
    try:
        raw = read_bounded(path)
    except FileNotFoundError:
        raise DataFileError(shown, [Problem("no such file")]) from None
    except IsADirectoryError:
        raise DataFileError(shown, [Problem("is a directory, not a data file")]) from None
    except PermissionError:
        raise DataFileError(shown, [Problem("permission denied")]) from None
    except OSError as exc:
        raise DataFileError(shown, [Problem(f"cannot read: {exc.strerror or exc}")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problem = Problem(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            line=line,
            column=column,
        )
        raise DataFileError(shown, [problem]) from None


def read_bounded(path: Path) -> bytes:
    """The bytes of ``path``, read once (a pipe or device is streamed, never re-opened), up to
    ``RELCLI_MAX_INPUT`` bytes; past that, or at a NUL byte in a stream (``/dev/zero``: no JSON
    has one), a ``DataFileError`` rather than memory without end."""
    bound = limit("RELCLI_MAX_INPUT")
    with open(path, "rb") as handle:
        info = os.fstat(handle.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        regular = stat.S_ISREG(info.st_mode)
        if regular and info.st_size > bound:
            raise DataFileError(str(path), [_too_large(bound)])
        if regular:
            return handle.read()
        chunks: list[bytes] = []
        size = 0
        while chunk := handle.read(1 << 20):
            if b"\x00" in chunk:
                offset = size + chunk.index(b"\x00")
                problem = Problem(f"malformed JSON: a NUL byte at offset {offset}; not a data file")
                raise DataFileError(str(path), [problem])
            size += len(chunk)
            if size > bound:
                raise DataFileError(str(path), [_too_large(bound)])
            chunks.append(chunk)
        return b"".join(chunks)


def _too_large(bound: int) -> Problem:
    return Problem(
        f"larger than {bound:,} bytes, the most relcli reads as one document "
        "(set RELCLI_MAX_INPUT to raise it)"
    )


def nonblank(text: str, shown: str) -> str:
    """``text``, unless it is empty or only white space: a ``DataFileError``."""
    if not text.strip():
        raise DataFileError(shown, [Problem("the file is empty")])
    return text


def parse_json(text: str, shown: str) -> Any:
    import json  # a cached load never parses JSON (~1.4 ms of start-up)

    nonblank(text, shown)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = Problem(f"malformed JSON: {exc.msg}", line=exc.lineno, column=exc.colno)
        raise DataFileError(shown, [problem]) from None
    except RecursionError:
        raise DataFileError(shown, [Problem("malformed JSON: nested too deeply")]) from None
    problems = lone_surrogates(document, text)
    if problems:
        raise DataFileError(shown, problems)
    return document


def lone_surrogates(document: Any, text: str | None = None) -> list[Problem]:
    """A problem at the JSON path of every string holding a lone surrogate (``"\\ud800"``):
    JSON allows the escape, but it is not a character, and no file or terminal can take it.

    ``text``: the raw JSON, to skip the walk when it has no surrogate escape at all."""
    if text is not None and not re.search(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}", text):
        return []
    problems: list[Problem] = []

    def bad(value: str) -> bool:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False

    def walk(value: Any, path: str) -> None:
        if isinstance(value, str):
            if not value.isascii() and bad(value):
                problems.append(
                    Problem(
                        "not valid Unicode text (a lone surrogate escape such as \\ud800)",
                        path=path,
                    )
                )
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")
        elif isinstance(value, dict):
            for key, item in value.items():
                if not key.isascii() and bad(key):
                    problems.append(
                        Problem(
                            "a key that is not valid Unicode text (a lone surrogate)", path=path
                        )
                    )
                walk(item, f"{path}.{key}" if key.isidentifier() else f"{path}[{key!r}]")

    walk(document, "$")
    return problems


def relocated(path: str, where: Callable[[str, int], str | None]) -> str:
    """A problem's JSON path in a document (``$.events[4].date``) as a person finds it in the
    file. ``where(array, index)`` says where that record really is: another path
    (``$.events[9]``), a line of JSON Lines (``line 12``, giving ``line 12: $.date``), or None
    to keep the path."""
    match = re.match(r"\$\.(\w+)\[(\d+)\](.*)", path)  # compiled when first needed
    found = match and where(match.group(1), int(match.group(2)))
    if not found:
        return path
    rest = match.group(3)  # type: ignore[union-attr]
    if found.startswith("$"):
        return found + rest
    return f"{found}: ${rest}" if rest else found


DEFAULT_LIMITS = {"RELCLI_MAX_INPUT": 4 * 1024**3, "RELCLI_MAX_LINE": 64 * 1024**2}


def limit(name: str) -> int:
    """A size bound on what relcli reads (bytes or characters): the environment's, or the default."""
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_LIMITS[name]


# ---- writing -------------------------------------------------------------------------------

STREAM = "stream"
FILE = "file"


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long"
    return exc.strerror or str(exc)


def target_of(path: Path, *, force: bool) -> tuple[str, Path]:
    """How ``path`` is to be written: as a ``STREAM`` or a ``FILE``, and the real path.

    Refuses (``UsageProblem``, exit 2) an existing path without ``force`` and what can never be
    written safely.
    """
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        return FILE, path
    except OSError as exc:
        raise WriteFailed(str(path), _reason(exc)) from None
    try:
        info = os.stat(path)
    except FileNotFoundError:  # a dangling symbolic link: its target is to be created
        if not force:
            raise UsageProblem(
                f"{path} already exists (a link to a missing file); use --force to create its target"
            ) from None
        return FILE, Path(os.path.realpath(path))
    except OSError as exc:
        raise WriteFailed(str(path), _reason(exc)) from None
    mode = info.st_mode
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return STREAM, path
    if stat.S_ISDIR(mode):
        raise WriteFailed(str(path), "is a directory")
    if not stat.S_ISREG(mode):
        raise WriteFailed(str(path), "not a regular file, FIFO or character device; refusing")
    if not force:
        raise UsageProblem(f"{path} already exists; use --force to overwrite it")
    return FILE, Path(os.path.realpath(path)) if stat.S_ISLNK(link.st_mode) else path


def is_stream(path: Path) -> bool:
    """Whether ``path`` is a FIFO, a character device or a socket (reading it may block)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)


def write_text(path: Path, text: str | Iterable[str], *, force: bool) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` by the rules above; given in
    pieces, it is written as they come (a file still appears whole, in one rename)."""
    how, real = target_of(path, force=force)
    data = (piece.encode("utf-8") for piece in ([text] if isinstance(text, str) else text))
    if how == STREAM:
        _write_stream(path, data)
    else:
        _write_file(real, data, shown=path)


def _write_stream(path: Path, data: Iterable[bytes]) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
    except OSError as exc:
        raise WriteFailed(str(path), _reason(exc)) from None
    try:
        for piece in data:
            view = memoryview(piece)
            while view:
                written = os.write(fd, view)
                view = view[written:]
    except BrokenPipeError:
        pass  # the reader went away, as with `| head`
    except OSError as exc:
        raise WriteFailed(str(path), _reason(exc)) from None
    finally:
        os.close(fd)


def temporary_name(target: Path) -> Path:
    """A temporary name beside ``target`` that says which process made it."""
    return target.with_name(f".{target.name}.relcli-{os.getpid()}.tmp")


def _write_file(target: Path, data: Iterable[bytes], *, shown: Path) -> None:
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise WriteFailed(str(shown), _reason(exc)) from None
    if existing is not None and existing.st_nlink > 1:
        _rewrite_in_place(target, b"".join(data), shown)  # whole first: no half-written file
        return
    try:
        replace_file(target, data, temporary=temporary_name(target), like=existing)
    except OSError as exc:
        raise WriteFailed(str(shown), _reason(exc)) from None


def replace_file(
    target: Path,
    data: bytes | Iterable[bytes],
    *,
    temporary: Path,
    mode: int = 0o666,
    like: os.stat_result | None = None,
    durable: bool = True,
) -> None:
    """Put ``data`` (bytes, or pieces of them) at ``target`` in one rename: written to
    ``temporary`` (a new file, mode ``mode`` less the umask, links not followed), given the
    mode and owner of ``like`` (the file it replaces), flushed to disk if ``durable``, renamed
    over ``target``. Raises ``OSError``;
    the temporary file never outlives a failure. A cache entry is not ``durable``: losing one
    to a crash only costs a rebuild, and it is on every first run's path."""
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        with os.fdopen(fd, "wb") as out:
            for piece in [data] if isinstance(data, bytes) else data:
                out.write(piece)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        if like is not None:
            os.chmod(temporary, stat.S_IMODE(like.st_mode))
            with contextlib.suppress(OSError):  # only root may give a file away
                os.chown(temporary, like.st_uid, like.st_gid)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _rewrite_in_place(target: Path, data: bytes, shown: Path) -> None:
    try:
        with open(target, "r+b") as out:
            out.write(data)
            out.truncate()
    except OSError as exc:
        raise WriteFailed(str(shown), _reason(exc)) from None
