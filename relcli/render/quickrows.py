"""The timeline's rows as plain text, written straight as strings.

``layout`` builds each row as styled pieces and then joins their text: ~45 µs an event, most
of the time of a timeline of tens of thousands of events to a pipe. When the text cannot differ
from that (a pipe or a file: no styles; no search words to mark; every title, id, name and tag
printable ASCII, one terminal cell a character) the same rows are written here as strings,
with the same rules (``layout.event_rows`` and ``layout.plain``): in a third of the time. A test
holds the two equal on generated events; a year with anything else goes to ``layout``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from ..dates import human_span
from ..model import Dataset, Event
from .layout import TONE_MARK, _names, _plan, cells, cut, event_rows, plain


def timeline(events: Sequence[Event], dataset: Dataset, width: int) -> str:
    """``layout.plain(layout.timeline(events, dataset, width))``: each year here when its rows
    are plain ASCII, else by ``layout``."""
    out: list[str] = []
    for year, group in groupby(events, key=lambda e: e.date.year):
        label = str(year)
        out.append(f"{label} {'─' * max(width - len(label) - 1, 3)}\n")
        listed = list(group)
        rows = _event_rows(listed, dataset, width)
        out += rows if rows is not None else [plain(event_rows(listed, dataset, width))]
    return "".join(out)


def _plain(text: str) -> bool:
    """Printable ASCII with single spaces between words: what ``clean`` leaves as it is."""
    return text.isascii() and text.isprintable() and "  " not in text and text.strip() == text


def _event_rows(events: list[Event], dataset: Dataset, width: int) -> list[str] | None:
    dates, titles, whos, tags = [], [], [], []
    for event in events:
        who = _names(dataset, event.actors)
        tag = " ".join(f"#{t}" for t in event.tags)
        if not (
            _plain(event.title)
            and _plain(event.id)
            and " " not in event.id
            and (not who or _plain(who))
            and (not tag or _plain(tag))
        ):
            return None
        date = human_span(event.date, event.end_date)
        if cells(date) != len(date):  # an en dash is one cell; nothing wider is expected
            return None
        dates.append(date)
        titles.append(event.title)
        whos.append(who)
        tags.append(tag)
    date_width = max(11, *map(len, dates))
    tag_most = max(map(len, tags))
    mode, title_width, who_width = _plan(
        width - date_width - 4,
        max(len(t) + 2 + len(e.id) for t, e in zip(titles, events, strict=True)),
        max(map(len, whos)),
        tag_most,
        max(len(e.id) for e in events),
    )
    tag_width = tag_most if mode == "line" else width - date_width - 4
    if mode == "three":
        tag_width = width - date_width - 4 - title_width - who_width - 4
    lines: list[str] = []
    blank = " " * date_width
    two = mode == "two"
    for event, date, title, who, tag in zip(events, dates, titles, whos, tags, strict=True):
        left = _wrap(title, event.id, title_width)
        if mode in ("line", "three"):
            right = [_wrap(who, None, who_width), _wrap(tag, None, tag_width)]
        elif two:
            right = [_wrap(who, None, who_width) + _wrap(tag, None, who_width)]
        else:
            right = []
            left += _wrap(who, None, title_width) + _wrap(tag, None, title_width)
        mark = TONE_MARK.get(event.tone, " ")
        if len(right) == 2 and len(left) == 1 and len(right[0]) <= 1 and len(right[1]) <= 1:
            # One line (the widest terminals): the date, the mark, three cells.
            who_cell = right[0][0] if right[0] else ""
            tag_cell = right[1][0] if right[1] else ""
            text = f"{date.ljust(date_width)}  {mark} {left[0].ljust(title_width)}  "
            lines.append(f"{text}{who_cell.ljust(who_width)}  {tag_cell}".rstrip() + "\n")
            continue
        padded = len(right) > 1
        for row in range(max(len(left), *(len(column) for column in right), 1)):
            first = row == 0
            text = date.ljust(date_width) if first else blank
            text += "  " + (mark if first else " ") + " "
            text += (left[row] if row < len(left) else "").ljust(title_width)
            for n, column in enumerate(right):
                cell = column[row] if row < len(column) else ""
                text += "  " + (cell.ljust(who_width) if n == 0 and padded else cell)
            lines.append(text.rstrip() + "\n")
    return lines


def _wrap(text: str, handle: str | None, width: int) -> list[str]:
    """``layout._wrap_tokens`` on plain words (``text`` spaced by single spaces): greedy, a
    word longer than a line cut with "…"; ``handle`` (an id) follows two spaces after, never
    cut, alone on a line if need be. Each line is found by one search for its last space, not
    word by word (a third of the time of a wrapped title)."""
    if handle is not None:
        whole = text + "  " + handle if text else handle
    elif not text:
        return []
    else:
        whole = text
    if len(whole) <= width:
        return [whole]
    lines: list[str] = []
    rest = text
    while len(rest) > width:
        at = rest.rfind(" ", 0, width + 1)
        if at > 0:
            lines.append(rest[:at])
            rest = rest[at + 1 :]
            continue
        end = rest.find(" ")  # a first word longer than a line: cut
        lines.append(cut(rest if end < 0 else rest[:end], width))
        rest = "" if end < 0 else rest[end + 1 :]
    if rest:
        lines.append(rest)
    if handle is not None:
        if lines and len(lines[-1]) + 2 + len(handle) <= width:
            lines[-1] += "  " + handle
        else:
            lines.append(handle)
    return lines
