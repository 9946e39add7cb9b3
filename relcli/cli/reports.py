"""Commands that make reports and files from the selected events: stats (and its SVG chart),
compare (periods side by side), export (ICS, TimelineJS, JSON, JSON Lines, CSV, Markdown).
"""

import enum
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated

import typer

from .. import clock, query
from ..errors import (
    UsageProblem,
)
from ..render import (
    Listing,
    RenderOptions,
    StatsReport,
    renderer,
)
from . import completion
from .application import app
from .filters import (
    event_filter,
    state_of,
)
from .options import (
    ActorOpt,
    AnyTagOpt,
    CsvRawOpt,
    DuringOpt,
    FieldsOpt,
    ForceOpt,
    FormatOpt,
    FromOpt,
    JqOpt,
    JsonOpt,
    KindOpt,
    LimitOpt,
    NotActorOpt,
    NotKindOpt,
    NotTagOpt,
    Output,
    ReverseOpt,
    SearchOpt,
    SvgOpt,
    TagOpt,
    ToOpt,
    TreatyOpt,
    checked_text,
)
from .output import check_writable, emit, note, stream, write_file


class StatsBy(enum.StrEnum):
    year = "year"
    decade = "decade"
    kind = "kind"
    tag = "tag"
    tone = "tone"


@app.command()
def stats(
    ctx: typer.Context,
    start: FromOpt = None,
    end: ToOpt = None,
    during: DuringOpt = None,
    actor: ActorOpt = None,
    not_actor: NotActorOpt = None,
    tag: TagOpt = None,
    any_tag: AnyTagOpt = None,
    not_tag: NotTagOpt = None,
    kind: KindOpt = None,
    not_kind: NotKindOpt = None,
    treaty: TreatyOpt = None,
    search: SearchOpt = None,
    by: Annotated[
        StatsBy | None,
        typer.Option(
            "--by",
            case_sensitive=False,
            show_default=False,
            help="Show one breakdown in full: year or decade (the chart's unit, with a table), "
            "kind, tag or tone. Default: the chart (years for spans up to 40 years, else "
            "decades) and the most frequent kinds and tags.",
        ),
    ] = None,
    share: Annotated[
        bool,
        typer.Option("--share", help="Percentages as well as counts (per period, per value)."),
    ] = False,
    svg: SvgOpt = None,
    force: ForceOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Counts by decade, kind, tag and tone, and a chart of the relationship's climate.

    Example: relcli stats --during 'Cold War' --svg cold-war.svg
    """
    from .. import stats as statistics

    dataset, wanted = event_filter(
        ctx,
        start=start,
        end=end,
        during=during,
        actor=actor,
        not_actor=not_actor,
        tag=tag,
        any_tag=any_tag,
        not_tag=not_tag,
        kind=kind,
        not_kind=not_kind,
        treaty=treaty,
        search=search,
    )
    unit = by.value if by in (StatsBy.year, StatsBy.decade) else None
    report = statistics.summarize(statistics.tally_matching(dataset, wanted), unit, share)
    title = "Russia–United States relations"
    if during:
        title += f" during {query.period_named(dataset, during).label}"
    if svg is not None:
        from ..render.svg import stats_chart

        check_writable(svg, force)
        write_file(svg, stats_chart(report, title), force)
        if str(svg) != "-":
            note(f"relcli: wrote {svg} ({report.total} events)")
        if not report.total:
            note('relcli: nothing matched; the chart says "no events"')
        return
    view = by.value if by is not None else "summary"
    emit(
        StatsReport(report, title, view),
        Output(fmt, as_json, fields, jq, csv_raw=csv_raw),
        report.total,
    )


class ExportGroup(enum.StrEnum):
    era = "era"
    tag = "tag"


class ExportFormat(enum.StrEnum):
    ics = "ics"
    timelinejs = "timelinejs"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    md = "md"


@app.command()
def export(
    ctx: typer.Context,
    to: Annotated[
        ExportFormat,
        typer.Argument(
            metavar="FORMAT",
            case_sensitive=False,
            help="ics (iCalendar), timelinejs (TimelineJS3 JSON), json, jsonl, csv or md.",
        ),
    ],
    path: Annotated[
        Path, typer.Argument(metavar="FILE", help="Where to write; - for standard output.")
    ],
    start: FromOpt = None,
    end: ToOpt = None,
    during: DuringOpt = None,
    actor: ActorOpt = None,
    not_actor: NotActorOpt = None,
    tag: TagOpt = None,
    any_tag: AnyTagOpt = None,
    not_tag: NotTagOpt = None,
    kind: KindOpt = None,
    not_kind: NotKindOpt = None,
    treaty: TreatyOpt = None,
    search: SearchOpt = None,
    limit: LimitOpt = None,
    reverse: ReverseOpt = False,
    group: Annotated[
        ExportGroup,
        typer.Option(
            "--group",
            case_sensitive=False,
            help="timelinejs: group slides by era or tag (default: era).",
            show_default=False,
        ),
    ] = ExportGroup.era,
    csv_raw: CsvRawOpt = False,
    force: ForceOpt = False,
) -> None:
    """Write the events the timeline filters select to a file, atomically.

    timelinejs writes nothing and exits 1 when no event is selected: TimelineJS cannot load an
    empty timeline.

    Example: relcli export ics cold-war.ics --during 'Cold War'
    """
    if csv_raw and to is not ExportFormat.csv:
        raise UsageProblem(f"--csv-raw applies to CSV output, not {to.value}; drop it")
    check_writable(path, force)
    dataset, wanted = event_filter(
        ctx,
        start=start,
        end=end,
        during=during,
        actor=actor,
        not_actor=not_actor,
        tag=tag,
        any_tag=any_tag,
        not_tag=not_tag,
        kind=kind,
        not_kind=not_kind,
        treaty=treaty,
        search=search,
        limit=limit,
        reverse=reverse,
    )
    if to in (ExportFormat.json, ExportFormat.jsonl):
        texts = query.event_texts_matching(dataset, wanted)
        if texts is not None:  # a big file's index: its JSON, event by event (render.stored)
            from ..render import stored

            printed = getattr(stored, _STORED[to])
            if str(path) == "-":
                stream(printed(texts))  # to standard output as they come, as timeline does
                return
            counted = _Counted(texts)
            write_file(path, printed(counted), force)  # as they come, then renamed in place
            note(f"relcli: wrote {counted.count} events to {path}")
            return
    events = query.events_matching(dataset, wanted)
    if to is ExportFormat.ics:
        from ..render.ics import render_events

        text = render_events(events, dataset, clock.today())
    elif to is ExportFormat.timelinejs:
        from ..render.json import dumps
        from ..render.timelinejs import render_events as timeline_js

        text = dumps(timeline_js(events, dataset, group.value)) + "\n"
    else:
        options = RenderOptions(csv_raw=csv_raw)
        text = renderer(to.value)(Listing("event", events, dataset), options)
    write_file(path, text, force)
    if str(path) != "-":
        note(f"relcli: wrote {len(events)} events to {path}")


_STORED = {ExportFormat.json: "json_array", ExportFormat.jsonl: "json_lines"}


class _Counted:
    """The texts given, counted as they are read."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts = texts
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        for text in self.texts:
            self.count += 1
            yield text


@app.command()
def compare(
    ctx: typer.Context,
    periods: Annotated[
        list[str],
        typer.Argument(
            metavar="PERIOD...",
            callback=checked_text,
            autocompletion=completion.eras_or_actors,
            help="Two or more: an era ('Cold War'), an actor's terms (Obama), a date (2014, "
            "'March 2014') or a range (2014-2022, 1985..1991).",
            show_default=False,
        ),
    ],
    svg: SvgOpt = None,
    force: ForceOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Periods side by side: events, tone mix, events per year, top kinds, tags and actors,
    treaties signed, entering into force, suspended or ended within each, and quotes.

    ▲ marks a figure that stands out (the largest, at least 1.5 times the smallest; for tone
    shares also 10 points apart).

    Example: relcli compare 'Cold War' 2014-2022
    """
    from ..compare import compare as compare_periods
    from ..render import Comparison

    dataset = state_of(ctx).dataset
    rows = compare_periods(dataset, list(periods), clock.today())
    if svg is not None:
        from ..render.svg import comparison_chart

        check_writable(svg, force)
        title = "Tone of relations: " + " vs ".join(r["period"] for r in rows)
        write_file(svg, comparison_chart(rows, title), force)
        if str(svg) != "-":
            note(f"relcli: wrote {svg} ({len(rows)} periods)")
        if not any(row["events"] for row in rows):
            note('relcli: nothing matched in any period; the chart says "no events"')
        return
    emit(Comparison(rows), Output(fmt, as_json, fields, jq, csv_raw=csv_raw))
