"""``--jq EXPR``: run a jq program over a command's JSON output, like ``gh --jq``.

Uses the ``jq`` package (bindings to libjq). Each result is printed on its own line as it comes;
strings print raw (like ``jq -r``), everything else as indented JSON. A jq syntax or runtime
error is a usage error (exit 2); ``halt`` ends quietly and ``halt_error`` prints its input to
stderr and exits with its code, as jq does.

relcli stays in control of the program: where the platform can fork, it runs in a child
process with a memory bound (``RELCLI_JQ_MEMORY``, MiB, default 2048) and a time bound
(``RELCLI_JQ_TIMEOUT``, seconds, default 60), so a program that recurses without end or never
stops (``repeat(1)``) ends with a message instead of aborting relcli, and ``| head`` stops it.
"""

from __future__ import annotations

import contextlib
import os
import struct
import sys
from collections.abc import Iterator
from typing import Any

from .errors import UsageProblem
from .render import Document, to_json
from .render.json import dumps

_HALT_KEY = "relcli\u0000halt"
# jq's halt_error/0 calls halt_error/1 lexically, so both are shadowed: each emits a marker
# (the exit code and the input) and then halts.
_PRELUDE = (
    'def halt_error(code): {"relcli\\u0000halt": [code, .]}, halt; def halt_error: halt_error(5); '
)
_HEADER = struct.Struct("!cI")  # frame kind (o: output, e: error, h: halt), payload length


class Halted(Exception):
    """``halt_error``: print ``message`` to stderr and exit with ``code``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(code, message)
        self.code, self.message = code, message


def _settings(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else default


def results(expression: str, document: Document) -> Iterator[str]:
    """The program's output, result by result (each ending in a newline).

    Raises ``UsageProblem`` for a jq error or a bound reached, ``Halted`` for ``halt_error``.
    """
    try:
        import jq
    except ImportError:
        raise UsageProblem(
            "--jq needs the 'jq' package, which has no binary wheel for this platform: "
            "pip install 'relcli[jq]' builds it (or pipe --json into jq)"
        ) from None
    try:
        program = jq.compile(_PRELUDE + expression)
    except ValueError as exc:
        raise UsageProblem(f"--jq: {_first_line(exc)}") from None
    value = to_json(document)
    if not hasattr(os, "fork") or not sys.platform.startswith("linux"):
        yield from _run_here(program, value)
        return
    yield from _run_in_child(program, value)


def _render(result: Any) -> str | tuple[int, str]:
    """A result as output text, or (code, message) for a ``halt_error`` marker."""
    if isinstance(result, dict) and _HALT_KEY in result:
        code, data = result[_HALT_KEY]
        message = data if isinstance(data, str) else dumps(data) + "\n"
        return (code if isinstance(code, int) else 5), message
    return (result if isinstance(result, str) else dumps(result)) + "\n"


def _run_here(program: Any, value: Any) -> Iterator[str]:
    try:
        for result in program.input_value(value):
            rendered = _render(result)
            if isinstance(rendered, tuple):
                raise Halted(*rendered)
            yield rendered
    except ValueError as exc:
        raise UsageProblem(f"--jq: {_first_line(exc)}") from None


def _run_in_child(program: Any, value: Any) -> Iterator[str]:
    import select
    import signal
    import time

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(program, value, write_end)
    os.close(write_end)
    deadline = time.monotonic() + _settings("RELCLI_JQ_TIMEOUT", 60)
    reader = _Frames(read_end)
    finished = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise UsageProblem(
                    f"--jq: stopped after {_settings('RELCLI_JQ_TIMEOUT', 60)} s "
                    "(RELCLI_JQ_TIMEOUT); does the program end?"
                )
            ready, _, _ = select.select([read_end], [], [], min(left, 1.0))
            if not ready:
                continue
            for kind, payload in reader.read():
                text = payload.decode("utf-8", "surrogateescape")
                if kind == b"o":
                    yield text
                elif kind == b"e":
                    raise UsageProblem(f"--jq: {text}")
                elif kind == b"h":
                    code, _, message = text.partition(" ")
                    raise Halted(int(code), message)
            if reader.closed:
                finished = True
                break
    finally:
        os.close(read_end)
        if not finished:
            with contextlib.suppress(OSError, ValueError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0:
        raise UsageProblem(
            "--jq: the program ran out of memory or recursed without end "
            f"(RELCLI_JQ_MEMORY is {_settings('RELCLI_JQ_MEMORY', 2048)} MiB)"
        )


class _Frames:
    def __init__(self, fd: int) -> None:
        self.fd, self.buffer, self.closed = fd, b"", False

    def read(self) -> Iterator[tuple[bytes, bytes]]:
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            self.closed = True
        self.buffer += chunk
        while len(self.buffer) >= _HEADER.size:
            kind, size = _HEADER.unpack_from(self.buffer)
            if len(self.buffer) < _HEADER.size + size:
                break
            yield kind, self.buffer[_HEADER.size : _HEADER.size + size]
            self.buffer = self.buffer[_HEADER.size + size :]


def _child(program: Any, value: Any, fd: int) -> None:
    import resource
    import signal

    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        bound = _settings("RELCLI_JQ_MEMORY", 2048) * 1024 * 1024
        with contextlib.suppress(OSError, ValueError):
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            used = _mapped_bytes()
            limit = used + bound
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        with os.fdopen(fd, "wb", buffering=1 << 16) as out:

            def send(kind: bytes, text: str) -> None:
                payload = text.encode("utf-8", "surrogateescape")
                out.write(_HEADER.pack(kind, len(payload)) + payload)

            try:
                for result in program.input_value(value):
                    rendered = _render(result)
                    if isinstance(rendered, tuple):
                        send(b"h", f"{rendered[0]} {rendered[1]}")
                        break
                    send(b"o", rendered)
                    out.flush()
            except ValueError as exc:
                send(b"e", _first_line(exc))
            except MemoryError:
                code = 3
    except BaseException:
        code = 3
    os._exit(code)


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _first_line(exc: Exception) -> str:
    """The first line of jq's message, its columns counted in the user's program."""
    import re

    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return re.sub(
        r"line 1, column (\d+)",
        lambda m: f"line 1, column {max(1, int(m.group(1)) - len(_PRELUDE))}",
        line,
    )
