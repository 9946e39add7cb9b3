"""Options shared by several commands, defined once as ``Annotated`` aliases, and ``Output`` (how a
command's answer is to be written).
"""

import enum
from pathlib import Path
from typing import Annotated, Any, ClassVar

import typer

from ..errors import (
    UsageProblem,
)
from ..render import (
    FORMATS,
)
from ..valueclass import Bundle
from . import completion

Format = enum.Enum("Format", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]


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


def text_option(*names: str, metavar: str, help: str, **extra: object) -> typer.models.OptionInfo:
    """A text option: checked for empty and oversized values, no default shown."""
    return typer.Option(
        *names, callback=checked_text, metavar=metavar, help=help, show_default=False, **extra
    )


FromOpt = Annotated[
    str | None,
    text_option(
        "--from",
        metavar="DATE",
        help="Only records on or after DATE: 2013, 2013-09, 2013-09-14, 'March 2014', 1990s "
        "(default: from the first).",
    ),
]


ToOpt = Annotated[
    str | None,
    text_option(
        "--to",
        metavar="DATE",
        help="Only records on or before the end of DATE: --to 2013 includes all of 2013 "
        "(default: to the last).",
    ),
]


SearchOpt = Annotated[
    list[str] | None,
    text_option(
        "--search",
        "-s",
        metavar="TEXT",
        help="Containing this text, case-insensitive (repeatable: all of them).",
    ),
]


DuringOpt = Annotated[
    str | None,
    text_option(
        "--during",
        metavar="NAME",
        help="Only records within an era ('Cold War', detente) or an actor's terms (Obama) "
        "(default: any time).",
        autocompletion=completion.eras_or_actors,
    ),
]


ActorOpt = Annotated[
    list[str] | None,
    text_option(
        "--actor",
        "-a",
        metavar="NAME",
        help="Involving this actor (repeatable: all of them).",
        autocompletion=completion.actors,
    ),
]


NotActorOpt = Annotated[
    list[str] | None,
    text_option(
        "--not-actor",
        metavar="NAME",
        help="Not involving this actor (repeatable: none of them).",
        autocompletion=completion.actors,
    ),
]


TagOpt = Annotated[
    list[str] | None,
    text_option(
        "--tag",
        "-t",
        metavar="TAG",
        help="Carrying this tag (repeatable: all of them).",
        autocompletion=completion.tags,
    ),
]


AnyTagOpt = Annotated[
    list[str] | None,
    text_option(
        "--any-tag",
        metavar="TAG",
        help="Carrying at least one of these tags (repeatable).",
        autocompletion=completion.tags,
    ),
]


NotTagOpt = Annotated[
    list[str] | None,
    text_option(
        "--not-tag",
        metavar="TAG",
        help="Not carrying this tag (repeatable: none of them).",
        autocompletion=completion.tags,
    ),
]


KindOpt = Annotated[
    list[str] | None,
    text_option(
        "--kind",
        "-k",
        metavar="KIND",
        help="Of this kind (repeatable: any of them).",
        autocompletion=completion.kinds,
    ),
]


NotKindOpt = Annotated[
    list[str] | None,
    text_option(
        "--not-kind",
        metavar="KIND",
        help="Not of this kind (repeatable: none of them).",
        autocompletion=completion.kinds,
    ),
]


TreatyOpt = Annotated[
    list[str] | None,
    text_option(
        "--treaty",
        metavar="NAME",
        help="Linked to this treaty: id, alias or name (repeatable: all of them).",
        autocompletion=completion.treaties,
    ),
]


CountryOpt = Annotated[
    list[str] | None,
    text_option(
        "--country",
        metavar="CODE",
        help="US, RU, SU (Soviet Union) or other; names work too (repeatable: any of them).",
        autocompletion=completion.countries,
    ),
]


def limit_option(help: str) -> Any:
    """``--limit/-n N`` (N ≥ 1), with the help of the command that takes it."""
    return Annotated[
        int | None,
        typer.Option("--limit", "-n", min=1, metavar="N", help=help, show_default=False),
    ]


LimitOpt = limit_option("Show at most N records (default: all).")


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
    text_option(
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
