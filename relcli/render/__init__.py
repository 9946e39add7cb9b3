"""Output formats. Each module renders a ``Document`` to text; ``FORMATS`` is the registry.

Adding a format means one module with ``render(document, options) -> str`` and one line in
``FORMATS``; the CLI's ``--format`` choices and help come from this registry. Modules are
imported only when chosen, so machine formats never import Rich.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from ..model import Actor, Dataset, Event, Quote, Treaty
from ..valueclass import Bundle

# name -> (module, one-line description); the order is the order shown in help.
FORMATS: dict[str, tuple[str, str]] = {
    "table": ("relcli.render.table", "human-readable tables (default)"),
    "json": ("relcli.render.json", "one JSON document: an array, or an object for one record"),
    "jsonl": ("relcli.render.jsonl", "one JSON object per line"),
    "csv": ("relcli.render.csv", "CSV with a header row; lists joined with '; '"),
    "md": ("relcli.render.markdown", "a Markdown table (or document) to paste"),
}


class RenderOptions(Bundle):
    _fields = ("width", "styled", "color", "short", "total", "csv_raw")
    __slots__ = _fields
    _defaults: ClassVar[dict[str, Any]] = {
        "width": 100,
        "styled": False,
        "color": False,
        "short": False,
        "total": None,
        "csv_raw": False,
    }
    width: int
    styled: bool  # bold/dim/underline allowed (a terminal)
    color: bool  # colours allowed too (a terminal without NO_COLOR)
    short: bool  # --short: one line per record
    total: int | None  # how many records matched before --limit (for the count line)
    csv_raw: bool  # CSV cells as they are, without the spreadsheet-formula guard (--csv-raw)


class Listing(Bundle):
    """Many records of one kind: ``event``, ``treaty`` or ``quote``; ``words``: folded words of
    a ``--search``, highlighted on a terminal."""

    _fields = ("kind", "records", "dataset", "words")
    __slots__ = _fields
    _defaults: ClassVar[dict[str, Any]] = {"words": ()}
    kind: str
    records: Sequence[Event | Treaty | Quote | Actor]
    dataset: Dataset
    words: Sequence[str]


class TreatyDetail(Bundle):
    """One treaty; ``on``: a ``treatystate.Snapshot`` when ``--on`` asked for its state then."""

    _fields = ("treaty", "events", "quotes", "dataset", "on")
    __slots__ = _fields
    _defaults: ClassVar[dict[str, Any]] = {"on": None}
    treaty: Treaty
    events: Sequence[Event]
    quotes: Sequence[Quote]
    dataset: Dataset
    on: Any


class TreatiesOn(Bundle):
    """``treaties --on``: each treaty's ``treatystate.Snapshot`` over the interval ``label``."""

    _fields = ("snapshots", "label")
    __slots__ = _fields
    snapshots: Sequence[Any]
    label: str


class EventDetail(Bundle):
    _fields = ("event", "treaties", "quotes", "dataset")
    __slots__ = _fields
    event: Event
    treaties: Sequence[Treaty]
    quotes: Sequence[Quote]
    dataset: Dataset


class QuoteDetail(Bundle):
    """One quote; ``offices``: the speaker's roles on its date (``query.office_holders`` rows)."""

    _fields = ("quote", "offices", "event", "dataset")
    __slots__ = _fields
    quote: Quote
    offices: Sequence[dict[str, Any]]
    event: Event | None
    dataset: Dataset


class ActorDetail(Bundle):
    _fields = ("actor", "events", "quotes", "dataset")
    __slots__ = _fields
    actor: Actor
    events: Sequence[Event]
    quotes: Sequence[Quote]
    dataset: Dataset


class SearchResults(Bundle):
    """Ranked hits of ``relcli search``; ``words`` are the folded query words, for highlighting."""

    _fields = ("text", "words", "hits", "dataset")
    __slots__ = _fields
    text: str
    words: Sequence[str]
    hits: Sequence[Any]  # search.Hit
    dataset: Dataset


class DayView(Bundle):
    """``relcli on``: what happened on a day of the year (``days.DayEntry`` rows)."""

    _fields = ("label", "entries", "dataset")
    __slots__ = _fields
    label: str
    entries: Sequence[Any]  # days.DayEntry
    dataset: Dataset


class Vocabulary(Bundle):
    """A small table of terms: tags or kinds with counts, or eras with their dates."""

    _fields = ("kind", "rows")
    __slots__ = _fields
    kind: str  # "tag", "kind" or "era"
    rows: Sequence[dict[str, Any]]


class StatsReport(Bundle):
    """``relcli stats``; ``view``: ``summary`` (the chart and the most frequent kinds and tags,
    one screen), or one full breakdown: ``year``, ``decade``, ``kind``, ``tag``, ``tone``."""

    _fields = ("stats", "title", "view")
    __slots__ = _fields
    _defaults: ClassVar[dict[str, Any]] = {"view": "summary"}
    stats: Any  # stats.Stats
    title: str
    view: str


class SourcesSummary(Bundle):
    """``relcli sources``: how the records are sourced (a ``sources.SourcesReport``)."""

    _fields = ("report",)
    __slots__ = _fields
    report: Any  # sources.SourcesReport


class Comparison(Bundle):
    """``relcli compare``: the figures of each period (``compare.figures``), side by side."""

    _fields = ("rows",)
    __slots__ = _fields
    rows: Sequence[dict[str, Any]]


class Projection(Bundle):
    """Rows reduced to the fields chosen with ``--fields`` (see ``fields.py``).

    ``single`` marks the one-record views (treaty, event, actor), whose JSON is an object.
    """

    _fields = ("fields", "rows", "single")
    __slots__ = _fields
    _defaults: ClassVar[dict[str, Any]] = {"single": False}
    fields: Sequence[str]
    rows: Sequence[dict[str, Any]]
    single: bool


Document = (
    Listing
    | TreatyDetail
    | EventDetail
    | QuoteDetail
    | ActorDetail
    | SearchResults
    | DayView
    | Vocabulary
    | StatsReport
    | SourcesSummary
    | TreatiesOn
    | Comparison
    | Projection
)


Renderer = Callable[[Document, RenderOptions], str]


def renderer(name: str) -> Renderer:
    module = importlib.import_module(FORMATS[name][0])
    return module.render  # type: ignore[no-any-return]


def _as_json(record: Any) -> Any:
    return record.to_json()


def to_json(document: Document, record: Callable[[Any], Any] = _as_json) -> Any:
    """The JSON value of a document: a list of records, or one record with what links to it.

    ``record`` gives the value of each event or quote that is printed whole (the JSON renderer
    stands in a mark for the text a dataset keeps of it: ``render.json``)."""
    if isinstance(document, Listing):
        if document.kind == "treaty":
            return [_treaty_json(t) for t in document.records]  # type: ignore[arg-type]
        return [record(r) for r in document.records]
    if isinstance(document, TreatiesOn):
        return [snapshot.to_json() for snapshot in document.snapshots]
    if isinstance(document, QuoteDetail):
        body = document.quote.to_json()
        speaker = document.dataset.actor_by_id.get(document.quote.speaker)
        body["speaker_name"] = speaker.name if speaker else document.quote.speaker
        body["speaker_roles"] = [
            {k: row[k] for k in ("role", "from", "to", "held", "note")} for row in document.offices
        ]
        body["linked_event"] = record(document.event) if document.event else None
        return body
    if isinstance(document, Comparison):
        return [dict(row) for row in document.rows]
    if isinstance(document, TreatyDetail):
        body = _treaty_json(document.treaty)
        if document.on is not None:
            body.update({k: v for k, v in document.on.to_json().items() if k not in ("id", "name")})
        body["linked_events"] = [record(e) for e in document.events]
        body["linked_quotes"] = [record(q) for q in document.quotes]
        return body
    if isinstance(document, ActorDetail):
        body = document.actor.to_json()
        body["linked_events"] = [record(e) for e in document.events]
        body["linked_quotes"] = [record(q) for q in document.quotes]
        return body
    if isinstance(document, SearchResults):
        return [hit_json(hit, record) for hit in document.hits]
    if isinstance(document, DayView):
        return [entry.to_json() for entry in document.entries]
    if isinstance(document, Vocabulary):
        return [dict(row) for row in document.rows]
    if isinstance(document, StatsReport):
        return document.stats.to_json()
    if isinstance(document, SourcesSummary):
        return document.report.to_json()
    if isinstance(document, Projection):
        rows = [dict(row) for row in document.rows]
        return rows[0] if document.single and rows else rows
    body = document.event.to_json()
    body["linked_quotes"] = [record(q) for q in document.quotes]
    return body


def hit_json(hit: Any, record: Callable[[Any], Any] | None = _as_json) -> dict[str, Any]:
    """A search hit (``search.Hit``) in ``search --json``: these keys, then the record whole
    (None: without it, a flat row's columns, and no record built)."""
    found = {
        "type": hit.type,
        "id": hit.id,
        "score": hit.score,
        "date": hit.date.iso() if hit.date else None,
        "title": hit.title,
    }
    if record is not None:
        found["record"] = record(hit.record)
    return found


def _treaty_json(treaty: Treaty) -> dict[str, Any]:
    """A treaty as in the data file, plus each party's state today, derived from its milestones:
    ``"parties_status": {"US": {"state": "withdrawn", "since": "2019-08-02"}, "RU": …}``."""
    from ..treatystate import party_states

    body = treaty.to_json()
    body["parties_status"] = {p: s.to_json() for p, s in party_states(treaty).items()}
    return body


def json_records(document: Document) -> list[dict[str, Any]]:
    """Records one per row or line: a listing's records, or the one record of a detail.

    For statistics the rows are the tone series (one per year or decade); for ``sources``, one
    row per kind of record.
    """
    if isinstance(document, StatsReport):
        return [b.to_json(document.stats.share) for b in document.stats.series]
    if isinstance(document, SourcesSummary):
        return document.report.rows()
    if isinstance(document, Projection):
        return [dict(row) for row in document.rows]
    value = to_json(document)
    return value if isinstance(value, list) else [value]
