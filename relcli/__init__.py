"""relcli: a command-line explorer of Russia–United States relations.

The core (``model``, ``dates``, ``store``, ``query``) knows nothing of terminals and can be used
as a library: ``relcli.store.load()`` gives the bundled ``Dataset``.
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # Read lazily: importlib.metadata costs start-up time that most commands never need.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("relcli")
        except PackageNotFoundError:
            from ._version import __version__

            return __version__
    raise AttributeError(name)
