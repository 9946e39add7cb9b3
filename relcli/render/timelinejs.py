"""TimelineJS3 JSON export (https://timeline.knightlab.com/docs/json-format.html).

Each event becomes a slide whose ``start_date`` carries only the parts the data knows —
``{"year": "1867"}``, ``{"year": "1867", "month": "3"}`` or a full day — with ``display_date``
in words. TimelineJS reads a missing month or day as the first one, which is right for a start
but not for an end: an ``end_date`` (of a slide or an era) is therefore the last day its date
covers (``1783`` ends on 31 Dec 1783, as in the ICS export). Slides are grouped by era (the
first era the event falls in) or by first tag. The data's eras become TimelineJS eras when they
overlap an exported event; one still running (no end) ends at the last day the events cover.
TimelineJS refuses a document without events, so none is ever produced: ``NothingToExport``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from ..dates import PartialDate, human_span
from ..errors import NothingToExport
from ..model import Dataset, Event


def date_object(value: PartialDate) -> dict[str, str]:
    """A start: only the parts the data knows (TimelineJS takes the rest as the first)."""
    parts = {"year": str(value.year)}
    if value.month is not None:
        parts["month"] = str(value.month)
    if value.day is not None:
        parts["day"] = str(value.day)
    return parts


def end_object(value: date) -> dict[str, str]:
    """An end: always a full day, the last one covered."""
    return {"year": str(value.year), "month": str(value.month), "day": str(value.day)}


def _group(event: Event, dataset: Dataset, by: str) -> str | None:
    if by == "tag":
        return event.tags[0] if event.tags else None
    for era in dataset.eras:
        if event.range.overlaps(era.range):
            return era.name
    return None


def render_events(
    events: Sequence[Event], dataset: Dataset, group_by: str = "era"
) -> dict[str, Any]:
    if not events:
        raise NothingToExport("TimelineJS", "cannot load a timeline without events")
    slides = []
    for event in events:
        sources = " ".join(f'<a href="{_html(s.url)}">{_html(s.title)}</a>' for s in event.sources)
        slide: dict[str, Any] = {
            "unique_id": event.id,
            "start_date": date_object(event.date),
            "display_date": human_span(event.date, event.end_date),
            "text": {
                "headline": _html(event.title),
                "text": f"<p>{_html(event.summary)}</p><p>{sources}</p>",
            },
        }
        if event.end_date is not None:
            slide["end_date"] = end_object(event.end_date.end)
        group = _group(event, dataset, group_by)
        if group:
            slide["group"] = group
        slides.append(slide)
    document: dict[str, Any] = {
        "title": {
            "text": {
                "headline": "Russia–United States relations",
                "text": f"<p>{len(slides)} events, from relcli.</p>",
            }
        },
        "events": slides,
    }
    last = max(event.range.end for event in events)
    eras = [
        {
            "start_date": date_object(era.start),
            "end_date": end_object(era.end.end if era.end is not None else last),
            "text": {"headline": _html(era.name)},
        }
        for era in dataset.eras
        if any(event.range.overlaps(era.range) for event in events)
    ]
    if eras:
        document["eras"] = eras
    return document


def _html(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
