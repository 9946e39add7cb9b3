"""Commands that show named records and vocabularies: treaty(ies), quote, event, actor(s), eras,
tags, kinds, sources.
"""

from typing import Annotated

import typer

from .. import query
from ..errors import (
    UsageProblem,
)
from ..render import (
    ActorDetail,
    EventDetail,
    Listing,
    TreatyDetail,
    Vocabulary,
)
from . import completion
from .application import app
from .filters import date_bounds, during_ranges, on_date, state_of, terms
from .options import (
    CountryOpt,
    CsvRawOpt,
    FieldsOpt,
    FormatOpt,
    JqOpt,
    JsonOpt,
    OnOpt,
    Output,
    checked_text,
    text_option,
)
from .output import emit, note


@app.command()
def treaty(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            callback=checked_text,
            autocompletion=completion.treaties,
            help="Id, alias or part of the name: INF, 'New START', Intermediate-Range.",
        ),
    ],
    on: OnOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """One treaty: status as a whole and per party, milestones, linked events and quotes, sources.

    With --on DATE, first its state and each party's on that date (at the start and the end of
    a month or year, and what changed within it), then the lifecycle with the date marked.

    Example: relcli treaty INF --on 2019-03-01
    """
    days = on_date(on)
    dataset = state_of(ctx).dataset
    found = query.treaty_by_name(dataset, name)
    events = query.events_of_treaty(dataset, found)
    quotes = query.quotes_of_events(dataset, events)
    snapshot = None
    if days is not None:
        from ..treatystate import Snapshot

        snapshot = Snapshot(found, days.start, days.end)
    emit(
        TreatyDetail(found, events, quotes, dataset, snapshot),
        Output(fmt, as_json, fields, jq, csv_raw=csv_raw),
    )


@app.command()
def treaties(
    ctx: typer.Context,
    status: Annotated[
        list[str] | None,
        text_option(
            "--status",
            metavar="STATUS",
            help="With this status as a whole, e.g. 'in force', terminated (repeatable: any of "
            "them).",
            autocompletion=completion.statuses,
        ),
    ] = None,
    party: Annotated[
        list[str] | None,
        text_option(
            "--party",
            metavar="CODE",
            help="With this party: US, RU or SU, names work too (repeatable: all of them).",
            autocompletion=completion.countries,
        ),
    ] = None,
    start: Annotated[
        str | None,
        text_option(
            "--from",
            metavar="DATE",
            help="Signed on or after DATE: 2013, 1987-12 (default: from the first).",
        ),
    ] = None,
    end: Annotated[
        str | None,
        text_option(
            "--to",
            metavar="DATE",
            help="Signed on or before the end of DATE: --to 1991 (default: to the last).",
        ),
    ] = None,
    during: Annotated[
        str | None,
        text_option(
            "--during",
            metavar="NAME",
            help="Signed within an era ('Cold War') or an actor's terms, e.g. Reagan "
            "(default: any time).",
            autocompletion=completion.eras_or_actors,
        ),
    ] = None,
    on: OnOpt = None,
    show_all: Annotated[
        bool,
        typer.Option("--all", help="With --on: also the treaties not yet signed then."),
    ] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """All treaties and agreements, by date signed, with each party's state.

    With --on DATE: the treaties that existed then, each with its state and each party's at the
    start and the end of the date (a month or year is an interval) and what changed within it.

    Example: relcli treaties --on 2019-03-01
    """
    days = on_date(on)
    if show_all and days is None:
        raise UsageProblem("--all goes with --on")
    period = date_bounds(start, end)
    dataset = state_of(ctx).dataset
    wanted = query.TreatyFilter(
        start=period[0],
        end=period[1],
        periods=during_ranges(dataset, during),
        statuses=terms(query.status_named, status),
        parties=terms(query.country_named, party),
    )
    found = query.treaties_matching(dataset, wanted)
    if days is None:
        emit(
            Listing("treaty", found, dataset),
            Output(fmt, as_json, fields, jq, csv_raw=csv_raw),
            len(found),
        )
        return
    from ..dates import range_label
    from ..render import TreatiesOn
    from ..treatystate import Snapshot

    snapshots = [Snapshot(t, days.start, days.end) for t in found]
    if not show_all:
        snapshots = [s for s in snapshots if s.signed_by_then]
    emit(
        TreatiesOn(snapshots, range_label(days)),
        Output(fmt, as_json, fields, jq, csv_raw=csv_raw),
        len(snapshots),
    )


@app.command()
def quote(
    ctx: typer.Context,
    quote_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            callback=checked_text,
            autocompletion=completion.quotes,
            help="The quote's id, as shown by quotes --json (or completion).",
        ),
    ],
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """One quote in full: text, who said it and the office they held then, date, context,
    linked event, and its sources as citations to paste.

    Example: relcli quote reagan-trust-but-verify
    """
    from ..render import QuoteDetail

    dataset = state_of(ctx).dataset
    found = query.quote_by_id(dataset, quote_id)
    speaker = dataset.actor_by_id.get(found.speaker)
    offices = query.office_holders(dataset, found.date.range, actor=speaker) if speaker else []
    linked = dataset.event_by_id.get(found.event) if found.event else None
    emit(
        QuoteDetail(found, offices, linked, dataset),
        Output(fmt, as_json, fields, jq, csv_raw=csv_raw),
    )


@app.command()
def event(
    ctx: typer.Context,
    event_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            callback=checked_text,
            autocompletion=completion.events,
            help="The event's id, as shown by timeline.",
        ),
    ],
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """One event in full, with its sources, treaties and quotes.

    Example: relcli event inf-treaty-signed
    """
    dataset = state_of(ctx).dataset
    found = query.event_by_id(dataset, event_id)
    linked = [dataset.treaty_by_id[t] for t in found.treaties]
    said = query.quotes_of_events(dataset, [found])
    emit(
        EventDetail(found, linked, said, dataset), Output(fmt, as_json, fields, jq, csv_raw=csv_raw)
    )


@app.command()
def actors(
    ctx: typer.Context,
    country: CountryOpt = None,
    role: Annotated[
        list[str] | None,
        text_option(
            "--role",
            metavar="TEXT",
            help="With a role whose title contains TEXT, e.g. 'Secretary of State' (repeatable: "
            "all of them; with --on, roles matching any of them).",
        ),
    ] = None,
    on: OnOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """People and institutions in the data, with their dated roles.

    With --on DATE: who held each role then, one row per role, saying when that is uncertain
    (a start or end known only to the month or year).

    Example: relcli actors --on 1987-12-08 --country US
    """
    days = on_date(on)
    dataset = state_of(ctx).dataset
    countries = terms(query.country_named, country)
    roles = tuple(role or ())
    if days is not None:
        rows = query.office_holders(dataset, days, countries, roles)
        emit(
            Vocabulary("office", rows), Output(fmt, as_json, fields, jq, csv_raw=csv_raw), len(rows)
        )
        return
    found = query.actors_matching(dataset, countries, roles)
    emit(
        Listing("actor", found, dataset),
        Output(fmt, as_json, fields, jq, csv_raw=csv_raw),
        len(found),
    )


@app.command()
def actor(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            callback=checked_text,
            autocompletion=completion.actors,
            help="Id, full name, surname or alias: Lavrov, 'Vladimir Putin', 'Сергей Лавров'.",
        ),
    ],
    on: OnOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """One actor: roles, the events they took part in and what they said.

    With --on DATE: only what they were then (the roles held on that date).

    Example: relcli actor Lavrov --on 2004
    """
    days = on_date(on)
    dataset = state_of(ctx).dataset
    found = query.actor_by_name(dataset, name)
    if days is not None:
        rows = query.office_holders(dataset, days, actor=found)
        out = Output(fmt, as_json, fields, jq, csv_raw=csv_raw)
        if not rows:
            from ..dates import range_label

            note(f"relcli: {found.name} held no role recorded in the data on {range_label(days)}")
            if out.format_name == "table":
                return
        emit(Vocabulary("office", rows), out, len(rows) or None)
        return
    detail = ActorDetail(
        found, query.events_of_actor(dataset, found), query.quotes_of_actor(dataset, found), dataset
    )
    emit(detail, Output(fmt, as_json, fields, jq, csv_raw=csv_raw))


@app.command()
def eras(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Named periods usable with --during, with their dates and number of events.

    Example: relcli eras
    """
    dataset = state_of(ctx).dataset
    counts = dataset.count_overlapping([era.range for era in dataset.eras])
    rows = [
        {
            "id": era.id,
            "name": era.name,
            "from": era.start.iso(),
            "to": era.end.iso() if era.end else None,
            "events": n,
            "summary": era.summary,
        }
        for era, n in zip(dataset.eras, counts, strict=True)
    ]
    emit(Vocabulary("era", rows), Output(fmt, as_json, fields, jq, csv_raw=csv_raw), len(rows))


def _vocabulary(ctx: typer.Context, what: str, out: Output) -> None:
    rows = [
        {what: term, "meaning": meaning, "events": n}
        for term, meaning, n in query.vocabulary_counts(state_of(ctx).dataset, what)
    ]
    emit(Vocabulary(what, rows), out, len(rows))


@app.command()
def tags(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """The tag vocabulary, with the number of events carrying each tag.

    Example: relcli tags --format csv
    """
    _vocabulary(ctx, "tag", Output(fmt, as_json, fields, jq, csv_raw=csv_raw))


@app.command()
def kinds(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """The kinds of event, with the number of events of each kind.

    Example: relcli kinds
    """
    _vocabulary(ctx, "kind", Output(fmt, as_json, fields, jq, csv_raw=csv_raw))


@app.command()
def sources(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """How the data is sourced: records citing beyond an encyclopedia, sources by kind.

    A source's kind (official, news, scholarly, encyclopedia, other) comes from its URL's host.
    Lists the records that still cite only an encyclopedia, and hosts of no known kind (a
    table shows the first 100 of each and counts the rest; --json lists every one).

    Example: relcli sources --json | jq '.records.quotes.share'
    """
    from ..render import SourcesSummary
    from ..sources import SourcesReport

    report = SourcesReport(state_of(ctx).dataset)
    emit(SourcesSummary(report), Output(fmt, as_json, fields, jq, csv_raw=csv_raw))
