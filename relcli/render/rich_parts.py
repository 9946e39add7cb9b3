"""Pieces every Rich view shares: safe text, headings, label/value facts, the layout's rows inside
a Rich view, quotes in a listing, and sources as citations whose URL is never wrapped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from ..model import Dataset, Event, Quote, Source
from .quoteblocks import URL, quote_blocks, source_lines
from .safety import clean

# Bars stay readable without colour: each tone has its own shade.


def _t(text: str, style: str = "", *, one_line: bool = False) -> Text:
    return Text(clean(text, one_line=one_line), style=style)


class WholeLine:
    """A part printed as it is, never wrapped or cut however narrow the terminal: a URL broken
    across lines cannot be clicked or pasted."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable


class _Lines:
    """Rows of ``layout`` (the one row layout) inside a Rich view, at the width Rich gives."""

    def __init__(self, build: Any) -> None:
        self.build = build  # width -> list[layout.Line]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from .layout import style_of

        for line in self.build(options.max_width):
            text = Text(no_wrap=True, overflow="ignore", end="")
            for piece, style in line:
                look = style_of(style) if style else ""
                text.append(
                    piece, style=Style.parse(look) + Style(link=piece) if style == URL else look
                )
            text.rstrip()
            yield from text.render(console)
            yield Segment.line()


def _event_rows(events: Sequence[Event], dataset: Dataset) -> _Lines:
    from .layout import event_rows

    return _Lines(lambda width: event_rows(events, dataset, width))


def _names(dataset: Dataset, actor_ids: Sequence[str]) -> str:
    from .layout import _names as names

    return names(dataset, actor_ids)


def _quote_list(quotes: Sequence[Quote], dataset: Dataset) -> Iterable[RenderableType]:
    """Quotes as ``quoteblocks`` lays them out (their URLs whole)."""
    yield WholeLine(_Lines(lambda width: quote_blocks(quotes, dataset, width)))


def _source_lines(source: Source, indent: int = 2, style: str = "") -> Iterable[RenderableType]:
    """One source as a citation to paste, its URL on a line of its own (see ``quoteblocks``)."""
    yield WholeLine(_Lines(lambda width: source_lines(source, width, " " * indent, style)))


def _heading(text: str) -> Rule:
    return Rule(Text(text, style="bold"), align="left", characters="─")


def _sources(sources: Sequence[Source]) -> Iterable[RenderableType]:
    yield _heading("Sources (to cite)")
    for n, source in enumerate(sources):
        if n:
            yield Text("")
        yield from _source_lines(source)


def _facts(*rows: tuple[str, Text] | None) -> Table:
    """The label/value lines at the top of a one-record sheet; ``None`` rows are left out."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for row in rows:
        if row is not None:
            grid.add_row(*row)
    return grid


def _change(start: str, end: str) -> str:
    """``in force`` or ``in force → terminated``."""
    return start if start == end else f"{start} → {end}"
