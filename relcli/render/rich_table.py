"""Human output drawn with Rich: timelines grouped by year, treaty and event sheets.

The ``table`` format's views (``table.py`` chooses; a timeline to a pipe needs no Rich at all).
Rich is imported here and nowhere in the core. All data text goes in as ``Text`` after
``clean``: markup in a title is shown literally and escape sequences are dropped. The result is
a string; the CLI writes it, so a closed pipe is handled in one place.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from ..dates import human_span
from ..model import TONES, Actor, Dataset, Event, Quote, Role, Source, Treaty
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
from .layout import TONE_COLOUR as TONE_STYLE
from .layout import TONE_MARK as TONE_CHAR
from .safety import clean

# Bars stay readable without colour: each tone has its own shade.


def _t(text: str, style: str = "", *, one_line: bool = False) -> Text:
    return Text(clean(text, one_line=one_line), style=style)


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


class WholeLine:
    """A line printed whole however narrow the terminal: a URL broken across lines cannot be
    clicked or pasted."""

    def __init__(self, text: Text) -> None:
        self.text = text


def render(document: Document, options: RenderOptions) -> str:
    console = _console(options)
    for part in _renderables(document, options):
        if isinstance(part, WholeLine):
            console.print(part.text, soft_wrap=True)  # never wrapped or cut (a URL)
        else:
            console.print(part)
    text: str = console.file.getvalue()  # type: ignore[attr-defined]
    # Rich pads cells to the full width; trailing blanks are noise in a pipe or a file.
    return "\n".join(line.rstrip() for line in text.split("\n"))


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
    elif document.kind == "quote":
        yield from _quote_list(document.records, document.dataset)  # type: ignore[arg-type]
    elif document.kind == "actor":
        yield _actor_table(document.records)  # type: ignore[arg-type]
    else:
        raise ValueError(f"no table view for {document.kind}")


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


def _party_state(state: Any) -> str:
    """``withdrawn (2 Aug 2019)``: a party's state and since when."""
    return f"{state.state} ({state.since.human()})" if state.since else state.state


def _treaty_table(treaties: Sequence[Treaty], width: int) -> Table:
    """Signed, name and id, the treaty's status and each party's state (dates in ``treaty``);
    the aliases too where the terminal is wide enough (140 columns)."""
    from ..treatystate import party_states

    wide = width >= 140
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("signed", no_wrap=True)
    table.add_column("treaty", ratio=4, overflow="fold")
    if wide:
        table.add_column("also known as", ratio=3)
    for column in ("status", "United States", "Russia"):
        table.add_column(column, ratio=2)
    for treaty in treaties:
        name = _t(treaty.name, "bold", one_line=True)
        name.append_text(Text("  ")).append_text(_t(treaty.id, "dim cyan"))
        states = party_states(treaty)
        cells = [Text(treaty.signed.human() if treaty.signed else "—"), name]
        if wide:
            cells.append(_t(", ".join(treaty.aliases)))
        cells += [_t(treaty.status), _t(states["US"].state), _t(states["RU"].state)]
        table.add_row(*cells)
    return table


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


def _comparison(document: Comparison) -> Table:
    """One column per period, one row per figure; ▲ marks a figure that stands out."""
    from ..compare import TREATY_STEPS, stand_out, treaty_steps

    rows = list(document.rows)
    marks = stand_out(rows)
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("", style="bold", no_wrap=True)
    for row in rows:
        table.add_column(Text(row["period"]), ratio=1)

    def line(label: str, cells: list[Text]) -> None:
        table.add_row(Text(label), *cells)

    def marked(key: str, index: int, text: str) -> Text:
        return Text(text + (" ▲" if marks.get(key) == index else ""))

    line(
        "dates",
        [
            _t("; ".join(f"{r['from']} – {r['to'] or 'present'}" for r in row["ranges"]))
            for row in rows
        ],
    )
    line("events", [Text(str(row["events"])) for row in rows])
    line(
        "per year",
        [
            marked("events_per_year", i, f"{row['events_per_year']:.1f}")
            for i, row in enumerate(rows)
        ],
    )
    for tone in TONES:
        cells = []
        for i, row in enumerate(rows):
            share = row["tone_share"][tone]
            bar = TONE_CHAR[tone] * round(share * 10)
            text = marked(f"share_{tone}", i, f"{bar} {row['tone'][tone]} ({share:.0%})")
            text.stylize(TONE_STYLE[tone], 0, len(bar))
            cells.append(text)
        line(tone, cells)
    for key, label in (("top_kinds", "kinds"), ("top_tags", "tags"), ("top_actors", "actors")):
        line(label, [_t(", ".join(f"{k} {n}" for k, n in row[key].items()) or "—") for row in rows])
    for key in TREATY_STEPS:
        line(
            f"treaties {key.replace('_', ' ')}",
            [_t(", ".join(treaty_steps(row["treaties"][key])) or "—") for row in rows],
        )
    line("quotes", [Text(str(row["quotes"])) for row in rows])
    return table


def _change(start: str, end: str) -> str:
    """``in force`` or ``in force → terminated``."""
    return start if start == end else f"{start} → {end}"


def _treaties_on(document: TreatiesOn) -> Iterable[RenderableType]:
    yield _heading(f"Treaties on {document.label}")
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("signed", no_wrap=True)
    table.add_column("treaty", ratio=4, overflow="fold")
    for column in ("treaty state", "United States", "Russia"):
        table.add_column(column, ratio=2)
    for snapshot in document.snapshots:
        treaty = snapshot.treaty
        name = _t(treaty.name, "bold", one_line=True)
        name.append_text(Text("  ")).append_text(_t(treaty.id, "dim cyan"))
        cells = [
            Text(treaty.signed.human() if treaty.signed else "—"),
            name,
            _t(_change(snapshot.status_at_start, snapshot.status_on)),
        ]
        for party in ("US", "RU"):
            cells.append(
                _t(
                    _change(
                        snapshot.parties_at_start[party].state, snapshot.parties_on[party].state
                    )
                )
            )
        table.add_row(*cells)
        for milestone in snapshot.changed:
            where = f" ({milestone.party})" if milestone.party else ""
            table.add_row(
                Text(""),
                _t(f"  {milestone.date.human()}  {milestone.what}{where}", "dim"),
                Text(""),
                Text(""),
                Text(""),
            )
    yield table


def _on_facts(detail: TreatyDetail) -> Iterable[RenderableType]:
    """``treaty NAME --on DATE``: the state then, before the lifecycle."""
    from ..dates import DateRange, range_label
    from ..treatystate import PARTY_NAMES

    snapshot = detail.on
    label = range_label(DateRange(snapshot.start, snapshot.end))
    yield _heading(f"On {label}")
    rows = [("Treaty", _t(_change(snapshot.status_at_start, snapshot.status_on)))]
    for party in ("US", "RU"):
        before, after = snapshot.parties_at_start[party], snapshot.parties_on[party]
        text = _change(before.state, after.state)
        if after.since is not None and before.state == after.state:
            text += f" (since {after.since.human()})"
        rows.append((PARTY_NAMES[party], _t(text)))
    yield _facts(*rows)
    if snapshot.changed:
        yield _t("Changed within it:", "bold")
        changes = Table.grid(padding=(0, 2))
        changes.add_column(no_wrap=True)
        changes.add_column()
        for milestone in snapshot.changed:
            where = f" ({milestone.party})" if milestone.party else ""
            changes.add_row(Text(milestone.date.human()), _t(f"{milestone.what}{where}"))
        yield Padding(changes, (0, 0, 0, 2))
    yield Text("")


def _treaty_sheet(detail: TreatyDetail) -> Iterable[RenderableType]:
    treaty = detail.treaty
    title = _t(treaty.name, "bold", one_line=True)
    if treaty.aliases:
        title.append_text(Text("  ")).append_text(
            _t(f"({', '.join(treaty.aliases)})", one_line=True)
        )
    yield title
    from ..treatystate import PARTY_NAMES, describe, party_states

    states = party_states(treaty)
    yield _facts(
        ("Status", _t(describe(treaty))),
        *(
            (PARTY_NAMES[party], _t(_party_state(state)))
            for party, state in states.items()
            if state.since is not None
        ),
        ("Parties", _t(", ".join(treaty.parties))) if treaty.parties else None,
        ("Id", _t(treaty.id)),
    )
    yield Padding(_t(treaty.summary), (1, 0))
    if detail.on is not None:
        yield from _on_facts(detail)
    yield _heading("Milestones")
    milestones = Table(box=None, show_header=False, pad_edge=False, expand=True, padding=(0, 1))
    milestones.add_column("date", no_wrap=True, style="bold", min_width=11)
    milestones.add_column("what", ratio=3)
    milestones.add_column("where", ratio=2, style="dim")
    marked = detail.on is None or bool(detail.on.changed)  # else a line shows where it falls
    for milestone in treaty.milestones:
        where = ", ".join(x for x in (milestone.party, milestone.place) if x)
        if not marked and milestone.date.start > detail.on.end:
            milestones.add_row(
                Text("▶ --on", style="bold"), _t("(the date asked for)", "bold"), Text("")
            )
            marked = True
        inside = detail.on is not None and milestone in detail.on.changed
        what = _t(("▶ " if inside else "") + milestone.what, "bold" if inside else "")
        milestones.add_row(Text(milestone.date.human()), what, _t(where))
    if not marked:
        milestones.add_row(
            Text("▶ --on", style="bold"), _t("(the date asked for)", "bold"), Text("")
        )
    yield milestones
    if detail.events:
        yield _heading(f"Events ({len(detail.events)})")
        yield _event_rows(detail.events, detail.dataset)
    if detail.quotes:
        yield _heading(f"Quotes ({len(detail.quotes)})")
        yield from _quote_list(detail.quotes, detail.dataset)
    yield from _sources(treaty.sources)


def _event_sheet(detail: EventDetail) -> Iterable[RenderableType]:
    event = detail.event
    yield _t(event.title, "bold", one_line=True)
    yield _facts(
        ("Date", Text(human_span(event.date, event.end_date))),
        ("Kind", _t(event.kind)),
        ("Tone", Text(event.tone, style=TONE_STYLE.get(event.tone, ""))),
        ("Actors", _t(_names(detail.dataset, event.actors))) if event.actors else None,
        ("Tags", _t(", ".join(event.tags))) if event.tags else None,
        ("Id", _t(event.id)),
    )
    yield Padding(_t(event.summary), (1, 0))
    if detail.treaties:
        yield _heading("Treaties")
        for treaty in detail.treaties:
            line = _t(treaty.name, "bold", one_line=True)
            line.append_text(_t(f"  {treaty.status}", "dim"))
            yield line
    if detail.quotes:
        yield _heading(f"Quotes ({len(detail.quotes)})")
        yield from _quote_list(detail.quotes, detail.dataset)
    yield from _sources(event.sources)


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


def _quote_sheet(detail: QuoteDetail) -> Iterable[RenderableType]:
    quote = detail.quote
    speaker = detail.dataset.actor_by_id.get(quote.speaker)
    body = Text("“", style="bold italic")
    body.append_text(_t(quote.text, "bold italic"))
    body.append("”", style="bold italic")
    yield body
    offices = "; ".join(
        row["role"] + ("" if row["held"] == "throughout" else f" ({row['note']})")
        for row in detail.offices
    )
    yield Padding(
        _facts(
            ("Said by", _t(speaker.name if speaker else quote.speaker)),
            ("Office then", _t(offices)) if offices else None,
            ("Date", Text(quote.date.human())),
            ("Event", _t(f"{detail.event.title}  ({detail.event.id})")) if detail.event else None,
            ("Id", _t(quote.id)),
        ),
        (1, 0, 0, 0),
    )
    yield Padding(_t(quote.context), (1, 0))
    yield from _sources(quote.sources)


def _role_text(role: Role) -> str:
    end = role.end.human() if role.end else "present"
    return f"{role.title}, {role.start.human()} – {end}"


def _actor_table(actors: Sequence[Actor]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("name", ratio=2)
    table.add_column("country", no_wrap=True)
    table.add_column("roles", ratio=4)
    for actor in actors:
        name = _t(actor.name, "bold", one_line=True)
        name.append_text(Text("  ")).append_text(_t(actor.id, "dim cyan"))
        roles = _t("\n".join(_role_text(r) for r in actor.roles) or "—")
        table.add_row(name, _t(actor.country), roles)
    return table


def _actor_sheet(detail: ActorDetail) -> Iterable[RenderableType]:
    actor = detail.actor
    yield _t(actor.name, "bold", one_line=True)
    yield _facts(
        ("Country", _t(actor.country)),
        ("Also", _t(", ".join(actor.aliases))) if actor.aliases else None,
        ("Id", _t(actor.id)),
    )
    if actor.roles:
        yield _heading("Roles")
        for role in actor.roles:
            yield _t(_role_text(role))
    yield _heading(f"Events ({len(detail.events)})")
    if detail.events:
        yield _event_rows(detail.events, detail.dataset)
    if detail.quotes:
        yield _heading(f"Quotes ({len(detail.quotes)})")
        yield from _quote_list(detail.quotes, detail.dataset)
    if actor.sources:
        yield from _sources(actor.sources)


def _office_table(vocabulary: Vocabulary) -> Table:
    """``actors --on``: role, holder (name and id), country, term, and how sure."""
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("role", ratio=3)
    table.add_column("held by", ratio=3, overflow="fold")
    table.add_column("country", no_wrap=True)
    table.add_column("term", ratio=2)
    table.add_column("note", ratio=2)
    for row in vocabulary.rows:
        name = _t(row["name"], "bold", one_line=True)
        name.append_text(Text("  ")).append_text(_t(row["actor"], "dim cyan"))
        term = f"{row['from']} – {row['to'] or 'present'}"
        sure = "" if row["held"] == "throughout" else f"{row['held']}: "
        table.add_row(
            _t(row["role"]), name, _t(row["country"]), _t(term), _t(sure + (row["note"] or ""))
        )
    return table


def _vocabulary(vocabulary: Vocabulary) -> Table:
    if vocabulary.kind == "office":
        return _office_table(vocabulary)
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    rows = list(vocabulary.rows)
    columns = list(rows[0]) if rows else []
    for column in columns:
        numeric = column == "events"
        table.add_column(
            column, justify="right" if numeric else "left", no_wrap=numeric or column == "from"
        )
    for row in rows:
        table.add_row(*(_t("" if row[c] is None else str(row[c])) for c in columns))
    return table


def _sources_summary(summary: SourcesSummary) -> Iterable[RenderableType]:
    report = summary.report.to_json()
    yield _heading("Records with a source beyond an encyclopedia")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("records", "with", "of", "share"):
        table.add_column(column, justify="left" if column == "records" else "right")
    for name, row in report["records"].items():
        table.add_row(
            name, str(row["beyond_encyclopedia"]), str(row["total"]), f"{row['share']:.1%}"
        )
    recent_key = next(k for k in report if k.startswith("events_since_"))
    recent = report[recent_key]
    share = recent["beyond_encyclopedia"] / recent["total"] if recent["total"] else 1.0
    table.add_row(
        recent_key.replace("_", " "),
        str(recent["beyond_encyclopedia"]),
        str(recent["total"]),
        f"{share:.1%}",
    )
    yield table
    yield _heading("Sources by kind")
    kinds = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    kinds.add_column("kind")
    kinds.add_column("sources", justify="right")
    for kind, count in report["sources_by_kind"].items():
        kinds.add_row(kind, str(count))
    yield kinds
    for name, ids in report["only_encyclopedia"].items():
        if ids:
            yield _heading(f"{name.capitalize()} citing only an encyclopedia ({len(ids)})")
            yield _t(", ".join(ids))
    if report["unknown_hosts"]:
        yield _heading(f"Hosts of no known kind ({len(report['unknown_hosts'])})")
        yield _t(", ".join(report["unknown_hosts"]))


def _stats(report: StatsReport, options: RenderOptions) -> Iterable[RenderableType]:
    """The summary fits one screen: totals by tone, the chart, the most frequent kinds and tags.
    ``--by`` shows one breakdown in full instead (``--share``: percentages)."""
    stats = report.stats
    yield _t(f"{report.title}: {stats.total} events", "bold")
    if not stats.total:
        return
    tones = Text()
    for tone in TONES:
        tones.append(f"{TONE_CHAR[tone]} {tone} {stats.by_tone[tone]}   ", style=TONE_STYLE[tone])
    yield tones
    view = report.view
    if view in ("summary", "year", "decade"):
        yield from _chart(stats, options)
    if view == "summary":
        for label, counts in (
            ("Most frequent kinds", stats.by_kind),
            ("Most frequent tags", stats.by_tag),
        ):
            items = [f"{k} {n}" for k, n in counts.items()]
            shown = items[:3]  # at least three, then as many as fit on the line
            for item in items[3:8]:
                if len(f"{label}: " + " · ".join([*shown, item])) > options.width:
                    break
                shown.append(item)
            if shown:
                line = Text(f"{label}: ", style="bold")
                line.append(" · ".join(shown))
                yield line
        yield _t("More: --by decade|year|kind|tag|tone, --share", "dim")
    elif view in ("year", "decade"):
        yield _heading(f"By {stats.unit}")
        yield _series_table(stats)
    else:
        counts = {"kind": stats.by_kind, "tag": stats.by_tag, "tone": stats.by_tone}[view]
        yield _heading(f"By {view}")
        total = stats.total if view != "tag" else None
        yield _counts(counts, view, stats.total if stats.share else None, total)


def _chart(stats: Any, options: RenderOptions) -> Iterable[RenderableType]:
    yield _heading(f"Events per {stats.unit}, by tone")
    label_width = max(len(b.label) for b in stats.series)
    count_width = max(len(str(b.total)) for b in stats.series)
    room = max(options.width - label_width - count_width - 3, 5)
    peak = max(b.total for b in stats.series) or 1
    for bucket in stats.series:
        line = Text(bucket.label.rjust(label_width) + " ")
        for tone in TONES:
            n = bucket.counts.get(tone, 0)
            cells = round(n * room / peak) if n else 0
            if n and not cells:
                cells = 1
            line.append(TONE_CHAR[tone] * cells, style=TONE_STYLE[tone])
        line.append(f" {bucket.total}" if bucket.total else "", style="dim")
        yield line


def _series_table(stats: Any) -> Table:
    """Per period: events of each tone and in all (or, with --share, each tone's share)."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(stats.unit)
    for tone in TONES:
        table.add_column(tone, justify="right", style=TONE_STYLE[tone])
    table.add_column("total", justify="right")
    for bucket in stats.series:
        if not bucket.total:
            continue
        if stats.share:
            cells = [f"{v:.0%}" for v in bucket.shares().values()]
        else:
            cells = [str(bucket.counts.get(t, 0)) for t in TONES]
        table.add_row(bucket.label, *cells, str(bucket.total))
    return table


def _counts(
    counts: dict[str, int], label: str, share_of: int | None = None, total: int | None = None
) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2))
    table.add_column(label)
    table.add_column("events", justify="right")
    if share_of:
        table.add_column("share", justify="right")
    for key, n in counts.items():
        cells = [_t(key), str(n)]
        if share_of:
            cells.append(f"{n / share_of:.0%}")
        table.add_row(*cells)
    return table


def _projection(projection: Projection) -> Table:
    """``--fields`` on a terminal: a plain table of exactly the chosen fields."""
    from .flat import cell

    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    for field in projection.fields:
        table.add_column(field, no_wrap=field in ("id", "date", "end_date", "from", "to"))
    for row in projection.rows:
        table.add_row(*(_t(cell(f, row.get(f))) for f in projection.fields))
    return table
