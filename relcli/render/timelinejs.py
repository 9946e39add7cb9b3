"""TimelineJS3 JSON export (https://timeline.knightlab.com/docs/json-format.html).

Each event becomes a slide whose ``start_date`` (and ``end_date``) carry only the parts the data
knows — ``{"year": "1867"}``, ``{"year": "1867", "month": "3"}`` or a full day — with
``display_date`` in words. Slides are grouped by era (the first era the event falls in) or by
first tag; eras from the data become TimelineJS eras.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..dates import PartialDate, human_span
from ..model import Dataset, Event


def date_object(value: PartialDate) -> dict[str, str]:
    parts = {"year": str(value.year)}
    if value.month is not None:
        parts["month"] = str(value.month)
    if value.day is not None:
        parts["day"] = str(value.day)
    return parts


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
    slides = []
    for event in events:
        sources = " ".join(f'<a href="{s.url}">{_html(s.title)}</a>' for s in event.sources)
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
            slide["end_date"] = date_object(event.end_date)
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
    eras = [
        {
            "start_date": date_object(era.start),
            "end_date": date_object(era.end) if era.end else date_object(PartialDate(9999)),
            "text": {"headline": _html(era.name)},
        }
        for era in dataset.eras
        if era.end is not None
    ]
    if eras:
        document["eras"] = eras
    return document


def _html(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
