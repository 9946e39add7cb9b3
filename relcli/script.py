"""The ``relcli`` console script and ``python -m relcli``: the process around ``cli.main``.

Two costs of every run are Python's rather than relcli's, and are cut here:

- The cyclic garbage collector runs many times while Typer, Click and relcli are imported,
  walking every object created so far, though imports make no garbage: ~4 ms. It is off while
  they are imported; then what they made is frozen out of its view (``gc.freeze``) and it runs
  again for the command itself, collecting the youngest objects every 100,000 allocations
  rather than every 700: a big answer builds millions of objects, few of them in cycles (a
  search listing 900,000 events of a big file spent 11 s of 49 in the collector).
- Python's own shutdown frees every module and object one by one: ~14 ms, a seventh of a
  run. Once standard output and error are flushed nothing relcli does needs it: its files are
  closed and its child processes waited for. If something might (a thread still running, a
  function registered with ``atexit``), the process exits the usual way.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys


def run() -> None:
    """Run relcli on ``sys.argv`` and end the process with its exit code."""
    gc.disable()
    try:
        from .cli import main
    finally:
        gc.freeze()
        gc.set_threshold(100_000, 50, 100)
        gc.enable()
    code = main()
    threading = sys.modules.get("threading")
    alone = threading is None or threading.active_count() == 1
    callbacks = getattr(atexit, "_ncallbacks", None)  # CPython's count of atexit functions
    if alone and callbacks is not None and callbacks() == 0:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # main reported what mattered: exit now
                stream.flush()
        os._exit(code)
    sys.exit(code)
