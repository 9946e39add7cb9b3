"""``main``: argv fix-ups, the one-command Click build, running a command and mapping every error to
one stderr line and a documented exit code (healing a damaged cache once).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import typer

from ..errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_IO,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
    RelcliError,
    Terminated,
)
from . import completion
from .application import APP_SETTINGS, app, print_version, register
from .output import PAGING, WRITTEN, note, silence_stdout

REPORT_TO = "the relcli issue tracker, with the command you ran"


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
    completing = bool(os.environ.get(completion.COMPLETE_VAR))
    register(None if completing else name)
    wanted = [
        info
        for info in app.registered_commands
        if (info.name or (info.callback.__name__ if info.callback else "").replace("_", "-"))
        == name
    ]
    if not wanted or completing:  # help, or "No such command" with its suggestions: all
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
    WRITTEN.clear()
    PAGING["off"] = False
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
            from .. import cache

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
        silence_stdout()
    except OSError as exc:
        silence_stdout()
        note(f"relcli: cannot write standard output: {exc.strerror or exc}")
        return EXIT_IO if code == EXIT_OK else code
    return code


# Where a damaged entry's bytes are read and decoded: an error raised elsewhere (a renderer's
# bug) is not the cache's doing, and discarding an index would cost a big file's first read.
_READING = ("index", "cache.py", "store.py", "model", "stored.py", "datafile.py")


def _cache_may_be_at_fault(exc: Exception) -> bool:
    """Whether an unexpected error may come from a damaged cache entry, and nothing has been
    written yet, so discarding the entry and running again is safe."""
    cache = sys.modules.get("relcli.cache")
    if isinstance(exc, NameError | ImportError | RecursionError):  # never the cache's doing
        return False
    if not (cache is not None and cache.entries_in_use() and not WRITTEN):
        return False
    sqlite3 = sys.modules.get("sqlite3")
    return (sqlite3 is not None and isinstance(exc, sqlite3.Error)) or _raised_reading(exc)


def _raised_reading(exc: BaseException) -> bool:
    """Whether the error passed through the code that reads and decodes cached data."""
    package = Path(__file__).resolve().parent.parent
    tb = exc.__traceback__
    while tb is not None:
        path = Path(tb.tb_frame.f_code.co_filename)
        with contextlib.suppress(ValueError):
            inside = path.resolve().relative_to(package).parts
            if inside and (inside[0] in _READING or inside[-1] in _READING):
                return True
        tb = tb.tb_next
    return False


def _run(args: list[str], *, may_heal: bool) -> int | None:
    """Run the command once; None asks ``main`` to heal the cache and run it again."""
    try:
        if args == ["--version"]:  # answered before any Click objects are built: scripts ask
            print_version()
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
        silence_stdout()
        code = EXIT_OK
    except OSError as exc:
        if _is_output_error(exc):  # BrokenPipeError was handled above
            silence_stdout()
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
