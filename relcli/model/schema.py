"""The data schema's constants: its versions, the keys of each kind of record, and the small
closed vocabularies that belong to the records themselves (``vocabulary`` has the larger ones).
"""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 2
SCHEMA_VERSIONS = (1, 2)  # 1: a quote had one ``source``; read and upgraded on load

COUNTRIES = ("US", "RU", "SU", "other")
TONES = ("cooperative", "neutral", "confrontational")

JSON = dict[str, Any]  # a record or document as JSON

# The keys of each kind of record in the data file, in the schema's order (``to_json`` writes
# them in it). One list for the checker (``rules``), the index's typed events and ``--fields``.
ACTOR_KEYS = ("id", "name", "aliases", "country", "roles", "sources")
TREATY_KEYS = ("id", "name", "aliases", "parties", "summary", "status", "milestones", "sources")
EVENT_KEYS = (
    "id",
    "date",
    "end_date",
    "title",
    "summary",
    "kind",
    "tone",
    "actors",
    "tags",
    "treaties",
    "sources",
)
EVENT_REQUIRED = frozenset(("id", "date", "title", "summary", "kind", "tone", "sources"))
QUOTE_KEYS = ("id", "text", "speaker", "date", "context", "event", "sources")
SOURCE_KEYS = ("title", "url", "publisher", "published")
MILESTONE_KEYS = ("date", "what", "action", "party", "place", "event", "source")
