"""What is checked once the whole file is in: the small tables, and every reference.

A ``builder.Builder`` checks each event as it comes; what needs the whole file is checked here
when it finishes: the rules of ``rules.build`` for the small tables (actors, treaties, quotes,
eras), the references from them to events, and repeats and references among the events, which
are in the database by then, not in memory.
"""

from __future__ import annotations

import json
from itertools import compress, count
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol

from .. import rules
from ..datafile import relocated
from ..datastream import ARRAYS

if TYPE_CHECKING:
    import sqlite3


class Builder(Protocol):
    """What these checks read of a ``builder.Builder`` (named so, not imported: it uses them)."""

    values: list[tuple[str, int, Any]]  # the small tables' records: (array, position, value)
    top: dict[str, Any]
    seen_arrays: set[str]
    not_object: bool
    id_hashes: Any  # array of 64-bit integers
    repeated_ids: list[int]
    same_title: list[tuple[int, int]]
    actor_refs: set[str]
    treaty_refs: set[str]

    def fail(self, message: str, path: str, order: tuple[int, int] | None = None) -> None: ...

    def where(self, array: str, index: int) -> str: ...


def known_event_ids(builder: Builder, db: sqlite3.Connection) -> set[str]:
    """``quick`` mode keeps no set of ids: the ids the small tables name that exist."""
    named: set[str] = set()
    for kind, _, record in builder.values:
        if kind == "quotes" and isinstance(record, dict) and isinstance(record.get("event"), str):
            named.add(record["event"])
        milestones = (
            record.get("milestones") if kind == "treaties" and isinstance(record, dict) else None
        )
        for milestone in milestones if isinstance(milestones, list) else ():
            if isinstance(milestone, dict) and isinstance(milestone.get("event"), str):
                named.add(milestone["event"])
    # An event's position is that of its id's hash: read the rows whose id has the hash of
    # one named; an id that is there is among them, whatever other ids share its hash (a
    # scan of a million events for the ids took 0.25 s).
    by_hash = set(map(hash, named))
    positions = list(compress(count(), map(by_hash.__contains__, builder.id_hashes)))
    found: set[str] = set()
    for start in range(0, len(positions), 500):
        chunk = positions[start : start + 500]
        query = f"SELECT id FROM events WHERE pos IN ({','.join('?' * len(chunk))})"
        found.update(row[0] for row in db.execute(query, chunk))
    return found & named


def check(builder: Builder, known: set[str]) -> dict[str, Any] | None:
    """The rules of ``rules.build`` for the small tables and the references to events
    (``known``: the ids of those there are). Returns the small tables if the events are to be
    checked against them (``check_events``), else None. Uses no database: it runs while SQLite
    builds the indexes."""
    if builder.not_object:
        return None
    version = builder.top.get("schema_version")
    if not rules.supported_version(version):
        builder.fail(rules.unsupported_version(version), "$.schema_version")
        return None
    missing = [
        a
        for a in ("actors", "treaties", "events", "quotes")
        if a not in builder.seen_arrays and a not in builder.top
    ]
    for array in sorted(missing):  # by name, as ``rules`` reports missing keys
        builder.fail(rules.missing_key(array), "$")
    if missing:
        return None
    small: dict[str, Any] = {
        "schema_version": version,
        "meta": builder.top.get("meta"),
        **{a: [] for a in ARRAYS if a in builder.seen_arrays},
    }
    for key in set(builder.top) - {"schema_version", "meta"}:
        small[key] = builder.top[key]  # arrays of the wrong type, unknown keys: build() words them
    small.setdefault("events", [])
    positions: dict[str, list[int]] = {a: [] for a in ARRAYS}
    for kind, pos, value in sorted(builder.values, key=itemgetter(0, 1)):  # as the records table
        small[kind].append(value)
        positions[kind].append(pos)
    # Events were validated one by one while streaming; build() checks the small tables and
    # every reference to an event against the ids the index holds.
    streamed_events = isinstance(small["events"], list)
    if streamed_events:
        small["events"] = []
    _dataset, problems = rules.build(small, known_event_ids=known)

    def where(array: str, index: int) -> str | None:  # of the small document's records
        if array not in positions or index >= len(positions[array]):
            return None
        return builder.where(array, positions[array][index])

    for problem in problems:
        builder.fail(problem.message, relocated(problem.path, where))
    if (
        streamed_events
        and isinstance(small["actors"], list)
        and isinstance(small["treaties"], list)
    ):
        return small
    return None


def check_events(builder: Builder, small: dict[str, Any], db: sqlite3.Connection) -> None:
    """Duplicates and references among the events, which are in the database, not here."""

    def event_json(pos: int) -> dict[str, Any]:
        row = db.execute("SELECT body FROM events WHERE pos = ?", (pos,)).fetchone()
        return json.loads(row[0]) if row else {}

    for index in builder.repeated_ids:
        record_id = event_json(index).get("id")
        query = "SELECT MIN(pos) FROM events WHERE id = ?"
        (first,) = db.execute(query, (record_id,)).fetchone()
        builder.fail(rules.duplicate_id(record_id, first), f"{builder.where('events', index)}.id")
    for first, later in builder.same_title:
        a, b = event_json(first), event_json(later)
        if (
            a.get("date") == b.get("date")
            and a.get("title", "").casefold() == b.get("title", "").casefold()
        ):
            builder.fail(rules.duplicate_event(first), builder.where("events", later))
    actor_ids = {a.get("id") for a in small["actors"] if isinstance(a, dict)}
    treaty_ids = {t.get("id") for t in small["treaties"] if isinstance(t, dict)}
    for column, refs, known, what in (
        ("actors", builder.actor_refs, actor_ids, "actor"),
        ("treaties", builder.treaty_refs, treaty_ids, "treaty"),
    ):
        for missing in sorted(refs - known):  # rare: find where each dangling id is used
            query = f"SELECT pos, {column} FROM events WHERE instr({column}, ?) > 0 ORDER BY pos"
            for pos, listed in db.execute(query, (f"|{missing}|",)):
                n = listed.strip("|").split("|").index(missing)
                builder.fail(
                    rules.no_such(what, missing),
                    f"{builder.where('events', pos)}.{column}[{n}]",
                )
