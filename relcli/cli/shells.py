"""Shell completion as each shell needs it: the answers to completion requests, the scripts.

A shell's completion script runs ``relcli`` with ``_RELCLI_COMPLETE=complete_<shell>`` (Click's
protocol, as Typer implements it); ``completion.py`` supplies the values. Typer's answers for two
shells did not work with relcli's values, so they are replaced here:

* bash puts each line of the answer into the command line as it stands, so
  ``Non-Proliferation Treaty`` became two arguments. The answer is now quoted for the word being
  completed: with backslashes (``Non-Proliferation\\ Treaty``), or inside the quote the word was
  opened with (bash adds the closing quote itself).
* zsh compared the values with the word case-sensitively, so ``inf`` could not offer ``INF``
  even when relcli did. The answer now tells zsh's ``compadd`` to take relcli's matches as they
  are (``-U``).

fish and PowerShell keep Typer's answers: fish quotes values and folds case itself. The fixes are
in the answers, not in the scripts, so a script installed by an older relcli benefits too; the
scripts, and installing them, stay Typer's. Imported only for completion and
``--show-completion``/``--install-completion``.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer.completion
from typer.completion import shell_completion  # Click's documented API, as vendored by Typer

from ..errors import UsageProblem, WriteFailed
from .completion import COMPLETE_VAR, SHELLS

PROG = "relcli"

# What bash reads specially in an unquoted word; each is preceded by a backslash.
_BASH_SPECIAL = frozenset(" \t\n\\'\"`$!&|;<>()[]{}*?#~")


def bash_word(value: str, opened_with: str = "") -> str:
    """``value`` as bash must receive it to insert it into a word opened with ``opened_with``
    (``"``, ``'`` or nothing) and read it back as one argument."""
    if opened_with == '"':
        return "".join("\\" + c if c in '"\\$`' else c for c in value)
    if opened_with == "'":
        return value.replace("'", "'\\''")
    return "".join("\\" + c if c in _BASH_SPECIAL else c for c in value)


def _zsh_quoted(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


class _Answers(shell_completion.ShellComplete):
    """Answers for one shell; its script stays Typer's."""

    def source_vars(self) -> dict[str, str]:
        return {}

    def source(self) -> str:
        return script(self.name)


class BashComplete(_Answers):
    """Click's bash protocol (``COMP_WORDS``, ``COMP_CWORD``), answering with quoted words."""

    name = "bash"

    def get_completion_args(self) -> tuple[list[str], str]:
        words = shell_completion.split_arg_string(os.environ["COMP_WORDS"])
        current = int(os.environ["COMP_CWORD"])
        return words[1:current], words[current] if current < len(words) else ""

    def _opening_quote(self) -> str:
        """The quote the word being completed starts with, if any. The script joins the words
        with newlines (its IFS), so the word is found as the user typed it."""
        raw = os.environ["COMP_WORDS"]
        words = raw.split("\n") if "\n" in raw else raw.split(" ")
        current = int(os.environ["COMP_CWORD"])
        word = words[current] if current < len(words) else ""
        return word[:1] if word[:1] in ("'", '"') else ""

    def format_completion(self, item: shell_completion.CompletionItem) -> str:
        return bash_word(str(item.value), self._opening_quote())


class ZshComplete(_Answers):
    """Typer's zsh protocol (``_TYPER_COMPLETE_ARGS``), answering with a call to ``_describe``
    that keeps relcli's matches, whatever their case."""

    name = "zsh"

    def get_completion_args(self) -> tuple[list[str], str]:
        line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
        args = shell_completion.split_arg_string(line)[1:]
        if args and not line.endswith(" "):
            return args[:-1], args[-1]
        return args, ""

    def format_completion(self, item: shell_completion.CompletionItem) -> str:
        entry = str(item.value).replace("\\", "\\\\").replace(":", "\\:")
        if item.help:
            entry += ":" + " ".join(str(item.help).split())
        return _zsh_quoted(entry)

    def complete(self) -> str:
        # The script runs `eval $(...)`: the answer is split on white space and joined again with
        # single spaces, so it is one line of commands whose quoted words hold no runs of spaces.
        args, incomplete = self.get_completion_args()
        entries = [self.format_completion(item) for item in self.get_completions(args, incomplete)]
        if not entries:
            return "_files"
        # relcli has matched already, ignoring case, which zsh's matchers cannot do beyond ASCII:
        # -U takes the values as they are, and replaces the word with them. For --option=value
        # Click completed only the value: -i keeps the --option= in front.
        keep = ""
        if incomplete.startswith("-") and "=" in incomplete:
            keep = " -i " + _zsh_quoted(incomplete.partition("=")[0] + "=")
        return (
            f"local -a relcli_values; relcli_values=({' '.join(entries)}); "
            f"_describe -t values value relcli_values -U{keep}"
        )


def register() -> None:
    """Answer completion requests with Typer's classes, and with the ones above where they
    differ. (Typer registers its own only when it adds its completion options; relcli has its
    own options, so it registers them itself.)"""
    typer.completion.completion_init()
    shell_completion.add_completion_class(BashComplete, BashComplete.name)
    shell_completion.add_completion_class(ZshComplete, ZshComplete.name)


def named(shell: str) -> str:
    """The shell to set completion up for: ``shell`` as named, or, if empty, the one relcli
    runs in."""
    if shell:
        if shell.lower() not in SHELLS:
            raise UsageProblem(f'no completion for a shell named "{shell}"; choose {_choices()}')
        return shell.lower()
    import shellingham

    try:
        detected = shellingham.detect_shell()[0].lower()
    except (shellingham.ShellDetectionFailure, RuntimeError):
        detected = ""
    if detected not in SHELLS:
        found = f" ({detected} has no completion)" if detected else ""
        raise UsageProblem(f"cannot tell which shell relcli runs in{found}; name {_choices()}")
    return detected


def _choices() -> str:
    return ", ".join(SHELLS[:-1]) + " or " + SHELLS[-1]


def script(shell: str) -> str:
    """The completion script for ``shell``, which must be one of ``SHELLS``."""
    return typer.completion.get_completion_script(
        prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell
    )


def install(shell: str) -> Path:
    """Install completion for ``shell`` in the user's start-up files, as Typer does; return the
    file written."""
    import subprocess

    try:
        return typer.completion.install(shell=shell, prog_name=PROG, complete_var=COMPLETE_VAR)[1]
    except subprocess.CalledProcessError:  # PowerShell is asked where its profile is
        raise WriteFailed(f"the {shell} profile", f"{shell} did not say where it is") from None
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and exc.filename == shell:
            raise WriteFailed(f"the {shell} profile", f"{shell} is not installed") from None
        raise WriteFailed(str(exc.filename or shell), exc.strerror or str(exc)) from None
