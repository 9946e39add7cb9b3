"""Deterministic synthetic data files for the scale benchmark, as JSON and as JSON Lines.

    python bench/generate.py 1000000 bench/out/big.json              # JSON document
    python bench/generate.py 1000000 bench/out/big.jsonl             # one record per line
    python bench/generate.py 1000000 bench/out/wide.json --shape wide

The same seed gives the same file, byte for byte. Every file is valid. Two shapes:
- ``default``: one actor per 200 events (at least 10), one treaty per 10,000 (at least 3), one
  quote per 100; titles of 5 words, summaries of 12; dates from 1700 to 2026, 15% known only to
  the year and 18% only to the month;
- ``wide``: the same proportions, summaries of up to 160 characters, one source, 2 tags and 2
  actors per event, dates uniform over 1800–2026 with 5% year- and 15% month-precision.
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


SHAPES = {
    # shape: (first year, share of year-only dates, share of year-or-month dates)
    "default": (1700, 0.15, 0.33),
    "wide": (1800, 0.05, 0.20),
}


def _date(rng: random.Random, shape: str = "default") -> str:
    first, year_only, coarse = SHAPES[shape]
    year = rng.randint(first, 2026)
    roll = rng.random()
    if roll < year_only:
        return f"{year:04d}"
    month = rng.randint(1, 12)
    if roll < coarse:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{rng.randint(1, 28):02d}"


def _summary(rng: random.Random, shape: str) -> str:
    if shape != "wide":
        return _words(rng, 12)
    limit = rng.randint(40, 160)
    text = rng.choice(WORDS).capitalize()
    while True:
        word = rng.choice(WORDS)
        if len(text) + 1 + len(word) > limit - 1:
            return text + "."
        text += " " + word


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def records(
    n_events: int, seed: int = 1867, shape: str = "default"
) -> Iterator[tuple[str, dict[str, Any]]]:
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
            "date": _date(rng, shape),
            "title": f"{_words(rng, 5)} {i}",
            "summary": _summary(rng, shape),
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


def write_json(n_events: int, path: Path, shape: str = "default") -> None:
    """A JSON document written piece by piece, so even a million events need little memory."""
    plural = {"actor": "actors", "treaty": "treaties", "event": "events", "quote": "quotes"}
    with path.open("w", encoding="utf-8") as out:
        out.write('{"schema_version": 2, "meta": {"title": "synthetic"}')
        current = None
        for kind, record in records(n_events, shape=shape):
            if kind != current:
                opening = f'"{plural[kind]}": [\n'
                out.write("],\n" + opening if current else ",\n" + opening)
                current = kind
                first = True
            out.write(("" if first else ",\n") + json.dumps(record, ensure_ascii=False))
            first = False
        out.write('],\n"eras": []}\n')


def write_jsonl(n_events: int, path: Path, shape: str = "default") -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"type": "meta", "schema_version": 2, "title": "synthetic"}) + "\n")
        for kind, record in records(n_events, shape=shape):
            out.write(json.dumps({"type": kind, **record}, ensure_ascii=False) + "\n")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("events", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="default")
    args = parser.parse_args()
    path = args.path
    path.parent.mkdir(parents=True, exist_ok=True)
    (write_jsonl if path.suffix == ".jsonl" else write_json)(args.events, path, args.shape)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
