"""Writing a command's answer: choosing the renderer, the pager, the terminal checks, stdout errors
(exit 74), and notes on stderr.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer

from .. import datafile
from ..errors import (
    EXIT_OK,
    UsageProblem,
    WriteFailed,
)
from ..render import (
    Document,
    RenderOptions,
    renderer,
)
from .options import Output

PAGING = {"off": False}  # --no-pager


def _terminal_width() -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return min(int(columns), 1000)
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 100


def render_options(stream: object = None, **view: Any) -> RenderOptions:
    """Styles only on a terminal (or FORCE_COLOR); NO_COLOR drops colours, TERM=dumb all styles."""
    stream = stream or sys.stdout
    env = os.environ
    try:
        is_tty = bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        is_tty = False
    forced = bool(env.get("FORCE_COLOR"))
    styled = forced or (is_tty and env.get("TERM") != "dumb")
    color = styled and not env.get("NO_COLOR")
    return RenderOptions(width=_terminal_width(), styled=styled, color=color, **view)


def write(text: str) -> None:
    """Write the document to stdout; a reader that went away (``| head``) ends us quietly.

    Any other failure (a full disk, an I/O error) is ``WriteFailed``: exit 74, one line.
    """
    WRITTEN.append(True)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        raise typer.Exit(EXIT_OK) from None
    except OSError as exc:
        silence_stdout()
        raise WriteFailed("standard output", exc.strerror or str(exc)) from None


def stream(chunks: Iterable[str]) -> None:
    """Write a machine document given in pieces (``render.stored``) as they come: the first at
    once, so ``| head -1`` ends the command at once; then about 64 KiB at a time."""
    pending: list[str] = []
    size = 0
    first = True
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if first or size >= 65536:
            write(_for_terminal("".join(pending)))
            pending, size, first = [], 0, False
    if pending or first:
        write(_for_terminal("".join(pending)))


ROWS_AT_ONCE = (100, 1000)  # events laid out together as a listing streams: first, then each


def stream_rows(events: Iterable[Any], dataset: Any, words: Any) -> bool:
    """A timeline to a pipe, written as the events are found, so the first rows come before
    the last are read (``| head`` ends at once): runs of about ``ROWS_AT_ONCE`` events, cut
    between years (a year's rows are laid out together, so the text is the same as at once).
    False if there were none."""
    from itertools import groupby

    from ..render import Listing
    from ..render.table import render

    options = render_options()
    size, run = ROWS_AT_ONCE[0], []
    written = False
    for _, year in groupby(events, key=lambda e: e.date.year):
        run += year
        if len(run) >= size:
            write(render(Listing("event", run, dataset, words), options))
            size, run, written = ROWS_AT_ONCE[1], [], True
    if run:
        write(render(Listing("event", run, dataset, words), options))
    return written or bool(run)


def stream_view(pieces: Iterable[str]) -> None:
    """A long view for a person written as it is laid out (``render.table.hit_pieces``): on a
    terminal through the pager, unless paging is off; else piece by piece."""
    if not PAGING["off"] and stdout_is_terminal():
        from ..pager import page_pieces

        WRITTEN.append(True)
        if page_pieces(pieces):
            return
    for piece in pieces:
        write(piece)


def silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def note(message: str) -> None:
    """A message for the person, never part of the document: stderr, one line each."""
    with contextlib.suppress(OSError):
        from ..render.safety import escaped

        typer.echo(escaped(message), err=True)


def stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _for_terminal(text: str) -> str:
    """Machine text (JSON, CSV, --jq results) as is to a pipe; on a live terminal without the
    control characters a hostile data file could smuggle in (titles, clipboard, screen clears)."""
    if not stdout_is_terminal():
        return text
    from ..render.safety import clean

    return clean(text)


def emit(
    document: Document, out: Output, count: int | None = None, total: int | None = None
) -> None:
    """Write ``document`` as ``out`` asks; ``count``: records shown (0: say nothing matched),
    ``total``: records matched before ``--limit`` (for the count line on a terminal)."""
    if out.fields is not None:
        from ..render import fields as field_selection

        if out.fields.strip() in ("", "help"):
            write("\n".join(field_selection.available(document)) + "\n")
            return
        document = field_selection.project(document, field_selection.parse(out.fields, document))
    name = out.format_name
    if out.csv_raw and name != "csv":
        raise UsageProblem(
            f"--csv-raw applies to CSV output, not {name}; use --format csv or drop it"
        )
    if out.jq is not None:
        if name != "json":
            raise UsageProblem(f"--jq works on JSON output; drop --format {name}")
        from ..jqfilter import Halted, results

        try:
            for text in results(out.jq, document):
                write(_for_terminal(text))
        except Halted as halted:  # halt_error: its input to stderr, its code, as jq does
            from ..render.safety import escaped

            with contextlib.suppress(OSError):
                sys.stderr.write(escaped(halted.message) if sys.stderr.isatty() else halted.message)
                sys.stderr.flush()
            raise typer.Exit(halted.code) from None
        return
    options = render_options(short=out.short, total=total, csv_raw=out.csv_raw)
    text = renderer(name)(document, options)
    if name != "table":
        text = _for_terminal(text)
    if count == 0 and name in ("table", "md"):
        note("relcli: nothing matched")
        if name == "table":
            return
    if name == "table" and not PAGING["off"] and stdout_is_terminal():
        from ..pager import page

        WRITTEN.append(True)
        if page(text):
            return
    write(text)


def check_writable(path: Path, force: bool) -> None:
    """Refuse early (before any work) a path that exists without --force; ``-`` is stdout."""
    if str(path) != "-":
        datafile.target_of(path, force=force)


def write_file(path: Path, text: str | Iterable[str], force: bool) -> None:
    """Write ``text`` (or its pieces, as they come) to ``path`` through ``datafile`` (never
    replacing what it points to)."""
    if str(path) == "-":
        write(text) if isinstance(text, str) else stream(text)
    else:
        datafile.write_text(path, text, force=force)


WRITTEN: list[bool] = []
