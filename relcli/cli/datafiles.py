"""Commands about data files themselves: validate, fmt, schema."""

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from .. import datafile, store
from ..errors import (
    EXIT_DATA,
    UsageProblem,
)
from .application import app
from .filters import state_of
from .output import note, write

WARNINGS_SHOWN = 10  # a big file's thousands of unsourced quotes would bury the verdict


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
    resolved, problems, canonical = store.validate_file(path or state_of(ctx).data)
    for problem in problems:
        where = problem.where()
        note(f"{resolved}: {where + ': ' if where else ''}{problem.message}")
    if problems:
        note(f"relcli: {resolved}: {len(problems)} problem{'s' if len(problems) > 1 else ''}")
        raise typer.Exit(EXIT_DATA)
    note(f"relcli: {resolved} is valid")
    if not canonical:
        note(f"relcli: note: {resolved} is not in canonical form; 'relcli fmt' would rewrite it")
    from ..sources import beyond_encyclopedia

    unsourced = [q.id for q in store.load(resolved).quotes if not beyond_encyclopedia(q.sources)]
    for quote_id in unsourced[:WARNINGS_SHOWN]:
        note(
            f"relcli: warning: quote {quote_id} cites no primary or contemporaneous source "
            "(a transcript, an official record or a report of the day)"
        )
    if len(unsourced) > WARNINGS_SHOWN:
        more = len(unsourced) - WARNINGS_SHOWN
        note(f"relcli: warning: … and {more} more quotes without such a source")


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
    resolved = store.resolve_path(path or state_of(ctx).data)
    if datafile.is_stream(resolved):  # reading it would consume (or wait on) the stream
        raise UsageProblem(f"fmt rewrites a file in place; {resolved} is a pipe or a device")
    dataset = store.load(resolved)
    if _same_text(resolved, store.canonical_pieces_for(resolved, dataset)):
        note(f"relcli: {resolved} is already canonical")
        return
    if check:
        note(f"relcli: {resolved} is not in canonical form (run 'relcli fmt')")
        raise typer.Exit(EXIT_DATA)
    text = store.canonical_text_for(resolved, dataset)
    datafile.write_text(resolved, text, force=True)
    note(f"relcli: rewrote {resolved}")


def _same_text(path: Path, pieces: Iterable[str]) -> bool:
    """Whether the file's text is these pieces, read a piece at a time (a big file's canonical
    text is not held whole to compare it)."""
    with path.open(encoding="utf-8") as handle:
        for piece in pieces:
            if handle.read(len(piece)) != piece:
                return False
        return handle.read(1) == ""


@app.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the data file format.

    Example: relcli schema > events.schema.json
    """
    write(Path(store.bundled_schema_path()).read_text(encoding="utf-8"))
