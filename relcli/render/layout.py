"""The one row layout of the listing views: the timeline, search hits, ``on``, and the one-line
(``--short``) rows of timeline, quotes, search and on.

A view is a list of ``Line``s, each a list of ``(text, style)`` pieces. A pipe or a file gets
the text (``plain``); a terminal gets the very same text with the styles as ANSI codes
(``styled``): strip the codes and the two are equal, which a test checks. Nothing here imports
Rich, so the most common views start fast.

Rules of the layout:
- an id is a handle for ``relcli event ID``: never cut. When the terminal is narrow, the other
  columns give way first (tags, then actors move under the title);
- a row uses the width: on a wide terminal each event is one line;
- tone is visible without colour, as a mark after the date (the stats chart's glyphs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import groupby
from typing import Any

from ..dates import human_span
from ..model import Dataset, Event, Quote
from .safety import clean

Piece = tuple[str, str]  # text, style name ("" for none)
Line = list[Piece]

TONE_MARK = {"cooperative": "█", "neutral": "▒", "confrontational": "░"}
LEGEND = "█ cooperative  ▒ neutral  ░ confrontational"

# Style names to ANSI SGR parameters; colours are dropped with NO_COLOR, the rest kept.
_SGR = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "reverse": "7"}
_COLOURS = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36"}
TONE_COLOUR = {"cooperative": "green", "neutral": "yellow", "confrontational": "red"}
STYLES = {
    "year": "bold",
    "title": "bold",
    "id": "dim cyan",
    "who": "dim",
    "tags": "dim italic",
    "type": "dim",
    "head": "bold",
    "rule": "dim",
    "speaker": "bold cyan",
    "quote": "italic",
    "snippet": "dim",
    "match": "bold reverse",
    "note": "dim",
    "url": "dim underline",  # and a hyperlink to itself on a terminal
}

# Characters a terminal shows in one cell: Latin, Greek, Cyrillic (no combining marks), dashes,
# quotes, general punctuation, box drawing and block elements. Anything else is measured with
# Rich's tables, imported only then.
_NOT_NARROW = re.compile(
    "[^\x20-\x7e\u00a0-\u02ff\u0370-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u205e\u2500-\u259f]"
)


def cells(text: str) -> int:
    """Terminal cells ``text`` takes."""
    if text.isascii() or _NOT_NARROW.search(text) is None:
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, ending with "…" when shortened."""
    if cells(text) <= width:
        return text
    if width <= 0:
        return ""
    out, used = [], 0
    for ch in text:
        size = cells(ch)
        if used + size > width - 1:
            break
        out.append(ch)
        used += size
    kept = "".join(out)
    space = kept.rfind(" ")
    if space >= len(kept) * 2 // 3:  # end on a whole word when that loses little
        kept = kept[:space]
    return kept.rstrip(" ,;:") + "…"


# ---- wrapping ---------------------------------------------------------------------------------


def _wrap_tokens(tokens: Sequence[tuple[str, str, str]], width: int) -> list[Line]:
    """Greedy word wrap of ``(word, style, separator-before)`` tokens into lines of ``width``.

    A word longer than a line is cut with "…", except an id (style ``id``), which stays whole
    on a line of its own even if that line is longer than ``width``.
    """
    if tokens:  # the usual case first: everything fits on one line
        text = "".join(before + word for word, _, before in tokens[1:])
        if cells(tokens[0][0]) + cells(text) <= width:
            line: Line = [(tokens[0][0], tokens[0][1])]
            for word, style, before in tokens[1:]:
                line += [(before, style if style != "id" else ""), (word, style)]
            return [line]
    lines: list[Line] = [[]]
    used = 0
    for word, style, before in tokens:
        size = cells(word)
        gap = cells(before) if lines[-1] else 0
        if lines[-1] and used + gap + size > width:
            lines.append([])
            used, gap = 0, 0
        if not lines[-1] and size > width and style != "id":
            word, size = cut(word, width), min(size, width)
        if gap:
            lines[-1].append((before, style if style != "id" else ""))
        lines[-1].append((word, style))
        used += gap + size
    return lines


def _words(text: str, style: str, first_gap: str = " ") -> list[tuple[str, str, str]]:
    return [(w, style, first_gap if n == 0 else " ") for n, w in enumerate(text.split())]


def wrap(text: str, style: str, width: int) -> list[Line]:
    return _wrap_tokens(_words(text, style), width) if text.strip() else []


def _merge(line: Line) -> Line:
    """Adjacent pieces of one style joined: fewer escape codes, same text."""
    merged: Line = []
    for text, style in line:
        if merged and merged[-1][1] == style:
            merged[-1] = (merged[-1][0] + text, style)
        elif text:
            merged.append((text, style))
    return merged


def _highlighted(line: Line, words: Sequence[str]) -> Line:
    """Pieces of titles and snippets with the query words marked ``match``."""
    if not words:
        return line
    from ..search import highlight_spans

    out: Line = []
    for text, style in line:
        if style not in ("title", "snippet", "quote"):
            out.append((text, style))
            continue
        at = 0
        for start, end in sorted(highlight_spans(text, words)):
            if start < at:
                continue
            out += [(text[at:start], style), (text[start:end], "match")]
            at = end
        out.append((text[at:], style))
    return [(t, s) for t, s in out if t]


def _pad(line: Line, width: int) -> Line:
    used = sum(cells(t) for t, _ in line)
    return [*line, (" " * (width - used), "")] if used < width else line


# ---- the timeline -----------------------------------------------------------------------------


def rule(label: str, width: int) -> Line:
    """``2013 ────────``: a year heading across the width."""
    return [(label, "year"), (" " + "─" * max(width - cells(label) - 1, 3), "rule")]


def _names(dataset: Dataset, actor_ids: Sequence[str]) -> str:
    return ", ".join(
        dataset.actor_by_id[a].name if a in dataset.actor_by_id else a for a in actor_ids
    )


def _plan(rest: int, title: int, who: int, tags: int, longest_id: int) -> tuple[str, int, int]:
    """How the title, people and tags share ``rest`` cells: ``("line", title, who)`` — every
    column at its natural width, one line per event —, ``("three", title, who)``, ``("two",
    title, who)`` (tags under the people) or ``("one", title, 0)`` (people and tags under the
    title). The title column never gets narrower than the longest id."""
    floor = max(longest_id, 24)
    if title + who + tags + 4 <= rest:
        return "line", title, who
    if rest >= 120:
        tag_width = min(tags, max(16, rest // 6))
        who_width = min(who, max(20, rest // 4))
        title_width = rest - who_width - tag_width - 4
        if title_width >= floor:
            return "three", title_width, who_width
    title_width = max(floor, -(-(3 * rest) // 5))
    if rest - title_width - 2 >= 16:
        return "two", title_width, rest - title_width - 2
    return "one", max(rest, 1), 0


def event_rows(
    events: Sequence[Event], dataset: Dataset, width: int, words: Sequence[str] = ()
) -> list[Line]:
    """Each event as rows: date, tone mark, title and id, people, tags."""
    if not events:
        return []
    dates = [human_span(e.date, e.end_date) for e in events]
    date_width = max(11, *(cells(d) for d in dates))
    titles = [clean(e.title, one_line=True) for e in events]
    whos = [clean(_names(dataset, e.actors), one_line=True) for e in events]
    tags = [clean(" ".join(f"#{t}" for t in e.tags), one_line=True) for e in events]
    mode, title_width, who_width = _plan(
        width - date_width - 4,
        max(cells(t) + 2 + cells(e.id) for t, e in zip(titles, events, strict=True)),
        max(map(cells, whos)),
        max(map(cells, tags)),
        max(cells(e.id) for e in events),
    )
    tag_width = max(map(cells, tags)) if mode == "line" else width - date_width - 4
    if mode == "three":
        tag_width = width - date_width - 4 - title_width - who_width - 4
    lines: list[Line] = []
    for event, date, title, who, tag in zip(events, dates, titles, whos, tags, strict=True):
        tokens = [*_words(title, "title"), (clean(event.id, one_line=True), "id", "  ")]
        left = [_highlighted(_merge(line), words) for line in _wrap_tokens(tokens, title_width)]
        right: list[list[Line]] = []
        if mode in ("line", "three"):
            right = [wrap(who, "who", who_width), wrap(tag, "tags", tag_width)]
        elif mode == "two":
            right = [wrap(who, "who", who_width) + wrap(tag, "tags", who_width)]
        else:
            left += wrap(who, "who", title_width) + wrap(tag, "tags", title_width)
        mark = TONE_MARK.get(event.tone, " ")
        for row in range(max(len(left), *(len(column) for column in right), 1)):
            line: Line = (
                [(date + " " * (date_width - cells(date)), f"date:{event.tone}")]
                if row == 0
                else [(" " * date_width, "")]
            )
            line += [("  ", ""), (mark if row == 0 else " ", f"mark:{event.tone}"), (" ", "")]
            line += _pad(left[row] if row < len(left) else [], title_width)
            for n, column in enumerate(right):
                cell = column[row] if row < len(column) else []
                line += [
                    ("  ", ""),
                    *(_pad(cell, who_width) if n == 0 and len(right) > 1 else cell),
                ]
            lines.append(line)
    return lines


def timeline(
    events: Sequence[Event], dataset: Dataset, width: int, words: Sequence[str] = ()
) -> list[Line]:
    lines: list[Line] = []
    for year, group in groupby(events, key=lambda e: e.date.year):
        lines.append(rule(str(year), width))
        lines += event_rows(list(group), dataset, width, words)
    return lines


# ---- search hits and days -------------------------------------------------------------------


def _match_tokens(hit: Any, dataset: Dataset) -> list[tuple[str, str, str]]:
    title = clean(hit.title, one_line=True)
    if hit.type == "quote":
        speaker = dataset.actor_by_id.get(hit.record.speaker)
        name = clean(speaker.name, one_line=True) if speaker else hit.record.speaker
        tokens = [*_words(name + ":", "speaker"), *_words(f"“{title}”", "quote")]
    else:
        tokens = _words(title, "title")
    return [*tokens, (clean(hit.id, one_line=True), "id", "  ")]


def snippet(hit: Any, words: Sequence[str], room: int = 90) -> str | None:
    """Where the query words occur outside the title: a short extract of the summary, context,
    quote text or milestones around the first of them, or None when the title shows them all."""
    if not words:
        return None
    from ..query import fold
    from ..search import word_pattern

    record = hit.record
    title = fold(hit.title)
    if all(word_pattern(w).search(title) for w in words):
        return None
    for text in _bodies(record):
        body = clean(text, one_line=True)
        folded = fold(body)
        found = [m.start() for w in words if (m := word_pattern(w).search(folded))]
        if not found or len(folded) != len(body):
            continue
        start = max(min(found) - room // 3, 0)
        if start:
            start = body.rfind(" ", 0, start) + 1
        piece = body[start : start + room]
        if start + room < len(body):
            piece = piece[: piece.rfind(" ")] if " " in piece else piece
            piece += " …"
        return ("… " if start else "") + piece
    return None


def _bodies(record: Any) -> Iterable[str]:
    for name in ("summary", "context", "text"):
        value = getattr(record, name, None)
        if value:
            yield value
    milestones = getattr(record, "milestones", None)
    if milestones:
        yield "; ".join(m.what for m in milestones)
    roles = getattr(record, "roles", None)
    if roles:
        yield "; ".join(r.title for r in roles)


def hit_widths(hits: Sequence[Any], width: int) -> tuple[int, int, int]:
    """The widths of ``hit_rows``' type, date and match columns (``hits`` not empty)."""
    type_width = max(4, *(cells(clean(h.type)) for h in hits))
    date_width = max(4, *(cells(h.date.human() if h.date else "—") for h in hits))
    match_width = max(width - type_width - date_width - 4, max(cells(h.id) for h in hits), 20)
    return type_width, date_width, match_width


def hit_rows(
    hits: Sequence[Any],
    dataset: Dataset,
    width: int,
    words: Sequence[str] = (),
    heading: str | None = "match",
    widths: tuple[int, int, int] | None = None,
    marked: bool = True,
) -> list[Line]:
    """Type, date, then the match (title or quote, id, and a snippet showing why it matched),
    under a heading (None: no heading, for hits laid out a run at a time in ``widths``); the
    query words are marked unless not ``marked`` (plain text, where a mark shows nothing)."""
    if not hits:
        return []
    marks = words if marked else ()
    type_width, date_width, match_width = widths or hit_widths(hits, width)
    types = [clean(h.type) for h in hits]
    dates = [h.date.human() if h.date else "—" for h in hits]
    lines: list[Line] = []
    if heading is not None:
        type_head = ("type" + " " * (type_width - 4), "head")
        date_head = ("date" + " " * (date_width - 4), "head")
        lines.append([type_head, ("  ", ""), date_head, ("  ", ""), (heading, "head")])
        lines.append([("─" * width, "rule")])
    for hit, kind, date in zip(hits, types, dates, strict=True):
        left = [
            _highlighted(_merge(line), marks)
            for line in _wrap_tokens(_match_tokens(hit, dataset), match_width)
        ]
        extract = snippet(hit, words)
        if extract:
            left += [_highlighted(line, marks) for line in wrap(extract, "snippet", match_width)]
        first: Line = [(kind, "type"), (" " * (type_width - cells(kind)), ""), ("  ", "")]
        first.append((date + " " * (date_width - cells(date)), ""))
        blank: Line = [(" " * type_width, ""), ("  ", ""), (" " * date_width, "")]
        for row, part in enumerate(left):
            lines.append([*(blank if row else first), ("  ", ""), *part])
    return lines


# ---- one line per record (--short) ----------------------------------------------------------


def _fitted(prefix: Line, middle: list[Piece], tail: Piece, width: int) -> Line:
    """``prefix`` then ``middle`` cut to what is left, then two spaces and ``tail`` (an id)."""
    room = width - sum(cells(t) for t, _ in prefix) - 2 - cells(tail[0])
    out: Line = list(prefix)
    for text, style in middle:
        if room <= 1:
            break
        piece = cut(text, room)
        out.append((piece, style))
        room -= cells(piece)
    return [*out, ("  ", ""), tail]


def short_events(events: Sequence[Event], width: int, words: Sequence[str] = ()) -> list[Line]:
    dates = [human_span(e.date, e.end_date) for e in events]
    date_width = max([11, *map(cells, dates)])
    lines = []
    for event, date in zip(events, dates, strict=True):
        prefix: Line = [
            (date + " " * (date_width - cells(date)), f"date:{event.tone}"),
            ("  ", ""),
            (TONE_MARK.get(event.tone, " "), f"mark:{event.tone}"),
            (" ", ""),
        ]
        line = _fitted(
            prefix, [(clean(event.title, one_line=True), "title")], (event.id, "id"), width
        )
        lines.append(_highlighted(line, words))
    return lines


def short_quotes(quotes: Sequence[Quote], dataset: Dataset, width: int) -> list[Line]:
    dates = [q.date.human() for q in quotes]
    date_width = max([11, *map(cells, dates)])
    lines = []
    for quote, date in zip(quotes, dates, strict=True):
        speaker = dataset.actor_by_id.get(quote.speaker)
        name = clean(speaker.name if speaker else quote.speaker, one_line=True)
        prefix: Line = [
            (date + " " * (date_width - cells(date)), "bold"),
            ("  ", ""),
            (name + ": ", "speaker"),
        ]
        text = "“" + clean(quote.text, one_line=True) + "”"
        lines.append(_fitted(prefix, [(text, "quote")], (quote.id, "id"), width))
    return lines


def short_hits(
    hits: Sequence[Any], dataset: Dataset, width: int, words: Sequence[str] = ()
) -> list[Line]:
    types = [clean(h.type) for h in hits]
    dates = [h.date.human() if h.date else "—" for h in hits]
    type_width = max([4, *map(cells, types)])
    date_width = max([4, *map(cells, dates)])
    lines = []
    for hit, kind, date in zip(hits, types, dates, strict=True):
        prefix: Line = [
            (kind + " " * (type_width - cells(kind)), "type"),
            ("  ", ""),
            (date + " " * (date_width - cells(date)), ""),
            ("  ", ""),
        ]
        middle = [(clean(hit.title, one_line=True), "title")]
        if hit.type == "quote":
            speaker = dataset.actor_by_id.get(hit.record.speaker)
            name = clean(speaker.name if speaker else hit.record.speaker, one_line=True)
            middle = [(name + ": ", "speaker"), ("“" + middle[0][0] + "”", "quote")]
        line = _fitted(prefix, middle, (hit.id, "id"), width)
        lines.append(_highlighted(line, words))
    return lines


# ---- output -----------------------------------------------------------------------------------


def _trimmed(line: Line) -> Line:
    """The line without trailing blanks (a pipe or a file gets no padding)."""
    pieces = list(line)
    while pieces and not pieces[-1][0].rstrip():
        pieces.pop()
    if pieces:
        text, style = pieces[-1]
        pieces[-1] = (text.rstrip(), style)
    return pieces


def plain(lines: Iterable[Line]) -> str:
    return "".join("".join(t for t, _ in _trimmed(line)) + "\n" for line in lines)


def style_of(style: str) -> str:
    """A piece's style name as style words (``bold green``), as Rich reads them too."""
    if style.startswith(("date:", "mark:")):
        kind, tone = style.split(":", 1)
        return (("bold " if kind == "date" else "") + TONE_COLOUR.get(tone, "")).strip()
    return STYLES.get(style, style)


def _sgr(style: str, color: bool) -> str:
    codes = []
    for word in style_of(style).split():
        if word in _SGR:
            codes.append(_SGR[word])
        elif color and word in _COLOURS:
            codes.append(_COLOURS[word])
    return ";".join(codes)


def styled(lines: Iterable[Line], color: bool) -> str:
    """The same text as ``plain``, with each piece's style as ANSI codes."""
    cache: dict[str, str] = {}
    out = []
    for line in lines:
        for text, style in _merge(_trimmed(line)):
            codes = cache.get(style)
            if codes is None:
                codes = cache[style] = _sgr(style, color) if style else ""
            piece = f"\x1b[{codes}m{text}\x1b[0m" if codes and text.strip() else text
            out.append(f"\x1b]8;;{text}\x1b\\{piece}\x1b]8;;\x1b\\" if style == "url" else piece)
        out.append("\n")
    return "".join(out)


def render(lines: Sequence[Line], options: Any) -> str:
    """``lines`` for ``options`` (a ``RenderOptions``): styled on a terminal, plain otherwise."""
    return styled(lines, options.color) if options.styled else plain(lines)
