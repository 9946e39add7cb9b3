"""Human-readable tables, the default format.

Every view is drawn with Rich (``rich_table``), except the one shell loops read most: a
timeline going to a pipe or a file, which is plain text laid out by ``plain`` on Rich's rules
without importing Rich at all (a property test requires the same bytes from both).
"""

from __future__ import annotations

from . import Document, Listing, RenderOptions


def render(document: Document, options: RenderOptions) -> str:
    if not options.styled and type(document) is Listing and document.kind == "event":
        from .plain import timeline

        text = timeline(document.records, document.dataset, max(options.width, 20))  # type: ignore[arg-type]
        if text is not None:
            return text
    from .rich_table import render as draw

    return draw(document, options)
