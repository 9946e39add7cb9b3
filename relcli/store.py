"""Finding and loading a data file: ``load(path)`` gives a dataset (``model.Records``) or every
problem found; ``validate_file``; the canonical form ``relcli fmt`` writes.

A small file is read whole (``datafile``), checked (``rules``) and kept in the cache
(``cache``); a large one is read through its SQLite index (``index``). Problems are located the
way a person fixes them: malformed JSON by line and column, invalid data by the JSON path of the
bad value (``$.events[12].date``), or for JSON Lines by its line (``line 12: $.date``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .datafile import lone_surrogates, parse_json, read_text, relocated
from .errors import DataFileError, Problem
from .model import TEXTS, Dataset, Records, by_signing, chronological

ENV_VAR = "RELCLI_DATA"


def bundled_path() -> Path:
    """The data shipped in the wheel, or ``data/events.json`` of a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "events.json"
    if packaged.is_file():
        return packaged
    return here.parent / "data" / "events.json"


def bundled_schema_path() -> Path:
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "events.schema.json"
    if packaged.is_file():
        return packaged
    return here.parent / "data" / "events.schema.json"


def resolve_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--data`` wins, then ``$RELCLI_DATA``, then the bundled file."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env)
    return bundled_path()


def load(path: str | os.PathLike[str] | None = None) -> Records:
    """Read and validate the data file; raise ``DataFileError`` listing every problem.

    A file read before is taken from the cache (see ``cache.py``) while it is unchanged: a
    ``Dataset``. A large file (or JSON Lines above the same size) is read through its index
    instead: an ``index.IndexedDataset``, which fetches events on demand. Both are
    ``model.Records``, and callers never need to know which they have.
    """
    from . import cache

    resolved = resolve_path(path)
    if cache.wants_index(resolved):
        from . import index

        return index.open_dataset(resolved)
    cached = cache.read_document(resolved, lambda: cached_form(_read(resolved)))
    if cached is not None and "events" + TEXTS in cached:  # else from before the texts: rebuilt
        return Dataset.from_json(cached)
    return _read(resolved)


def _read(resolved: Path) -> Dataset:
    """Read, validate and cache a data file that is not read through an index."""
    from . import cache, rules  # not at import: a load from the cache checks nothing

    shown = str(resolved)
    fingerprint = cache.fingerprint(resolved) if cache.cacheable(resolved) else None
    if resolved.suffix == ".jsonl":
        read_text(resolved)  # the same messages for missing, directory, unreadable, not UTF-8
        document, where = _read_jsonl(resolved)
        dataset, problems = rules.build(document)
        problems = [Problem(p.message, relocated(p.path, where)) for p in problems]
    else:
        document = parse_json(read_text(resolved), shown)
        dataset, problems = rules.build(document)
    if problems or dataset is None:
        raise DataFileError(shown, problems)
    if fingerprint is not None:
        cache.write_document(resolved, fingerprint, cached_form(dataset))
    return dataset


def cached_form(dataset: Dataset) -> dict[str, Any]:
    """What the cache keeps of a small file: the validated document and, beside its events and
    quotes, each record's JSON text as relcli prints it (``Records.record_texts``). Printing
    records as JSON then joins texts: ``json`` indents in Python, ~8 ms of a start-up for 170
    events."""
    from .render.json import dumps

    document: dict[str, Any] = dataset.to_json()
    for kind in ("events", "quotes"):
        document[kind + TEXTS] = [dumps(record) for record in document[kind]]
    return document


def _read_jsonl(path: Path) -> tuple[dict[str, Any], Callable[[str, int], str | None]]:
    """A small JSON Lines file as a data document, and where each record is (``line 12``)."""
    from . import rules
    from .datastream import ArrayEnd, Element, Malformed, NotARecord, Value, not_utf8, stream_jsonl

    document: dict[str, Any] = {}
    lines: dict[tuple[str, int], str] = {}
    problems: list[Problem] = []
    try:
        with path.open(encoding="utf-8-sig") as handle:
            for item in stream_jsonl(handle):
                if isinstance(item, Element):
                    document.setdefault(item.array, []).append(item.value)
                    lines[(item.array, item.index)] = f"line {item.line}"
                elif isinstance(item, Value):
                    document[item.key] = item.value
                elif isinstance(item, ArrayEnd):
                    document.setdefault(item.array, [])
                elif isinstance(item, NotARecord):
                    problems.append(Problem(rules.not_a_record(item.value), f"line {item.line}"))
    except Malformed as exc:
        raise DataFileError(str(path), [exc.problem]) from None
    except UnicodeDecodeError as exc:
        raise DataFileError(str(path), [not_utf8(exc)]) from None

    def where(array: str, index: int) -> str | None:
        return lines.get((array, index))

    if not problems:
        for problem in lone_surrogates(document):
            problems.append(Problem(problem.message, relocated(problem.path, where)))
    if problems:
        raise DataFileError(str(path), problems)
    if "schema_version" not in document:
        raise DataFileError(str(path), [Problem('no "meta" line with the schema_version')])
    document.setdefault("eras", [])
    return document, where


def validate_file(
    path: str | os.PathLike[str] | None = None,
) -> tuple[Path, list[Problem], bool]:
    """Every problem of a data file (empty when valid), and whether it is in canonical form.

    Canonical form is kept for the bundled data so that diffs stay small; for other files it is
    advice (``relcli fmt`` rewrites it), not a fault.
    """
    from . import cache

    resolved = resolve_path(path)
    if resolved.suffix == ".jsonl" or cache.wants_index(resolved):
        # Streamed like any load; JSON Lines and large files have no canonical form to check.
        try:
            load(resolved)
        except DataFileError as exc:
            return resolved, list(exc.problems), False
        return resolved, [], True
    try:
        text = read_text(resolved)
        document = parse_json(text, str(resolved))
    except DataFileError as exc:
        return resolved, list(exc.problems), False
    from . import rules

    dataset, problems = rules.build(document)
    canonical = dataset is not None and text == canonical_text(dataset)
    return resolved, problems, canonical


def canonical(dataset: Records) -> Dataset:
    """The same records in canonical order: by date then id (treaties by date signed)."""
    return Dataset(
        dataset.meta,
        tuple(sorted(dataset.actors, key=lambda a: a.id)),
        tuple(by_signing(dataset.treaties)),
        tuple(chronological(dataset.events)),
        tuple(chronological(dataset.quotes)),
        tuple(sorted(dataset.eras, key=lambda e: (e.start.sort_key(), e.id))),
    )


def canonical_text(dataset: Records) -> str:
    """Canonical form: ordered records, schema key order, 2-space indent, UTF-8, final newline."""
    import json

    document = canonical(dataset).to_json()
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def canonical_jsonl_text(dataset: Records) -> str:
    """Canonical JSON Lines: a ``meta`` line, then one compact line per record, in canonical order."""
    import json

    from .datastream import ARRAY_TO_TYPE

    document = canonical(dataset).to_json()
    meta = {"type": "meta", "schema_version": document["schema_version"], **document["meta"]}
    lines = [meta]
    for array, kind in ARRAY_TO_TYPE.items():
        lines.extend({"type": kind, **record} for record in document.get(array, ()))
    return "".join(
        json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines
    )


def canonical_text_for(path: Path, dataset: Records) -> str:
    """The canonical text of ``dataset`` in the format ``path``'s name says (JSON or JSON Lines)."""
    return "".join(canonical_pieces_for(path, dataset))


def canonical_pieces_for(path: Path, dataset: Records) -> Iterator[str]:
    """``canonical_text_for`` in pieces: for a big file's index, event by event."""
    from .model import Selection

    texts = dataset.event_json(Selection())  # a big file's index: its events' JSON, in order
    if texts is not None:
        yield from _canonical_from_texts(path, dataset, texts)
        return
    yield canonical_jsonl_text(dataset) if path.suffix == ".jsonl" else canonical_text(dataset)


def _canonical_from_texts(path: Path, dataset: Records, texts: Iterable[str]) -> Iterator[str]:
    """The canonical text in pieces, with the events written from their stored JSON (``render.stored``,
    byte for byte what ``json`` writes of the records: tested) instead of built and encoded
    one by one — a million events took a minute and 6 GB that way."""
    import json

    from .render import stored

    small = Dataset(
        dataset.meta, dataset.actors, dataset.treaties, (), dataset.quotes, dataset.eras
    )
    if path.suffix == ".jsonl":
        lines = [line + "\n" for line in canonical_jsonl_text(small).split("\n")[:-1]]
        before = 1 + len(small.actors) + len(small.treaties)  # meta, actors, treaties, events…
        yield "".join(lines[:before])
        yield from stored.canonical_lines(texts)
        yield "".join(lines[before:])
        return
    mark = "\ud800events"  # a lone surrogate: no valid data file holds one
    document = canonical(small).to_json()
    document["events"] = mark
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    head, tail = text.split(json.dumps(mark, ensure_ascii=False), 1)
    yield head
    yield from stored.canonical_array(texts, 1)
    yield tail
