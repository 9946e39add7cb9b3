"""Quotes in a listing, as blocks of ``layout`` lines: who and when with the quote's id, the words,
the context, then each source as a citation and its URL on a line of its own.

Rich drew these blocks at ~0.6 ms each (10,000 quotes of a big file: 6 s). Here the lines break
where Rich's word wrap breaks them (``fold``): at spaces, and a word longer than a line is
folded onto the next lines, never cut (quotes are verbatim). A test holds ``fold`` to Rich's
``Text.wrap``. Two things are never broken, however narrow the terminal: a quote's id (Rich
folded it; it goes whole on a line of its own instead) and a URL (a broken URL cannot be
clicked or pasted; on a terminal it is a hyperlink).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from ..model import Dataset, Quote, Source
from .layout import _NOT_NARROW, Line, Piece, cells
from .safety import clean

INDENT = "    "  # the words, context and sources sit under the heading
URL = "url"  # the style of a URL line's piece: never wrapped, a hyperlink on a terminal
_WORD = re.compile(r"\s*\S+\s*")  # a word with the blanks around it, as Rich's wrap reads words


def _chunks(word: str, width: int, narrow: bool) -> list[str]:
    if narrow:
        return [word[at : at + width] for at in range(0, len(word), width)]
    from rich.cells import chop_cells

    return chop_cells(word, width)


def breaks(paragraph: str, width: int) -> list[int]:
    """Where a line of text (no newline) breaks to fit ``width`` cells: Rich's ``divide_line``
    with folding. A word goes on the next line when it does not fit; a word longer than a line
    is folded across lines."""
    narrow = paragraph.isascii() or _NOT_NARROW.search(paragraph) is None  # a cell each
    size = len if narrow else cells
    found: list[int] = []
    used = 0
    for match in _WORD.finditer(paragraph):
        start, word = match.start(), match.group()
        length = size(word.rstrip())
        if width - used >= length:
            used += size(word)
        elif length > width:
            pieces = _chunks(word, width, narrow)
            for piece in pieces[:-1]:
                if start:
                    found.append(start)
                start += len(piece)
            if start:
                found.append(start)
            used = size(pieces[-1])
        elif used and start:
            found.append(start)
            used = size(word)
    return found


def fold(pieces: Sequence[Piece], width: int, indent: str = "") -> list[Line]:
    """Styled ``pieces`` wrapped into lines of ``width`` cells after ``indent``; each newline in
    the text starts a new line, and an empty text is one empty line. A line keeps no blanks at
    its end (Rich keeps those within the width; past it they would widen a column)."""
    text = "".join(t for t, _ in pieces)
    ends, at = [], 0
    for piece_text, _ in pieces:
        at += len(piece_text)
        ends.append(at)
    lines: list[Line] = []
    start = 0
    for paragraph in text.split("\n"):
        bounds = [start, *(start + b for b in breaks(paragraph, width)), start + len(paragraph)]
        for low, end_of_line in pairwise(bounds):
            high = low + len(text[low:end_of_line].rstrip())
            line: Line = [(indent, "")] if indent else []
            begin = 0
            for (piece_text, style), end in zip(pieces, ends, strict=True):
                if end > low and begin < high:
                    line.append((piece_text[max(low - begin, 0) : high - begin], style))
                begin = end
            lines.append(line)
        start += len(paragraph) + 1
    return lines


def with_id(pieces: Sequence[Piece], id_: str, width: int, indent: str = "") -> list[Line]:
    """``pieces`` folded into lines of ``width`` (as ``fold``), then two spaces and ``id_``
    (style ``id``): on the last line where it fits, else whole on a line of its own, however
    long. An id is a handle to type or paste (``relcli quote ID``): it is never folded."""
    lines = fold([*pieces, ("  ", ""), (id_, "id")], width, indent)
    parts = [line for line in lines if any(style == "id" for _, style in line)]
    if len(parts) == 1 and (id_, "id") in parts[0]:
        return lines
    return [*fold(pieces, width, indent), [*([(indent, "")] if indent else []), (id_, "id")]]


def citation(source: Source) -> str:
    """A source as a citation to paste: ``Title. Publisher, 14 Sep 2013. URL``."""
    parts = [source.title.rstrip(".") + "."]
    by = ", ".join(
        p for p in (source.publisher, source.published.human() if source.published else None) if p
    )
    if by:
        parts.append(by + ".")
    parts.append(source.url)
    return " ".join(parts)


def source_lines(source: Source, width: int, indent: str, style: str = "") -> list[Line]:
    """One source as a citation to paste: title, publisher and date (wrapped), then the URL on a
    line of its own, whole."""
    words = citation(source).removesuffix(source.url).rstrip()
    lines = fold([(clean(words), style)], width - len(indent), indent)
    return [*lines, [(indent, ""), (clean(source.url, one_line=True), URL)]]


def quote_block(quote: Quote, dataset: Dataset, width: int) -> list[Line]:
    speaker = dataset.actor_by_id.get(quote.speaker)
    head = [
        (quote.date.human() + "  ", "bold"),
        (clean(speaker.name if speaker else quote.speaker), "speaker"),
    ]
    room = max(width - len(INDENT), 1)
    lines = with_id(head, clean(quote.id), width)  # for relcli quote ID
    lines += fold([("“", "quote"), (clean(quote.text), "quote"), ("”", "quote")], room, INDENT)
    lines += fold([(clean(quote.context), "note")], room, INDENT)
    for source in quote.sources:
        lines += source_lines(source, width, INDENT, "note")
    return [*lines, []]


def quote_blocks(quotes: Sequence[Quote], dataset: Dataset, width: int) -> list[Line]:
    return [line for quote in quotes for line in quote_block(quote, dataset, width)]
