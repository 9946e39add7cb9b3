"""Markdown: a pipe table to paste into a document; a detail view adds its milestones."""

from __future__ import annotations

from . import Document, RenderOptions, TreatyDetail
from .flat import rows
from .safety import clean


def _escape(text: str) -> str:
    text = clean(text, one_line=True)
    return text.replace("\\", "\\\\").replace("|", "\\|")


def table(columns: list[str], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(_escape(cell) for cell in row) + " |" for row in body]
    return "\n".join(lines) + "\n"


def render(document: Document, options: RenderOptions) -> str:
    if isinstance(document, TreatyDetail):
        treaty = document.treaty
        parts = [f"# {_escape(treaty.name)}\n", f"{_escape(treaty.summary)}\n"]
        parts.append(f"**Status:** {_escape(treaty.status)}\n")
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
        parts.append("".join(f"- [{_escape(s.title)}]({s.url})\n" for s in treaty.sources))
        return "\n".join(parts)
    columns, body = rows(document)
    return table(columns, body)
