"""From what a person typed to the core's questions: dates, eras, names and vocabulary terms turned
into ``query`` filters (errors name the option).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import typer

from .. import clock, query
from ..dates import DateRange
from ..errors import (
    BadDate,
    NotFound,
    UsageProblem,
)
from ..model import Dataset, Event
from .application import State
from .options import Output
from .output import render_options


def date_bounds(start: str | None, end: str | None) -> tuple[DateRange | None, DateRange | None]:
    today = clock.today()

    period = user_date(start, "--from", today), user_date(end, "--to", today)
    query.check_period(*period)
    return period


def user_date(value: str | None, option: str, today: date) -> DateRange | None:
    """A date a person typed for ``option``, as an interval of days; errors name the option."""
    if value is None:
        return None
    from ..userdates import parse_user_date

    try:
        return parse_user_date(value, today)
    except BadDate as exc:
        exc.option = option
        raise


def on_date(value: str | None) -> DateRange | None:
    """``--on DATE``: a day, month, year or anything ``--from`` reads, as an interval of days."""
    return user_date(value, "--on", clock.today())


def during_ranges(dataset: Dataset, name: str | None) -> tuple[DateRange, ...]:
    return query.period_named(dataset, name).ranges if name else ()


def state_of(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


def selected_events(ctx: typer.Context, **options: Any) -> tuple[Dataset, list[Event]]:
    """The events the timeline filters select (shared by timeline, export and stats); the
    options are ``event_filter``'s."""
    dataset, wanted = event_filter(ctx, **options)
    return dataset, query.events_matching(dataset, wanted)


def event_filter(
    ctx: typer.Context,
    *,
    start: str | None = None,
    end: str | None = None,
    during: str | None = None,
    actor: list[str] | None = None,
    not_actor: list[str] | None = None,
    tag: list[str] | None = None,
    any_tag: list[str] | None = None,
    not_tag: list[str] | None = None,
    kind: list[str] | None = None,
    not_kind: list[str] | None = None,
    treaty: list[str] | None = None,
    search: list[str] | None = None,
    limit: int | None = None,
    reverse: bool = False,
) -> tuple[Dataset, query.EventFilter]:
    """The timeline filters as the core's question, names and dates checked."""
    period = date_bounds(start, end)
    dataset = state_of(ctx).dataset
    wanted = query.EventFilter(
        start=period[0],
        end=period[1],
        periods=during_ranges(dataset, during),
        actors=actor_ids(dataset, actor),
        not_actors=actor_ids(dataset, not_actor),
        tags=terms(query.tag_named, tag),
        any_tags=terms(query.tag_named, any_tag),
        not_tags=terms(query.tag_named, not_tag),
        kinds=terms(query.kind_named, kind),
        not_kinds=terms(query.kind_named, not_kind),
        treaties=treaty_ids(dataset, treaty),
        searches=tuple(search or ()),
        limit=limit,
        reverse=reverse,
    )
    return dataset, wanted


def terms(named: Any, values: list[str] | None) -> tuple[str, ...]:
    """Vocabulary values (tags, kinds, statuses…) as their canonical terms, each once."""
    return tuple(dict.fromkeys(named(v) for v in values or ()))


def actor_ids(dataset: Dataset, names: list[str] | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(query.actor_by_name(dataset, n).id for n in names or ()))


def treaty_ids(dataset: Dataset, names: list[str] | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(query.treaty_by_name(dataset, n).id for n in names or ()))


def positional_period(
    ctx: typer.Context, period: str, start: str | None, end: str | None, during: str | None
) -> tuple[str | None, str | None, str | None]:
    """``timeline 2014``: a date (any form --from reads) as both ends, or an era as --during."""
    if start is not None or end is not None:
        raise UsageProblem(f'give a period ("{period}") or --from/--to, not both')
    try:
        user_date(period, "PERIOD", clock.today())
    except BadDate as not_a_date:
        dataset = state_of(ctx).dataset
        if during is not None:
            raise UsageProblem(f'give a period ("{period}") or --during, not both') from None
        try:
            query.period_named(dataset, period)
        except NotFound:
            raise UsageProblem(
                f'"{period}" is neither a date (2014, 2014-03, "March 2014") nor an era or '
                "actor for --during (see relcli eras)"
            ) from not_a_date
        return None, None, period
    return period, period, during


def counts_shown(out: Output) -> bool:
    """Whether the count line (shown on a terminal, table view only) needs the total that a
    --limit leaves out."""
    return out.format_name == "table" and render_options().styled


def search_words(search: list[str] | None) -> tuple[str, ...]:
    if not search:
        return ()
    from ..search import query_words

    return tuple(w for text in search for w in query_words(text))
