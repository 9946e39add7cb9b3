"""Pieces every Rich view shares: safe text, headings, label/value facts, the layout's rows inside
a Rich view, quotes in a listing, and sources as citations whose URL is never wrapped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from ..model import Dataset, Event, Quote, Role, Source
from .safety import clean

# Bars stay readable without colour: each tone has its own shade.


def _t(text: str, style: str = "", *, one_line: bool = False) -> Text:
    return Text(clean(text, one_line=one_line), style=style)


class WholeLine:
    """A line printed whole however narrow the terminal: a URL broken across lines cannot be
    clicked or pasted."""

    def __init__(self, text: Text) -> None:
        self.text = text


class _Lines:
    """Rows of ``layout`` (the one row layout) inside a Rich view, at the width Rich gives."""

    def __init__(self, build: Any) -> None:
        self.build = build  # width -> list[layout.Line]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from .layout import style_of

        for line in self.build(options.max_width):
            text = Text(no_wrap=True, overflow="ignore", end="")
            for piece, style in line:
                text.append(piece, style=style_of(style) if style else "")
            text.rstrip()
            yield from text.render(console)
            yield Segment.line()


def _event_rows(events: Sequence[Event], dataset: Dataset) -> _Lines:
    from .layout import event_rows

    return _Lines(lambda width: event_rows(events, dataset, width))


def _names(dataset: Dataset, actor_ids: Sequence[str]) -> str:
    from .layout import _names as names

    return names(dataset, actor_ids)


def _quote_block(quote: Quote, dataset: Dataset) -> Iterable[RenderableType]:
    """A quote in a listing: who and when with its id, the words, the context, then each source
    on lines of its own (the URL whole)."""
    speaker = dataset.actor_by_id.get(quote.speaker)
    head = Text(quote.date.human(), style="bold")
    head.append("  ")
    head.append_text(_t(speaker.name if speaker else quote.speaker, "bold cyan"))
    head.append_text(Text("  ")).append_text(_t(quote.id, "dim cyan"))  # for relcli quote ID
    body = Text("“", style="italic")
    body.append_text(_t(quote.text, "italic"))
    body.append("”", style="italic")
    yield head
    yield Padding(Group(body, _t(quote.context, "dim")), (0, 0, 0, 4))
    for source in quote.sources:
        yield from _source_lines(source, indent=4, style="dim")
    yield Text("")


def _quote_list(quotes: Sequence[Quote], dataset: Dataset) -> Iterable[RenderableType]:
    for quote in quotes:
        yield from _quote_block(quote, dataset)


def _source_lines(source: Source, indent: int = 2, style: str = "") -> Iterable[RenderableType]:
    """One source as a citation to paste: title, publisher and date on a line (wrapped), then
    the URL on a line of its own, never wrapped or cut (a hyperlink on a terminal)."""
    words = citation(source).removesuffix(source.url).rstrip()
    yield Padding(_t(words, style), (0, 0, 0, indent))
    url = _t(source.url, "", one_line=True)
    url.stylize(Style(underline=True, dim=style == "dim", link=source.url))
    yield WholeLine(Text(" " * indent).append_text(url))


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


def _change(start: str, end: str) -> str:
    """``in force`` or ``in force → terminated``."""
    return start if start == end else f"{start} → {end}"


def _role_text(role: Role) -> str:
    end = role.end.human() if role.end else "present"
    return f"{role.title}, {role.start.human()} – {end}"
