"""Human-readable tables, the default format.

Every view is drawn with Rich (``rich_table``), except the two that can run to thousands of
rows: a timeline or search results going to a pipe or a file are plain text laid out by
``plain`` on Rich's rules without importing Rich at all (property tests require the same bytes
from both).
"""

from __future__ import annotations

from . import DayView, Document, Listing, RenderOptions, SearchResults


def render(document: Document, options: RenderOptions) -> str:
    if not options.styled:
        text = None
        width = max(options.width, 20)  # as rich_table's console
        if type(document) is Listing and document.kind == "event":
            from .plain import timeline

            text = timeline(document.records, document.dataset, width)  # type: ignore[arg-type]
        elif type(document) is SearchResults:
            from .plain import search_table

            text = search_table(document, width)
        elif type(document) is DayView:
            from .plain import search_table

            as_hits = SearchResults(document.label, (), document.entries, document.dataset)
            text = search_table(as_hits, width, "what")
        if text is not None:
            return text
    from .rich_table import render as draw

    return draw(document, options)
