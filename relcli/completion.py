"""Values for shell completion, drawn from the data: treaty names, actors, tags, kinds, eras, ids.

Typer (through Click) keeps only candidates that start with exactly what was typed, case
included, so each value is offered in the forms people type: aliases (``INF``), full names, ids,
and for actors their surname (``Lavrov``) as well as their full name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

import typer

from .model import COUNTRIES, Dataset
from .vocabulary import KINDS, STATUSES, TAGS


def _dataset(data: str | None) -> Dataset | None:
    from . import store

    try:
        return store.load(data or os.environ.get(store.ENV_VAR))
    except Exception:  # completion must never print an error into the user's shell
        return None


def _starting(incomplete: str, values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value.startswith(incomplete) and value not in seen:
            seen.append(value)
    if not seen:  # fall back to case-insensitive, for shells that accept it
        folded = incomplete.casefold()
        seen = [v for v in dict.fromkeys(values) if v.casefold().startswith(folded)]
    return seen


def treaty_names(dataset: Dataset) -> list[str]:
    return [n for t in dataset.treaties for n in (*t.aliases, t.name, t.id)]


def actor_names(dataset: Dataset) -> list[str]:
    return [n for a in dataset.actors for n in (a.name.split()[-1], a.name, *a.aliases, a.id)]


def era_names(dataset: Dataset) -> list[str]:
    return [n for e in dataset.eras for n in (e.name, *e.aliases, e.id)]


def during_names(dataset: Dataset) -> list[str]:
    return era_names(dataset) + [
        n for a in dataset.actors if a.roles for n in (a.name.split()[-1], a.name, a.id)
    ]


def event_ids(dataset: Dataset) -> list[str]:
    return [e.id for e in dataset.events]


def quote_ids(dataset: Dataset) -> list[str]:
    return [q.id for q in dataset.quotes]


def from_data(values: Callable[[Dataset], list[str]]) -> Callable[..., list[str]]:
    """A Typer ``autocompletion`` callback offering ``values(dataset)``."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        data = ctx.find_root().params.get("data")
        dataset = _dataset(data)
        return _starting(incomplete, values(dataset)) if dataset else []

    return complete


def fixed(values: Iterable[str]) -> Callable[..., list[str]]:
    choices = list(values)

    def complete(incomplete: str) -> list[str]:
        return _starting(incomplete, choices)

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
