"""``--fields``: which keys of each output record to keep, and the list of keys there are.

A command's records are the rows of its JSON output (``json_records``): events for
``timeline``, the one treaty for ``treaty``, hits for ``search``, the tone series for ``stats``.
Selecting fields turns any document into a ``Projection`` — plain rows of the chosen keys — which
every format renders: JSON keeps the values as they are, CSV/Markdown/table flatten them.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import UsageProblem
from ..model import ACTOR_KEYS, EVENT_KEYS, QUOTE_KEYS, TREATY_KEYS
from . import (
    ActorDetail,
    Document,
    EventDetail,
    Projection,
    QuoteDetail,
    TreatyDetail,
    json_records,
)
from .flat import kind_of

EVENT = list(EVENT_KEYS)
TREATY = list(TREATY_KEYS)
QUOTE = list(QUOTE_KEYS)
ACTOR = list(ACTOR_KEYS)

# What ``--on`` adds to a treaty (``treatystate.Snapshot.to_json``).
ON_KEYS = ["on", "status_at_start", "status_on", "parties_at_start", "parties_on", "changed"]

FIELDS: dict[str, list[str]] = {
    "event": EVENT,
    "treaty": [*TREATY, "parties_status"],
    "quote": QUOTE,
    "actor": ACTOR,
    "treaty-detail": [
        *TREATY,
        "parties_status",
        "linked_events",
        "linked_quotes",
        *ON_KEYS,  # with --on
    ],
    "event-detail": [*EVENT, "linked_quotes"],
    "quote-detail": [*QUOTE, "speaker_name", "speaker_roles", "linked_event"],
    "actor-detail": [*ACTOR, "linked_events", "linked_quotes"],
    "search": ["type", "id", "score", "date", "title", "record"],
    "tag": ["tag", "meaning", "events"],
    "kind": ["kind", "meaning", "events"],
    "era": ["id", "name", "from", "to", "events", "summary"],
    "stats": ["period", "cooperative", "neutral", "confrontational", "total"],
    "sources": ["records", "total", "beyond_encyclopedia", "share", "only_encyclopedia"],
    "compare": [
        "period",
        "ranges",
        "events",
        "events_per_year",
        "tone",
        "tone_share",
        "top_kinds",
        "top_tags",
        "top_actors",
        "treaties",
        "quotes",
    ],
    "office": ["role", "actor", "name", "country", "from", "to", "held", "note"],
    "treaty-on": ["id", "name", *ON_KEYS],
}


_DETAILS = (TreatyDetail, EventDetail, ActorDetail, QuoteDetail)


def shape_of(document: Document) -> str:
    """The kind of records (as in ``flat.kind_of``), with a one-record view marked ``-detail``."""
    kind = kind_of(document)
    return f"{kind}-detail" if isinstance(document, _DETAILS) else kind


def available(document: Document) -> list[str]:
    return FIELDS[shape_of(document)]


def parse(spec: str, document: Document) -> list[str]:
    """``id,date, title`` to a list of known fields; an unknown one is a usage error naming the rest."""
    from ..query import suggest

    allowed = available(document)
    wanted = [f.strip() for f in spec.split(",") if f.strip()]
    if not wanted:
        raise UsageProblem("--fields needs at least one field name; try --fields help")
    for name in wanted:
        if name not in allowed:
            close = suggest(name, allowed)
            hint = f' — did you mean "{close[0]}"?' if close else ""
            raise UsageProblem(f'unknown field "{name}"{hint} (fields: {", ".join(allowed)})')
    return wanted


def project(document: Document, fields: Sequence[str]) -> Projection:
    rows = [{f: record.get(f) for f in fields} for record in json_records(document)]
    single = isinstance(document, _DETAILS)
    return Projection(list(fields), rows, single)
