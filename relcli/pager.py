"""Long human views through a pager, as git and gh do.

Only a human view written to a terminal is paged, and only when it is taller than the screen.
The pager is ``$RELCLI_PAGER``, else ``$PAGER``, else ``less -FRX`` (colours kept; ``-F`` quits
at once when the text fits); an empty ``RELCLI_PAGER`` (or ``PAGER``) or ``--no-pager``
turns it off. A pager
that cannot be started means plain output, with no error; quitting it early ends quietly.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable

DEFAULT = "less -FRX"


def command(environ: dict[str, str] | os._Environ[str] = os.environ) -> list[str] | None:
    """The pager's command line, or None when paging is turned off."""
    import shlex

    # RELCLI_PAGER first; PAGER set but empty means no pager, as in git.
    chosen = environ["RELCLI_PAGER"] if "RELCLI_PAGER" in environ else environ.get("PAGER", DEFAULT)
    try:
        words = shlex.split(chosen)
    except ValueError:
        words = chosen.split()
    return words or None


def screen_rows() -> int:
    lines = os.environ.get("LINES", "")
    if lines.isdigit() and int(lines) > 0:
        return int(lines)
    try:
        return os.get_terminal_size(sys.stdout.fileno()).lines or 24  # 0: size unknown
    except (OSError, ValueError, AttributeError):
        return 24


def page(text: str) -> bool:
    """Show ``text`` through the pager; False when it fits the screen, paging is off or no pager
    could be started (the caller then writes the text itself)."""
    if text.count("\n") < screen_rows():
        return False
    return page_pieces([text])


def page_pieces(pieces: Iterable[str]) -> bool:
    """Show the text given in ``pieces`` through the pager as they come (a view known to be
    taller than the screen); False, with no piece taken, when paging is off or no pager could
    be started. Quitting the pager, or ^C, stops taking pieces."""
    argv = command()
    if argv is None:
        return False
    import subprocess

    environ = dict(os.environ)
    environ.setdefault("LESS", "FRX")  # as git does: a bare PAGER=less keeps the colours
    environ.setdefault("LV", "-c")
    try:
        process = subprocess.Popen(argv, stdin=subprocess.PIPE, env=environ)
    except OSError:
        return False
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    assert process.stdin is not None
    try:
        for piece in pieces:
            process.stdin.write(piece.encode(encoding, errors="replace"))
        process.stdin.close()
    except (BrokenPipeError, OSError, KeyboardInterrupt):  # the reader quit before the end
        with contextlib.suppress(OSError):
            process.stdin.close()
    while True:
        try:
            process.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager, as in git
            continue
    return True
