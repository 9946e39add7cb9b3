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

if TYPE_CHECKING:
    import sqlite3


class Weighed:
    """An event's score from its stored JSON, for SQL to call once a row (``ranked``). What
    ``weigh`` raises is kept (SQLite reports only that a function failed) and raised again.

    ``named``: the sets of actors ``sql.any_of_where`` tests rows against (``names``)."""

    def __init__(
        self,
        weigh: Callable[[Any], int],
        decode: Callable[[str], Any],
        named: Sequence[frozenset[str]] = (),
    ) -> None:
        self.weigh = weigh
        self.decode = decode
        self.failed: BaseException | None = None
        self.named = named

    def __call__(self, body: str) -> int:
        try:
            return self.weigh(self.decode(body))  # type: ignore[no-any-return]
        except BaseException as exc:
            self.failed = exc
            raise

    def names(self, group: int, actors: str | None) -> bool:
        """``relcli_names``: whether the actors column (``|a|b|``) names one of the actors of
        the ``group``-th set."""
        return actors is not None and not self.named[group].isdisjoint(actors.split("|"))


def ranked(
    db: sqlite3.Connection, rows: str, params: Sequence[Any], weigh: Weighed
) -> Iterator[tuple[int, tuple[date, int], str, str]]:
    """(score, the date's ``sort_key``, id, JSON text) of each row of ``rows`` (``FROM`` what,
    with ``params``) that ``weigh`` scores, best first. SQLite's sorter keeps what it sorts in
    its temporary files beyond a few megabytes: the texts come in order, in one pass."""
    db.create_function("relcli_weigh", 1, weigh)
    db.create_function("relcli_names", 2, weigh.names, deterministic=True)
    # LIMIT -1 keeps the rows' query apart, each score worked out once: merged into this one,
    # SQLite called the weighing again for every row it kept, to sort it (458,000 calls more
    # in a million-event search --all, answered from a memo of the last row: ~0.1 s).
    statement = (
        "SELECT * FROM (SELECT relcli_weigh(body) AS score,"
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
