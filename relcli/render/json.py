"""JSON: one document, 2-space indent, UTF-8 as is (Cyrillic stays readable), keys in schema order."""

from __future__ import annotations

import json

from . import Document, RenderOptions, to_json
from .safety import escape_json_controls


def dumps(value: object, *, indent: int | None = 2) -> str:
    separators = (",", ": ") if indent is not None else (",", ":")
    return escape_json_controls(
        json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)
    )


def render(document: Document, options: RenderOptions) -> str:
    return dumps(to_json(document)) + "\n"
