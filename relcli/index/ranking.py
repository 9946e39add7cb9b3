"""A search's event hits in rank order, read from a big file's index.

``search`` gives the way to weigh an event; SQL calls it on each row of one pass over the table
and sorts the rows that score with their JSON (best first, then by date and id, as
``search.ranked`` orders hits), its sorter spilling to its temporary files. So half a million
hits are never held as records at once (they were: 1.6 GB), nor their rows looked up one by one
in rank order (2-3 s of a million events).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from .sql import likeable

if TYPE_CHECKING:
    import sqlite3


class Weighed:
    """An event's score from its stored JSON, for SQL to call once a row (``ranked``). What
    ``weigh`` raises is kept (SQLite reports only that a function failed) and raised again.

    ``any_of`` (``Records.event_texts``) holds groups too big for SQL to test on every row
    (a word in hundreds of actors' names): a row of plain ASCII whose JSON holds no word of a
    group and that names none of its actors scores 0 unweighed, as a ``LIKE`` and ``instr``
    would have left it out."""

    def __init__(
        self,
        weigh: Callable[[Any], int],
        decode: Callable[[str], Any],
        any_of: Sequence[Sequence[tuple[str, str]]] = (),
    ) -> None:
        self.weigh = weigh
        self.decode = decode
        self.failed: BaseException | None = None
        self.groups = [group for group in map(_group, any_of) if group is not None]

    def __call__(self, body: str, plain: int, actors: str | None) -> int:
        if plain and self.groups and not self._may_hold(body, actors or ""):
            return 0
        try:
            return self.weigh(self.decode(body))  # type: ignore[no-any-return]
        except BaseException as exc:
            self.failed = exc
            raise

    def _may_hold(self, body: str, actors: str) -> bool:
        lowered = body.lower()  # plain ASCII: as LIKE compares it
        named: set[str] | None = None
        for words, ids in self.groups:
            if any(word in lowered for word in words):
                continue
            named = set(actors.split("|")) if named is None else named
            if ids.isdisjoint(named):
                return False
        return True


def _group(alternatives: Sequence[tuple[str, str]]) -> tuple[list[str], frozenset[str]] | None:
    """A group of ``any_of`` as its words and actor ids; None if a word cannot be found by a
    ``LIKE`` on the JSON (``sql.likeable``), or it tests another column: the row may hold it."""
    words, ids = [], set()
    for column, needle in alternatives:
        if column == "body" and likeable(needle):
            words.append(needle)
        elif column == "actors":
            ids.add(needle.strip("|"))
        else:
            return None
    return words, frozenset(ids)


def ranked(
    db: sqlite3.Connection, rows: str, params: Sequence[Any], weigh: Weighed
) -> Iterator[tuple[int, tuple[date, int], str, str]]:
    """(score, the date's ``sort_key``, id, JSON text) of each row of ``rows`` (``FROM`` what,
    with ``params``) that ``weigh`` scores, best first. SQLite's sorter keeps what it sorts in
    its temporary files beyond a few megabytes: the texts come in order, in one pass."""
    db.create_function("relcli_weigh", 3, weigh)
    # LIMIT -1 keeps the rows' query apart, each score worked out once: merged into this one,
    # SQLite called the weighing again for every row it kept, to sort it (458,000 calls more
    # in a million-event search --all, answered from a memo of the last row: ~0.1 s).
    statement = (
        "SELECT * FROM (SELECT relcli_weigh(body, ascii, actors) AS score,"
        f" start, precision, id, body FROM {rows} LIMIT -1)"
        " WHERE score > 0 ORDER BY score DESC, start, precision, id"
    )
    try:
        for score, start, precision, event_id, body in db.execute(statement, params):
            yield score, (date.fromisoformat(start), precision), event_id, body
    except Exception:
        if weigh.failed is not None:
            raise weigh.failed from None
        raise
