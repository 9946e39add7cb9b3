"""Every error relcli reports, and the exit code each maps to — one table, one place.

The core raises these; only the CLI turns them into a stderr line and an exit code.
"""

from __future__ import annotations

from collections.abc import Sequence

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_DATA = 3
EXIT_INTERNAL = 70
EXIT_IO = 74
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success, including a query that matched nothing",
    EXIT_NOT_FOUND: "a named record (treaty, event, quote, actor, era) does not exist or is "
    "ambiguous; or an export selected no events for a format that cannot be empty (timelinejs)",
    EXIT_USAGE: "usage error: unknown option, bad value (an unknown tag, kind, status, format, "
    "country or type), conflicting options, unparseable date, --from after --to",
    EXIT_DATA: "the data file is missing, unreadable, malformed or invalid",
    EXIT_INTERNAL: "internal error (a bug): please report it",
    EXIT_IO: "output could not be written: a file (read-only, full disk, permission denied) "
    "or standard output (full disk, I/O error; a closed pipe is not an error)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
    EXIT_TERMINATED: "terminated (SIGTERM); nothing half-written is left behind",
}


class RelcliError(Exception):
    """Base of the errors the CLI reports as one line."""

    exit_code: int = EXIT_INTERNAL

    def message(self) -> str:
        return str(self)


def _quote_list(names: Sequence[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


class NotFound(RelcliError):
    """No record of ``kind`` is called ``name``; ``suggestions`` are the closest names."""

    exit_code = EXIT_NOT_FOUND

    def __init__(self, kind: str, name: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(kind, name)
        self.kind, self.name, self.suggestions = kind, name, list(suggestions)

    def __str__(self) -> str:
        text = f'no {self.kind} named "{self.name}"'
        if self.suggestions:
            text += f" — did you mean {_quote_list(self.suggestions)}?"
        return text


class UnknownTerm(NotFound):
    """A value outside a fixed vocabulary (tag, kind, status, country, record type): a usage
    error (exit 2), unlike a record name that does not exist (exit 1)."""

    exit_code = EXIT_USAGE


class Ambiguous(RelcliError):
    """``name`` fits several records of ``kind``; the user must pick one."""

    exit_code = EXIT_NOT_FOUND

    def __init__(self, kind: str, name: str, candidates: Sequence[str]) -> None:
        super().__init__(kind, name)
        self.kind, self.name, self.candidates = kind, name, list(candidates)

    def __str__(self) -> str:
        return (
            f'"{self.name}" matches {len(self.candidates)} {self.kind} records: '
            f"{_quote_list(self.candidates)} — be more specific"
        )


class NothingToExport(RelcliError):
    """The filters selected no events, and ``format`` cannot hold none (``reason``).

    Exit 1, like a name that finds nothing: what was asked for does not exist. Nothing is
    written, so a file the format's own tool would reject never appears.
    """

    exit_code = EXIT_NOT_FOUND

    def __init__(self, format: str, reason: str) -> None:
        super().__init__(format, reason)
        self.format, self.reason = format, reason

    def __str__(self) -> str:
        return (
            f"no events selected, and {self.format} {self.reason}; nothing written "
            "(widen the filters)"
        )


class BadDate(RelcliError):
    """A date given on the command line could not be read as a date or period."""

    exit_code = EXIT_USAGE

    def __init__(self, value: str, reason: str = "", option: str = "") -> None:
        super().__init__(value)
        self.value, self.reason, self.option = value, reason, option

    def __str__(self) -> str:
        where = f"{self.option}: " if self.option else ""
        why = f" ({self.reason})" if self.reason else ""
        return (
            f'{where}cannot read "{self.value}" as a date{why}; '
            'use YYYY, YYYY-MM, YYYY-MM-DD or words such as "March 2014", "1990s", "last year"'
        )


class UsageProblem(RelcliError):
    """An option value that is well-formed but makes no sense (e.g. --from after --to)."""

    exit_code = EXIT_USAGE

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return self.text


class WriteFailed(RelcliError):
    """A file (or standard output) could not be written; ``reason`` says why."""

    exit_code = EXIT_IO

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return f"cannot write {self.path}: {self.reason}"


class Terminated(BaseException):
    """SIGTERM arrived: unwound like Ctrl-C, so every writer removes its temporary file."""


class Problem:
    """One thing wrong in a data file, located by line/column or by JSON path."""

    __slots__ = ("column", "line", "message", "path")

    def __init__(
        self, message: str, path: str = "", line: int | None = None, column: int | None = None
    ) -> None:
        self.message = message
        self.path = path  # JSON path such as $.events[3].date; empty for file-level problems
        self.line = line
        self.column = column

    def __repr__(self) -> str:
        return (
            f"Problem({self.message!r}, path={self.path!r}, line={self.line}, column={self.column})"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and (self.message, self.path, self.line, self.column) == (
            other.message,
            other.path,
            other.line,
            other.column,
        )

    __hash__ = None  # type: ignore[assignment]

    def where(self) -> str:
        if self.line is not None:
            return f"line {self.line}, column {self.column}"
        return self.path


class DataFileError(RelcliError):
    """The data file at ``path`` cannot be used; ``problems`` lists every fault found."""

    exit_code = EXIT_DATA

    def __init__(self, path: str, problems: Sequence[Problem]) -> None:
        super().__init__(path)
        self.path, self.problems = path, list(problems)

    def __str__(self) -> str:
        first = self.problems[0]
        where = first.where()
        text = f"{self.path}: {where + ': ' if where else ''}{first.message}"
        more = len(self.problems) - 1
        if more:
            text += f" (and {more} more problem{'s' if more > 1 else ''}; run 'relcli validate')"
        return text
