"""The records relcli knows (``records``), the data schema's constants (``schema``), and a whole
data file as a ``Dataset`` with ``Records``, the one interface every dataset offers
(``dataset``). Import them from here: ``from relcli.model import Event, Dataset, TONES``.
"""

from __future__ import annotations

from .dataset import (
    TEXTS,
    Dataset,
    EventText,
    Records,
    TextSearch,
    by_signing,
    chronological,
)
from .records import Actor, Era, Event, Milestone, Quote, Role, Source, Treaty
from .schema import (
    ACTOR_KEYS,
    COUNTRIES,
    EVENT_KEYS,
    EVENT_REQUIRED,
    JSON,
    MILESTONE_KEYS,
    QUOTE_KEYS,
    SCHEMA_VERSION,
    SCHEMA_VERSIONS,
    SOURCE_KEYS,
    TONES,
    TREATY_KEYS,
)
from .selection import Selection, Tally

__all__ = [
    "ACTOR_KEYS",
    "COUNTRIES",
    "EVENT_KEYS",
    "EVENT_REQUIRED",
    "JSON",
    "MILESTONE_KEYS",
    "QUOTE_KEYS",
    "SCHEMA_VERSION",
    "SCHEMA_VERSIONS",
    "SOURCE_KEYS",
    "TEXTS",
    "TONES",
    "TREATY_KEYS",
    "Actor",
    "Dataset",
    "Era",
    "Event",
    "EventText",
    "Milestone",
    "Quote",
    "Records",
    "Role",
    "Selection",
    "Source",
    "Tally",
    "TextSearch",
    "Treaty",
    "by_signing",
    "chronological",
]
