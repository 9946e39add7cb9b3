"""The tone chart of ``relcli stats`` as a standalone SVG picture (no dependencies).

One stacked bar per year or decade — cooperative at the bottom, then neutral, then
confrontational — with a value axis, period labels, a legend and a title. Text from the data
never reaches the SVG except the title, which is XML-escaped.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from ..model import TONES

COLOURS = {"cooperative": "#2e7d32", "neutral": "#f9a825", "confrontational": "#c62828"}


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if peak / step <= 8:
            return step
    return max(1, peak // 8)


def stats_chart(stats: object, title: str) -> str:
    series = list(getattr(stats, "series", ()))
    unit = getattr(stats, "unit", "year")
    left, right, top, bottom = 56, 24, 64, 72
    bar, gap = (14, 4) if unit == "year" else (36, 12)
    plot_width = max(len(series) * (bar + gap), 200)
    plot_height = 320
    width, height = left + plot_width + right, top + plot_height + bottom
    peak = max((b.total for b in series), default=0) or 1
    step = _nice_step(peak)
    ceiling = ((peak + step - 1) // step) * step
    scale = plot_height / ceiling
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="24" font-size="16" font-weight="bold">{escape(title)}</text>',
    ]
    x = left
    for tone in TONES:
        out.append(f'<rect x="{x}" y="36" width="12" height="12" fill="{COLOURS[tone]}"/>')
        out.append(f'<text x="{x + 16}" y="46">{tone}</text>')
        x += 130
    for value in range(0, ceiling + 1, step):
        y = top + plot_height - value * scale
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_width}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
    label_every = max(1, len(series) // 30)
    for index, bucket in enumerate(series):
        x = left + index * (bar + gap) + gap / 2
        y = top + plot_height
        for tone in TONES:
            n = bucket.counts.get(tone, 0)
            if not n:
                continue
            h = n * scale
            y -= h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{COLOURS[tone]}">'
                f"<title>{escape(bucket.label)}: {n} {tone}</title></rect>"
            )
        if index % label_every == 0:
            lx, ly = x + bar / 2, top + plot_height + 14
            out.append(
                f'<text x="{lx:.1f}" y="{ly}" text-anchor="end" '
                f'transform="rotate(-60 {lx:.1f} {ly})">{escape(bucket.label)}</text>'
            )
    out.append(
        f'<line x1="{left}" y1="{top + plot_height}" x2="{left + plot_width}" '
        f'y2="{top + plot_height}" stroke="#333"/>'
    )
    out.append(
        f'<text x="14" y="{top + plot_height / 2:.0f}" transform="rotate(-90 14 {top + plot_height / 2:.0f})" '
        f'text-anchor="middle">events per {unit}</text>'
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def comparison_chart(rows: list[dict[str, object]], title: str) -> str:
    """The tone mix of each compared period as a 100% bar, side by side, with a legend.

    Labels are XML-escaped and shortened to fit their bar; the title and legend always fit.
    """
    bar, gap, left, top, plot_height = 96, 32, 48, 72, 300
    width = max(left * 2 + len(rows) * (bar + gap), 24 + 9 * len(title), 520)
    height = top + plot_height + 64
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="12" y="24" font-size="16" font-weight="bold">{escape(title)}</text>',
    ]
    x = 12
    for tone in TONES:
        out.append(f'<rect x="{x}" y="36" width="12" height="12" fill="{COLOURS[tone]}"/>')
        out.append(f'<text x="{x + 16}" y="46">{tone}</text>')
        x += 16 + 8 * len(tone) + 16
    for index, row in enumerate(rows):
        x0 = left + index * (bar + gap)
        y = top + plot_height
        shares = row["tone_share"]  # type: ignore[index]
        for tone in TONES:
            h = round(plot_height * float(shares[tone]), 1)  # type: ignore[index]
            y -= h
            out.append(
                f'<rect x="{x0}" y="{round(y, 1)}" width="{bar}" height="{h}" fill="{COLOURS[tone]}">'
                f"<title>{tone}: {shares[tone]:.0%}</title></rect>"  # type: ignore[index]
            )
        label = str(row["period"])
        label = label if len(label) <= 14 else label[:13] + "…"
        out.append(
            f'<text x="{x0 + bar / 2}" y="{top + plot_height + 18}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
        out.append(
            f'<text x="{x0 + bar / 2}" y="{top + plot_height + 34}" text-anchor="middle" '
            f'fill="#555">{row["events"]} events</text>'
        )
    if not rows or all(int(row["events"]) == 0 for row in rows):  # type: ignore[call-overload]
        out.append(
            f'<text x="{width / 2}" y="{top + plot_height / 2}" text-anchor="middle">no events</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
