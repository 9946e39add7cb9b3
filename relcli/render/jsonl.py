"""JSON Lines: one compact JSON object per record, per line."""

from __future__ import annotations

from . import Document, RenderOptions, json_records
from .json import dumps


def render(document: Document, options: RenderOptions) -> str:
    return "".join(dumps(record, indent=None) + "\n" for record in json_records(document))
