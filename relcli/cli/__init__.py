"""The ``relcli`` command line: thin layers over the core.

``app`` (the Typer application and global options), ``options`` (options shared by commands),
``filters`` (what a person typed, as the core's questions), ``output`` (writing the answer),
the commands in ``listing``, ``lookup``, ``reports`` and ``datafiles``, and ``main`` (argv, exit codes).
"""

from __future__ import annotations

from . import datafiles, listing, lookup, reports
from .app import app
from .main import main
from .output import emit, note, render_options

# The order of ``relcli --help``: the everyday views first, the data-file tools last.
ORDER = (
    "timeline",
    "treaty",
    "treaties",
    "quotes",
    "quote",
    "event",
    "actors",
    "actor",
    "eras",
    "tags",
    "kinds",
    "search",
    "on",
    "stats",
    "export",
    "validate",
    "compare",
    "sources",
    "fmt",
    "schema",
)
app.registered_commands.sort(key=lambda info: ORDER.index(info.callback.__name__))  # type: ignore[union-attr]

__all__ = [
    "app",
    "datafiles",
    "emit",
    "listing",
    "lookup",
    "main",
    "note",
    "render_options",
    "reports",
]
