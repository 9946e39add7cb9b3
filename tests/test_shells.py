"""Shell completion: what relcli offers each shell, whatever the case typed.

The matching rules in-process, and the completion protocol through the installed ``relcli``
(what each shell's script receives).
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from relcli.completion import matching
from tests.conftest import MINI
from tests.test_installed import command, env

BUNDLED = "bundled"  # run against the bundled data


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


def offered(shell: str, line: str, data: str = str(MINI)) -> list[str]:
    """The values relcli offers ``shell`` for the end of ``line``."""
    return [line.split("\t")[0] for line in ask(shell, line, data).splitlines() if line]


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


# ---- the protocol, per shell --------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "fish"])  # zsh filters again, by case
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
