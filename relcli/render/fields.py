"""``--fields``: which keys of each output record to keep, and the list of keys there are.

A command's records are the rows of its JSON output (``json_records``): events for
``timeline``, the one treaty for ``treaty``, hits for ``search``, the tone series for ``stats``.
Selecting fields turns any document into a ``Projection`` — plain rows of the chosen keys — which
every format renders: JSON keeps the values as they are, CSV/Markdown/table flatten them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import UsageProblem
from ..model import ACTOR_KEYS, EVENT_KEYS, QUOTE_KEYS, TREATY_KEYS
from . import (
    ActorDetail,
    Document,
    EventDetail,
    Listing,
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

# Values the tables show by name where the records hold ids (and a treaty's signing date).
DERIVED: dict[str, list[str]] = {
    "event": ["actor_names", "treaty_names"],
    "treaty": ["signed", "us_state", "ru_state"],
    "quote": ["speaker_name"],
}

FIELDS: dict[str, list[str]] = {
    "event": [*EVENT, *DERIVED["event"]],
    "treaty": [*TREATY, "parties_status", *DERIVED["treaty"]],
    "quote": [*QUOTE, *DERIVED["quote"]],
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
    "day": ["type", "id", "date", "title", "record"],
    "tag": ["tag", "meaning", "events"],
    "kind": ["kind", "meaning", "events"],
    "era": ["id", "name", "from", "to", "events", "summary"],
    "stats": [
        "period",
        "cooperative",
        "neutral",
        "confrontational",
        "total",
        "share_cooperative",  # with --share
        "share_neutral",
        "share_confrontational",
    ],
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


def _derived(record: Any, dataset: Any, names: Sequence[str]) -> dict[str, Any]:
    def name_of(table: dict[str, Any], key: str) -> str:
        found = table.get(key)
        return getattr(found, "name", key) if found is not None else key

    values: dict[str, Any] = {}
    for name in names:
        if name == "actor_names":
            values[name] = [name_of(dataset.actor_by_id, a) for a in record.actors]
        elif name == "treaty_names":
            values[name] = [name_of(dataset.treaty_by_id, t) for t in record.treaties]
        elif name == "speaker_name":
            values[name] = name_of(dataset.actor_by_id, record.speaker)
        elif name == "signed":
            values[name] = record.signed.iso() if record.signed else None
        else:  # us_state, ru_state: each party's state today
            from ..treatystate import party_states

            state = party_states(record).get(name[:2].upper())
            values[name] = state.state if state is not None else None
    return values


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
    records = json_records(document)
    derived = [f for f in fields if f in DERIVED.get(shape_of(document), ())]
    if derived and isinstance(document, Listing):
        for record, source in zip(records, document.records, strict=True):
            record.update(_derived(source, document.dataset, derived))
    rows = [{f: record.get(f) for f in fields} for record in records]
    single = isinstance(document, _DETAILS)
    return Projection(list(fields), rows, single)
