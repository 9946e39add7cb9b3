"""Tables and summaries drawn with Rich: treaties, actors, offices, vocabularies, treaties on a
date, comparisons, how the data is sourced, statistics and ``--fields`` projections."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from itertools import islice
from typing import Any

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from ..model import TONES, Treaty
from . import (
    Comparison,
    Projection,
    RenderOptions,
    SourcesSummary,
    StatsReport,
    TreatiesOn,
    Vocabulary,
)
from .layout import TONE_COLOUR as TONE_STYLE
from .layout import TONE_MARK as TONE_CHAR
from .rich_parts import (
    _change,
    _heading,
    _t,
)


def _treaty_table(treaties: Sequence[Treaty], width: int) -> Table:
    """Signed, name and id, the treaty's status and each party's state (dates in ``treaty``);
    the aliases too where the terminal is wide enough (140 columns)."""
    from ..treatystate import party_states

    wide = width >= 140
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("signed", no_wrap=True)
    table.add_column("treaty", ratio=4, overflow="fold")
    if wide:
        table.add_column("also known as", ratio=3)
    for column in ("status", "United States", "Russia"):
        table.add_column(column, ratio=2)
    for treaty in treaties:
        name = _t(treaty.name, "bold", one_line=True)
        name.append_text(Text("  ")).append_text(_t(treaty.id, "dim cyan"))
        states = party_states(treaty)
        cells = [Text(treaty.signed.human() if treaty.signed else "—"), name]
        if wide:
            cells.append(_t(", ".join(treaty.aliases)))
        cells += [_t(treaty.status), _t(states["US"].state), _t(states["RU"].state)]
        table.add_row(*cells)
    return table


def _comparison(document: Comparison) -> Table:
    """One column per period, one row per figure; ▲ marks a figure that stands out."""
    from ..compare import TREATY_STEPS, stand_out, treaty_steps

    rows = list(document.rows)
    marks = stand_out(rows)
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("", style="bold", no_wrap=True)
    for row in rows:
        table.add_column(Text(row["period"]), ratio=1)

    def line(label: str, cells: list[Text]) -> None:
        table.add_row(Text(label), *cells)

    def marked(key: str, index: int, text: str) -> Text:
        return Text(text + (" ▲" if marks.get(key) == index else ""))

    line(
        "dates",
        [
            _t("; ".join(f"{r['from']} – {r['to'] or 'present'}" for r in row["ranges"]))
            for row in rows
        ],
    )
    line("events", [Text(str(row["events"])) for row in rows])
    line(
        "per year",
        [
            marked("events_per_year", i, f"{row['events_per_year']:.1f}")
            for i, row in enumerate(rows)
        ],
    )
    for tone in TONES:
        cells = []
        for i, row in enumerate(rows):
            share = row["tone_share"][tone]
            bar = TONE_CHAR[tone] * round(share * 10)
            text = marked(f"share_{tone}", i, f"{bar} {row['tone'][tone]} ({share:.0%})")
            text.stylize(TONE_STYLE[tone], 0, len(bar))
            cells.append(text)
        line(tone, cells)
    for key, label in (("top_kinds", "kinds"), ("top_tags", "tags"), ("top_actors", "actors")):
        line(label, [_t(", ".join(f"{k} {n}" for k, n in row[key].items()) or "—") for row in rows])
    for key in TREATY_STEPS:
        line(
            f"treaties {key.replace('_', ' ')}",
            [_t(", ".join(treaty_steps(row["treaties"][key])) or "—") for row in rows],
        )
    line("quotes", [Text(str(row["quotes"])) for row in rows])
    return table


def _treaties_on(document: TreatiesOn) -> Iterable[RenderableType]:
    yield _heading(f"Treaties on {document.label}")
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("signed", no_wrap=True)
    table.add_column("treaty", ratio=4, overflow="fold")
    for column in ("treaty state", "United States", "Russia"):
        table.add_column(column, ratio=2)
    for snapshot in document.snapshots:
        treaty = snapshot.treaty
        name = _t(treaty.name, "bold", one_line=True)
        name.append_text(Text("  ")).append_text(_t(treaty.id, "dim cyan"))
        cells = [
            Text(treaty.signed.human() if treaty.signed else "—"),
            name,
            _t(_change(snapshot.status_at_start, snapshot.status_on)),
        ]
        for party in ("US", "RU"):
            cells.append(
                _t(
                    _change(
                        snapshot.parties_at_start[party].state, snapshot.parties_on[party].state
                    )
                )
            )
        table.add_row(*cells)
        for milestone in snapshot.changed:
            where = f" ({milestone.party})" if milestone.party else ""
            table.add_row(
                Text(""),
                _t(f"  {milestone.date.human()}  {milestone.what}{where}", "dim"),
                Text(""),
                Text(""),
                Text(""),
            )
    yield table


def _office_table(vocabulary: Vocabulary) -> Table:
    """``actors --on``: role, holder (name and id), country, term, and how sure."""
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("role", ratio=3)
    table.add_column("held by", ratio=3, overflow="fold")
    table.add_column("country", no_wrap=True)
    table.add_column("term", ratio=2)
    table.add_column("note", ratio=2)
    for row in vocabulary.rows:
        name = _t(row["name"], "bold", one_line=True)
        name.append_text(Text("  ")).append_text(_t(row["actor"], "dim cyan"))
        term = f"{row['from']} – {row['to'] or 'present'}"
        sure = "" if row["held"] == "throughout" else f"{row['held']}: "
        table.add_row(
            _t(row["role"]), name, _t(row["country"]), _t(term), _t(sure + (row["note"] or ""))
        )
    return table


def _vocabulary(vocabulary: Vocabulary) -> Table:
    if vocabulary.kind == "office":
        return _office_table(vocabulary)
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    rows = list(vocabulary.rows)
    columns = list(rows[0]) if rows else []
    for column in columns:
        numeric = column == "events"
        table.add_column(
            column, justify="right" if numeric else "left", no_wrap=numeric or column == "from"
        )
    for row in rows:
        table.add_row(*(_t("" if row[c] is None else str(row[c])) for c in columns))
    return table


def _sources_summary(summary: SourcesSummary) -> Iterable[RenderableType]:
    report = summary.report.to_json()
    yield _heading("Records with a source beyond an encyclopedia")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("records", "with", "of", "share"):
        table.add_column(column, justify="left" if column == "records" else "right")
    for name, row in report["records"].items():
        table.add_row(
            name, str(row["beyond_encyclopedia"]), str(row["total"]), f"{row['share']:.1%}"
        )
    recent_key = next(k for k in report if k.startswith("events_since_"))
    recent = report[recent_key]
    share = recent["beyond_encyclopedia"] / recent["total"] if recent["total"] else 1.0
    table.add_row(
        recent_key.replace("_", " "),
        str(recent["beyond_encyclopedia"]),
        str(recent["total"]),
        f"{share:.1%}",
    )
    yield table
    yield _heading("Sources by kind")
    kinds = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    kinds.add_column("kind")
    kinds.add_column("sources", justify="right")
    for kind, count in report["sources_by_kind"].items():
        kinds.add_row(kind, str(count))
    yield kinds
    for name, ids in report["only_encyclopedia"].items():
        if ids:
            yield _heading(f"{name.capitalize()} citing only an encyclopedia ({len(ids):,})")
            yield _t(_some(ids))
    if report["unknown_hosts"]:
        yield _heading(f"Hosts of no known kind ({len(report['unknown_hosts']):,})")
        yield _t(_some(report["unknown_hosts"]))


LISTED = 100  # ids or hosts a table lists; --json and the other formats give them all


def _some(names: Collection[str]) -> str:
    """The first ``LISTED`` names, and how many more: a big file's million ids would fill a
    terminal for nothing (and took Rich 44 s to wrap)."""
    shown = ", ".join(islice(names, LISTED))
    more = len(names) - LISTED
    return f"{shown} … and {more:,} more (--json lists every one)" if more > 0 else shown


def _stats(report: StatsReport, options: RenderOptions) -> Iterable[RenderableType]:
    """The summary fits one screen: totals by tone, the chart, the most frequent kinds and tags.
    ``--by`` shows one breakdown in full instead (``--share``: percentages)."""
    stats = report.stats
    yield _t(f"{report.title}: {stats.total} events", "bold")
    if not stats.total:
        return
    tones = Text()
    for tone in TONES:
        tones.append(f"{TONE_CHAR[tone]} {tone} {stats.by_tone[tone]}   ", style=TONE_STYLE[tone])
    yield tones
    view = report.view
    if view in ("summary", "year", "decade"):
        yield from _chart(stats, options)
    if view == "summary":
        for label, counts in (
            ("Most frequent kinds", stats.by_kind),
            ("Most frequent tags", stats.by_tag),
        ):
            items = [f"{k} {n}" for k, n in counts.items()]
            shown = items[:3]  # at least three, then as many as fit on the line
            for item in items[3:8]:
                if len(f"{label}: " + " · ".join([*shown, item])) > options.width:
                    break
                shown.append(item)
            if shown:
                line = Text(f"{label}: ", style="bold")
                line.append(" · ".join(shown))
                yield line
        yield _t("More: --by decade|year|kind|tag|tone, --share", "dim")
    elif view in ("year", "decade"):
        yield _heading(f"By {stats.unit}")
        yield _series_table(stats)
    else:
        counts = {"kind": stats.by_kind, "tag": stats.by_tag, "tone": stats.by_tone}[view]
        yield _heading(f"By {view}")
        total = stats.total if view != "tag" else None
        yield _counts(counts, view, stats.total if stats.share else None, total)


def _chart(stats: Any, options: RenderOptions) -> Iterable[RenderableType]:
    yield _heading(f"Events per {stats.unit}, by tone")
    label_width = max(len(b.label) for b in stats.series)
    count_width = max(len(str(b.total)) for b in stats.series)
    room = max(options.width - label_width - count_width - 3, 5)
    peak = max(b.total for b in stats.series) or 1
    for bucket in stats.series:
        line = Text(bucket.label.rjust(label_width) + " ")
        for tone in TONES:
            n = bucket.counts.get(tone, 0)
            cells = round(n * room / peak) if n else 0
            if n and not cells:
                cells = 1
            line.append(TONE_CHAR[tone] * cells, style=TONE_STYLE[tone])
        line.append(f" {bucket.total}" if bucket.total else "", style="dim")
        yield line


def _series_table(stats: Any) -> Table:
    """Per period: events of each tone and in all (or, with --share, each tone's share)."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(stats.unit)
    for tone in TONES:
        table.add_column(tone, justify="right", style=TONE_STYLE[tone])
    table.add_column("total", justify="right")
    for bucket in stats.series:
        if not bucket.total:
            continue
        if stats.share:
            cells = [f"{v:.0%}" for v in bucket.shares().values()]
        else:
            cells = [str(bucket.counts.get(t, 0)) for t in TONES]
        table.add_row(bucket.label, *cells, str(bucket.total))
    return table


def _counts(
    counts: dict[str, int], label: str, share_of: int | None = None, total: int | None = None
) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2))
    table.add_column(label)
    table.add_column("events", justify="right")
    if share_of:
        table.add_column("share", justify="right")
    for key, n in counts.items():
        cells = [_t(key), str(n)]
        if share_of:
            cells.append(f"{n / share_of:.0%}")
        table.add_row(*cells)
    return table


def _projection(projection: Projection) -> Table:
    """``--fields`` on a terminal: a plain table of exactly the chosen fields."""
    from .flat import cell

    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    for field in projection.fields:
        table.add_column(field, no_wrap=field in ("id", "date", "end_date", "from", "to"))
    for row in projection.rows:
        table.add_row(*(_t(cell(f, row.get(f))) for f in projection.fields))
    return table
