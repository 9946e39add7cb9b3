"""Writing a file without ever replacing what its path points to.

Every writer (``export``, ``fmt``, ``stats --svg``) goes through ``write_text``. The rules, also in
the README ("Files relcli writes"):

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
import stat
from pathlib import Path

from .errors import UsageProblem, WriteFailed

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


def write_text(path: Path, text: str, *, force: bool) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` by the rules above."""
    how, real = target_of(path, force=force)
    data = text.encode("utf-8")
    if how == STREAM:
        _write_stream(path, data)
    else:
        _write_file(real, data, shown=path)


def _write_stream(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
    except OSError as exc:
        raise WriteFailed(str(path), _reason(exc)) from None
    try:
        view = memoryview(data)
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


def _write_file(target: Path, data: bytes, *, shown: Path) -> None:
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise WriteFailed(str(shown), _reason(exc)) from None
    if existing is not None and existing.st_nlink > 1:
        _rewrite_in_place(target, data, shown)
        return
    temporary = temporary_name(target)
    try:
        # 0666 here: the kernel takes the umask off, as for any new file.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    except OSError as exc:
        raise WriteFailed(str(shown), _reason(exc)) from None
    try:
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            if existing is not None:
                os.chmod(temporary, stat.S_IMODE(existing.st_mode))
                with contextlib.suppress(OSError):  # only root may give a file away
                    os.chown(temporary, existing.st_uid, existing.st_gid)
            os.replace(temporary, target)
        except OSError as exc:
            raise WriteFailed(str(shown), _reason(exc)) from None
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
