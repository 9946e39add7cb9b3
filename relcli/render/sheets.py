"""One-record views drawn with Rich: a treaty (with its state on a date), an event, a quote, an
actor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..dates import human_span
from . import (
    ActorDetail,
    EventDetail,
    QuoteDetail,
    TreatyDetail,
)
from .actorrows import role_text
from .layout import TONE_COLOUR as TONE_STYLE
from .rich_parts import (
    _change,
    _event_rows,
    _facts,
    _heading,
    _names,
    _quote_list,
    _sources,
    _t,
)


def _party_state(state: Any) -> str:
    """``withdrawn (2 Aug 2019)``: a party's state and since when."""
    return f"{state.state} ({state.since.human()})" if state.since else state.state


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
            yield _t(role_text(role))
    yield _heading(f"Events ({len(detail.events)})")
    if detail.events:
        yield _event_rows(detail.events, detail.dataset)
    if detail.quotes:
        yield _heading(f"Quotes ({len(detail.quotes)})")
        yield from _quote_list(detail.quotes, detail.dataset)
    if actor.sources:
        yield from _sources(actor.sources)
