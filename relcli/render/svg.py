"""The tone charts of ``relcli stats`` and ``relcli compare`` as standalone SVG pictures.

``stats``: one stacked bar per year or decade — cooperative at the bottom, then neutral, then
confrontational — with a value axis, period labels, a legend and a title. ``compare``: each
period's tone mix as a 100% bar, side by side.

An SVG viewer does not wrap or shrink text, and the layout cannot ask the viewer's font how wide
a string is, so widths are estimated from above (``text_width``: at least the advance widths of
DejaVu Sans, one of the widest common sans-serif faces, and of Verdana, Arial and Helvetica) and
the picture is laid out around the estimates: the title wraps onto more lines, the legend onto
more rows, the canvas widens for a title up to ``MAX_HEADER`` pixels, and labels under bars are
shortened with "…" to their slot. So no text is cut by the edge of the picture, whatever the
period or its name. Text from the data (era and actor names in titles, period names) is
XML-escaped and stripped of characters XML cannot hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from ..model import TONES
from .safety import clean

COLOURS = {"cooperative": "#2e7d32", "neutral": "#f9a825", "confrontational": "#c62828"}

FONT = 12  # px, the picture's default font size
TITLE_FONT = 16  # px, bold
MARGIN = 16  # px around everything
MAX_HEADER = 800  # px: the widest a canvas grows to keep its title on one line
ASCENT, DESCENT = 0.95, 0.25  # of the font size, above and below the baseline (accents included)
BOLD = 1.2  # bold glyphs are at most this much wider than regular ones

# Advance widths, in ems, at least those of the faces named above (DejaVu Sans: "W" 0.99, "m"
# 0.97, "Q" 0.79, "a" 0.61; bold "W" 1.10, "Щ" 1.33, "Ǆ" 1.56).
_WIDE = frozenset("@%mwMW")
_MEDIUM = frozenset("#&+<=>^~")
_EM_NARROW, _EM_MEDIUM, _EM_WIDE, _EM_OTHER = 0.65, 0.85, 1.0, 1.45
_NOT_XML = re.compile("[\ufffe\uffff]")


def _em(char: str) -> float:
    if char in _WIDE:
        return _EM_WIDE
    if not char.isascii():
        return _EM_OTHER  # Cyrillic, accented and other scripts, dashes, emoji: all generously
    return _EM_MEDIUM if char.isupper() or char in _MEDIUM else _EM_NARROW


def text_width(text: str, size: float = FONT, *, bold: bool = False) -> float:
    """An upper estimate of the width of ``text`` in pixels at ``size`` px."""
    return sum(_em(c) for c in text) * size * (BOLD if bold else 1.0)


def _text(value: str) -> str:
    """Data text as it may appear in the SVG: one line, no control characters, XML-escaped."""
    return escape(_NOT_XML.sub("", clean(value, one_line=True)))


def _plain(value: str) -> str:
    return _NOT_XML.sub("", clean(value, one_line=True))


def fit(text: str, width: float, size: float = FONT) -> str:
    """``text``, or as much of it as fits ``width`` followed by "…"."""
    text = _plain(text)
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…" if text else ""


def wrap(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width``: at spaces, and inside a word too long alone."""
    lines: list[str] = []
    line = ""
    for word in _plain(text).split(" "):
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size, bold=bold) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:  # a word wider than a line is broken where it must be
            if line and text_width(line + char, size, bold=bold) > width:
                lines.append(line)
                line = ""
            line += char
    if line or not lines:
        lines.append(line)
    return lines


def _legend_labels(counts: dict[str, int] | None) -> list[tuple[str, str]]:
    return [(tone, f"{tone} {counts[tone]}" if counts is not None else tone) for tone in TONES]


def _legend_item_width(label: str) -> float:
    return 12 + 4 + text_width(label)


def _header_width(title: str, legend: list[tuple[str, str]]) -> float:
    """The canvas width that would hold the title on one line and the legend on one row."""
    title_width = text_width(_plain(title), TITLE_FONT, bold=True)
    legend_width = sum(_legend_item_width(label) + 16 for _, label in legend) - 16
    return 2 * MARGIN + max(title_width, legend_width)


def _header(title: str, legend: list[tuple[str, str]], width: float) -> tuple[list[str], float]:
    """The title (wrapped) and the legend (in rows), and the y where the header ends."""
    out: list[str] = []
    inner = width - 2 * MARGIN
    baseline = 8 + ASCENT * TITLE_FONT
    for line in wrap(title, inner, TITLE_FONT, bold=True):
        out.append(
            f'<text x="{MARGIN}" y="{baseline:.1f}" font-size="{TITLE_FONT}" '
            f'font-weight="bold">{escape(line)}</text>'
        )
        baseline += 1.3 * TITLE_FONT
    row_top = baseline - 1.3 * TITLE_FONT + DESCENT * TITLE_FONT + 8
    x = float(MARGIN)
    for tone, label in legend:
        item = _legend_item_width(label)
        if x > MARGIN and x + item > width - MARGIN:  # no room left on this row: a new one
            x = float(MARGIN)
            row_top += 18
        label = fit(label, inner - 16)
        out.append(
            f'<rect x="{x:.1f}" y="{row_top + 1:.1f}" width="12" height="12" '
            f'fill="{COLOURS[tone]}"/>'
        )
        out.append(f'<text x="{x + 16:.1f}" y="{row_top + 12:.1f}">{escape(label)}</text>')
        x += item + 16
    return out, row_top + 18


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if peak / step <= 8:
            return step
    return max(1, -(-peak // 8))


def _svg(width: float, height: float, title: str, body: Sequence[str]) -> str:
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="{FONT}">',
        f"<title>{_text(title)}</title>",
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>',
    ]
    return "\n".join([*head, *body, "</svg>"]) + "\n"


def stats_chart(stats: object, title: str) -> str:
    """The tone series of ``stats`` (a ``stats.Stats``) as stacked bars under ``title``."""
    series = list(getattr(stats, "series", ()))
    unit = getattr(stats, "unit", "year")
    by_tone = getattr(stats, "by_tone", None)
    legend = _legend_labels(by_tone if isinstance(by_tone, dict) else None)
    slot_min = 18 if unit == "year" else 48
    peak = max((b.total for b in series), default=0)
    step = _nice_step(peak or 1)
    ceiling = -(-(peak or 1) // step) * step
    ticks = list(range(0, ceiling + 1, step)) if series else [0]
    tick_width = max(text_width(str(t)) for t in ticks)
    axis_x = MARGIN + ASCENT * FONT  # baseline of the rotated axis title
    left = axis_x + DESCENT * FONT + 6 + tick_width + 6
    plot_width = max(len(series) * slot_min, 240)
    width = left + plot_width + MARGIN
    wanted = min(_header_width(title, legend), MAX_HEADER)
    if wanted > width:
        plot_width += wanted - width
        width = wanted
    header, header_end = _header(title, legend, width)
    top = header_end + 16
    plot_height = 320
    bottom = top + plot_height
    slot = plot_width / len(series) if series else plot_width
    bar = min(36.0, slot * 0.78)
    labels = [b.label for b in series]
    label_every = max(1, len(series) // 30)
    label_length = max((text_width(label) for label in labels), default=0.0)
    height = bottom + 14 + 0.87 * label_length + 0.5 * FONT + MARGIN
    scale = plot_height / ceiling
    out = list(header)
    for value in ticks:
        y = bottom - value * scale
        out.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_width:.1f}" y2="{y:.1f}" '
            'stroke="#ddd"/>'
        )
        out.append(f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
    for index, bucket in enumerate(series):
        x = left + index * slot + (slot - bar) / 2
        y = bottom
        for tone in TONES:
            n = bucket.counts.get(tone, 0)
            if not n:
                continue
            h = n * scale
            y -= h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[tone]}"><title>{_text(bucket.label)}: {n} {tone}</title></rect>'
            )
        if index % label_every == 0:
            lx, ly = x + bar / 2, bottom + 14
            out.append(
                f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="end" '
                f'transform="rotate(-60 {lx:.1f} {ly:.1f})">{_text(bucket.label)}</text>'
            )
    if not series:
        out.append(
            f'<text x="{left + plot_width / 2:.1f}" y="{top + plot_height / 2:.1f}" '
            'text-anchor="middle" font-size="16" fill="#555">no events</text>'
        )
    out.append(
        f'<line x1="{left:.1f}" y1="{bottom:.1f}" x2="{left + plot_width:.1f}" y2="{bottom:.1f}" '
        'stroke="#333"/>'
    )
    middle = top + plot_height / 2
    out.append(
        f'<text x="{axis_x:.1f}" y="{middle:.1f}" transform="rotate(-90 {axis_x:.1f} {middle:.1f})" '
        f'text-anchor="middle">events per {unit}</text>'
    )
    return _svg(width, height, title, out)


def comparison_chart(rows: list[dict[str, object]], title: str) -> str:
    """The tone mix of each compared period as a 100% bar, side by side, with a legend.

    Period names are shortened with "…" to their slot; the title wraps and the legend fits.
    """
    bar, gap, left, plot_height = 96, 32, 48, 300
    legend = _legend_labels(None)
    width = max(2 * left + len(rows) * (bar + gap), 520.0)
    width = max(width, min(_header_width(title, legend), MAX_HEADER))
    header, header_end = _header(title, legend, width)
    top = header_end + 12
    bottom = top + plot_height
    height = bottom + 18 + 16 + DESCENT * FONT + MARGIN
    out = list(header)
    for index, row in enumerate(rows):
        x0 = left + index * (bar + gap)
        y = bottom
        shares = row["tone_share"]  # type: ignore[index]
        for tone in TONES:
            h = round(plot_height * float(shares[tone]), 1)  # type: ignore[index]
            y -= h
            out.append(
                f'<rect x="{x0}" y="{round(y, 1)}" width="{bar}" height="{h}" fill="{COLOURS[tone]}">'
                f"<title>{tone}: {shares[tone]:.0%}</title></rect>"  # type: ignore[index]
            )
        centre = x0 + bar / 2
        name = escape(fit(str(row["period"]), bar + gap - 8))
        count = escape(fit(f"{row['events']} events", bar + gap - 8))
        out.append(f'<text x="{centre}" y="{bottom + 18:.1f}" text-anchor="middle">{name}</text>')
        out.append(
            f'<text x="{centre}" y="{bottom + 34:.1f}" text-anchor="middle" fill="#555">'
            f"{count}</text>"
        )
    if not rows or all(int(row["events"]) == 0 for row in rows):  # type: ignore[call-overload]
        out.append(
            f'<text x="{width / 2:.1f}" y="{top + plot_height / 2:.1f}" text-anchor="middle" '
            'font-size="16" fill="#555">no events</text>'
        )
    return _svg(width, height, title, out)
