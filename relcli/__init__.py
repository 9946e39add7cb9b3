"""relcli: a command-line explorer of Russia–United States relations.

The core (``model``, ``dates``, ``store``, ``query``) knows nothing of terminals and can be used
as a library: ``relcli.store.load()`` gives the bundled ``Dataset``.
"""

from __future__ import annotations

from ._version import __version__

# _version.py is the single source of the version: the build backend writes it into the
# package metadata (see pyproject.toml), and reading it here avoids importlib.metadata's
# ~20 ms at start-up. A test checks that both agree.

__all__ = ["__version__"]
