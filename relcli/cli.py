"""The ``relcli`` command: parse options, ask the core, hand the answer to a renderer.

Everything that touches the terminal, the environment or exit codes is here; errors from the
core are mapped to one stderr line and an exit code in ``main``. Options used by several
commands are defined once, as ``Annotated`` aliases, below.
"""

import contextlib
import enum
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, ClassVar

import typer

from . import clock, completion, datafile, query, store
from .dates import DateRange
from .errors import (
    EXIT_DATA,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_IO,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
    BadDate,
    NotFound,
    RelcliError,
    Terminated,
    UnknownTerm,
    UsageProblem,
    WriteFailed,
)
from .model import Dataset, Event
from .records import Bundle
from .render import (
    FORMATS,
    ActorDetail,
    Document,
    EventDetail,
    Listing,
    RenderOptions,
    SearchResults,
    StatsReport,
    TreatyDetail,
    Vocabulary,
    renderer,
)

REPORT_TO = "the relcli issue tracker, with the command you ran"

Format = enum.Enum("Format", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]

APP_SETTINGS: dict[str, object] = {
    "name": "relcli",
    "help": (
        "Explore Russia–United States relations: dated events, treaties, quotes and actors.\n\n"
        "Example: relcli timeline --from 2013 --tag arms-control"
    ),
    "no_args_is_help": True,
    "add_completion": False,  # relcli's own --install-completion/--show-completion name a shell
    "pretty_exceptions_enable": False,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}
app = typer.Typer(**APP_SETTINGS)  # type: ignore[arg-type]


_PAGING = {"off": False}  # --no-pager


class State:
    """Global options, shared by every command through the Typer context."""

    def __init__(self, data: str | None) -> None:
        self.data = data
        self._dataset: Dataset | None = None

    @property
    def dataset(self) -> Dataset:
        if self._dataset is None:
            self._dataset = store.load(self.data)
        return self._dataset


def _print_version() -> None:
    from . import __version__

    typer.echo(f"relcli {__version__}")


def _version(value: bool) -> None:
    if value:
        _print_version()
        raise typer.Exit()


def _show_completion(ctx: typer.Context, value: str | None) -> None:
    if value is not None and not ctx.resilient_parsing:
        from . import shells

        _write(shells.script(shells.named(value)) + "\n")
        raise typer.Exit()


def _install_completion(ctx: typer.Context, value: str | None) -> None:
    if value is not None and not ctx.resilient_parsing:
        from . import shells

        shell = shells.named(value)
        note(f"relcli: {shell} completion installed in {shells.install(shell)}; new shells use it")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    data: Annotated[
        str | None,
        typer.Option(
            "--data",
            metavar="PATH",
            help="Data file to read instead of the bundled one (also $RELCLI_DATA).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Show tracebacks of internal errors (also $RELCLI_DEBUG=1)."),
    ] = False,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help="Never page long views (also RELCLI_PAGER= empty); may follow the command too.",
        ),
    ] = False,
    install_completion: Annotated[
        str | None,
        typer.Option(
            "--install-completion",
            metavar="[SHELL]",
            callback=_install_completion,
            expose_value=False,
            is_eager=True,
            help=f"Install completion for SHELL ({', '.join(completion.SHELLS)}), or for the shell "
            "in use.",
            show_default=False,
        ),
    ] = None,
    show_completion: Annotated[
        str | None,
        typer.Option(
            "--show-completion",
            metavar="[SHELL]",
            callback=_show_completion,
            expose_value=False,
            is_eager=True,
            help="Print the completion script for SHELL, or for the shell in use, to install it "
            "by hand.",
            show_default=False,
        ),
    ] = None,
) -> None:
    ctx.obj = State(data)
    if no_pager:
        _PAGING["off"] = True


# ---- shared options ---------------------------------------------------------------------------

MAX_TEXT = 200  # longer names, dates or search texts are mistakes (or attacks), not queries


def checked_text(value: str | list[str] | None) -> str | list[str] | None:
    """Reject empty and absurdly long text values as usage errors (exit 2)."""
    for item in value if isinstance(value, list) else [value]:
        if item is None:
            continue
        if not item.strip():
            raise typer.BadParameter("must not be empty")
        if len(item) > MAX_TEXT:
            raise typer.BadParameter(
                f"is {len(item)} characters long; at most {MAX_TEXT} are accepted"
            )
    return value


def _option(*names: str, metavar: str, help: str, **extra: object) -> typer.models.OptionInfo:
    """A text option: checked for empty and oversized values, no default shown."""
    return typer.Option(
        *names, callback=checked_text, metavar=metavar, help=help, show_default=False, **extra
    )


FromOpt = Annotated[
    str | None,
    _option(
        "--from",
        metavar="DATE",
        help="Only records on or after DATE: 2013, 2013-09, 2013-09-14, 'March 2014', 1990s "
        "(default: from the first).",
    ),
]
ToOpt = Annotated[
    str | None,
    _option(
        "--to",
        metavar="DATE",
        help="Only records on or before the end of DATE: --to 2013 includes all of 2013 "
        "(default: to the last).",
    ),
]
SearchOpt = Annotated[
    list[str] | None,
    _option(
        "--search",
        "-s",
        metavar="TEXT",
        help="Containing this text, case-insensitive (repeatable: all of them).",
    ),
]
DuringOpt = Annotated[
    str | None,
    _option(
        "--during",
        metavar="NAME",
        help="Only records within an era ('Cold War', detente) or an actor's terms (Obama) "
        "(default: any time).",
        autocompletion=completion.eras_or_actors,
    ),
]
ActorOpt = Annotated[
    list[str] | None,
    _option(
        "--actor",
        "-a",
        metavar="NAME",
        help="Involving this actor (repeatable: all of them).",
        autocompletion=completion.actors,
    ),
]
NotActorOpt = Annotated[
    list[str] | None,
    _option(
        "--not-actor",
        metavar="NAME",
        help="Not involving this actor (repeatable: none of them).",
        autocompletion=completion.actors,
    ),
]
TagOpt = Annotated[
    list[str] | None,
    _option(
        "--tag",
        "-t",
        metavar="TAG",
        help="Carrying this tag (repeatable: all of them).",
        autocompletion=completion.tags,
    ),
]
AnyTagOpt = Annotated[
    list[str] | None,
    _option(
        "--any-tag",
        metavar="TAG",
        help="Carrying at least one of these tags (repeatable).",
        autocompletion=completion.tags,
    ),
]
NotTagOpt = Annotated[
    list[str] | None,
    _option(
        "--not-tag",
        metavar="TAG",
        help="Not carrying this tag (repeatable: none of them).",
        autocompletion=completion.tags,
    ),
]
KindOpt = Annotated[
    list[str] | None,
    _option(
        "--kind",
        "-k",
        metavar="KIND",
        help="Of this kind (repeatable: any of them).",
        autocompletion=completion.kinds,
    ),
]
NotKindOpt = Annotated[
    list[str] | None,
    _option(
        "--not-kind",
        metavar="KIND",
        help="Not of this kind (repeatable: none of them).",
        autocompletion=completion.kinds,
    ),
]
TreatyOpt = Annotated[
    list[str] | None,
    _option(
        "--treaty",
        metavar="NAME",
        help="Linked to this treaty: id, alias or name (repeatable: all of them).",
        autocompletion=completion.treaties,
    ),
]
CountryOpt = Annotated[
    list[str] | None,
    _option(
        "--country",
        metavar="CODE",
        help="US, RU, SU (Soviet Union) or other; names work too (repeatable: any of them).",
        autocompletion=completion.countries,
    ),
]
LimitOpt = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-n",
        min=1,
        metavar="N",
        help="Show at most N records (default: all).",
        show_default=False,
    ),
]
ReverseOpt = Annotated[
    bool, typer.Option("--reverse", "-r", help="Newest first (default: oldest first).")
]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format: "
        + "; ".join(f"{name}, {description}" for name, (_module, description) in FORMATS.items())
        + " (default: table).",
        case_sensitive=False,
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
ShortOpt = Annotated[
    bool,
    typer.Option(
        "--short",
        "--oneline",
        help="One line per record: date, title (or the quote's start) fitted to the width, id "
        "(default: each record on as many lines as it needs).",
    ),
]
FieldsOpt = Annotated[
    str | None,
    typer.Option(
        "--fields",
        metavar="F1,F2",
        help="Only these fields (columns, JSON keys); --fields alone or --fields help lists "
        "them (default: all).",
        show_default=False,
    ),
]
JqOpt = Annotated[
    str | None,
    _option(
        "--jq",
        metavar="EXPR",
        help="Filter the JSON output with a jq expression (default: the JSON as it is).",
    ),
]
CsvRawOpt = Annotated[
    bool,
    typer.Option(
        "--csv-raw",
        help="CSV for programs, not spreadsheets: keep cells starting with = + - @ tab or "
        "carriage return as they are (by default they get a ' in front).",
    ),
]


class Output(Bundle):
    """How a command's answer is written: format, selected fields, jq filter, raw CSV cells."""

    _fields = ("fmt", "as_json", "fields", "jq", "short", "csv_raw")
    __slots__ = _fields
    _defaults: ClassVar[dict[str, Any]] = {
        "as_json": False,
        "fields": None,
        "jq": None,
        "short": False,
        "csv_raw": False,
    }
    fmt: Format | None  # None: not given (a table, or JSON with --json or --jq)
    as_json: bool
    fields: str | None
    jq: str | None
    short: bool  # --short: one line per record (a table view)
    csv_raw: bool  # --csv-raw: CSV cells as they are, without the formula guard

    @property
    def format_name(self) -> str:
        chosen = self.fmt.value if self.fmt is not None else None
        if self.as_json:
            if chosen not in (None, "json"):
                raise UsageProblem(
                    f"--json and --format {chosen} ask for different formats; use one"
                )
            chosen = "json"
        if chosen is None:
            chosen = "json" if self.jq else "table"
        if self.short and (chosen != "table" or self.fields is not None):
            other = f"--format {chosen}" if chosen != "table" else "--fields"
            raise UsageProblem(f"--short is a one-line table view; it does not go with {other}")
        return chosen


# ---- output -----------------------------------------------------------------------------------


def _terminal_width() -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return min(int(columns), 1000)
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 100


def render_options(stream: object = None, **view: Any) -> RenderOptions:
    """Styles only on a terminal (or FORCE_COLOR); NO_COLOR drops colours, TERM=dumb all styles."""
    stream = stream or sys.stdout
    env = os.environ
    try:
        is_tty = bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        is_tty = False
    forced = bool(env.get("FORCE_COLOR"))
    styled = forced or (is_tty and env.get("TERM") != "dumb")
    color = styled and not env.get("NO_COLOR")
    return RenderOptions(width=_terminal_width(), styled=styled, color=color, **view)


def _write(text: str) -> None:
    """Write the document to stdout; a reader that went away (``| head``) ends us quietly.

    Any other failure (a full disk, an I/O error) is ``WriteFailed``: exit 74, one line.
    """
    _WRITTEN.append(True)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(EXIT_OK) from None
    except OSError as exc:
        _silence_stdout()
        raise WriteFailed("standard output", exc.strerror or str(exc)) from None


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def note(message: str) -> None:
    """A message for the person, never part of the document: stderr, one line each."""
    with contextlib.suppress(OSError):
        from .render.safety import escaped

        typer.echo(escaped(message), err=True)


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _for_terminal(text: str) -> str:
    """Machine text (JSON, CSV, --jq results) as is to a pipe; on a live terminal without the
    control characters a hostile data file could smuggle in (titles, clipboard, screen clears)."""
    if not _stdout_is_terminal():
        return text
    from .render.safety import clean

    return clean(text)


def emit(
    document: Document, out: Output, count: int | None = None, total: int | None = None
) -> None:
    """Write ``document`` as ``out`` asks; ``count``: records shown (0: say nothing matched),
    ``total``: records matched before ``--limit`` (for the count line on a terminal)."""
    from .render import fields as field_selection

    if out.fields is not None:
        if out.fields.strip() in ("", "help"):
            _write("\n".join(field_selection.available(document)) + "\n")
            return
        document = field_selection.project(document, field_selection.parse(out.fields, document))
    name = out.format_name
    if out.csv_raw and name != "csv":
        raise UsageProblem(
            f"--csv-raw applies to CSV output, not {name}; use --format csv or drop it"
        )
    if out.jq is not None:
        if name != "json":
            raise UsageProblem(f"--jq works on JSON output; drop --format {name}")
        from .jqfilter import Halted, results

        try:
            for text in results(out.jq, document):
                _write(_for_terminal(text))
        except Halted as halted:  # halt_error: its input to stderr, its code, as jq does
            from .render.safety import escaped

            with contextlib.suppress(OSError):
                sys.stderr.write(escaped(halted.message) if sys.stderr.isatty() else halted.message)
                sys.stderr.flush()
            raise typer.Exit(halted.code) from None
        return
    options = render_options(short=out.short, total=total, csv_raw=out.csv_raw)
    text = renderer(name)(document, options)
    if name != "table":
        text = _for_terminal(text)
    if count == 0 and name in ("table", "md"):
        note("relcli: nothing matched")
        if name == "table":
            return
    if name == "table" and not _PAGING["off"] and _stdout_is_terminal():
        from .pager import page

        _WRITTEN.append(True)
        if page(text):
            return
    _write(text)


# ---- option parsing helpers ---------------------------------------------------------------------


def _period(start: str | None, end: str | None) -> tuple[DateRange | None, DateRange | None]:
    today = clock.today()

    period = _user_date(start, "--from", today), _user_date(end, "--to", today)
    query.check_period(*period)
    return period


def _user_date(value: str | None, option: str, today: date) -> DateRange | None:
    """A date a person typed for ``option``, as an interval of days; errors name the option."""
    if value is None:
        return None
    from .userdates import parse_user_date

    try:
        return parse_user_date(value, today)
    except BadDate as exc:
        exc.option = option
        raise


def _on(value: str | None) -> DateRange | None:
    """``--on DATE``: a day, month, year or anything ``--from`` reads, as an interval of days."""
    return _user_date(value, "--on", clock.today())


OnOpt = Annotated[
    str | None,
    typer.Option(
        "--on",
        metavar="DATE",
        callback=checked_text,
        help="The state on this date: a day, month or year (an interval), e.g. 2019-03-01, 2019 "
        "(default: the whole history).",
        show_default=False,
    ),
]


def _during(dataset: Dataset, name: str | None) -> tuple[DateRange, ...]:
    return query.period_named(dataset, name).ranges if name else ()


def _state(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


def _events(
    ctx: typer.Context,
    *,
    start: str | None = None,
    end: str | None = None,
    during: str | None = None,
    actor: list[str] | None = None,
    not_actor: list[str] | None = None,
    tag: list[str] | None = None,
    any_tag: list[str] | None = None,
    not_tag: list[str] | None = None,
    kind: list[str] | None = None,
    not_kind: list[str] | None = None,
    treaty: list[str] | None = None,
    search: list[str] | None = None,
    limit: int | None = None,
    reverse: bool = False,
) -> tuple[Dataset, list[Event]]:
    """The events the timeline filters select (shared by timeline, export and stats)."""
    period = _period(start, end)
    dataset = _state(ctx).dataset
    wanted = query.EventFilter(
        start=period[0],
        end=period[1],
        periods=_during(dataset, during),
        actors=_actor_ids(dataset, actor),
        not_actors=_actor_ids(dataset, not_actor),
        tags=_terms(query.tag_named, tag),
        any_tags=_terms(query.tag_named, any_tag),
        not_tags=_terms(query.tag_named, not_tag),
        kinds=_terms(query.kind_named, kind),
        not_kinds=_terms(query.kind_named, not_kind),
        treaties=tuple(query.treaty_by_name(dataset, t).id for t in treaty or ()),
        searches=tuple(search or ()),
        limit=limit,
        reverse=reverse,
    )
    return dataset, query.events_matching(dataset, wanted)


def _terms(named: Any, values: list[str] | None) -> tuple[str, ...]:
    """Vocabulary values (tags, kinds, statuses…) as their canonical terms, each once."""
    return tuple(dict.fromkeys(named(v) for v in values or ()))


def _actor_ids(dataset: Dataset, names: list[str] | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(query.actor_by_name(dataset, n).id for n in names or ()))


# ---- commands ---------------------------------------------------------------------------------


@app.command()
def timeline(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Argument(
            metavar="[PERIOD]",
            callback=checked_text,
            help="Shorthand for --from PERIOD --to PERIOD: a year, a month, a day or an era "
            "(2014, 2014-03, 'March 2014', 'Cold War').",
            show_default=False,
        ),
    ] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    during: DuringOpt = None,
    actor: ActorOpt = None,
    not_actor: NotActorOpt = None,
    tag: TagOpt = None,
    any_tag: AnyTagOpt = None,
    not_tag: NotTagOpt = None,
    kind: KindOpt = None,
    not_kind: NotKindOpt = None,
    treaty: TreatyOpt = None,
    search: SearchOpt = None,
    limit: LimitOpt = None,
    reverse: ReverseOpt = False,
    short: ShortOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Events in date order, grouped by year.

    On a terminal each row shows the tone after the date: █ cooperative, ▒ neutral,
    ░ confrontational (also in colour); the last line counts the events shown.

    Example: relcli timeline 2014 --tag ukraine
    """
    out = Output(fmt, as_json, fields, jq, short, csv_raw)
    if period is not None:
        start, end, during = _positional_period(ctx, period, start, end, during)
    counting = limit is not None and _counts_shown(out)
    dataset, events = _events(
        ctx,
        start=start,
        end=end,
        during=during,
        actor=actor,
        not_actor=not_actor,
        tag=tag,
        any_tag=any_tag,
        not_tag=not_tag,
        kind=kind,
        not_kind=not_kind,
        treaty=treaty,
        search=search,
        limit=None if counting else limit,
        reverse=reverse,
    )
    total = len(events)
    events = events[:limit] if limit is not None else events
    words = _search_words(search)
    emit(Listing("event", events, dataset, words), out, len(events), total)


def _positional_period(
    ctx: typer.Context, period: str, start: str | None, end: str | None, during: str | None
) -> tuple[str | None, str | None, str | None]:
    """``timeline 2014``: a date (any form --from reads) as both ends, or an era as --during."""
    if start is not None or end is not None:
        raise UsageProblem(f'give a period ("{period}") or --from/--to, not both')
    try:
        _user_date(period, "PERIOD", clock.today())
    except BadDate as not_a_date:
        dataset = _state(ctx).dataset
        if during is not None:
            raise UsageProblem(f'give a period ("{period}") or --during, not both') from None
        try:
            query.period_named(dataset, period)
        except NotFound:
            raise UsageProblem(
                f'"{period}" is neither a date (2014, 2014-03, "March 2014") nor an era or '
                "actor for --during (see relcli eras)"
            ) from not_a_date
        return None, None, period
    return period, period, during


def _counts_shown(out: Output) -> bool:
    """Whether the count line (shown on a terminal, table view only) needs the total that a
    --limit leaves out."""
    return out.format_name == "table" and render_options().styled


def _search_words(search: list[str] | None) -> tuple[str, ...]:
    if not search:
        return ()
    from .search import query_words

    return tuple(w for text in search for w in query_words(text))


@app.command()
def treaty(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            callback=checked_text,
            autocompletion=completion.treaties,
            help="Id, alias or part of the name: INF, 'New START', Intermediate-Range.",
        ),
    ],
    on: OnOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """One treaty: status as a whole and per party, milestones, linked events and quotes, sources.

    With --on DATE, first its state and each party's on that date (at the start and the end of
    a month or year, and what changed within it), then the lifecycle with the date marked.

    Example: relcli treaty INF --on 2019-03-01
    """
    days = _on(on)
    dataset = _state(ctx).dataset
    found = query.treaty_by_name(dataset, name)
    events = query.events_of_treaty(dataset, found)
    quotes = query.quotes_of_events(dataset, events)
    snapshot = None
    if days is not None:
        from .treatystate import Snapshot

        snapshot = Snapshot(found, days.start, days.end)
    emit(
        TreatyDetail(found, events, quotes, dataset, snapshot),
        Output(fmt, as_json, fields, jq, csv_raw=csv_raw),
    )


@app.command()
def treaties(
    ctx: typer.Context,
    status: Annotated[
        list[str] | None,
        _option(
            "--status",
            metavar="STATUS",
            help="With this status as a whole, e.g. 'in force', terminated (repeatable: any of "
            "them).",
            autocompletion=completion.statuses,
        ),
    ] = None,
    party: Annotated[
        list[str] | None,
        _option(
            "--party",
            metavar="CODE",
            help="With this party: US, RU or SU, names work too (repeatable: all of them).",
            autocompletion=completion.countries,
        ),
    ] = None,
    start: Annotated[
        str | None,
        _option(
            "--from",
            metavar="DATE",
            help="Signed on or after DATE: 2013, 1987-12 (default: from the first).",
        ),
    ] = None,
    end: Annotated[
        str | None,
        _option(
            "--to",
            metavar="DATE",
            help="Signed on or before the end of DATE: --to 1991 (default: to the last).",
        ),
    ] = None,
    during: Annotated[
        str | None,
        _option(
            "--during",
            metavar="NAME",
            help="Signed within an era ('Cold War') or an actor's terms, e.g. Reagan "
            "(default: any time).",
            autocompletion=completion.eras_or_actors,
        ),
    ] = None,
    on: OnOpt = None,
    show_all: Annotated[
        bool,
        typer.Option("--all", help="With --on: also the treaties not yet signed then."),
    ] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """All treaties and agreements, by date signed, with each party's state.

    With --on DATE: the treaties that existed then, each with its state and each party's at the
    start and the end of the date (a month or year is an interval) and what changed within it.

    Example: relcli treaties --on 2019-03-01
    """
    days = _on(on)
    if show_all and days is None:
        raise UsageProblem("--all goes with --on")
    period = _period(start, end)
    dataset = _state(ctx).dataset
    wanted = query.TreatyFilter(
        start=period[0],
        end=period[1],
        periods=_during(dataset, during),
        statuses=_terms(query.status_named, status),
        parties=_terms(query.country_named, party),
    )
    found = query.treaties_matching(dataset, wanted)
    if days is None:
        emit(
            Listing("treaty", found, dataset),
            Output(fmt, as_json, fields, jq, csv_raw=csv_raw),
            len(found),
        )
        return
    from .dates import range_label
    from .render import TreatiesOn
    from .treatystate import Snapshot

    snapshots = [Snapshot(t, days.start, days.end) for t in found]
    if not show_all:
        snapshots = [s for s in snapshots if s.signed_by_then]
    emit(
        TreatiesOn(snapshots, range_label(days)),
        Output(fmt, as_json, fields, jq, csv_raw=csv_raw),
        len(snapshots),
    )


@app.command()
def quotes(
    ctx: typer.Context,
    speaker: Annotated[
        list[str] | None,
        _option(
            "--speaker",
            metavar="NAME",
            help="Said by this actor: id, name or surname (repeatable: any of them).",
            autocompletion=completion.actors,
        ),
    ] = None,
    country: CountryOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    during: DuringOpt = None,
    tag: TagOpt = None,
    any_tag: AnyTagOpt = None,
    not_tag: NotTagOpt = None,
    treaty: TreatyOpt = None,
    search: SearchOpt = None,
    limit: LimitOpt = None,
    reverse: ReverseOpt = False,
    short: ShortOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Verbatim quotes with speaker, date, context and source.

    --country is the speaker's; --tag and --treaty look at the event a quote is linked to.

    Example: relcli quotes --speaker Lavrov --speaker Kerry --tag syria
    """
    period = _period(start, end)
    dataset = _state(ctx).dataset
    wanted = query.QuoteFilter(
        start=period[0],
        end=period[1],
        periods=_during(dataset, during),
        speakers=_actor_ids(dataset, speaker),
        countries=_terms(query.country_named, country),
        tags=_terms(query.tag_named, tag),
        any_tags=_terms(query.tag_named, any_tag),
        not_tags=_terms(query.tag_named, not_tag),
        treaties=tuple(query.treaty_by_name(dataset, t).id for t in treaty or ()),
        searches=tuple(search or ()),
        reverse=reverse,
    )
    found = query.quotes_matching(dataset, wanted)
    total, found = len(found), found[:limit] if limit is not None else found
    out = Output(fmt, as_json, fields, jq, short, csv_raw)
    emit(Listing("quote", found, dataset), out, len(found), total)


@app.command()
def quote(
    ctx: typer.Context,
    quote_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            callback=checked_text,
            autocompletion=completion.quotes,
            help="The quote's id, as shown by quotes --json (or completion).",
        ),
    ],
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """One quote in full: text, who said it and the office they held then, date, context,
    linked event, and its sources as citations to paste.

    Example: relcli quote reagan-trust-but-verify
    """
    from .render import QuoteDetail

    dataset = _state(ctx).dataset
    found = query.quote_by_id(dataset, quote_id)
    speaker = dataset.actor_by_id.get(found.speaker)
    offices = query.office_holders(dataset, found.date.range, actor=speaker) if speaker else []
    linked = dataset.event_by_id.get(found.event) if found.event else None
    emit(
        QuoteDetail(found, offices, linked, dataset),
        Output(fmt, as_json, fields, jq, csv_raw=csv_raw),
    )


@app.command()
def event(
    ctx: typer.Context,
    event_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            callback=checked_text,
            autocompletion=completion.events,
            help="The event's id, as shown by timeline.",
        ),
    ],
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """One event in full, with its sources, treaties and quotes.

    Example: relcli event inf-treaty-signed
    """
    dataset = _state(ctx).dataset
    found = query.event_by_id(dataset, event_id)
    linked = [dataset.treaty_by_id[t] for t in found.treaties]
    said = query.quotes_of_events(dataset, [found])
    emit(
        EventDetail(found, linked, said, dataset), Output(fmt, as_json, fields, jq, csv_raw=csv_raw)
    )


@app.command()
def actors(
    ctx: typer.Context,
    country: CountryOpt = None,
    role: Annotated[
        list[str] | None,
        _option(
            "--role",
            metavar="TEXT",
            help="With a role whose title contains TEXT, e.g. 'Secretary of State' (repeatable: "
            "all of them; with --on, roles matching any of them).",
        ),
    ] = None,
    on: OnOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """People and institutions in the data, with their dated roles.

    With --on DATE: who held each role then, one row per role, saying when that is uncertain
    (a start or end known only to the month or year).

    Example: relcli actors --on 1987-12-08 --country US
    """
    days = _on(on)
    dataset = _state(ctx).dataset
    countries = _terms(query.country_named, country)
    roles = tuple(role or ())
    if days is not None:
        rows = query.office_holders(dataset, days, countries, roles)
        emit(
            Vocabulary("office", rows), Output(fmt, as_json, fields, jq, csv_raw=csv_raw), len(rows)
        )
        return
    found = query.actors_matching(dataset, countries, roles)
    emit(
        Listing("actor", found, dataset),
        Output(fmt, as_json, fields, jq, csv_raw=csv_raw),
        len(found),
    )


@app.command()
def actor(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            callback=checked_text,
            autocompletion=completion.actors,
            help="Id, full name, surname or alias: Lavrov, 'Vladimir Putin', 'Сергей Лавров'.",
        ),
    ],
    on: OnOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """One actor: roles, the events they took part in and what they said.

    With --on DATE: only what they were then (the roles held on that date).

    Example: relcli actor Lavrov --on 2004
    """
    days = _on(on)
    dataset = _state(ctx).dataset
    found = query.actor_by_name(dataset, name)
    if days is not None:
        rows = query.office_holders(dataset, days, actor=found)
        out = Output(fmt, as_json, fields, jq, csv_raw=csv_raw)
        if not rows:
            from .dates import range_label

            note(f"relcli: {found.name} held no role recorded in the data on {range_label(days)}")
            if out.format_name == "table":
                return
        emit(Vocabulary("office", rows), out, len(rows) or None)
        return
    detail = ActorDetail(
        found, query.events_of_actor(dataset, found), query.quotes_of_actor(dataset, found), dataset
    )
    emit(detail, Output(fmt, as_json, fields, jq, csv_raw=csv_raw))


@app.command()
def eras(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Named periods usable with --during, with their dates and number of events.

    Example: relcli eras
    """
    dataset = _state(ctx).dataset
    rows = [
        {
            "id": era.id,
            "name": era.name,
            "from": era.start.iso(),
            "to": era.end.iso() if era.end else None,
            "events": query.count_overlapping(dataset, era.range),
            "summary": era.summary,
        }
        for era in dataset.eras
    ]
    emit(Vocabulary("era", rows), Output(fmt, as_json, fields, jq, csv_raw=csv_raw), len(rows))


def _vocabulary(ctx: typer.Context, what: str, out: Output) -> None:
    rows = [
        {what: term, "meaning": meaning, "events": n}
        for term, meaning, n in query.vocabulary_counts(_state(ctx).dataset, what)
    ]
    emit(Vocabulary(what, rows), out, len(rows))


@app.command()
def tags(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """The tag vocabulary, with the number of events carrying each tag.

    Example: relcli tags --format csv
    """
    _vocabulary(ctx, "tag", Output(fmt, as_json, fields, jq, csv_raw=csv_raw))


@app.command()
def kinds(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """The kinds of event, with the number of events of each kind.

    Example: relcli kinds
    """
    _vocabulary(ctx, "kind", Output(fmt, as_json, fields, jq, csv_raw=csv_raw))


@app.command()
def search(
    ctx: typer.Context,
    query_words: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY...",
            callback=checked_text,
            help="Words to find, in any order, quoted or not: 'chemical weapons', INF, "
            "gorbachev summit.",
        ),
    ],
    kind: Annotated[
        list[str] | None,
        _option(
            "--type",
            metavar="TYPE",
            help="Only this kind of record: event, treaty, quote, actor or era (repeatable).",
            autocompletion=completion.record_types,
        ),
    ] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    during: DuringOpt = None,
    limit: LimitOpt = None,
    short: ShortOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Search events, treaties, quotes, actors and eras at once, best matches first.

    Example: relcli search "chemical weapons" --type event
    """
    from . import search as searching

    text = " ".join(query_words)
    period = _period(start, end)
    dataset = _state(ctx).dataset
    types = tuple(dict.fromkeys(_search_type(t) for t in kind)) if kind else searching.TYPES
    hits = searching.search(
        dataset,
        text,
        types,
        None,
        start=period[0],
        end=period[1],
        periods=_during(dataset, during),
    )
    words = searching.query_words(text)
    total, hits = len(hits), hits[:limit] if limit is not None else hits
    out = Output(fmt, as_json, fields, jq, short, csv_raw)
    emit(SearchResults(text, words, hits, dataset), out, len(hits), total)


def _search_type(name: str) -> str:
    from .search import TYPES

    folded = query.fold(name)
    wanted = folded if folded in TYPES else folded.rstrip("s")
    if wanted in TYPES:
        return wanted
    raise UnknownTerm("record type", name, query.suggest(name, TYPES))


@app.command()
def on(
    ctx: typer.Context,
    day: Annotated[
        str | None,
        typer.Argument(
            metavar="[MM-DD]",
            callback=checked_text,
            help="Month and day, e.g. 12-08 or 'December 8' (default: today).",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        list[str] | None,
        _option(
            "--type",
            metavar="TYPE",
            help="Only event, quote or milestone (a treaty's step) (repeatable: any of them).",
            autocompletion=completion.fixed(("event", "quote", "milestone")),
        ),
    ] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    during: DuringOpt = None,
    short: ShortOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """What happened on this day of the year, across history: events, quotes and treaty
    milestones dated to that day.

    Example: relcli on 12-08 --from 1945
    """
    from .render import DayView
    from .userdates import parse_month_day

    today = clock.today()
    month, day_of_month = parse_month_day(day) if day else (today.month, today.day)
    types = _terms(query.day_type_named, kind) or query.DAY_TYPES
    period = _period(start, end)
    dataset = _state(ctx).dataset
    found = query.day_entries(
        dataset,
        month,
        day_of_month,
        types,
        start=period[0],
        end=period[1],
        periods=_during(dataset, during),
    )
    label = f"{day_of_month} {date(2000, month, 1).strftime('%B')}"
    emit(
        DayView(label, found, dataset), Output(fmt, as_json, fields, jq, short, csv_raw), len(found)
    )


def _check_writable(path: Path, force: bool) -> None:
    """Refuse early (before any work) a path that exists without --force; ``-`` is stdout."""
    if str(path) != "-":
        datafile.target_of(path, force=force)


def _write_file(path: Path, text: str, force: bool) -> None:
    """Write ``text`` to ``path`` through ``datafile`` (never replacing what it points to)."""
    if str(path) == "-":
        _write(text)
    else:
        datafile.write_text(path, text, force=force)


SvgOpt = Annotated[
    Path | None,
    typer.Option(
        "--svg",
        metavar="FILE",
        help="Write the chart as an SVG picture to FILE instead (- for standard output; "
        "default: no picture).",
        show_default=False,
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force", help="Overwrite FILE if it exists (a symbolic link is written through)."
    ),
]


class StatsBy(enum.StrEnum):
    year = "year"
    decade = "decade"
    kind = "kind"
    tag = "tag"
    tone = "tone"


@app.command()
def stats(
    ctx: typer.Context,
    start: FromOpt = None,
    end: ToOpt = None,
    during: DuringOpt = None,
    actor: ActorOpt = None,
    not_actor: NotActorOpt = None,
    tag: TagOpt = None,
    any_tag: AnyTagOpt = None,
    not_tag: NotTagOpt = None,
    kind: KindOpt = None,
    not_kind: NotKindOpt = None,
    treaty: TreatyOpt = None,
    search: SearchOpt = None,
    by: Annotated[
        StatsBy | None,
        typer.Option(
            "--by",
            case_sensitive=False,
            show_default=False,
            help="Show one breakdown in full: year or decade (the chart's unit, with a table), "
            "kind, tag or tone. Default: the chart (years for spans up to 40 years, else "
            "decades) and the most frequent kinds and tags.",
        ),
    ] = None,
    share: Annotated[
        bool,
        typer.Option("--share", help="Percentages as well as counts (per period, per value)."),
    ] = False,
    svg: SvgOpt = None,
    force: ForceOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Counts by decade, kind, tag and tone, and a chart of the relationship's climate.

    Example: relcli stats --during 'Cold War' --svg cold-war.svg
    """
    from . import stats as statistics

    dataset, events = _events(
        ctx,
        start=start,
        end=end,
        during=during,
        actor=actor,
        not_actor=not_actor,
        tag=tag,
        any_tag=any_tag,
        not_tag=not_tag,
        kind=kind,
        not_kind=not_kind,
        treaty=treaty,
        search=search,
    )
    unit = by.value if by in (StatsBy.year, StatsBy.decade) else None
    report = statistics.compute(events, unit, share)
    title = "Russia–United States relations"
    if during:
        title += f" during {query.period_named(dataset, during).label}"
    if svg is not None:
        from .render.svg import stats_chart

        _check_writable(svg, force)
        _write_file(svg, stats_chart(report, title), force)
        if str(svg) != "-":
            note(f"relcli: wrote {svg} ({report.total} events)")
        if not report.total:
            note('relcli: nothing matched; the chart says "no events"')
        return
    view = by.value if by is not None else "summary"
    emit(
        StatsReport(report, title, view),
        Output(fmt, as_json, fields, jq, csv_raw=csv_raw),
        report.total,
    )


class ExportFormat(enum.StrEnum):
    ics = "ics"
    timelinejs = "timelinejs"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    md = "md"


@app.command()
def export(
    ctx: typer.Context,
    to: Annotated[
        ExportFormat,
        typer.Argument(
            metavar="FORMAT",
            case_sensitive=False,
            help="ics (iCalendar), timelinejs (TimelineJS3 JSON), json, jsonl, csv or md.",
        ),
    ],
    path: Annotated[
        Path, typer.Argument(metavar="FILE", help="Where to write; - for standard output.")
    ],
    start: FromOpt = None,
    end: ToOpt = None,
    during: DuringOpt = None,
    actor: ActorOpt = None,
    not_actor: NotActorOpt = None,
    tag: TagOpt = None,
    any_tag: AnyTagOpt = None,
    not_tag: NotTagOpt = None,
    kind: KindOpt = None,
    not_kind: NotKindOpt = None,
    treaty: TreatyOpt = None,
    search: SearchOpt = None,
    group: Annotated[
        str,
        _option(
            "--group",
            metavar="BY",
            help="timelinejs: group slides by era or tag (default: era).",
            autocompletion=completion.fixed(("era", "tag")),
        ),
    ] = "era",
    csv_raw: CsvRawOpt = False,
    force: ForceOpt = False,
) -> None:
    """Write the events the timeline filters select to a file, atomically.

    timelinejs writes nothing and exits 1 when no event is selected: TimelineJS cannot load an
    empty timeline.

    Example: relcli export ics cold-war.ics --during 'Cold War'
    """
    if query.fold(group) not in ("era", "tag"):
        raise UsageProblem(f'--group must be "era" or "tag", not "{group}"')
    if csv_raw and to is not ExportFormat.csv:
        raise UsageProblem(f"--csv-raw applies to CSV output, not {to.value}; drop it")
    _check_writable(path, force)
    dataset, events = _events(
        ctx,
        start=start,
        end=end,
        during=during,
        actor=actor,
        not_actor=not_actor,
        tag=tag,
        any_tag=any_tag,
        not_tag=not_tag,
        kind=kind,
        not_kind=not_kind,
        treaty=treaty,
        search=search,
    )
    if to is ExportFormat.ics:
        from .render.ics import render_events

        text = render_events(events, dataset, clock.today())
    elif to is ExportFormat.timelinejs:
        from .render.json import dumps
        from .render.timelinejs import render_events as timeline_js

        text = dumps(timeline_js(events, dataset, query.fold(group))) + "\n"
    else:
        options = RenderOptions(csv_raw=csv_raw)
        text = renderer(to.value)(Listing("event", events, dataset), options)
    _write_file(path, text, force)
    if str(path) != "-":
        note(f"relcli: wrote {len(events)} events to {path}")


@app.command()
def validate(
    ctx: typer.Context,
    path: Annotated[
        str | None,
        typer.Argument(
            help="Data file to check (default: --data, $RELCLI_DATA or the bundled file).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check a data file and list every problem; exit 0 when valid, 3 otherwise.

    Example: relcli validate my-events.json
    """
    resolved, problems, canonical = store.validate_file(path or _state(ctx).data)
    for problem in problems:
        where = problem.where()
        note(f"{resolved}: {where + ': ' if where else ''}{problem.message}")
    if problems:
        note(f"relcli: {resolved}: {len(problems)} problem{'s' if len(problems) > 1 else ''}")
        raise typer.Exit(EXIT_DATA)
    note(f"relcli: {resolved} is valid")
    if not canonical:
        note(f"relcli: note: {resolved} is not in canonical form; 'relcli fmt' would rewrite it")
    from .sources import beyond_encyclopedia

    for quote in store.load(resolved).quotes:
        if not beyond_encyclopedia(quote.sources):
            note(
                f"relcli: warning: quote {quote.id} cites no primary or contemporaneous source "
                "(a transcript, an official record or a report of the day)"
            )


@app.command()
def compare(
    ctx: typer.Context,
    periods: Annotated[
        list[str],
        typer.Argument(
            metavar="PERIOD...",
            callback=checked_text,
            autocompletion=completion.eras_or_actors,
            help="Two or more: an era ('Cold War'), an actor's terms (Obama), a date (2014, "
            "'March 2014') or a range (2014-2022, 1985..1991).",
            show_default=False,
        ),
    ],
    svg: SvgOpt = None,
    force: ForceOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Periods side by side: events, tone mix, events per year, top kinds, tags and actors,
    treaties signed, entering into force, suspended or ended within each, and quotes.

    ▲ marks a figure that stands out (the largest, at least 1.5 times the smallest; for tone
    shares also 10 points apart).

    Example: relcli compare 'Cold War' 2014-2022
    """
    from .compare import compare as compare_periods
    from .render import Comparison

    dataset = _state(ctx).dataset
    rows = compare_periods(dataset, list(periods), clock.today())
    if svg is not None:
        from .render.svg import comparison_chart

        _check_writable(svg, force)
        title = "Tone of relations: " + " vs ".join(r["period"] for r in rows)
        _write_file(svg, comparison_chart(rows, title), force)
        if str(svg) != "-":
            note(f"relcli: wrote {svg} ({len(rows)} periods)")
        if not any(row["events"] for row in rows):
            note('relcli: nothing matched in any period; the chart says "no events"')
        return
    emit(Comparison(rows), Output(fmt, as_json, fields, jq, csv_raw=csv_raw))


@app.command()
def sources(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    jq: JqOpt = None,
    csv_raw: CsvRawOpt = False,
) -> None:
    """How the data is sourced: records citing beyond an encyclopedia, sources by kind.

    A source's kind (official, news, scholarly, encyclopedia, other) comes from its URL's host.
    Lists the records that still cite only an encyclopedia, and hosts of no known kind.

    Example: relcli sources --json | jq '.records.quotes.share'
    """
    from .render import SourcesSummary
    from .sources import SourcesReport

    report = SourcesReport(_state(ctx).dataset)
    emit(SourcesSummary(report), Output(fmt, as_json, fields, jq, csv_raw=csv_raw))


@app.command()
def fmt(
    ctx: typer.Context,
    path: Annotated[
        str | None,
        typer.Argument(
            help="Data file to rewrite (default: --data, $RELCLI_DATA or the bundled file).",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Only report whether the file is canonical (exit 3 if not)."),
    ] = False,
) -> None:
    """Rewrite a valid data file in canonical form (ordered records, fixed key order).

    Example: relcli fmt my-events.json
    """
    resolved = store.resolve_path(path or _state(ctx).data)
    if datafile.is_stream(resolved):  # reading it would consume (or wait on) the stream
        raise UsageProblem(f"fmt rewrites a file in place; {resolved} is a pipe or a device")
    text = store.canonical_text_for(resolved, store.load(resolved))
    if resolved.read_text(encoding="utf-8") == text:
        note(f"relcli: {resolved} is already canonical")
        return
    if check:
        note(f"relcli: {resolved} is not in canonical form (run 'relcli fmt')")
        raise typer.Exit(EXIT_DATA)
    datafile.write_text(resolved, text, force=True)
    note(f"relcli: rewrote {resolved}")


@app.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the data file format.

    Example: relcli schema > events.schema.json
    """
    _write(Path(store.bundled_schema_path()).read_text(encoding="utf-8"))


# ---- entry point ------------------------------------------------------------------------------


def _debug_wanted(argv: list[str]) -> bool:
    return "--debug" in argv or os.environ.get("RELCLI_DEBUG", "") not in ("", "0")


def _tolerate_unencodable_output() -> None:
    """Under a non-UTF-8 locale (LC_ALL=C) print '?' for what cannot be encoded, never crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def _fields_alone_means_help(args: list[str]) -> list[str]:
    """``--fields`` with no value (last, or before another option) lists the fields, like gh."""
    out = []
    for index, arg in enumerate(args):
        out.append(arg)
        if arg == "--fields":
            following = args[index + 1] if index + 1 < len(args) else None
            if following is None or (following.startswith("-") and following != "-"):
                out.append("help")
    return out


def _shell_alone_means_current(args: list[str]) -> list[str]:
    """``--show-completion`` or ``--install-completion`` with no shell named (last, or before
    another option) means the shell relcli runs in: it gets an empty name, which says so."""
    out: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        out.append(arg)
        if arg == "--" or not arg.startswith("-"):  # the command: what follows is its own
            return out + args[index + 1 :]
        following = args[index + 1] if index + 1 < len(args) else None
        if arg in COMPLETION_OPTIONS and (following is None or following.startswith("-")):
            out.append("")
        elif arg in GLOBAL_OPTIONS_WITH_VALUES and following is not None:
            out.append(following)
            index += 1
        index += 1
    return out


COMPLETION_OPTIONS = {"--show-completion", "--install-completion"}
GLOBAL_OPTIONS_WITH_VALUES = {"--data", *COMPLETION_OPTIONS}
GLOBAL_FLAGS_ANYWHERE = ("--no-pager",)  # like git's, but may follow the command too


def _global_flags_first(args: list[str]) -> list[str]:
    """``relcli timeline --no-pager`` as ``relcli --no-pager timeline`` (not after ``--``)."""
    end = args.index("--") if "--" in args else len(args)
    moved = [a for a in args[:end] if a in GLOBAL_FLAGS_ANYWHERE]
    if not moved:
        return args
    return [*moved, *(a for a in args[:end] if a not in GLOBAL_FLAGS_ANYWHERE), *args[end:]]


def _subcommand(args: list[str]) -> str | None:
    """The command word in ``args`` (after global options), or None."""
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            return None
        if arg in GLOBAL_OPTIONS_WITH_VALUES:
            index += 2
        elif arg.startswith("-"):
            index += 1
        else:
            return arg
    return None


def _click_command(args: list[str]) -> typer.core.TyperGroup:
    """The Click command to run: built for the one subcommand asked for, when there is one.

    Converting every command's signature into Click objects costs ~20 ms at each start-up;
    a run needs only one of them. Help, completion and unknown commands get the full app, so
    listings and "No such command" suggestions are unchanged.
    """
    name = _subcommand(args)
    wanted = [
        info
        for info in app.registered_commands
        if (info.name or (info.callback.__name__ if info.callback else "").replace("_", "-"))
        == name
    ]
    if not wanted or os.environ.get(completion.COMPLETE_VAR):
        return typer.main.get_command(app)  # type: ignore[return-value]
    lean = typer.Typer(**APP_SETTINGS)  # type: ignore[arg-type]
    lean.registered_callback = app.registered_callback
    lean.registered_commands = wanted
    return typer.main.get_command(lean)  # type: ignore[return-value]


def _arguments(argv: list[str] | None) -> list[str]:
    """The arguments as text. Under a C locale with UTF-8 mode off Python decodes them as ASCII
    with surrogate escapes (``Лавров`` arrives as ``\\udcd0\\udc9b…``): their bytes are UTF-8."""
    args = list(sys.argv[1:] if argv is None else argv)
    fixed = []
    for arg in args:
        if not arg.isascii() and any("\udc80" <= c <= "\udcff" for c in arg):
            with contextlib.suppress(UnicodeError):
                arg = os.fsencode(arg).decode("utf-8")
        fixed.append(arg)
    return fixed


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    """Run relcli; return (and, as a console script, exit with) a documented exit code."""
    import _signal as signal  # the C module: `signal` would cost ~0.8 ms of start-up

    _tolerate_unencodable_output()
    _WRITTEN.clear()
    _PAGING["off"] = False
    args = _shell_alone_means_current(
        _global_flags_first(_fields_alone_means_help(_arguments(argv)))
    )
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):  # not the main thread
        previous = None
    try:
        code = _run(args, may_heal=True)
        if code is None:  # perhaps a damaged cache entry: discard it and run the command again
            from . import cache

            cache.discard_entries_in_use()
            code = _run(args, may_heal=False)
            if code != EXIT_INTERNAL:
                note("relcli: note: a damaged cache entry was discarded and rebuilt")
    except Terminated:
        code = EXIT_TERMINATED
        note("relcli: terminated")
    finally:
        if previous is not None:
            with contextlib.suppress(ValueError, OSError):
                signal.signal(signal.SIGTERM, previous)
        _report_cache_notes()
    return _flushed(code)  # type: ignore[arg-type]


def _report_cache_notes() -> None:
    cache = sys.modules.get("relcli.cache")
    if cache is not None:
        for message in cache.take_notes():
            note(message)


def _flushed(code: int) -> int:
    """Flush stdout now, so a full disk is reported (exit 74) rather than ignored at exit."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except OSError as exc:
        _silence_stdout()
        note(f"relcli: cannot write standard output: {exc.strerror or exc}")
        return EXIT_IO if code == EXIT_OK else code
    return code


def _cache_may_be_at_fault(exc: Exception) -> bool:
    """Whether an unexpected error may come from a damaged cache entry, and nothing has been
    written yet, so discarding the entry and running again is safe."""
    cache = sys.modules.get("relcli.cache")
    if isinstance(exc, NameError | ImportError | RecursionError):  # never the cache's doing
        return False
    return cache is not None and cache.entries_in_use() and not _WRITTEN


_WRITTEN: list[bool] = []


def _run(args: list[str], *, may_heal: bool) -> int | None:
    """Run the command once; None asks ``main`` to heal the cache and run it again."""
    try:
        if args == ["--version"]:  # answered before any Click objects are built: scripts ask
            _print_version()
            return EXIT_OK
        command = _click_command(args)
        if os.environ.get(completion.COMPLETE_VAR):  # a shell asks for completions
            from . import shells

            shells.register()
        result = command.main(args=args, prog_name="relcli", standalone_mode=False)
        code = result if isinstance(result, int) else EXIT_OK
        if code == EXIT_INTERRUPTED:
            note("relcli: interrupted")
    except RelcliError as exc:
        note(f"relcli: {exc.message()}")
        code = exc.exit_code
    except typer.TyperException as exc:  # Click's usage errors (bad option, bad value)
        code = getattr(exc, "exit_code", EXIT_USAGE)
        if type(exc).__name__ == "NoArgsIsHelpError":
            with contextlib.suppress(OSError):
                typer.echo(exc.format_message())
            code = EXIT_OK
        else:
            note(f"relcli: {' '.join(exc.format_message().split())}")
            ctx = getattr(exc, "ctx", None)
            if ctx is not None:
                note(f"Try '{ctx.command_path} --help' for help.")
    except typer.Abort:
        note("relcli: interrupted")
        code = EXIT_INTERRUPTED
    except KeyboardInterrupt:
        note("relcli: interrupted")
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        code = EXIT_OK
    except OSError as exc:
        if _is_output_error(exc):  # BrokenPipeError was handled above
            _silence_stdout()
            note(f"relcli: cannot write standard output: {exc.strerror or exc}")
            return EXIT_IO
        return _internal(exc, args, may_heal)
    except Exception as exc:
        return _internal(exc, args, may_heal)
    return code


def _is_output_error(exc: OSError) -> bool:
    import errno

    return exc.errno in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG)


def _internal(exc: Exception, args: list[str], may_heal: bool) -> int | None:
    if may_heal and _cache_may_be_at_fault(exc):
        return None
    if _debug_wanted(args):
        raise exc
    where = ""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f" at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"
    note(
        f"relcli: internal error: {type(exc).__name__}: {exc}{where} — this is a bug; "
        f"please report it to {REPORT_TO} (rerun with --debug for the traceback)"
    )
    return EXIT_INTERNAL
