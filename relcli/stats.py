"""Counts over a set of events: by decade, kind, tag and tone, and a tone series over time.

The series is what the charts draw: for each year or decade, how many events were cooperative,
neutral and confrontational. Every period between the first and last event is present (with
zeros), so gaps show as gaps rather than vanishing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import TONES, Event


@dataclass(frozen=True)
class Bucket:
    label: str  # "1987" or "1980s"
    start_year: int
    counts: dict[str, int] = field(default_factory=dict)  # tone -> events

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def shares(self) -> dict[str, float]:
        """Each tone's share of the period's events (0.0 where there are none), 3 decimals."""
        total = self.total
        return {t: round(self.counts.get(t, 0) / total, 3) if total else 0.0 for t in TONES}

    def to_json(self, share: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "period": self.label,
            **{t: self.counts.get(t, 0) for t in TONES},
            "total": self.total,
        }
        if share:
            body.update({f"share_{t}": v for t, v in self.shares().items()})
        return body


@dataclass(frozen=True)
class Stats:
    total: int
    by_decade: dict[str, int]
    by_kind: dict[str, int]
    by_tag: dict[str, int]
    by_tone: dict[str, int]
    unit: str  # "year" or "decade"
    series: tuple[Bucket, ...]
    share: bool = False  # --share: each period's tone shares too

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_decade": self.by_decade,
            "by_kind": self.by_kind,
            "by_tag": self.by_tag,
            "by_tone": self.by_tone,
            "unit": self.unit,
            "series": [b.to_json(self.share) for b in self.series],
        }


def _most_first(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def choose_unit(events: Sequence[Event]) -> str:
    """Years when the events span at most 40 years, decades otherwise."""
    if not events:
        return "year"
    years = [e.date.year for e in events]
    return "year" if max(years) - min(years) <= 40 else "decade"


def compute(events: Sequence[Event], unit: str | None = None, share: bool = False) -> Stats:
    unit = unit or choose_unit(events)
    decades = Counter(f"{e.date.year // 10 * 10}s" for e in events)
    by_decade = dict(sorted(decades.items()))
    by_kind = _most_first(Counter(e.kind for e in events))
    by_tag = _most_first(Counter(t for e in events for t in e.tags))
    by_tone = {t: sum(1 for e in events if e.tone == t) for t in TONES}
    step = 1 if unit == "year" else 10
    series: list[Bucket] = []
    if events:
        first = min(e.date.year for e in events) // step * step
        last = max(e.date.year for e in events) // step * step
        per: dict[int, Counter[str]] = {}
        for event in events:
            per.setdefault(event.date.year // step * step, Counter())[event.tone] += 1
        for year in range(first, last + 1, step):
            label = str(year) if unit == "year" else f"{year}s"
            series.append(Bucket(label, year, dict(per.get(year, Counter()))))
    return Stats(len(events), by_decade, by_kind, by_tag, by_tone, unit, tuple(series), share)
