"""JSON: one document, 2-space indent, UTF-8 as is (Cyrillic stays readable), keys in schema order."""

from __future__ import annotations

import json
import re
import sys

from . import Document, RenderOptions, to_json
from .safety import escape_json_controls


def dumps(value: object, *, indent: int | None = 2) -> str:
    return escape_json_controls(_encoded(value, indent))


def _encoded(value: object, indent: int | None) -> str:
    """The JSON text, as ``json`` writes it. With a big file's index, msgspec is loaded already
    and writes the same text in C (``json`` indents in Python: a second for a million ids);
    what it cannot write (a lone surrogate) or may write otherwise (a float in exponent form)
    goes to ``json``. A test holds the two equal."""
    msgspec = sys.modules.get("msgspec")
    if msgspec is not None:
        try:
            text = msgspec.json.encode(value)
            # A float in exponent form is written 1e-7 by msgspec, 1e-07 by json: leave any
            # text that may hold one (a digit, e, a digit; in a string too) to json.
            if re.search(rb"[0-9]e-?[0-9]", text) is None:
                if indent is not None:
                    text = msgspec.json.format(text, indent=indent)
                return text.decode("utf-8")
        except (TypeError, ValueError, OverflowError, UnicodeError, msgspec.EncodeError):
            pass
    separators = (",", ": ") if indent is not None else (",", ":")
    return json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)


def render(document: Document, options: RenderOptions) -> str:
    return dumps(to_json(document)) + "\n"
