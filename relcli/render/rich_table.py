"""Human output drawn with Rich: timelines grouped by year, treaty and event sheets.

The ``table`` format's views (``table.py`` chooses; a timeline to a pipe needs no Rich at all).
Rich is imported here and nowhere in the core. All data text goes in as ``Text`` after
``clean``: markup in a title is shown literally and escape sequences are dropped. The result is
a string; the CLI writes it, so a closed pipe is handled in one place.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from rich.console import Console, Group, RenderableType

from . import (
    ActorDetail,
    Comparison,
    DayView,
    Document,
    EventDetail,
    Projection,
    QuoteDetail,
    RenderOptions,
    SearchResults,
    SourcesSummary,
    StatsReport,
    TreatiesOn,
    TreatyDetail,
    Vocabulary,
)

# Bars stay readable without colour: each tone has its own shade.
from .rich_parts import WholeLine, _Lines
from .sheets import _actor_sheet, _event_sheet, _quote_sheet, _treaty_sheet
from .tables import (
    _comparison,
    _projection,
    _sources_summary,
    _stats,
    _treaties_on,
    _treaty_table,
    _vocabulary,
)


def _console(options: RenderOptions) -> Console:
    return Console(
        file=io.StringIO(),
        width=max(options.width, 20),
        force_terminal=options.styled,
        color_system="standard" if options.styled else None,
        no_color=not options.color,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
        legacy_windows=False,
        force_jupyter=False,
        force_interactive=False,
        _environ={},
    )


def render(document: Document, options: RenderOptions) -> str:
    console = _console(options)
    run: list[RenderableType] = []
    for part in _renderables(document, options):
        if isinstance(part, WholeLine):
            _print(console, run)
            console.print(part.renderable, soft_wrap=True)  # never wrapped or cut (a URL)
        else:
            run.append(part)
    _print(console, run)
    text: str = console.file.getvalue()  # type: ignore[attr-defined]
    # Rich pads cells to the full width; trailing blanks are noise in a pipe or a file.
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _print(console: Console, run: list[RenderableType]) -> None:
    """The parts of ``run`` as one ``print`` of a ``Group``, each on lines of its own as if
    printed alone: a print costs ~0.1 ms before it renders anything, and 10,000 quotes' blocks
    are 60,000 parts."""
    if run:
        console.print(run[0] if len(run) == 1 else Group(*run))
        run.clear()


def _renderables(document: Document, options: RenderOptions) -> Iterable[RenderableType]:
    if isinstance(document, TreatyDetail):
        yield from _treaty_sheet(document)
    elif isinstance(document, EventDetail):
        yield from _event_sheet(document)
    elif isinstance(document, QuoteDetail):
        yield from _quote_sheet(document)
    elif isinstance(document, ActorDetail):
        yield from _actor_sheet(document)
    elif isinstance(document, SearchResults | DayView):
        from .layout import hit_rows

        hits, words = (
            (document.hits, document.words)
            if isinstance(document, SearchResults)
            else (document.entries, ())
        )
        heading = "match" if isinstance(document, SearchResults) else "what"
        yield _Lines(lambda width: hit_rows(hits, document.dataset, width, words, heading))
    elif isinstance(document, Vocabulary):
        yield _vocabulary(document)
    elif isinstance(document, StatsReport):
        yield from _stats(document, options)
    elif isinstance(document, SourcesSummary):
        yield from _sources_summary(document)
    elif isinstance(document, TreatiesOn):
        yield from _treaties_on(document)
    elif isinstance(document, Comparison):
        yield _comparison(document)
    elif isinstance(document, Projection):
        yield _projection(document)
    elif document.kind == "event":
        from .layout import timeline

        yield _Lines(lambda width: timeline(document.records, document.dataset, width))  # type: ignore[arg-type]
    elif document.kind == "treaty":
        yield _treaty_table(document.records, options.width)  # type: ignore[arg-type]
    else:
        raise ValueError(f"no table view for {document.kind}")
