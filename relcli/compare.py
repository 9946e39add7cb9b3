"""``relcli compare``: periods side by side — how many events, their tone, who and what recur,
which treaties began or ended, how many quotes.

A period is anything ``--during``, ``--from``/``--to`` or ``--on`` accepts: an era (``"Cold
War"``), an actor's terms (``Obama``), a date (``2014``, ``"March 2014"``), or a range of two
of those (``2014-2022``, ``1985..1991``, ``"1985 – 1991"``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from . import query
from .dates import DateRange, range_label
from .errors import BadDate, NotFound, UsageProblem
from .model import TONES, Dataset, Tally
from .stats import tally_matching

_RANGE = re.compile(r"^\s*(\d{4})\s*-\s*(\d{4})\s*$|^(.+?)\s*(?:\.\.|–|—)\s*(.+)$")
TREATY_STEPS = {
    "signed": ("signed",),
    "entered_into_force": ("in-force",),
    "suspended": ("suspended",),
    "ended": ("withdrawn", "expired", "terminated", "superseded", "fulfilled", "deratified"),
}
STANDS_OUT = 1.5  # a figure is marked when the largest is at least this many times the smallest


def period_of(dataset: Dataset, text: str, today: date) -> query.Period:
    """What a person typed as a period, as date ranges with a label."""
    from .userdates import parse_user_date

    match = _RANGE.match(text)
    if match:
        first, last = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
        start, end = parse_user_date(first, today), parse_user_date(last, today)
        query.check_period(start, end)
        return query.Period(text.strip(), (DateRange(start.start, end.end),))
    try:
        return query.period_named(dataset, text)
    except NotFound as unknown:
        try:  # not a name: perhaps a date ("2014", "March 2014")
            days = parse_user_date(text, today)
        except BadDate:
            if text.strip()[:1].isdigit():
                raise  # meant as a date: say why it is not one
            raise unknown from None  # meant as a name: its suggestions
        return query.Period(range_label(days), (days,))


def _years(ranges: tuple[DateRange, ...], today: date) -> float:
    days = sum((min(r.end, today) - r.start).days + 1 for r in ranges if r.start <= today)
    return max(days, 1) / 365.25


def figures(dataset: Dataset, period: query.Period, today: date) -> dict[str, Any]:
    """The figures of one period (the JSON of ``compare``, one object per period)."""
    # Met in chronological order: of figures that tie, the top lists keep the first met.
    counted = tally_matching(
        dataset, query.EventFilter(periods=period.ranges), Tally.FIELDS, ordered=True
    )
    tones = counted.tones()
    total = counted.total
    years = _years(period.ranges, today)
    actors = counted.actors
    names = dataset.actor_by_id
    steps: dict[str, list[dict[str, str | None]]] = {key: [] for key in TREATY_STEPS}
    for treaty in dataset.treaties:
        for milestone in treaty.milestones:
            inside = any(
                milestone.date.start <= r.end and milestone.date.end >= r.start
                for r in period.ranges
            )
            for key, actions in TREATY_STEPS.items():
                if inside and milestone.action in actions:
                    steps[key].append(
                        {
                            "treaty": treaty.id,
                            "date": milestone.date.iso(),
                            "party": milestone.party,
                        }
                    )
    quotes = query.quotes_matching(dataset, query.QuoteFilter(periods=period.ranges))
    return {
        "period": period.label,
        "ranges": [
            {"from": r.start.isoformat(), "to": r.end.isoformat() if r.end.year < 9999 else None}
            for r in period.ranges
        ],
        "events": total,
        "events_per_year": round(total / years, 2),
        "tone": {t: tones.get(t, 0) for t in TONES},
        "tone_share": {t: round(tones.get(t, 0) / total, 4) if total else 0.0 for t in TONES},
        "top_kinds": dict(counted.kinds.most_common(3)),
        "top_tags": dict(counted.tags.most_common(5)),
        "top_actors": {(names[a].name if a in names else a): n for a, n in actors.most_common(5)},
        "treaties": steps,
        "quotes": len(quotes),
    }


def stand_out(rows: list[dict[str, Any]]) -> dict[str, int]:
    """For each compared figure, the index of the period where it stands out (the largest, when
    it is at least ``STANDS_OUT`` times the smallest and the periods differ by 10 points or
    more for shares), if any."""
    marks: dict[str, int] = {}
    if len(rows) < 2:
        return marks
    candidates = {"events_per_year": [r["events_per_year"] for r in rows]}
    for tone in TONES:
        candidates[f"share_{tone}"] = [r["tone_share"][tone] for r in rows]
    for key, values in candidates.items():
        high, low = max(values), min(values)
        if high <= 0:
            continue
        if key.startswith("share_") and high - low < 0.10:
            continue
        if low == 0 or high / low >= STANDS_OUT:
            marks[key] = values.index(high)
    return marks


def compare(dataset: Dataset, texts: list[str], today: date) -> list[dict[str, Any]]:
    """The figures of each period, in the order given; unknown names and dates raise as usual."""
    if len(texts) < 2:
        raise UsageProblem(
            "compare needs two periods or more, e.g. relcli compare 'Cold War' 2014-2022"
        )
    return [figures(dataset, period_of(dataset, text, today), today) for text in texts]


def treaty_steps(steps: list[dict[str, Any]]) -> list[str]:
    """``inf-treaty (US, RU)``: each treaty once, with the parties that took the step."""
    parties: dict[str, list[str]] = {}
    for step in steps:
        named = parties.setdefault(step["treaty"], [])
        if step["party"] and step["party"] not in named:
            named.append(step["party"])
    return [f"{t} ({', '.join(p)})" if p else t for t, p in parties.items()]


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """One period as flat columns, for CSV and Markdown."""
    out: dict[str, Any] = {
        "period": row["period"],
        "from": row["ranges"][0]["from"],
        "to": row["ranges"][-1]["to"],
        "events": row["events"],
        "events_per_year": row["events_per_year"],
    }
    for tone in TONES:
        out[tone] = row["tone"][tone]
    for tone in TONES:
        out[f"share_{tone}"] = row["tone_share"][tone]
    for key in ("top_kinds", "top_tags", "top_actors"):
        out[key] = "; ".join(f"{k} ({n})" for k, n in row[key].items())
    for key in TREATY_STEPS:
        out[f"treaties_{key}"] = "; ".join(treaty_steps(row["treaties"][key]))
    out["quotes"] = row["quotes"]
    return out


FLAT_COLUMNS = [
    "period",
    "from",
    "to",
    "events",
    "events_per_year",
    *TONES,
    *(f"share_{t}" for t in TONES),
    "top_kinds",
    "top_tags",
    "top_actors",
    *(f"treaties_{k}" for k in TREATY_STEPS),
    "quotes",
]
