"""Records as flat rows of strings, shared by the CSV and Markdown formats.

Lists are joined with "; ", sources become their URLs, milestones "date what (party)".
"""

from __future__ import annotations

from typing import Any

from . import (
    ActorDetail,
    Comparison,
    DayView,
    Document,
    EventDetail,
    Listing,
    Projection,
    QuoteDetail,
    SearchResults,
    SourcesSummary,
    StatsReport,
    TreatiesOn,
    TreatyDetail,
    Vocabulary,
    hit_json,
    json_records,
)

COLUMNS: dict[str, list[str]] = {
    "event": [
        "id",
        "date",
        "end_date",
        "title",
        "kind",
        "tone",
        "actors",
        "tags",
        "treaties",
        "summary",
        "sources",
    ],
    "treaty": [
        "id",
        "name",
        "aliases",
        "parties",
        "status",
        "signed",
        "summary",
        "milestones",
        "sources",
    ],
    "quote": ["id", "date", "speaker", "text", "context", "event", "sources"],
    "actor": ["id", "name", "aliases", "country", "roles", "sources"],
    "search": ["type", "id", "date", "title", "score"],
    "day": ["type", "id", "date", "title"],
    "tag": ["tag", "meaning", "events"],
    "kind": ["kind", "meaning", "events"],
    "era": ["id", "name", "from", "to", "events", "summary"],
    "stats": ["period", "cooperative", "neutral", "confrontational", "total"],
    "sources": ["records", "total", "beyond_encyclopedia", "share", "only_encyclopedia"],
    "compare": [
        "period",
        "from",
        "to",
        "events",
        "events_per_year",
        "cooperative",
        "neutral",
        "confrontational",
        "share_cooperative",
        "share_neutral",
        "share_confrontational",
        "top_kinds",
        "top_tags",
        "top_actors",
        "treaties_signed",
        "treaties_entered_into_force",
        "treaties_suspended",
        "treaties_ended",
        "quotes",
    ],
    "office": ["role", "actor", "name", "country", "from", "to", "held", "note"],
    "treaty-on": [
        "id",
        "name",
        "status_at_start",
        "status_on",
        "us_at_start",
        "us_on",
        "ru_at_start",
        "ru_on",
        "changed",
    ],
}


def kind_of(document: Document) -> str:
    if isinstance(document, Listing):
        return document.kind
    if isinstance(document, TreatyDetail):
        return "treaty"
    if isinstance(document, EventDetail):
        return "event"
    if isinstance(document, QuoteDetail):
        return "quote"
    if isinstance(document, ActorDetail):
        return "actor"
    if isinstance(document, SearchResults):
        return "search"
    if isinstance(document, DayView):
        return "day"
    if isinstance(document, Vocabulary):
        return document.kind
    if isinstance(document, StatsReport):
        return "stats"
    if isinstance(document, SourcesSummary):
        return "sources"
    if isinstance(document, TreatiesOn):
        return "treaty-on"
    if isinstance(document, Comparison):
        return "compare"
    raise TypeError(document)


def _cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key == "sources":
        return "; ".join(s["url"] for s in value)
    if key == "source":
        return value["url"]
    if key == "milestones":
        return "; ".join(
            f"{m['date']} {m['what']}" + (f" ({m['party']})" if m.get("party") else "")
            for m in value
        )
    if key == "roles":
        return "; ".join(f"{r['title']} {r['from']}–{r['to'] or ''}" for r in value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def cell(key: str, value: Any) -> str:
    """One value as flat text (public: the table view of --fields uses it too)."""
    if isinstance(value, dict):
        if "url" in value and "title" in value:
            return value["url"]
        import json

        return json.dumps(value, ensure_ascii=False)
    if (
        isinstance(value, list)
        and value
        and isinstance(value[0], dict)
        and key
        not in (
            "sources",
            "milestones",
            "roles",
        )
    ):
        return "; ".join(v.get("id") or v.get("title") or str(v) for v in value)
    return _cell(key, value)


def _flat_snapshot(record: dict[str, Any]) -> dict[str, Any]:
    """A ``treaties --on`` record with each party's state in its own column."""
    flat = {k: record[k] for k in ("id", "name", "status_at_start", "status_on")}
    for party in ("US", "RU"):
        for when in ("at_start", "on"):
            flat[f"{party.lower()}_{when}"] = record[f"parties_{when}"][party]["state"]
    flat["changed"] = "; ".join(
        f"{m['date']} {m['action']}" + (f" ({m['party']})" if m["party"] else "")
        for m in record["changed"]
    )
    return flat


def rows(document: Document) -> tuple[list[str], list[list[str]]]:
    if isinstance(document, Projection):
        columns = list(document.fields)
        return columns, [[cell(c, row.get(c)) for c in columns] for row in document.rows]
    kind = kind_of(document)
    columns = COLUMNS[kind]
    if isinstance(document, StatsReport) and document.stats.share:
        columns = [*columns, "share_cooperative", "share_neutral", "share_confrontational"]
    if isinstance(document, SearchResults):  # a hit's own columns: no record is built
        records = [hit_json(hit, None) for hit in document.hits]
    else:
        records = json_records(document)
    if kind == "treaty-on":
        records = [_flat_snapshot(r) for r in records]
    if kind == "compare":
        from ..compare import flat

        records = [flat(r) for r in records]
    if kind == "treaty":
        treaties = (
            document.records if isinstance(document, Listing) else [document.treaty]  # type: ignore[union-attr]
        )
        for record, treaty in zip(records, treaties, strict=True):
            record["signed"] = treaty.signed.iso() if treaty.signed else None  # type: ignore[union-attr]
    return columns, [[_cell(c, record.get(c)) for c in columns] for record in records]
