"""Large data files: validated once into an SQLite index in the user cache directory.

A file at or above ``RELCLI_INDEX_THRESHOLD`` bytes (default 16 MiB; ``RELCLI_INDEX=always`` or
``never`` overrides; see ``cache.wants_index``) is not loaded whole. The first run streams it,
validates every record (the same rules and messages as small files) and writes an SQLite
database keyed by the file's fingerprint (see ``cache.py``): events one row each, with the
columns filters need and an index in chronological order, and the small tables (actors,
treaties, quotes, eras) as JSON. Later runs open the database and ask it only for what a
command needs, so ``timeline --from 2013`` reads the matching rows and nothing else, in order. It is used only while the fingerprint matches, so it is
never stale.

The modules, in the order a first run uses them:

- ``open``: use the index kept in the cache, or build one (``open_dataset``);
- ``build``: reading the file the fast way, or the plain way when that gives up;
- ``split``: the fast way on both cores (Linux): the second half in a forked process;
- ``builder``: records and runs of events in, problems out; the checks of the whole file;
- ``fastread``: the fast way, msgspec, which vouches for a valid file or gives up;
- ``batch``: runs of vetted events as columns, the one way events enter the index;
- ``writer``: the database layout; rows written in the reading process (``split``), or by a
  writer process (or thread) meanwhile;
- ``read``: ``IndexedDataset``, a ``model.Records`` that answers in SQL.
"""

from __future__ import annotations

from .open import open_dataset
from .read import IndexedDataset

__all__ = ["IndexedDataset", "open_dataset"]
