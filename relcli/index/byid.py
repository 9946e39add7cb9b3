"""``dataset.event_by_id`` for an index: events looked up by id in SQL, one at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Event
from .decoding import decode

if TYPE_CHECKING:
    import sqlite3


class EventsById:
    """A mapping of id to event that reads the event when asked."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def get(self, key: str, default: Event | None = None) -> Event | None:
        row = self.db.execute("SELECT body FROM events WHERE id = ? LIMIT 1", (key,)).fetchone()
        return Event.from_json(decode(row[0])) if row else default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> Event:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self.db.execute("SELECT id FROM events ORDER BY pos"))
