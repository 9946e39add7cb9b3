"""Human-readable tables, the default format.

The row views — the timeline, search hits, ``on``, quotes (``quoteblocks``), actors
(``actorrows``) and every ``--short`` view — come from ``layout`` (one layout, plain to a pipe,
the same text with ANSI styles on a terminal, no Rich import). One-record sheets (treaty, event,
quote, actor) and the other tables (treaties, stats…) are drawn with Rich (``rich_table``). On a
terminal, listing views end with a count line (how many, over which dates, how many more a
``--limit`` left out) and the tone legend where tone marks are shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import DayView, Document, Listing, RenderOptions, SearchResults

HITS_AT_ONCE = 1000  # search hits laid out together (``hit_pieces``); more are written as laid out


def render(document: Document, options: RenderOptions) -> str:
    from . import layout

    if type(document) is SearchResults and not options.short:
        return "".join(hit_pieces(document, options))
    width = max(options.width, 20)
    plain = not (options.styled or options.short)
    if plain and type(document) is Listing and document.kind == "event" and not document.words:
        from .quickrows import timeline  # to a pipe: plain ASCII rows the quick way

        return timeline(document.records, document.dataset, width)  # type: ignore[arg-type]
    lines = _rows(document, width, options.short)
    if lines is not None:
        text = layout.render(lines, options) if lines else ""
    else:
        from .rich_table import render as draw

        text = draw(document, options)
    return text + _footer(document, options)


def hit_pieces(document: SearchResults, options: RenderOptions) -> Iterator[str]:
    """The table of search hits, ``HITS_AT_ONCE`` hits at a time, in the column widths of them
    all: the pieces of the one text, for a long list to be written (or paged) as it is laid
    out, not held whole (half a million hits held 1.8 GB). Plain text has no marks on the
    query words: they would show nothing (40% of the layout)."""
    from . import layout

    hits, width = document.hits, max(options.width, 20)
    if hits:
        widths = layout.hit_widths(hits, width)
        for at in range(0, len(hits), HITS_AT_ONCE):
            run, heading = hits[at : at + HITS_AT_ONCE], None if at else "match"
            lines = layout.hit_rows(
                run, document.dataset, width, document.words, heading, widths, options.styled
            )
            yield layout.render(lines, options)
    yield _footer(document, options)


def _footer(document: Document, options: RenderOptions) -> str:
    """On a terminal, the count line under a listing (``count_line``), wrapped to the width."""
    footer = count_line(document, options.total) if options.styled else None
    if not footer:
        return ""
    from . import layout
    from .quoteblocks import fold

    return layout.render(fold([(footer, "note")], max(options.width, 20)), options)


def _rows(document: Document, width: int, short: bool) -> list[Any] | None:
    from . import layout

    kind = type(document)
    if kind is Listing and document.kind == "event":  # type: ignore[union-attr]
        events, words = document.records, document.words  # type: ignore[union-attr]
        if short:
            return layout.short_events(events, width, words)  # type: ignore[arg-type]
        return layout.timeline(events, document.dataset, width, words)  # type: ignore[arg-type, union-attr]
    if kind is Listing and document.kind == "quote":  # type: ignore[union-attr]
        if short:
            return layout.short_quotes(document.records, document.dataset, width)  # type: ignore[arg-type, union-attr]
        from .quoteblocks import quote_blocks

        return quote_blocks(document.records, document.dataset, width)  # type: ignore[arg-type, union-attr]
    if kind is Listing and document.kind == "actor":  # type: ignore[union-attr]
        from .actorrows import actor_rows

        return actor_rows(document.records, width)  # type: ignore[arg-type, union-attr]
    if kind is SearchResults:
        hits, words, heading = document.hits, document.words, "match"  # type: ignore[union-attr]
    elif kind is DayView:
        hits, words, heading = document.entries, (), "what"  # type: ignore[union-attr]
    else:
        return None
    if short:
        return layout.short_hits(hits, document.dataset, width, words)  # type: ignore[union-attr]
    return layout.hit_rows(hits, document.dataset, width, words, heading)  # type: ignore[union-attr]


_NOUNS = {"event": "event", "quote": "quote", "treaty": "treaty", "actor": "actor"}


def count_line(document: Document, total: int | None) -> str | None:
    """``345 events · 12 Feb 2013 – 27 Nov 2026`` (and ``… 325 more; use --limit``), or None
    for a view that is not a listing or lists nothing."""
    from ..dates import human_span

    if isinstance(document, Listing):
        records, noun = document.records, _NOUNS.get(document.kind, "record")
        dated = [getattr(r, "date", None) for r in records] if noun in ("event", "quote") else []
    elif isinstance(document, SearchResults):
        records, noun = document.hits, "match"
        dated = [h.date for h in records if h.date is not None]
    elif isinstance(document, DayView):
        records, noun = document.entries, "entry"
        dated = [e.date for e in records]
    else:
        return None
    shown = len(records)
    if not shown:
        return None
    plural = {"match": "matches", "entry": "entries", "treaty": "treaties"}.get(noun, noun + "s")
    line = f"{shown} {noun if shown == 1 else plural}"
    dated = [d for d in dated if d is not None]
    if dated:
        first = min(dated, key=lambda d: d.sort_key())
        last = max(dated, key=lambda d: (d.end, d.sort_key()))
        line += f" · {human_span(first, last) if first != last else first.human()}"
    if isinstance(document, Listing) and document.kind == "event":
        from .layout import LEGEND

        line += f" · {LEGEND}"
    if total is not None and total > shown:
        more = "--limit N or --all" if isinstance(document, SearchResults) else "--limit"
        line += f" · … {total - shown} more; use {more}"
    return line
