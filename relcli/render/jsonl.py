"""JSON Lines: one compact JSON object per record, per line."""

from __future__ import annotations

import json

from . import Document, RenderOptions, json_records
from .safety import escape_json_controls

# One encoder for every line (``json.dumps`` with options builds a new one per call), and one
# escaping pass over the whole text: what it escapes can only occur inside strings.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def render(document: Document, options: RenderOptions) -> str:
    return escape_json_controls("".join(_ENCODE(r) + "\n" for r in json_records(document)))
