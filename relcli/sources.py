"""How well the data is sourced: each source's kind by its host, and the shares of records with a
source that is not an encyclopedia (``relcli sources``).

A source's kind is decided by the host of its URL, from the tables in ``hosts.py``: official
(governments, parliaments, international organisations, presidential libraries), news, scholarly
(universities, journals, libraries and archives holding the documents themselves, specialist
institutes), encyclopedia (Wikipedia and the like), or other (a host the table does not know).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from .hosts import ENCYCLOPEDIA, NEWS, OFFICIAL, SCHOLARLY
from .model import Dataset, Source
from .vocabulary import SOURCE_KINDS


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def _matches(host: str, patterns: Sequence[str]) -> bool:
    return any(
        (host.endswith(p) or host == p[1:])
        if p.startswith(".")
        else host == p or host.endswith("." + p)
        for p in patterns
    )


def kind_of(url: str) -> str:
    """``official``, ``news``, ``scholarly``, ``encyclopedia`` or ``other``, by the URL's host."""
    host = _host(url)
    kind = _KIND_OF_HOST.get(host)
    if kind is None:
        kind = _KIND_OF_HOST[host] = _kind_of_host(host)
    return kind


_KIND_OF_HOST: dict[str, str] = {}  # a big file has millions of sources on a few hosts


def _kind_of_host(host: str) -> str:
    if _matches(host, ENCYCLOPEDIA):
        return "encyclopedia"
    if _matches(host, OFFICIAL):
        return "official"
    if _matches(host, SCHOLARLY):
        return "scholarly"
    if _matches(host, NEWS):
        return "news"
    return "other"


BEYOND = ("official", "news", "scholarly")  # the kinds that make a record citable


def beyond_encyclopedia(sources: Iterable[Source]) -> bool:
    """Whether at least one source is not an encyclopedia (nor an unknown host)."""
    return any(kind_of(s.url) in BEYOND for s in sources)


def _records(dataset: Dataset) -> dict[str, Sequence[Any]]:
    return {
        "events": dataset.events,
        "quotes": dataset.quotes,
        "treaties": dataset.treaties,
        "actors": dataset.actors,
    }


class SourcesReport:
    """What ``relcli sources`` shows: per kind of record, how many cite beyond an encyclopedia,
    the sources by kind, and the records that still cite only an encyclopedia."""

    def __init__(self, dataset: Dataset, since: int = 1991) -> None:
        self.by_kind: Counter[str] = Counter()
        self.records: dict[str, dict[str, Any]] = {}
        self.only_encyclopedia: dict[str, list[str]] = {}
        self.unknown_hosts: Counter[str] = Counter()
        for array, records in _records(dataset).items():
            beyond, only = 0, []
            for record in records:
                kinds = [kind_of(source.url) for source in record.sources]
                for source, kind in zip(record.sources, kinds, strict=True):
                    self.by_kind[kind] += 1
                    if kind == "other":
                        self.unknown_hosts[_host(source.url)] += 1
                if any(k in BEYOND for k in kinds):
                    beyond += 1
                else:
                    only.append(record.id)
            self.records[array] = {
                "total": len(records),
                "beyond_encyclopedia": beyond,
                "share": round(beyond / len(records), 4) if records else 1.0,
            }
            self.only_encyclopedia[array] = sorted(only)
        recent = [e for e in dataset.events if e.date.year >= since]
        self.since = since
        self.recent = {
            "total": len(recent),
            "beyond_encyclopedia": sum(1 for e in recent if beyond_encyclopedia(e.sources)),
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per kind of record, for CSV, Markdown, JSON Lines and ``--fields``."""
        return [
            {"records": array, **counts, "only_encyclopedia": self.only_encyclopedia[array]}
            for array, counts in self.records.items()
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            f"events_since_{self.since}": self.recent,
            "sources_by_kind": {k: self.by_kind.get(k, 0) for k in SOURCE_KINDS},
            "only_encyclopedia": self.only_encyclopedia,
            "unknown_hosts": dict(sorted(self.unknown_hosts.items())),
        }
