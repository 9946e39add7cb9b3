"""Deterministic synthetic data files for the scale benchmark, as JSON and as JSON Lines.

    python bench/generate.py 1000000 bench/out/big.json      # JSON document
    python bench/generate.py 1000000 bench/out/big.jsonl     # one record per line

The same seed gives the same file, byte for byte. Proportions: one actor per 200 events
(at least 10), one treaty per 10,000 (at least 3), one quote per 100, and dates spread from 1700
to 2026 with a third of them known only to the month or year. Every file is valid.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from relcli.model import TONES
from relcli.vocabulary import KINDS, TAGS

WORDS = [
    "treaty",
    "summit",
    "missile",
    "sanction",
    "embassy",
    "envoy",
    "accord",
    "talks",
    "crisis",
    "reset",
    "grain",
    "space",
    "nuclear",
    "border",
    "spy",
    "exchange",
    "trade",
    "pipeline",
    "visit",
    "warning",
    "protest",
    "alliance",
    "inspection",
    "satellite",
    "submarine",
    "ceasefire",
    "election",
    "hacker",
    "minister",
    "ambassador",
    "agreement",
]


def _date(rng: random.Random) -> str:
    year = rng.randint(1700, 2026)
    roll = rng.random()
    if roll < 0.15:
        return f"{year:04d}"
    month = rng.randint(1, 12)
    if roll < 0.33:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{rng.randint(1, 28):02d}"


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def records(n_events: int, seed: int = 1867) -> Iterator[tuple[str, dict[str, Any]]]:
    rng = random.Random(seed)
    n_actors = max(10, n_events // 200)
    n_treaties = max(3, n_events // 10_000)
    n_quotes = max(1, n_events // 100)
    actor_ids = [f"actor-{i}" for i in range(n_actors)]
    source = {"title": "Synthetic source", "url": "https://example.org/synthetic"}
    for i, actor_id in enumerate(actor_ids):
        yield (
            "actor",
            {
                "id": actor_id,
                "name": f"Actor {i} {rng.choice(WORDS).title()}",
                "country": rng.choice(["US", "RU", "SU", "other"]),
                "roles": [{"title": "Minister", "from": f"{rng.randint(1700, 2000)}"}],
            },
        )
    for i in range(n_treaties):
        yield (
            "treaty",
            {
                "id": f"treaty-{i}",
                "name": f"Treaty number {i} on {rng.choice(WORDS)}",
                "aliases": [f"T{i}"],
                "parties": ["US", "RU"],
                "summary": _words(rng, 20),
                "status": "in force",
                "milestones": [{"date": f"{1800 + i % 200}-01-01", "what": "signed"}],
                "sources": [source],
            },
        )
    for i in range(n_events):
        event: dict[str, Any] = {
            "id": f"event-{i}",
            "date": _date(rng),
            "title": f"{_words(rng, 5)} {i}",
            "summary": _words(rng, 12),
            "kind": rng.choice(KINDS),
            "tone": rng.choice(TONES),
            "actors": rng.sample(actor_ids, 2),
            "tags": rng.sample(TAGS, 2),
            "sources": [source],
        }
        if i % 50 == 0:
            event["treaties"] = [f"treaty-{rng.randrange(n_treaties)}"]
        yield "event", event
    for i in range(n_quotes):
        yield (
            "quote",
            {
                "id": f"quote-{i}",
                "text": _words(rng, 10),
                "speaker": rng.choice(actor_ids),
                "date": _date(rng),
                "context": _words(rng, 5),
                "sources": [source],
            },
        )


def write_json(n_events: int, path: Path) -> None:
    """A JSON document written piece by piece, so even a million events need little memory."""
    plural = {"actor": "actors", "treaty": "treaties", "event": "events", "quote": "quotes"}
    with path.open("w", encoding="utf-8") as out:
        out.write('{"schema_version": 2, "meta": {"title": "synthetic"}')
        current = None
        for kind, record in records(n_events):
            if kind != current:
                opening = f'"{plural[kind]}": [\n'
                out.write("],\n" + opening if current else ",\n" + opening)
                current = kind
                first = True
            out.write(("" if first else ",\n") + json.dumps(record, ensure_ascii=False))
            first = False
        out.write('],\n"eras": []}\n')


def write_jsonl(n_events: int, path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"type": "meta", "schema_version": 2, "title": "synthetic"}) + "\n")
        for kind, record in records(n_events):
            out.write(json.dumps({"type": kind, **record}, ensure_ascii=False) + "\n")


def main() -> None:
    n_events, path = int(sys.argv[1]), Path(sys.argv[2])
    path.parent.mkdir(parents=True, exist_ok=True)
    (write_jsonl if path.suffix == ".jsonl" else write_json)(n_events, path)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
