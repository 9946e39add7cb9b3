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
from .model import Records, Source
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


def _records(dataset: Records) -> dict[str, Sequence[Any]]:
    """The small tables' records by array (events are counted apart: ``_EventSources``)."""
    return {"quotes": dataset.quotes, "treaties": dataset.treaties, "actors": dataset.actors}


class SourcesReport:
    """What ``relcli sources`` shows: per kind of record, how many cite beyond an encyclopedia,
    the sources by kind, and the records that still cite only an encyclopedia."""

    def __init__(self, dataset: Records, since: int = 1991) -> None:
        self.by_kind: Counter[str] = Counter()
        self.records: dict[str, dict[str, Any]] = {}
        self.only_encyclopedia: dict[str, list[str]] = {}
        self.unknown_hosts: Counter[str] = Counter()
        # Events by the list of URLs they cite: a big file has millions of events, few lists.
        every, recent = dataset.event_urls(since)
        beyond, only = 0, []
        for urls, n in every.items():
            cited = urls.split("\n") if urls else []
            kinds = [kind_of(url) for url in cited]
            self._count(cited, kinds, n)
            if any(k in BEYOND for k in kinds):
                beyond += n
            else:
                only.append(urls)
        self._record("events", sum(every.values()), beyond, dataset.events_citing(only))
        for array, records in _records(dataset).items():
            beyond, ids = 0, []
            for record in records:
                cited = [source.url for source in record.sources]
                kinds = [kind_of(url) for url in cited]
                self._count(cited, kinds, 1)
                if any(k in BEYOND for k in kinds):
                    beyond += 1
                else:
                    ids.append(record.id)
            self._record(array, len(records), beyond, ids)
        self.since = since
        self.recent = {
            "total": sum(recent.values()),
            "beyond_encyclopedia": sum(
                n
                for urls, n in recent.items()
                if urls and any(kind_of(url) in BEYOND for url in urls.split("\n"))
            ),
        }

    def _count(self, cited: list[str], kinds: list[str], n: int) -> None:
        """``n`` records cite these URLs, of these kinds."""
        for url, kind in zip(cited, kinds, strict=True):
            self.by_kind[kind] += n
            if kind == "other":
                self.unknown_hosts[_host(url)] += n

    def _record(self, array: str, total: int, beyond: int, only: list[str]) -> None:
        self.records[array] = {
            "total": total,
            "beyond_encyclopedia": beyond,
            "share": round(beyond / total, 4) if total else 1.0,
        }
        self.only_encyclopedia[array] = sorted(only)

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
