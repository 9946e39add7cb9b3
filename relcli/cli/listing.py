"""Commands that list records over time: timeline, quotes, search, on."""

from datetime import date
from typing import Annotated

import typer

from .. import clock, days, query
from ..errors import (
    UnknownTerm,
    UsageProblem,
)
from ..render import (
    Listing,
    SearchResults,
)
from . import completion
from .application import app
from .filters import (
    actor_ids,
    counts_shown,
    date_bounds,
    during_ranges,
    event_filter,
    positional_period,
    search_words,
    state_of,
    terms,
    treaty_ids,
)
from .options import (
    ActorOpt,
    AnyTagOpt,
    CountryOpt,
    CsvRawOpt,
    DuringOpt,
    FieldsOpt,
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
    ShortOpt,
    TagOpt,
    ToOpt,
    TreatyOpt,
    checked_text,
    limit_option,
    text_option,
)
from .output import emit, note, render_options, stream, stream_rows, stream_view


@app.command()
def timeline(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Argument(
            metavar="[PERIOD]",
            callback=checked_text,
            help="Shorthand for --from PERIOD --to PERIOD: a year, a month, a day or an era "
            "(2014, 2014-03, 'March 2014', 'Cold War').",
            show_default=False,
        ),
    ] = None,
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
    short: ShortOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Events in date order, grouped by year.

    On a terminal each row shows the tone after the date: █ cooperative, ▒ neutral,
    ░ confrontational (also in colour); the last line counts the events shown.

    Example: relcli timeline 2014 --tag ukraine
    """
    out = Output(fmt, as_json, fields, jq, short, csv_raw)
    if period is not None:
        start, end, during = positional_period(ctx, period, start, end, during)
    counting = limit is not None and counts_shown(out)
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
        limit=None if counting else limit,
        reverse=reverse,
    )
    name = out.format_name
    if name in ("json", "jsonl") and fields is None and jq is None and not csv_raw:
        texts = query.event_texts_matching(dataset, wanted)
        if texts is not None:  # a big file's index: its JSON, event by event (render.stored)
            from ..render import stored

            stream((stored.json_lines if name == "jsonl" else stored.json_array)(texts))
            return
    words = search_words(search)
    if name == "table" and not (short or fields or jq or csv_raw or render_options().styled):
        # To a pipe: rows as the events are found (| head), a few years at a time.
        if stream_rows(query.each_matching(dataset, wanted), dataset, words):
            return
        note("relcli: nothing matched")
        return
    events = query.events_matching(dataset, wanted)
    total = len(events)
    events = events[:limit] if limit is not None else events
    emit(Listing("event", events, dataset, words), out, len(events), total)


@app.command()
def quotes(
    ctx: typer.Context,
    speaker: Annotated[
        list[str] | None,
        text_option(
            "--speaker",
            metavar="NAME",
            help="Said by this actor: id, name or surname (repeatable: any of them).",
            autocompletion=completion.actors,
        ),
    ] = None,
    country: CountryOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    during: DuringOpt = None,
    tag: TagOpt = None,
    any_tag: AnyTagOpt = None,
    not_tag: NotTagOpt = None,
    treaty: TreatyOpt = None,
    search: SearchOpt = None,
    limit: LimitOpt = None,
    reverse: ReverseOpt = False,
    short: ShortOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Verbatim quotes with speaker, date, context and source.

    --country is the speaker's; --tag and --treaty look at the event a quote is linked to.

    Example: relcli quotes --speaker Lavrov --speaker Kerry --tag syria
    """
    period = date_bounds(start, end)
    dataset = state_of(ctx).dataset
    wanted = query.QuoteFilter(
        start=period[0],
        end=period[1],
        periods=during_ranges(dataset, during),
        speakers=actor_ids(dataset, speaker),
        countries=terms(query.country_named, country),
        tags=terms(query.tag_named, tag),
        any_tags=terms(query.tag_named, any_tag),
        not_tags=terms(query.tag_named, not_tag),
        treaties=treaty_ids(dataset, treaty),
        searches=tuple(search or ()),
        reverse=reverse,
    )
    found = query.quotes_matching(dataset, wanted)
    total, found = len(found), found[:limit] if limit is not None else found
    out = Output(fmt, as_json, fields, jq, short, csv_raw)
    emit(Listing("quote", found, dataset), out, len(found), total)


# How many matches ``search`` shows unless told: the best of a ranking, as search tools do; a
# common word in a big file matches hundreds of thousands of records.
BEST = 20
COUNTED = 20_000  # events a terminal's search weighs all of, to count the matches left out


@app.command()
def search(
    ctx: typer.Context,
    query_words: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY...",
            callback=checked_text,
            help="Words to find, in any order, quoted or not: 'chemical weapons', INF, "
            "gorbachev summit.",
        ),
    ],
    kind: Annotated[
        list[str] | None,
        text_option(
            "--type",
            metavar="TYPE",
            help="Only this kind of record: event, treaty, quote, actor or era (repeatable).",
            autocompletion=completion.record_types,
        ),
    ] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    during: DuringOpt = None,
    limit: limit_option(f"Show the best N matches (default: {BEST}).") = None,  # type: ignore[valid-type]
    every: Annotated[
        bool, typer.Option("--all", help=f"Show every match, not only the best {BEST}.")
    ] = False,
    short: ShortOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Search events, treaties, quotes, actors and eras at once, best matches first: the best
    20 unless --limit or --all says otherwise.

    Example: relcli search "chemical weapons" --type event
    """
    from .. import search as searching

    if every and limit is not None:
        raise UsageProblem("--all and --limit N say different things; give one of them")
    defaulted = limit is None and not every
    limit = None if every else BEST if limit is None else limit
    text = " ".join(query_words)
    period = date_bounds(start, end)
    dataset = state_of(ctx).dataset
    types = tuple(dict.fromkeys(_search_type(t) for t in kind)) if kind else searching.TYPES
    out = Output(fmt, as_json, fields, jq, short, csv_raw)
    name = out.format_name
    dates = {"start": period[0], "end": period[1], "periods": during_ranges(dataset, during)}
    if every and name in ("json", "jsonl") and fields is None and jq is None and not csv_raw:
        ranked = searching.ranked_texts(dataset, text, types, **dates)
        if ranked is not None:  # a big file's index: the events' JSON, hit by hit (render.stored)
            from ..render import stored

            stream(stored.search_hits(ranked, lines=name == "jsonl"))
            return
    hits, total = searching.ranked(
        dataset,
        text,
        types,
        limit,
        **dates,
        # The count line of a terminal says how many more match: weighing them all takes ~2.5 s
        # for 100,000 events; a bigger file says "the best 20" on stderr, as a pipe does.
        count=limit is not None and counts_shown(out) and dataset.event_count() <= COUNTED,
    )
    words = searching.query_words(text)
    if defaulted and total is None and len(hits) == BEST:
        note(f"relcli: the best {BEST} matches; --limit N or --all shows more")
    document = SearchResults(text, words, hits, dataset)
    if name == "table" and not (short or fields or jq or csv_raw):
        from ..render import table

        if len(hits) > table.HITS_AT_ONCE:  # more than a run: written as it is laid out
            stream_view(table.hit_pieces(document, render_options(total=total)))
            return
    emit(document, out, len(hits), total)


def _search_type(name: str) -> str:
    from ..search import TYPES

    folded = query.fold(name)
    wanted = folded if folded in TYPES else folded.rstrip("s")
    if wanted in TYPES:
        return wanted
    raise UnknownTerm("record type", name, query.suggest(name, TYPES))


@app.command()
def on(
    ctx: typer.Context,
    day: Annotated[
        str | None,
        typer.Argument(
            metavar="[MM-DD]",
            callback=checked_text,
            help="Month and day, e.g. 12-08 or 'December 8' (default: today).",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        list[str] | None,
        text_option(
            "--type",
            metavar="TYPE",
            help="Only event, quote or milestone (a treaty's step) (repeatable: any of them).",
            autocompletion=completion.fixed(("event", "quote", "milestone")),
        ),
    ] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    during: DuringOpt = None,
    short: ShortOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """What happened on this day of the year, across history: events, quotes and treaty
    milestones dated to that day.

    Example: relcli on 12-08 --from 1945
    """
    from ..render import DayView
    from ..userdates import parse_month_day

    today = clock.today()
    month, day_of_month = parse_month_day(day) if day else (today.month, today.day)
    types = terms(days.day_type_named, kind) or days.DAY_TYPES
    period = date_bounds(start, end)
    dataset = state_of(ctx).dataset
    found = days.day_entries(
        dataset,
        month,
        day_of_month,
        types,
        start=period[0],
        end=period[1],
        periods=during_ranges(dataset, during),
    )
    label = f"{day_of_month} {date(2000, month, 1).strftime('%B')}"
    emit(
        DayView(label, found, dataset), Output(fmt, as_json, fields, jq, short, csv_raw), len(found)
    )
