"""Values for shell completion, drawn from the data: treaty names, actors, tags, kinds, eras, ids.

Each record is offered in the forms people type: aliases (``INF``), full names, and for actors
their surname (``Lavrov``) as well as their full name; its id when the names do not fit. What was
typed matches whatever its case (:func:`matching`). How each shell is answered is ``shells.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import SupportsIndex

import typer
from typer.completion import Shells

from ..model import COUNTRIES, Dataset
from ..vocabulary import KINDS, STATUSES, TAGS

COMPLETE_VAR = "_RELCLI_COMPLETE"  # set by the shells' completion scripts: see shells.py
SHELLS = tuple(shell.value for shell in Shells)  # the shells Typer has scripts for


def _dataset(data: str | None) -> Dataset | None:
    from .. import store

    try:
        return store.load(data or os.environ.get(store.ENV_VAR))
    except Exception:  # completion must never print an error into the user's shell
        return None


class Candidate(str):
    """A completion value that Typer's prefix check matches the way :func:`matching` does.

    Typer keeps an ``autocompletion`` value only if ``value.startswith(typed)``, case included,
    so ``gorb`` could never offer ``Gorbachev``. The value keeps its own spelling, which is what
    the shell inserts; only the check is widened.
    """

    __slots__ = ()

    def startswith(
        self,
        prefix: str | tuple[str, ...],
        start: SupportsIndex | None = None,
        end: SupportsIndex | None = None,
    ) -> bool:
        if isinstance(prefix, str) and start is None and end is None:
            return self.casefold().startswith(prefix.casefold())
        return str.startswith(self, prefix, start, end)


Record = tuple[Sequence[str], str]
"""How one record may be named on the command line: the names people type, and its id."""


def matching(typed: str, records: Iterable[Record]) -> list[Candidate]:
    """The names and ids that complete ``typed``, each spelling once, in the order given.

    Case is ignored: ``gorb`` offers ``Gorbachev``, ``inf`` offers ``INF``. Two preferences keep
    the list to what a person means, so that a shell can often insert it at once:

    * a record's id is offered only when none of its names fits: ``inf`` offers ``INF`` and
      ``INF Treaty``, and ``inf-`` offers ``inf-treaty``;
    * text typed with capitals prefers what it starts exactly: ``The`` offers ``The reset``, not
      also ``the Cold War``, as fish does itself.
    """
    folded = typed.casefold()
    found: list[str] = []
    for names, ident in records:
        fitting = [name for name in names if name.casefold().startswith(folded)]
        if not fitting and ident.casefold().startswith(folded):
            fitting = [ident]
        found += fitting
    if typed != typed.lower():
        found = [value for value in found if value.startswith(typed)] or found
    unique: dict[str, str] = {}
    for value in found:
        unique.setdefault(value.casefold(), value)
    return [Candidate(value) for value in unique.values()]


def _surname(name: str) -> str:
    return name.split()[-1]


def treaty_names(dataset: Dataset) -> list[Record]:
    return [((*t.aliases, t.name), t.id) for t in dataset.treaties]


def actor_names(dataset: Dataset) -> list[Record]:
    return [((_surname(a.name), a.name, *a.aliases), a.id) for a in dataset.actors]


def era_names(dataset: Dataset) -> list[Record]:
    return [((e.name, *e.aliases), e.id) for e in dataset.eras]


def during_names(dataset: Dataset) -> list[Record]:
    return era_names(dataset) + [
        ((_surname(a.name), a.name), a.id) for a in dataset.actors if a.roles
    ]


def event_ids(dataset: Dataset) -> list[Record]:
    return [((), e.id) for e in dataset.events]


def quote_ids(dataset: Dataset) -> list[Record]:
    return [((), q.id) for q in dataset.quotes]


def from_data(records: Callable[[Dataset], list[Record]]) -> Callable[..., list[Candidate]]:
    """A Typer ``autocompletion`` callback offering the names of ``records(dataset)``."""

    def complete(ctx: typer.Context, incomplete: str) -> list[Candidate]:
        data = ctx.find_root().params.get("data")
        dataset = _dataset(data)
        return matching(incomplete, records(dataset)) if dataset else []

    return complete


def fixed(values: Iterable[str]) -> Callable[..., list[Candidate]]:
    """A Typer ``autocompletion`` callback offering ``values``: names without ids."""
    choices: list[Record] = [((value,), "") for value in values]

    def complete(incomplete: str) -> list[Candidate]:
        return matching(incomplete, choices)

    return complete


treaties = from_data(treaty_names)
actors = from_data(actor_names)
eras_or_actors = from_data(during_names)
events = from_data(event_ids)
quotes = from_data(quote_ids)
tags = fixed(TAGS)
kinds = fixed(KINDS)
statuses = fixed(STATUSES)
countries = fixed(COUNTRIES)
record_types = fixed(("event", "treaty", "quote", "actor", "era"))
