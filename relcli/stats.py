"""Counts over a set of events: by decade, kind, tag and tone, and a tone series over time.

The series is what the charts draw: for each year or decade, how many events were cooperative,
neutral and confrontational. Every period between the first and last event is present (with
zeros), so gaps show as gaps rather than vanishing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import query
from .model import TONES, Event, Records, Tally


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


def tally_matching(
    dataset: Records,
    wanted: query.EventFilter,
    counting: Collection[str] = Tally.STATS,
    *,
    ordered: bool = False,
) -> Tally:
    """The ``Tally`` of the events ``wanted`` accepts (see ``Records.tally``): counted by the
    dataset (in SQL, for an index, without building the events; searches too, where SQL can
    decide them) unless a limit needs the events themselves."""
    if wanted.limit is not None:
        return Tally.of(query.each_matching(dataset, wanted), counting)
    search = wanted if wanted.searches else None
    return dataset.tally(wanted.selection(), counting, ordered=ordered, search=search)


def _most_first(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def choose_unit(events: Sequence[Event]) -> str:
    """Years when the events span at most 40 years, decades otherwise."""
    return _unit({e.date.year for e in events})


def _unit(years: Collection[int]) -> str:
    return "year" if not years or max(years) - min(years) <= 40 else "decade"


def compute(events: Sequence[Event], unit: str | None = None, share: bool = False) -> Stats:
    return summarize(Tally.of(events), unit, share)


def summarize(tally: Tally, unit: str | None = None, share: bool = False) -> Stats:
    """The ``Stats`` of the events counted in ``tally`` (see ``tally_matching``)."""
    per: dict[int, Counter[str]] = {}
    for (year, tone), n in tally.years.items():
        per.setdefault(year, Counter())[tone] += n
    unit = unit or _unit(per)
    decades: Counter[str] = Counter()
    for year, tones in per.items():
        decades[f"{year // 10 * 10}s"] += tones.total()
    by_tone = tally.tones()
    step = 1 if unit == "year" else 10
    series: list[Bucket] = []
    if per:
        periods: dict[int, Counter[str]] = {}
        for year, tones in per.items():
            periods.setdefault(year // step * step, Counter()).update(tones)
        for start in range(min(periods), max(periods) + 1, step):
            label = str(start) if unit == "year" else f"{start}s"
            series.append(Bucket(label, start, dict(periods.get(start, Counter()))))
    return Stats(
        tally.total,
        dict(sorted(decades.items())),
        _most_first(tally.kinds),
        _most_first(tally.tags),
        {t: by_tone.get(t, 0) for t in TONES},
        unit,
        tuple(series),
        share,
    )
