"""Shell completion end to end: values with spaces, case, and scripts for the shell named.

Three layers: the matching and quoting rules in-process; the completion protocol through the
installed ``relcli`` (what each shell's script receives); and real shells on a pseudo-terminal,
where a Tab is pressed and the shell then shows the arguments it would pass. The real-shell
tests are skipped for a shell that is not installed.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from relcli.cli.completion import matching
from relcli.cli.shells import bash_word
from tests.conftest import MINI
from tests.test_installed import command, env

BUNDLED = "bundled"  # run against the bundled data, where the treaty names of the issue are


def protocol_env(data: str = str(MINI), **extra: str) -> dict[str, str]:
    """The environment of a completion request: the data, and this session's cache."""
    if "RELCLI_CACHE_DIR" in os.environ:  # set for each test by conftest
        extra.setdefault("RELCLI_CACHE_DIR", os.environ["RELCLI_CACHE_DIR"])
    if data != BUNDLED:
        extra["RELCLI_DATA"] = data
    return env(**extra)


def ask(shell: str, line: str, data: str = str(MINI)) -> str:
    """relcli's answer to ``shell`` completing the end of ``line``, sent as its script sends it."""
    if shell == "bash":  # bash sends each word as typed, quotes and backslashes included
        words = re.findall(r"""(?:\\.|"[^"]*"?|'[^']*'?|[^\s\\"'])+""", line)
        words += [""] if line.endswith(" ") else []
        extra = {"COMP_WORDS": "\n".join(words), "COMP_CWORD": str(len(words) - 1)}
    else:
        extra = {"_TYPER_COMPLETE_ARGS": line, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    result = subprocess.run(
        command(),
        capture_output=True,
        text=True,
        timeout=60,
        env=protocol_env(data, _RELCLI_COMPLETE=f"complete_{shell}", **extra),
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout


def run_relcli(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command(), *args], capture_output=True, text=True, timeout=60, env=protocol_env(**extra)
    )


def offered(shell: str, line: str, data: str = str(MINI)) -> list[str]:
    """The values relcli offers ``shell`` for the end of ``line``, unquoted."""
    answer = ask(shell, line, data)
    if shell == "bash":  # one word per line, quoted for the command line
        return [shlex.split(word)[0] for word in answer.splitlines() if word]
    if shell == "zsh":  # eval'd: an array of 'value:description' entries, then _describe
        entries = re.search(r"relcli_values=\((.*?)\);", answer)
        assert entries, answer
        return [
            re.split(r"(?<!\\):", entry, maxsplit=1)[0].replace("\\:", ":").replace("\\\\", "\\")
            for entry in shlex.split(entries.group(1))
        ]
    return [line.split("\t")[0] for line in answer.splitlines() if line]


# ---- matching ---------------------------------------------------------------------------------

RECORDS = [
    (("INF", "INF Treaty", "Intermediate-Range Nuclear Forces Treaty"), "inf-treaty"),
    (("New START",), "new-start"),
    (("Cold War", "the Cold War"), "cold-war"),
    (("The reset", "Russian reset"), "reset"),
    (("Gorbachev", "Mikhail Gorbachev", "Gorbachev"), "mikhail-gorbachev"),
    (("Wartime alliance", "wartime alliance"), "wartime-alliance"),
]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("gorb", ["Gorbachev"]),
        ("GORB", ["Gorbachev"]),
        ("inf", ["INF", "INF Treaty"]),
        ("Inf", ["INF", "INF Treaty"]),  # capitals that fit nothing exactly: case is ignored
        ("I", ["INF", "INF Treaty", "Intermediate-Range Nuclear Forces Treaty"]),
        ("inf-", ["inf-treaty"]),  # an id, once no name fits
        ("new", ["New START"]),
        ("cold", ["Cold War"]),
        ("the", ["the Cold War", "The reset"]),
        ("The", ["The reset"]),  # capitals prefer what they start exactly
        ("wart", ["Wartime alliance"]),  # one spelling per case-folded value
    ],
)
def test_matching_ignores_case_and_prefers_names(typed: str, expected: list[str]) -> None:
    assert matching(typed, RECORDS) == expected


def test_matching_passes_typers_prefix_check() -> None:
    """Typer drops a value unless value.startswith(typed): relcli's values pass it."""
    (found,) = matching("gorb", RECORDS)
    assert found.startswith("gorb") and found.startswith("GoRb") and not found.startswith("x")
    assert found == "Gorbachev" and f"{found}" == "Gorbachev"


# ---- quoting for bash ---------------------------------------------------------------------------

NAMES = [
    "Non-Proliferation Treaty",
    "Treaty of Commerce and Navigation (1832)",
    "Сергей Лавров",
    "O'Brien's \"deal\" $HOME `x` & *? [a] {b} ; | < > # ~ !",
    "plain-id",
]


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
@pytest.mark.parametrize("opened_with", ["", '"', "'"])
def test_bash_words_read_back_as_one_argument(opened_with: str) -> None:
    """A word as bash inserts it (the closing quote is bash's own) is one argument, unchanged."""
    words = [opened_with + bash_word(name, opened_with) + opened_with for name in NAMES]
    script = "printf '%s\\0' " + " ".join(words)
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script], capture_output=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().split("\0")[:-1] == NAMES


def test_bash_words_are_not_quoted_more_than_needed() -> None:
    assert bash_word("Non-Proliferation Treaty") == "Non-Proliferation\\ Treaty"
    assert bash_word("Non-Proliferation Treaty", '"') == "Non-Proliferation Treaty"
    assert bash_word("Сергей Лавров") == "Сергей\\ Лавров"
    assert bash_word("new-start") == "new-start"


# ---- the protocol, per shell --------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("relcli timeline --actor gorb", ["Gorbachev"]),
        ("relcli treaty inf", ["INF", "INF Treaty"]),
        ("relcli actor сер", ["Сергей Лавров"]),
        ("relcli timeline --during cold", ["Cold War"]),
        ("relcli timeline --tag ARMS", ["arms-control"]),
        ("relcli treaty new", ["New START"]),
    ],
)
def test_completion_ignores_case(shell: str, line: str, expected: list[str]) -> None:
    assert offered(shell, line) == expected


def test_bash_answer_is_quoted_for_the_word_being_completed() -> None:
    assert ask("bash", "relcli treaty Non", BUNDLED) == "Non-Proliferation\\ Treaty\n"
    assert ask("bash", 'relcli treaty "Non', BUNDLED) == "Non-Proliferation Treaty\n"
    assert ask("bash", "relcli treaty 'non", BUNDLED) == "Non-Proliferation Treaty\n"
    assert ask("bash", "relcli treaty Non-Proliferation\\ T", BUNDLED) == (
        "Non-Proliferation\\ Treaty\n"
    )


def test_zsh_answer_takes_relclis_matches_and_keeps_the_option_name() -> None:
    answer = ask("zsh", "relcli treaty inf")
    assert answer.rstrip().endswith("_describe -t values value relcli_values -U")
    assert offered("zsh", "relcli timeline --actor=gorb") == ["Gorbachev"]
    assert "-U -i '--actor='" in ask("zsh", "relcli timeline --actor=gorb")
    assert ask("zsh", "relcli --data ") == "_files\n"  # nothing to offer: the shell's own files


# ---- real shells --------------------------------------------------------------------------------

SETUP = {
    "bash": (
        ["bash", "--norc", "--noprofile", "-i"],
        "source {script}; args() {{ printf '<%s>' \"$@\"; echo; }}",
    ),
    "zsh": (
        ["zsh", "-f", "-i"],
        "bindkey -e; autoload -Uz compinit; compinit -u; source {script}; "
        "args() {{ printf '<%s>' \"$@\"; echo; }}",
    ),
    "fish": (
        ["fish", "--no-config", "-i"],
        "source {script}; function args; printf '<%s>' $argv; echo; end",
    ),
}


@pytest.fixture(scope="module")
def scripts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each shell's completion script, as ``relcli --show-completion SHELL`` prints it."""
    folder = tmp_path_factory.mktemp("scripts")
    paths = {}
    for shell in SETUP:
        paths[shell] = folder / f"relcli.{shell}"
        paths[shell].write_text(run_relcli("--show-completion", shell).stdout, encoding="utf-8")
    return paths


def in_real_shell(
    shell: str, keys: str, home: Path, scripts: dict[str, Path], data: str = str(MINI)
) -> list[str]:
    """Type ``keys`` into an interactive ``shell`` with relcli's completion loaded, then go to
    the start of the line and run it under ``args``: the arguments the line stands for."""
    script = scripts[shell]
    argv, setup = SETUP[shell]
    environment = protocol_env(
        data,
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        PATH=os.pathsep.join([str(Path(command()[0]).parent), os.environ.get("PATH", "")]),
        LC_ALL="C.UTF-8",
        TERM="xterm" if shell == "fish" else "dumb",
    )
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the shell
        os.execvpe(argv[0], argv, environment)
    output = b""

    def read_until(pattern: bytes) -> re.Match[bytes] | None:
        nonlocal output
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = re.search(pattern, output)
            if found:
                return found
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return None
                if not chunk:
                    return None
                output += chunk
        return None

    try:
        os.write(fd, setup.format(script=script).encode() + b"; printf 'RE''ADY\\n'\n")
        assert read_until(rb"READY\r?\n"), output.decode(errors="replace")
        # Typed ahead: each shell finishes the completion before it reads the next key.
        os.write(fd, keys.encode() + b"\x01args \r")  # Ctrl-A: to the start of the line
        line = read_until(rb"(<relcli>[^\r\n]*)\r?\n")
        assert line, output.decode(errors="replace")
        return re.findall(r"<([^<>]*)>", line.group(1).decode())
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


def needs(shell: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not shutil.which(shell), reason=f"{shell} is not installed")


REAL_SHELLS = [pytest.param(shell, marks=needs(shell)) for shell in ("bash", "zsh", "fish")]


@pytest.mark.parametrize("shell", REAL_SHELLS)
@pytest.mark.parametrize(
    "keys", ["relcli treaty Non\t", 'relcli treaty "Non\t', "relcli treaty 'non\t"]
)
def test_a_completed_name_with_spaces_is_one_argument(
    shell: str, keys: str, tmp_path: Path, scripts: dict[str, Path]
) -> None:
    args = in_real_shell(shell, keys, tmp_path, scripts, BUNDLED)
    assert args == ["relcli", "treaty", "Non-Proliferation Treaty"]
    shown = subprocess.run(
        [*command(), *args[1:], "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env=protocol_env(BUNDLED),
    )
    assert shown.returncode == 0, shown.stderr
    assert '"Treaty on the Non-Proliferation of Nuclear Weapons"' in shown.stdout


@pytest.mark.parametrize("shell", REAL_SHELLS)
@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("relcli timeline --actor gorb\t", ["relcli", "timeline", "--actor", "Gorbachev"]),
        ("relcli actor сер\t", ["relcli", "actor", "Сергей Лавров"]),
        ("relcli treaty inf\t", ["relcli", "treaty", "INF"]),
    ],
)
def test_real_shells_complete_whatever_the_case(
    shell: str, keys: str, expected: list[str], tmp_path: Path, scripts: dict[str, Path]
) -> None:
    if shell == "fish" and keys.endswith("inf\t"):
        keys += "\t"  # fish lists INF and INF Treaty, and inserts nothing until a second Tab
    assert in_real_shell(shell, keys, tmp_path, scripts) == expected


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
@pytest.mark.parametrize(
    ("word", "line"),
    [("Non", "relcli treaty {reply}"), ('"Non', 'relcli treaty "{reply}"')],
)
def test_bash_completion_function_fills_compreply(
    word: str, line: str, scripts: dict[str, Path]
) -> None:
    """The script's function, called as bash calls it: COMPREPLY holds one word which, put in the
    line (with the closing quote bash adds), bash reads back as the treaty's name."""
    program = (
        f"source {shlex.quote(str(scripts['bash']))}; COMP_WORDS=(relcli treaty "
        + shlex.quote(word)
        + "); COMP_CWORD=2; "
        "_relcli_completion relcli treaty; "
        'printf "%s\\n" "${#COMPREPLY[@]}"; '
        # eval: bash reads the line with the word inserted as if it had been typed
        'eval "set -- ' + line.replace('"', '\\"').format(reply="${COMPREPLY[0]}") + '"; '
        'printf "<%s>" "$@"'
    )
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
        env=protocol_env(
            BUNDLED,
            PATH=os.pathsep.join([str(Path(command()[0]).parent), os.environ.get("PATH", "")]),
        ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1\n<relcli><treaty><Non-Proliferation Treaty>"


# ---- --show-completion and --install-completion ---------------------------------------------------

MARKS = {
    "bash": "complete -o default -F _relcli_completion relcli",
    "zsh": "compdef _relcli_completion relcli",
    "fish": "complete --command relcli",
    "powershell": "Register-ArgumentCompleter -Native -CommandName relcli",
    "pwsh": "Register-ArgumentCompleter -Native -CommandName relcli",
}


@pytest.mark.parametrize("shell", list(MARKS))
def test_show_completion_prints_the_script_of_the_shell_named(shell: str) -> None:
    result = run_relcli("--show-completion", shell)
    assert (result.returncode, result.stderr) == (0, "")
    assert MARKS[shell] in result.stdout and "_RELCLI_COMPLETE" in result.stdout
    others = {MARKS[other] for other in MARKS if other != shell} - {MARKS[shell]}
    assert not any(mark in result.stdout for mark in others)


@pytest.mark.parametrize("shell", [pytest.param(s, marks=needs(s)) for s in ("bash", "zsh")])
def test_show_completion_alone_means_the_shell_in_use(shell: str) -> None:
    """Run from a shell (`; true` keeps the shell alive as relcli's parent), no shell named."""
    relcli = shlex.join(command())
    result = subprocess.run(
        [shell, "-c", f"{relcli} --show-completion; true"],
        capture_output=True,
        text=True,
        timeout=60,
        env=protocol_env(),
    )
    assert result.returncode == 0 and MARKS[shell] in result.stdout, result.stderr


FILES = {
    "bash": [".bash_completions/relcli.sh", ".bashrc"],
    "zsh": [".zfunc/_relcli", ".zshrc"],
    "fish": [".config/fish/completions/relcli.fish"],
}


@pytest.mark.parametrize("shell", list(FILES))
def test_install_completion_writes_the_files_of_the_shell_named(shell: str, tmp_path: Path) -> None:
    result = run_relcli("--install-completion", shell, HOME=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and f"{shell} completion installed in {tmp_path}" in result.stderr
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(FILES[shell])
    assert MARKS[shell] in (tmp_path / FILES[shell][0]).read_text(encoding="utf-8")


@pytest.mark.parametrize("option", ["--show-completion", "--install-completion"])
@pytest.mark.parametrize("name", ["tcsh", "zshh"])
def test_a_shell_without_completion_is_a_usage_error(
    option: str, name: str, tmp_path: Path
) -> None:
    result = run_relcli(option, name, HOME=str(tmp_path))
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("relcli: ") and "choose bash, zsh, fish, powershell or pwsh" in line
    assert not any(tmp_path.iterdir())


def _shell_in_use(monkeypatch: pytest.MonkeyPatch, name: str | None) -> None:
    import shellingham

    def detect_shell() -> tuple[str, str]:
        if name is None:
            raise shellingham.ShellDetectionFailure()
        return name, f"/bin/{name}"

    monkeypatch.setattr(shellingham, "detect_shell", detect_shell)


@pytest.mark.parametrize("shell", ["zsh", "fish", "bash"])
def test_no_shell_named_means_the_shell_in_use(  # type: ignore[no-untyped-def]
    relcli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, shell: str
) -> None:
    _shell_in_use(monkeypatch, shell)
    result = relcli("--show-completion")
    assert result.code == 0 and MARKS[shell] in result.out
    monkeypatch.setenv("HOME", str(tmp_path))
    result = relcli("--install-completion", "--data", str(MINI))
    assert result.code == 0 and (tmp_path / FILES[shell][0]).is_file()


@pytest.mark.parametrize(("in_use", "says"), [(None, ""), ("tcsh", " (tcsh has no completion)")])
def test_a_shell_that_cannot_be_told_must_be_named(  # type: ignore[no-untyped-def]
    relcli, monkeypatch: pytest.MonkeyPatch, in_use: str | None, says: str
) -> None:
    _shell_in_use(monkeypatch, in_use)
    result = relcli("--show-completion")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"relcli: cannot tell which shell relcli runs in{says}; "
        "name bash, zsh, fish, powershell or pwsh\n"
    )
