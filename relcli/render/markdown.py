"""Markdown: a pipe table to paste into a document; a detail view adds its milestones.

Data text is untrusted and must show literally wherever the Markdown is rendered (CommonMark,
GitHub): ``escape`` backslash-escapes everything those read as markup — emphasis, code, links,
images, raw HTML, entities, strikethrough, math, table pipes, and what would open a heading or a
list. An underscore inside a word is left alone (it cannot emphasise there), so ``snake_case``
and URLs such as ``…/Intermediate-Range_Nuclear_Forces_Treaty`` stay readable and linkable.
"""

from __future__ import annotations

import re

from . import Document, RenderOptions, TreatyDetail
from .flat import rows
from .safety import clean

# Always escaped: \ ` * [ ] < > | ~ $. An underscore unless it has a letter or digit on both
# sides; & only where it would start an entity (&amp; &#42;); # at the start or after a space
# (a heading, or a heading's closing sequence).
_INLINE = r"[\\`*\[\]<>|~$]|(?<![^\W_])_|_(?![^\W_])|&(?=#?\w+;)|(?:^|(?<=\s))#"
_BLOCK = r"^(?:[-+=]|\d+(?=[.)]))"  # a list item, a setext underline, an ordered list item
_MARKS = r"[\\`*\[\]<>|~$_&#]"  # a character _INLINE can match: without one, it finds nothing
_compiled: list[re.Pattern[str]] = []


def _patterns() -> list[re.Pattern[str]]:
    if not _compiled:  # compiled on first use: only Markdown output needs them
        _compiled.extend([re.compile(_INLINE), re.compile(_BLOCK), re.compile(_MARKS)])
    return _compiled


def escape(text: str) -> str:
    """``text`` as Markdown that renders to exactly that text, on one line."""
    inline, block, marks = _patterns()
    text = clean(text, one_line=True)
    if text.isalnum():  # a word of letters and digits: nothing to escape (a quarter of cells)
        return text
    if marks.search(text) is not None:  # most cells have none: _INLINE's look-arounds are slow
        text = inline.sub(r"\\\g<0>", text)
    found = block.match(text)
    if found is not None:
        end = found.end()
        if found.group()[0].isdigit():  # 1986. or 1) -> 1986\. : not an ordered list
            return text[:end] + "\\" + text[end:]
        return "\\" + text
    return text


def _destination(url: str) -> str:
    """A link destination CommonMark reads back as exactly ``url``: ``\\``, ``<``, ``>`` and an
    entity's ``&`` escaped, and in ``<…>`` when it holds a space or parentheses."""
    url = clean(url, one_line=True)
    escaped = re.sub(r"[\\<>]|&(?=#?\w+;)", lambda m: "\\" + m.group(), url)
    return f"<{escaped}>" if any(c in url for c in " ()<>") else escaped


def table(columns: list[str], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(escape(cell) for cell in row) + " |" for row in body]
    return "\n".join(lines) + "\n"


def render(document: Document, options: RenderOptions) -> str:
    if isinstance(document, TreatyDetail):
        treaty = document.treaty
        parts = [f"# {escape(treaty.name)}\n", f"{escape(treaty.summary)}\n"]
        parts.append(f"**Status:** {escape(treaty.status)}\n")
        parts.append("## Milestones\n")
        parts.append(
            table(
                ["date", "what", "party", "place"],
                [[m.date.iso(), m.what, m.party or "", m.place or ""] for m in treaty.milestones],
            )
        )
        if document.events:
            parts.append("## Events\n")
            parts.append(
                table(
                    ["date", "title", "id"],
                    [[e.date.iso(), e.title, e.id] for e in document.events],
                )
            )
        parts.append("## Sources\n")
        parts.append(
            "".join(f"- [{escape(s.title)}]({_destination(s.url)})\n" for s in treaty.sources)
        )
        return "\n".join(parts)
    columns, body = rows(document)
    return table(columns, body)
