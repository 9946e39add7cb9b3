"""The SQL the index reader writes: conditions that hold exactly for a ``Selection``, the
hints that narrow a search, and the pieces ``tally`` concatenates and counts."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from ..model import Selection


def bounds(selection: Selection) -> tuple[date | None, date | None]:
    """The first and last days an event ``selection`` accepts may overlap (None: unbounded)."""
    low, high = selection.after, selection.before
    if selection.periods:
        first = min(p.start for p in selection.periods)
        last = max(p.end for p in selection.periods)
        low = max(low, first) if low else first
        high = min(high, last) if high else last
    return low, high


def where(conditions: list[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""


TALLIED = {  # what ``tally`` concatenates for each counter, and with what between
    "years": "substr(start, 1, 4) || tone, ','",  # start is an ISO day: 4 digits of year first
    "kinds": "kind, ','",
    "tags": "tags, ','",  # each list whole: few lists repeat, and each is split once
    "actors": "actors, ''",  # every value apart: lists of actors seldom repeat
}
TALLY_COLUMNS = "start, tone, kind, tags, actors"


def unpiped(lists: Counter[str]) -> Counter[str]:
    """How often each value occurs, from how often each "|a|b|" list of them does (far fewer
    lists than events, usually: splitting each once is cheaper than splitting every event's).
    Values are first met in the order of the lists, as ``Tally`` needs."""
    found: Counter[str] = Counter()
    for listed, n in lists.items():
        for value in listed[1:-1].split("|"):
            if value:
                found[value] += n
    return found


def selection_where(selection: Selection) -> tuple[list[str], list[Any]]:
    """SQL conditions (and their parameters) that hold exactly for the events ``selection``
    accepts: each condition of ``Selection.accepts``, on the columns that hold those fields."""
    where: list[str] = []
    params: list[Any] = []
    if selection.after:
        where.append('"end" >= ?')
        params.append(selection.after.isoformat())
    if selection.before:
        where.append("start <= ?")
        params.append(selection.before.isoformat())
    if selection.periods:  # within the span of all (an index may find those), and one of them
        where += ['"end" >= ?', "start <= ?"]
        params += [
            min(p.start for p in selection.periods).isoformat(),
            max(p.end for p in selection.periods).isoformat(),
        ]
        where.append(
            "(" + " OR ".join(['("end" >= ? AND start <= ?)'] * len(selection.periods)) + ")"
        )
        for period in selection.periods:
            params += [period.start.isoformat(), period.end.isoformat()]
    if selection.kinds:
        where.append(f"kind IN ({','.join('?' * len(selection.kinds))})")
        params += list(selection.kinds)
    if selection.not_kinds:
        where.append(f"kind NOT IN ({','.join('?' * len(selection.not_kinds))})")
        params += list(selection.not_kinds)
    for treaty in selection.treaties:  # the link table finds them without reading every event
        where.append("pos IN (SELECT pos FROM event_treaties WHERE treaty = ?)")
        params.append(treaty)
    for column, every, none in (
        ("tags", selection.tags, selection.not_tags),
        ("actors", selection.actors, selection.not_actors),
    ):
        where += [f"instr({column}, ?) > 0"] * len(every) + [f"instr({column}, ?) = 0"] * len(none)
        params += [f"|{value}|" for value in (*every, *none)]
    if selection.any_tags:
        where.append("(" + " OR ".join(["instr(tags, ?) > 0"] * len(selection.any_tags)) + ")")
        params += [f"|{tag}|" for tag in selection.any_tags]
    return where, params


FEW_ALTERNATIVES = 51  # of a group of ``any_of``: one text and 50 actors, tested in SQL


def any_of_where(
    any_of: Sequence[Sequence[tuple[str, str]]], named: list[frozenset[str]] | None = None
) -> tuple[list[str], list[Any]]:
    """For each group of ``any_of``, a condition that holds where one of its (column, needle)
    may: a LIKE on the JSON for "body" (rows with text folding would change always pass).
    ``named``: the actors of a group of more than ``FEW_ALTERNATIVES`` (hundreds of ``instr``
    make every row slow) are tested at once, by ``relcli_names(n, actors)`` (a set of them in
    Python: ``index.ranking.Weighed.names``), their ids appended to ``named`` as its n-th set;
    else, and for fewer, one ``instr`` each."""
    where: list[str] = []
    params: list[Any] = []
    for alternatives in any_of:
        tests, values, ids = ["ascii = 0"], [], set()
        by_set = named is not None and len(alternatives) > FEW_ALTERNATIVES
        for column, needle in alternatives:
            if column == "body":
                if not likeable(needle):
                    tests, values = [], []
                    break
                tests.append("body LIKE ? ESCAPE '!'")
                values.append(f"%{like_escape(needle)}%")
            elif column == "actors" and by_set:
                ids.add(needle.strip("|"))
            else:
                tests.append(f"instr({column}, ?) > 0")
                values.append(needle)
        if tests:
            if ids and named is not None:
                tests.append(f"relcli_names({len(named)}, actors)")
                named.append(frozenset(ids))
            where.append("(" + " OR ".join(tests) + ")")
            params += values
    return where, params


def found_where(needles: Sequence[str]) -> tuple[list[str], list[Any]] | None:
    """Conditions that hold, on a row of plain ASCII (``ascii = 1``), exactly where every
    folded needle occurs in the title or the summary, as ``query.EventFilter.found_in`` has it:
    folding such a text lower-cases it and collapses its runs of spaces, which changes nothing
    a needle without a space can occur in. None if a needle has a space or other than ASCII,
    or SQLite lacks its JSON functions.
    A ``LIKE`` on the JSON goes first: a quick pass that the decoding tests then confirm."""
    if not needles or any(" " in n or not n or not n.isascii() for n in needles):
        return None
    if not _json_functions():
        return None
    where, params = ["ascii = 1", *likely_where(needles)], likely_values(needles)
    for needle in needles:  # LIKE ignores the case of ASCII letters, and only theirs
        where.append(
            "(json_extract(body, '$.title') LIKE ? ESCAPE '!'"
            " OR json_extract(body, '$.summary') LIKE ? ESCAPE '!')"
        )
        params += [f"%{like_escape(needle)}%"] * 2
    return where, params


@functools.cache
def _json_functions() -> bool:
    """Whether this SQLite has ``json_extract`` (built in since 3.38, an option before)."""
    import sqlite3

    try:
        sqlite3.connect(":memory:").execute("SELECT json_extract('{}', '$.a')").close()
    except sqlite3.Error:
        return False
    return True


def likely_where(needles: Sequence[str]) -> list[str]:
    """A ``LIKE`` on the JSON for each needle that one can find (``likeable``): rows that fail
    it cannot hold the needle; rows of other than plain ASCII always pass."""
    words = [w for n in needles for w in n.split() if likeable(w)]
    return ["(ascii = 0 OR body LIKE ? ESCAPE '!')"] * len(words)


def likely_values(needles: Sequence[str]) -> list[Any]:
    return [f"%{like_escape(w)}%" for n in needles for w in n.split() if likeable(w)]


def likeable(word: str) -> bool:
    """Whether an ASCII ``LIKE`` on the raw JSON finds this folded word wherever fold() would."""
    return (
        bool(word)
        and word.isascii()
        and not any(c in word for c in '"\\\x7f')
        and word.isprintable()
    )


def like_escape(word: str) -> str:
    return word.replace("!", "!!").replace("%", "!%").replace("_", "!_")
