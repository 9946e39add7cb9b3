"""What happened on a day of the year (``relcli on``): events that began or ended on it, quotes
said and treaty milestones dated on it, across every year.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from .dates import DateRange, PartialDate
from .errors import UnknownTerm
from .model import Event, Milestone, Quote, Records, Treaty
from .names import fold, suggest
from .query import within
from .valueclass import Bundle


def on_this_day(dataset: Records, month: int, day: int) -> list[Event]:
    """Events that began or ended on this day of the year (day-precise dates only)."""
    return list(dataset.candidates(month_day=(month, day)))


DAY_TYPES = ("event", "quote", "milestone")


class DayEntry(Bundle):
    """One thing that happened on a day of the year: an event, a quote or a treaty milestone
    (``record`` is then the treaty and ``milestone`` the step)."""

    _fields = ("type", "record", "date", "title", "milestone")
    __slots__ = _fields
    _defaults: ClassVar[dict[str, Any]] = {"milestone": None}
    type: str
    record: Event | Quote | Treaty
    date: PartialDate
    title: str
    milestone: Milestone | None

    @property
    def id(self) -> str:
        return self.record.id

    def to_json(self) -> dict[str, Any]:
        if self.milestone is not None:
            record = {"treaty": self.record.id, "treaty_name": self.record.name}  # type: ignore[union-attr]
            record.update(self.milestone.to_json())
        else:
            record = self.record.to_json()
        return {
            "type": self.type,
            "id": self.id,
            "date": self.date.iso(),
            "title": self.title,
            "record": record,
        }


def day_entries(
    dataset: Records,
    month: int,
    day: int,
    types: Sequence[str] = DAY_TYPES,
    *,
    start: DateRange | None = None,
    end: DateRange | None = None,
    periods: Sequence[DateRange] = (),
) -> list[DayEntry]:
    """Events that began or ended, quotes said and treaty milestones dated on this day of the
    year (day-precise dates only), oldest first; ``start``/``end``/``periods`` narrow the years."""

    def on_day(value: PartialDate | None) -> bool:
        return value is not None and value.month == month and value.day == day

    entries: list[DayEntry] = []
    if "event" in types:
        for event in on_this_day(dataset, month, day):
            when = event.date if on_day(event.date) else event.end_date
            entries.append(DayEntry("event", event, when, event.title))  # type: ignore[arg-type]
    if "quote" in types:
        entries += [DayEntry("quote", q, q.date, q.text) for q in dataset.quotes if on_day(q.date)]
    if "milestone" in types:
        for treaty in dataset.treaties:
            for step in treaty.milestones:
                if on_day(step.date):
                    title = f"{treaty.name}: {step.what}"
                    entries.append(DayEntry("milestone", treaty, step.date, title, step))
    order = {t: n for n, t in enumerate(DAY_TYPES)}
    kept = [
        e
        for e in entries
        if within(e.date.range, start, end)
        and (not periods or any(e.date.range.overlaps(p) for p in periods))
    ]
    return sorted(kept, key=lambda e: (e.date.sort_key(), order[e.type], e.id, e.title))


def day_type_named(name: str) -> str:
    """``event``, ``quote`` or ``milestone`` (plurals and ``treaty`` accepted)."""
    folded = fold(name)
    wanted = {"treaty": "milestone", "treaties": "milestone"}.get(folded, folded.rstrip("s"))
    if wanted in DAY_TYPES:
        return wanted
    raise UnknownTerm("type", name, suggest(name, DAY_TYPES))
