"""The Typer application: its settings, the global options (--data, --version, --debug, --no-pager,
completion) and the ``State`` every command reads the dataset through.
"""

from typing import Annotated

import typer

from .. import store
from ..model import Dataset
from . import completion
from .output import PAGING, note, write

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

# Each command, in the order of ``relcli --help`` (the everyday views first, the data-file
# tools last), with the module that defines it. A run imports only its command's module
# (``register``): the others cost ~2 ms of every start-up.
COMMANDS = {
    "timeline": "listing",
    "treaty": "lookup",
    "treaties": "lookup",
    "quotes": "listing",
    "quote": "lookup",
    "event": "lookup",
    "actors": "lookup",
    "actor": "lookup",
    "eras": "lookup",
    "tags": "lookup",
    "kinds": "lookup",
    "search": "listing",
    "on": "listing",
    "stats": "reports",
    "export": "reports",
    "validate": "datafiles",
    "compare": "reports",
    "sources": "lookup",
    "fmt": "datafiles",
    "schema": "datafiles",
}


def register(command: str | None = None) -> None:
    """Define ``command`` on ``app`` by importing its module; every command if it is None or
    not a command's name (help, completion and "No such command" need them all)."""
    import importlib

    modules = [COMMANDS[command]] if command in COMMANDS else sorted(set(COMMANDS.values()))
    for module in modules:
        importlib.import_module(f"{__package__}.{module}")
    order = list(COMMANDS)
    app.registered_commands.sort(key=lambda info: order.index(info.callback.__name__))  # type: ignore[union-attr]


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


def print_version() -> None:
    from .. import __version__

    typer.echo(f"relcli {__version__}")


def _version(value: bool) -> None:
    if value:
        print_version()
        raise typer.Exit()


def _show_completion(ctx: typer.Context, value: str | None) -> None:
    if value is not None and not ctx.resilient_parsing:
        from . import shells

        write(shells.script(shells.named(value)) + "\n")
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
        PAGING["off"] = True
