"""Make untrusted data text safe for a terminal and for JSON read on a terminal.

Data files are untrusted: a title must not change colours, open hyperlinks, move the cursor,
set the window title or reorder text. Rich markup is neutralised by rendering ``Text`` objects;
this module removes the characters a terminal would act on.
"""

from __future__ import annotations

import re

# C0 controls but newline and tab, DEL, C1 controls, bidi embeddings/overrides/isolates and
# marks, and the Unicode line/paragraph separators. Compiled on first use: each pattern costs
# 0.3-0.5 ms to compile, and a command needs only one of them (terminal or JSON).
_JSON_CLASS = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_compiled: dict[str, re.Pattern[str]] = {}


def _pattern(name: str) -> re.Pattern[str]:
    found = _compiled.get(name)
    if found is None:
        chars = {
            "json": _JSON_CLASS,
            "terminal": "\x00-\x08\x0b-\x1f" + _JSON_CLASS,
            "message": "\x00-\x1f" + _JSON_CLASS,  # one line: newline and tab too
        }[name]
        found = _compiled[name] = re.compile(f"[{chars}]")
    return found


# Line and paragraph breaks other than a newline are newlines (they separate words, and
# dropping them ran the words together); a tab is a space.
_BREAKS = str.maketrans(dict.fromkeys("\r\x0b\x0c\x85\u2028\u2029", "\n") | {"\t": " "})


def clean(text: str, *, one_line: bool = False) -> str:
    """Text as a terminal should show it: control characters dropped, tabs as spaces, line
    and paragraph separators as newlines (spaces on one line)."""
    if not (text.isascii() and text.isprintable()):  # else nothing to drop or replace
        text = _pattern("terminal").sub("", text.replace("\r\n", "\n").translate(_BREAKS))
    if one_line:
        text = " ".join(text.split())
    return text


def escape_json_controls(text: str) -> str:
    """Escape, inside JSON text, what ``json.dumps(ensure_ascii=False)`` leaves raw.

    The result parses to the very same strings; only the encoding on the wire changes.
    """
    if text.isascii() and "\x7f" not in text:
        return text  # nothing to escape, and no pattern to compile
    return _pattern("json").sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def escaped(message: str) -> str:
    """``message`` with every control character shown as an escape (``\\x1b``): data quoted
    in an error message cannot move the cursor or fake another line."""
    if message.isprintable():
        return message
    return _pattern("message").sub(lambda m: repr(m.group())[1:-1], message)
