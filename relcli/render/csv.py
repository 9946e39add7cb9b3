"""CSV: a header row, one row per record (a detail view gives its one record)."""

from __future__ import annotations

import csv
import io

from . import Document, RenderOptions
from .flat import rows


def render(document: Document, options: RenderOptions) -> str:
    columns, body = rows(document)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(body)
    return buffer.getvalue()
