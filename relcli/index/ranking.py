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

from .sql import like_escape, likeable

if TYPE_CHECKING:
    import sqlite3


class Weighed:
    """An event's score from its stored JSON, for SQL to call once a row (``ranked``). What
    ``weigh`` raises is kept (SQLite reports only that a function failed) and raised again.

    ``named``: the actors of each group ``named_where`` tests, for its ``relcli_names``."""

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
        """Whether the actors column (``|a|b|``) names one of the actors of ``group``."""
        return actors is not None and not self.named[group].isdisjoint(actors.split("|"))


def named_where(
    any_of: Sequence[Sequence[tuple[str, str]]],
) -> tuple[list[str], list[Any], list[frozenset[str]]]:
    """For each group of ``any_of`` that names too many actors for SQL to test one by one (a
    word in hundreds of actors' names), a condition that holds where the group may: a row of
    other than plain ASCII, or whose JSON holds one of its words (a ``LIKE``), or that names
    one of its actors (``relcli_names``: a set of them in Python, asked only of the rows the
    ``LIKE`` left out). With the group's actors, to make the ``Weighed`` that answers it. A
    group with a word no ``LIKE`` can find (``sql.likeable``), or another column, is left out:
    every row may hold it."""
    where: list[str] = []
    params: list[Any] = []
    named: list[frozenset[str]] = []
    for alternatives in any_of:
        words = [needle for column, needle in alternatives if column == "body"]
        ids = {needle.strip("|") for column, needle in alternatives if column == "actors"}
        if not all(map(likeable, words)) or len(words) + len(ids) != len(alternatives):
            continue
        tests = ["ascii = 0", *["body LIKE ? ESCAPE '!'"] * len(words)]
        where.append(f"({' OR '.join(tests)} OR relcli_names({len(named)}, actors))")
        params += [f"%{like_escape(word)}%" for word in words]
        named.append(frozenset(ids))
    return where, params, named


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
