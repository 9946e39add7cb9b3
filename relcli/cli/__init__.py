"""The ``relcli`` command line: thin layers over the core.

``application`` (the Typer ``app`` and global options), ``options`` (options shared by commands),
``filters`` (what a person typed, as the core's questions), ``output`` (writing the answer),
the commands in ``listing``, ``lookup``, ``reports`` and ``datafiles``, and ``main`` (argv, exit codes).
"""

from __future__ import annotations

from typing import Any

from .main import main


def __getattr__(name: str) -> Any:
    """``app`` with every command on it, and the command modules, imported when asked for:
    the ``relcli`` script runs ``main``, which imports only the module of its command."""
    import importlib

    from .application import register

    if name == "app":
        register()
        return importlib.import_module(f"{__name__}.application").app
    if name in ("datafiles", "listing", "lookup", "reports"):
        register()
        return importlib.import_module(f"{__name__}.{name}")
    if name in ("emit", "note", "render_options"):
        return getattr(importlib.import_module(f"{__name__}.output"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
