"""Events laid out as plain text with Rich's rules, without Rich: what a pipe or a file gets.

A timeline read by ``grep`` or ``less`` has no styles, so it needs none of Rich's machinery:
importing Rich and sending every row through its console cost ~35 ms of a 0.12 s run. The
layout is the one a Rich ``Table`` gave (date as wide as its longest value, the rest split 3:2,
two spaces between columns) and the wrapping is Rich's ``divide_line``; property tests hold
both to Rich's own output, byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import groupby

from ..dates import human_span
from ..model import Dataset, Event
from . import SearchResults
from .safety import clean

_WORD = re.compile(r"\s*\S+\s*")


# Characters Rich counts as one cell each: Latin, Greek, Cyrillic (not combining marks), dashes,
# quotes, general punctuation, box drawing. A test checks every one of them against Rich.
# Anything else (wide East Asian characters, combining marks, controls) is measured by Rich
# itself, whose width tables take ~14 ms to import.
_NOT_NARROW = re.compile(
    "[^\x20-\x7e\u00a0-\u02ff\u0370-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u205e\u2500-\u257f]"
)


def cells(text: str) -> int:
    """Terminal cells ``text`` takes, as Rich counts them."""
    if text.isascii() or _NOT_NARROW.search(text) is None:
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def wrap_plain(text: str, width: int) -> list[str]:
    """``Text(text).wrap(console, width, overflow="ellipsis")`` as strings, ten times faster.

    The same rules as Rich's ``divide_line``: a word carries the spaces after it; a word that
    does not fit moves to the next line; a word longer than a line stays whole and is cut with
    an ellipsis. A property test holds this to Rich's own result.
    """
    lines: list[str] = []
    for line in text.split("\n"):  # data text is cleaned first: no tabs
        measure = len if line.isascii() else cells  # ASCII: one cell per character
        breaks: list[int] = []
        offset = 0
        for match in _WORD.finditer(line):
            start, word = match.start(), match.group()
            length = measure(word.rstrip())
            if width - offset >= length:
                offset += measure(word)
            elif length > width or (offset and start):
                if start:
                    breaks.append(start)
                offset = measure(word)
        for begin, end in zip([0, *breaks], [*breaks, len(line)], strict=True):
            piece = line[begin:end]
            if len(piece) > width:  # Rich drops trailing blanks beyond the width
                blanks = len(piece) - len(piece.rstrip())
                piece = piece[: len(piece) - min(blanks, len(piece) - width)]
            if measure(piece) > width:
                from rich.cells import set_cell_size

                piece = set_cell_size(piece, width - 1) + "…"
            lines.append(piece)
    return lines


def names(dataset: Dataset, actor_ids: Sequence[str]) -> str:
    return ", ".join(
        dataset.actor_by_id[a].name if a in dataset.actor_by_id else a for a in actor_ids
    )


def column_widths(dates: Sequence[str], width: int) -> tuple[int, int, int]:
    """Date, title and people columns: Rich's share-out of a 3:2 split, the title rounding up."""
    date_width = max(11, *(cells(d) for d in dates))
    flexible = width - date_width - 1
    title_width = max(-(-(3 * flexible) // 5) - 2, 1)
    who_width = max(flexible - title_width - 3, 1)
    return date_width, title_width, who_width


def event_lines(events: Sequence[Event], dataset: Dataset, width: int) -> list[str]:
    """Each event as rows of three columns: date; title and id; people and tags."""
    dates = [human_span(e.date, e.end_date) for e in events]
    date_width, title_width, who_width = column_widths(dates, width)
    lines: list[str] = []
    for event, date in zip(events, dates, strict=True):
        title = f"{clean(event.title, one_line=True)}  {clean(event.id)}"
        who = clean(names(dataset, event.actors))
        if event.tags:
            tags = clean(" ".join(f"#{t}" for t in event.tags))
            who = f"{who}\n{tags}" if who else tags
        titles = wrap_plain(title, title_width)
        whos = wrap_plain(who, who_width) if who else []
        for row in range(max(len(titles), len(whos), 1)):
            first = date if row == 0 else ""
            line = first + " " * (date_width - cells(first)) + "  "
            part = titles[row] if row < len(titles) else ""
            line += part + " " * (title_width - cells(part))
            if row < len(whos):
                line += "  " + whos[row]
            lines.append(line)
    return lines


def timeline(events: Sequence[Event], dataset: Dataset, width: int) -> str | None:
    """The timeline view (a rule per year, then its events) as text ``width`` cells wide.

    None if a row would overflow the width (very narrow terminals): Rich crops those, and
    ``rich_table`` does it for them.
    """
    lines: list[str] = []
    for year, group in groupby(events, key=lambda e: e.date.year):
        title = str(year)
        lines.append(f"{title} {'─' * (width - len(title) - 1)}")
        lines.extend(event_lines(list(group), dataset, width))
    if any(cells(line) > width for line in lines):
        return None
    if not lines:
        return ""
    return "\n".join(line.rstrip() for line in lines) + "\n"


def search_table(results: SearchResults, width: int, heading: str = "match") -> str | None:
    """``search`` results as the Rich table of ``rich_table._search_results`` lays them out.

    A ``SIMPLE_HEAD`` table, full width: blank top and bottom edges, a header and its rule,
    then type and date (no wrap, as wide as their widest value) and the match, wrapped in the
    rest, columns three spaces apart. None where Rich would have to squeeze columns (a very
    narrow terminal) or there is nothing to show: ``rich_table`` draws those.
    """
    hits = results.hits
    if not hits:
        return None
    types = [clean(hit.type) for hit in hits]
    dates = [hit.date.human() if hit.date else "—" for hit in hits]
    type_width = max(4, *map(cells, types))
    date_width = max(4, *map(cells, dates))
    # The table's inner width less edges and dividers (4), then each column with its padding.
    match_width = width - 4 - (type_width + 1) - (date_width + 2) - 1
    if match_width < 1:
        return None
    blank_type, blank_date = " " * type_width, " " * date_width

    def row(kind: str, date: str, match: str) -> list[str]:
        parts = wrap_plain(match, match_width)
        first = f" {kind + ' ' * (type_width - cells(kind))}   {date + ' ' * (date_width - cells(date))}"
        return [
            f"{first if n == 0 else f' {blank_type}   {blank_date}'}   {part}"
            for n, part in enumerate(parts)
        ]

    lines = ["", *row("type", "date", heading), " " + "─" * (width - 2)]
    for hit, kind, date in zip(hits, types, dates, strict=True):
        title = clean(hit.title, one_line=True)
        if hit.type == "quote":
            speaker = results.dataset.actor_by_id.get(hit.record.speaker)
            title = f"{clean(speaker.name) if speaker else ''}: “{title}”"
        lines += row(kind, date, f"{title}  {clean(hit.id)}")
    lines.append("")
    return "\n".join(line.rstrip() for line in lines) + "\n"
